import { connect, type Socket } from 'node:net';
import {
  decodeResponse, encodeRequestAdu, mbap, type ExceptionResponse, type Framing, type ModbusRequest, type ModbusResponse,
} from '../../src/codec';
import { ModbusServer } from '../../src/server';
import type { ServerOptions } from '../../src/server';

/** A started TCP server on 127.0.0.1 and its port. */
export async function startTcpServer(
  options: ServerOptions = {},
  listen: { maxConnections?: number; connectionPolicy?: 'refuse' | 'close-oldest-idle'; idleTimeout?: number; type?: 'tcp' | 'rtu-tcp' } = {},
): Promise<{ server: ModbusServer; port: number }> {
  const server = new ModbusServer(options);
  const { type = 'tcp', ...rest } = listen;
  const a = await server.listen({ type, host: '127.0.0.1', port: 0, ...rest });
  return { server, port: a.port ?? 0 };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A raw client we control byte by byte: it sends what it is given (well-formed or not) and keeps
 * every ADU that comes back, so tests see exactly what the server put on the wire.
 */
export class RawClient {
  readonly received: Buffer[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private tid = 0;

  private constructor(readonly socket: Socket, readonly framing: Framing) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.split();
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(port: number, framing: Framing = mbap): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.off('error', reject);
        resolve(new RawClient(s, framing));
      });
      s.once('error', reject);
    });
  }

  /** MBAP only: cut whole ADUs by the length field. RTU tests read `rawBytes` instead. */
  private split(): void {
    if (this.framing !== mbap) return;
    while (this.buf.length >= 7) {
      const total = 6 + this.buf.readUInt16BE(4);
      if (this.buf.length < total) return;
      this.received.push(this.buf.subarray(0, total));
      this.buf = this.buf.subarray(total);
    }
  }

  /** Everything received but not cut into MBAP ADUs (RTU over TCP). */
  get rawBytes(): Buffer {
    return this.buf;
  }

  write(bytes: Buffer | number[]): void {
    this.socket.write(Buffer.from(bytes));
  }

  /** Wait until `pred` holds, or `ms` pass; true when it held. */
  async waitFor(pred: () => boolean, ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) return pred();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  /** Send one request and wait for the ADU with its transaction id. */
  async request(unitId: number, req: ModbusRequest, tid = (this.tid = (this.tid + 1) & 0xffff)): Promise<ModbusResponse | ExceptionResponse> {
    this.write(encodeRequestAdu(mbap, unitId, tid, req));
    const adu = await this.frameFor(tid);
    if (!adu) throw new Error(`no answer for transaction ${tid}`);
    return decodeResponse(adu, 7, adu.length, req);
  }

  /** The ADU answering `tid`, or undefined after `ms`. */
  async frameFor(tid: number, ms = 2000): Promise<Buffer | undefined> {
    const find = (): Buffer | undefined => this.received.find((b) => b.readUInt16BE(0) === tid);
    await this.waitFor(() => find() !== undefined, ms);
    return find();
  }

  /** The PDU bytes answering `tid`, or undefined after `ms`. */
  async pduFor(tid: number, ms = 2000): Promise<number[] | undefined> {
    const f = await this.frameFor(tid, ms);
    return f && [...f.subarray(7)];
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Asserts nothing but expects an exception response and returns its code, for terse tests. */
export function exceptionCodeOf(res: ModbusResponse | ExceptionResponse): number | undefined {
  return 'exception' in res ? res.exceptionCode : undefined;
}
