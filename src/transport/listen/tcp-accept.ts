import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mbap, rtu } from '../../codec';
import { destroyTlsConnections, peerRole } from '../tls';
import type { IndicationSink, Listener, ListenOptions } from './types';
import { TcpConnection, type ConnectionLimits } from './tcp-connection';

type TcpOptions = Extract<ListenOptions, { type: 'tcp' | 'rtu-tcp' | 'tls' }>;

/**
 * Makes the listening socket server and hands each accepted socket to `onSocket`. Plain TCP by
 * default; a TLS listener (Modbus/TCP Security) passes one that makes a tls.Server, whose
 * sockets are net.Sockets too, and gets every limit below unchanged. Such a factory should hand
 * over sockets once they are ready for Modbus (after the TLS handshake), and ask `admit` before
 * it starts work on a new one: `open` is how many sockets it holds already, handshaking or not,
 * so a flood of handshakes is bounded by maxConnections as connections are.
 */
export type SocketServerFactory = (onSocket: (socket: Socket) => void, admit: (open: number) => boolean) => Server;

const plainTcp: SocketServerFactory = (onSocket) => createServer({ noDelay: true }, onSocket);

/** The engine's defaults for a TCP listener: safe for a small device beside a PLC (see TcpListenSettings). */
export const TCP_DEFAULTS = {
  maxConnections: 256,
  connectionPolicy: 'close-oldest-idle',
  frameTimeout: 2000,
  stuckTimeout: 10_000,
  maxWriteBuffer: 128 * 1024,
  framesPerTurn: 256,
} as const;

/** A positive integer setting, or its default. */
function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * A TCP listener for Modbus TCP (MBAP) or RTU over TCP. Many clients at once, up to
 * `maxConnections` (default 256): past it, 'close-oldest-idle' (the default) closes the
 * connection idle longest to make room (TCP implementation guide, section 4.2.2) and 'refuse'
 * drops the newcomer. Each connection's limits are in TcpConnection.
 */
export class TcpAcceptListener implements Listener {
  address: { host?: string; port?: number } = {};
  private readonly server: Server;
  private readonly connections = new Set<TcpConnection>();
  private readonly limits: ConnectionLimits;
  private readonly maxConnections: number;
  private readonly policy: 'refuse' | 'close-oldest-idle';

  constructor(private readonly sink: IndicationSink, private readonly options: TcpOptions, makeServer: SocketServerFactory = plainTcp) {
    this.limits = {
      framesPerTurn: Math.floor(positive(options.framesPerTurn, TCP_DEFAULTS.framesPerTurn)),
      crowded: () => this.connections.size > 1,
      maxWriteBuffer: positive(options.maxWriteBuffer, TCP_DEFAULTS.maxWriteBuffer),
      stuckTimeout: positive(options.stuckTimeout, TCP_DEFAULTS.stuckTimeout),
      frameTimeout: positive(options.frameTimeout, TCP_DEFAULTS.frameTimeout),
    };
    this.maxConnections = positive(options.maxConnections, TCP_DEFAULTS.maxConnections);
    this.policy = options.connectionPolicy ?? TCP_DEFAULTS.connectionPolicy;
    this.server = makeServer((socket) => this.onConnection(socket), (open) => this.admit(open));
    // A listening error after start (rare) must not crash the process: it is reported.
    this.server.on('error', (err: Error) => {
      if (this.server.listening) this.sink.onTransportError(err);
    });
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        const a = this.server.address() as AddressInfo;
        this.address = { host: a.address, port: a.port };
        resolve();
      });
    });
  }

  /** Stop listening and destroy every connection, so the port can be bound again at once. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const c of this.connections) c.socket.destroy();
      destroyTlsConnections(this.server);
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  /**
   * Room for one more socket before its handshake, beside `open` (handshakes and connections).
   * Handshakes are bounded by maxConnections too, but never make room: a peer without a
   * certificate must not close a verified client's connection. A newcomer makes room once it is
   * verified, in onConnection.
   */
  private admit(open: number): boolean {
    const handshakes = open - this.connections.size;
    if (open < this.maxConnections || (this.policy === 'close-oldest-idle' && handshakes < this.maxConnections)) return true;
    this.sink.onConnectionRefused();
    return false;
  }

  private onConnection(socket: Socket): void {
    socket.on('error', () => undefined); // resets are routine; 'close' follows
    if (this.connections.size >= this.maxConnections && !this.makeRoom()) {
      this.sink.onConnectionRefused();
      socket.destroy();
      return;
    }
    const framing = this.options.type === 'rtu-tcp' ? rtu : mbap;
    const conn = new TcpConnection(socket, framing, this.sink, this.limits, peerRole(socket));
    this.connections.add(conn);
    this.sink.onConnectionOpened();
    socket.on('data', (chunk: Buffer) => conn.onData(chunk));
    socket.once('close', () => {
      this.connections.delete(conn);
      conn.dispose();
      this.sink.onConnectionClosed();
    });
    const idle = this.options.idleTimeout;
    if (idle !== undefined && idle > 0) {
      socket.setTimeout(idle, () => {
        // A route still working on a request keeps the connection; the next quiet spell closes it.
        if (conn.inFlight === 0) socket.destroy();
      });
    }
  }

  /**
   * 'close-oldest-idle': close the connection whose last complete request is oldest, with nothing
   * in flight. Bytes that never make a frame (a slowloris) do not count as activity.
   */
  private makeRoom(): boolean {
    if (this.policy !== 'close-oldest-idle') return false;
    let oldest: TcpConnection | undefined;
    for (const c of this.connections) {
      if (c.inFlight === 0 && (!oldest || c.lastActivity < oldest.lastActivity)) oldest = c;
    }
    if (!oldest) return false;
    this.connections.delete(oldest);
    oldest.socket.destroy();
    return true;
  }
}
