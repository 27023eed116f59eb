import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mbap, rtu } from '../../codec';
import type { FrameSink, ServerListener } from '../link';
import type { ServerListenOptions } from '../types';
import { TcpConnection } from './tcp-connection';

type TcpOptions = Extract<ServerListenOptions, { type: 'tcp' | 'rtu-tcp' }>;

/**
 * A TCP listener for Modbus TCP (MBAP) or RTU over TCP. Many clients at once, up to
 * `maxConnections`: past it, 'refuse' drops the newcomer and 'close-oldest-idle' closes the
 * connection idle longest to make room (TCP implementation guide, section 4.2.2).
 */
export class TcpListener implements ServerListener {
  address: { host?: string; port?: number } = {};
  private readonly server: Server;
  private readonly connections = new Set<TcpConnection>();

  constructor(private readonly sink: FrameSink, private readonly options: TcpOptions) {
    this.server = createServer({ noDelay: true }, (socket) => this.onConnection(socket));
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
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private onConnection(socket: Socket): void {
    socket.on('error', () => undefined); // resets are routine; 'close' follows
    const max = this.options.maxConnections;
    if (max !== undefined && max > 0 && this.connections.size >= max && !this.makeRoom()) {
      this.sink.onConnectionRefused();
      socket.destroy();
      return;
    }
    const framing = this.options.type === 'rtu-tcp' ? rtu : mbap;
    const conn = new TcpConnection(socket, framing, this.sink);
    this.connections.add(conn);
    this.sink.onConnectionOpened();
    socket.on('data', (chunk: Buffer) => conn.onData(chunk));
    socket.once('close', () => {
      this.connections.delete(conn);
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

  /** 'close-oldest-idle': close the connection quiet longest with nothing in flight. */
  private makeRoom(): boolean {
    if (this.options.connectionPolicy !== 'close-oldest-idle') return false;
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
