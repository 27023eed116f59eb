/** The listening side of each medium: TCP accept, a serial line opened as a slave, UDP. */
import { ascii, rtu } from '../../codec';
import { createTlsServer } from '../tls';
import { SerialSlaveListener } from './serial-slave';
import { TcpAcceptListener, type SocketServerFactory } from './tcp-accept';
import type { IndicationSink, Listener, ListenOptions } from './types';
import { UdpListener } from './udp';

export * from './types';
export { TcpAcceptListener, TCP_DEFAULTS, type SocketServerFactory } from './tcp-accept';
export { SerialSlaveListener } from './serial-slave';
export { UdpListener, DEFAULT_MAX_PEERS } from './udp';
export { STALE_GAP_MS, ASCII_STALE_GAP_MS, staleGap } from './partial-frame';

/** A listener for `options`, not yet started. `makeServer` replaces plain TCP accept (TLS, say). */
export function createListener(options: ListenOptions, sink: IndicationSink, makeServer?: SocketServerFactory): Listener {
  switch (options.type) {
    case 'rtu': return new SerialSlaveListener(sink, options, rtu);
    case 'ascii': return new SerialSlaveListener(sink, options, ascii);
    case 'udp': return new UdpListener(sink, options);
    case 'tls': return new TcpAcceptListener(sink, options, makeServer ?? tlsAccept(options, sink));
    default: return new TcpAcceptListener(sink, options, makeServer);
  }
}

/** Modbus/TCP Security's accept: only verified clients are handed over; refusals go to the sink. */
function tlsAccept(options: Extract<ListenOptions, { type: 'tls' }>, sink: IndicationSink): SocketServerFactory {
  return (onSocket, admit) => createTlsServer(options.tls, onSocket, (err) => sink.onTlsRefused?.(err), admit);
}
