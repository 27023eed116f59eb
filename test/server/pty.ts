import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import {
  decodeResponse, encodeRequestAdu, rtu, type Deframer, type ExceptionResponse, type ModbusRequest, type ModbusResponse,
} from '../../src/codec';

/** A real pty pair from socat: `a` and `b` are the two ends' link paths. */
export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Start socat with two linked ptys and wait (bounded) until both links exist. Passing the `base`
 * of an earlier pair, once closed, brings the same paths back: an adapter plugged in again.
 */
export async function ptyPair(base = `/tmp/umodbus-srv-${process.pid}-${Date.now()}-${counter++}`): Promise<PtyPair & { base: string }> {
  const a = `${base}-a`;
  const b = `${base}-b`;
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('socat did not create the pty pair');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a, b, base,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A serial client we control byte by byte, decoding RTU confirmations with our codec. */
export class RawSerialClient {
  private readonly deframer: Deframer = rtu.createDeframer('confirmation');
  readonly frames: { unitId: number; pdu: Buffer; at: number }[] = [];
  bytes = 0;

  private constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.deframer.push(chunk);
      for (;;) {
        const r = this.deframer.next();
        if (r.type === 'incomplete') break;
        if (r.type === 'frame') this.frames.push({ unitId: r.frame.unitId, pdu: Buffer.from(r.frame.pdu), at: performance.now() });
      }
    });
  }

  static open(path: string, baudRate = 19200): Promise<RawSerialClient> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((err) => (err ? reject(err) : resolve(new RawSerialClient(port))));
    });
  }

  /** Write bytes and resolve once they have been handed to the line (drained). */
  write(bytes: Buffer | number[]): Promise<number> {
    return new Promise((resolve) => {
      this.port.write(Buffer.from(bytes));
      this.port.drain(() => resolve(performance.now()));
    });
  }

  /** Wait (bounded) for `n` frames in all. */
  async waitFrames(n: number, ms = 1000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.frames.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return this.frames.length >= n;
  }

  /** Send one request and decode the next frame; throws when nothing comes back in `ms`. */
  async request(unitId: number, req: ModbusRequest, ms = 1000): Promise<ModbusResponse | ExceptionResponse> {
    const before = this.frames.length;
    await this.write(encodeRequestAdu(rtu, unitId, 0, req));
    if (!(await this.waitFrames(before + 1, ms))) throw new Error(`no answer from unit ${unitId}`);
    const f = this.frames[before];
    return decodeResponse(f.pdu, 0, f.pdu.length, req);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}
