import { SerialPort } from 'serialport';
import { rtu, type Deframer } from '../../codec';
import { CommDiagnostics } from '../diagnostics';
import type { Answer, FrameSink, Link, ServerListener } from '../link';
import type { ServerListenOptions } from '../types';
import { Backoff } from '../../transport/backoff';
import { rtuInterFrameDelay } from '../../transport/serial';
import { STALE_GAP_MS } from './rtu-timing';

type SerialOptions = Extract<ServerListenOptions, { type: 'rtu' }>;

/** Backoff between attempts to open a lost line again: from half a second up to ten. */
const REOPEN_MIN_MS = 500;
const REOPEN_MAX_MS = 10_000;

/**
 * RTU on a serial line: one request at a time, bad CRCs and other unit ids silent, unit 0 a
 * broadcast. An answer waits until the line has been quiet for t3.5 since the last byte received.
 */
export class SerialListener implements ServerListener {
  readonly address: { path: string };
  /** This line's FC 8 counters, event log and listen-only mode: one line's state, no other's. */
  readonly diagnostics = new CommDiagnostics();
  private readonly port: SerialPort;
  private readonly deframer: Deframer = rtu.createDeframer('indication');
  private readonly link: Link;
  private readonly t35: number;
  /** Silence after which a partial frame is dropped: STALE_GAP_MS, longer at very low baud rates. */
  private readonly staleGap: number;
  private lastRx = 0;
  /** Frames received so far: an answer for an older frame than the newest is stale. */
  private frameSeq = 0;
  private inError = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private reopening: Promise<void> | undefined;
  private readonly reopenBackoff = new Backoff(REOPEN_MIN_MS, REOPEN_MAX_MS);

  constructor(private readonly sink: FrameSink, options: SerialOptions) {
    this.address = { path: options.path };
    this.link = { framing: rtu, broadcast: true, remote: { path: options.path }, diagnostics: this.diagnostics };
    this.t35 = rtuInterFrameDelay(options);
    this.staleGap = Math.max(STALE_GAP_MS, 4 * this.t35);
    this.port = new SerialPort({
      path: options.path, baudRate: options.baudRate, dataBits: options.dataBits ?? 8,
      parity: options.parity ?? 'none', stopBits: options.stopBits ?? 1, autoOpen: false,
    });
    // A line error must not crash the process: it is reported, and close() still works.
    this.port.on('error', (err: Error) => this.sink.onTransportError(err));
    this.port.on('data', (chunk: Buffer) => this.onData(chunk));
    // The line going away under us (an adapter unplugged) is reported, and opened again once it
    // is back: a server beside a PLC must not stay deaf until someone redeploys.
    this.port.on('close', (err?: Error | null) => {
      if (this.closed) return;
      const error = err ?? new Error(`serial line ${options.path} closed`);
      this.sink.onTransportError(error);
      this.sink.onLineState(options.path, 'lost', error);
      this.reopenBackoff.reset();
      this.scheduleReopen();
    });
  }

  private scheduleReopen(): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.closed) return;
      this.reopening = new Promise<void>((resolve) => {
        this.port.open((err) => {
          this.reopening = undefined;
          resolve();
          if (this.closed) return; // close() waited for this open and closes the port itself
          if (err) {
            this.scheduleReopen();
            return;
          }
          this.deframer.reset();
          this.inError = false;
          this.sink.onLineState(this.address.path, 'open');
        });
      });
    }, this.reopenBackoff.next());
    this.timers.add(t);
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => this.port.open((err) => (err ? reject(err) : resolve())));
  }

  /** Release the line at once; answers not yet sent are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // A reopen under way cannot be cancelled: let it finish, then close what it opened.
    await this.reopening;
    return new Promise((resolve) => {
      if (!this.port.isOpen) {
        resolve();
        return;
      }
      this.port.close(() => resolve());
    });
  }

  private onData(chunk: Buffer): void {
    const now = performance.now();
    try {
      if (this.deframer.buffered > 0 && now - this.lastRx > this.staleGap) {
        this.deframer.reset();
        if (!this.inError) this.sink.onMalformed(new Error('partial RTU frame abandoned after silence'), this.link);
        this.inError = false;
      }
      this.lastRx = now;
      this.deframer.push(chunk);
      for (;;) {
        const r = this.deframer.next();
        if (r.type === 'incomplete') break;
        if (r.type === 'error') {
          if (!this.inError) this.sink.onMalformed(r.error, this.link);
          this.inError = true;
          continue;
        }
        this.inError = false;
        const seq = ++this.frameSeq;
        const result = this.sink.handleFrame(r.frame, this.link);
        // An answer still waiting (for a route, or for the line to fall silent) when the master
        // has already sent its next frame would collide with that exchange on the bus: it is dropped.
        if (result instanceof Promise) result.then((a) => this.send(a, seq), () => undefined);
        else this.send(result, seq);
      }
    } catch (err) {
      this.deframer.reset();
      this.sink.onMalformed(err, this.link);
    }
  }

  /**
   * Send once the line has been silent for t3.5 since the last byte in. Node's timers count whole
   * ms of a loop clock that moves only when the loop wakes, so a timer may fire up to 1 ms early:
   * each firing checks the clock again rather than trusting it.
   */
  private send(adu: Answer, seq: number): void {
    if (!adu || this.closed || seq !== this.frameSeq) return;
    const wait = this.t35 - (performance.now() - this.lastRx);
    if (wait <= 0) {
      this.port.write(adu);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.send(adu, seq);
    }, Math.ceil(wait));
    this.timers.add(t);
  }
}
