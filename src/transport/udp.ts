import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { mbap } from '../codec';
import type { Connection, ConnectionHandlers, Medium } from './types';

class UdpConnection implements Connection {
  constructor(private readonly socket: dgram.Socket) {}

  write(data: Buffer): void {
    // A lost datagram is a timeout for the request, like any unanswered one.
    this.socket.send(data, () => {});
  }

  close(): Promise<void> {
    const s = this.socket;
    return new Promise((resolve) => {
      s.removeAllListeners();
      try {
        s.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}

/**
 * Modbus TCP's MBAP framing over UDP datagrams: one ADU per datagram, matched by transaction id.
 * "Connecting" binds an ephemeral local port and fixes the peer, so datagrams from anyone else
 * are filtered out by the kernel.
 */
export class UdpMedium implements Medium {
  readonly framing = mbap;
  readonly multiplexed = true;
  readonly datagram = true;
  readonly charTime = 0;
  readonly interFrameSilence = 0;
  readonly target: string;

  constructor(readonly host: string, readonly port: number) {
    this.target = `udp ${host}:${port}`;
  }

  open(handlers: ConnectionHandlers, signal: AbortSignal): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
      const fail = (err: Error): void => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners();
        try { socket.close(); } catch { /* never bound */ }
        reject(err);
      };
      const onAbort = (): void => fail(new Error('connect aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.connect(this.port, this.host, () => {
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
        socket.on('message', (msg: Buffer) => handlers.data(msg));
        // ICMP port unreachable and the like: the peer is not there, so the "link" is lost. A dgram
        // socket stays open after an error (a TCP socket would not), so it is closed here.
        socket.on('error', (err: Error) => {
          socket.removeAllListeners();
          try { socket.close(); } catch { /* already closed */ }
          handlers.lost(err);
        });
        resolve(new UdpConnection(socket));
      });
    });
  }
}
