import { ascii, rtu, type Deframer } from '../../codec';
import { ConnectError } from '../errors';
import { SerialMedium, type SerialSettings } from '../serial';
import { Transport } from '../transport';
import type { LinkState } from '../types';
import type { Answer, IndicationSink, Link, Listener } from './types';
import { staleGap } from './partial-frame';

/** Backoff between attempts to open a lost line again: from half a second up to ten. */
const REOPEN_MIN_MS = 500;
const REOPEN_MAX_MS = 10_000;

/**
 * A serial line opened as a slave, RTU or ASCII: one request at a time, bad checksums and other
 * unit ids silent, unit 0 a broadcast. The line is the client's own Transport over a SerialMedium
 * (the same port setup, bounded close, and reopen with backoff when it goes away). On RTU an
 * answer waits until the line has been quiet for t3.5 since the last byte received; ASCII frames
 * are delimited, so they need no silence.
 */
export class SerialSlaveListener implements Listener {
  readonly address: { path: string };
  readonly link: Link;
  private readonly medium: SerialMedium;
  private readonly transport: Transport;
  private readonly deframer: Deframer;
  private readonly t35: number;
  /** Silence after which a partial frame is dropped (see staleGap). */
  private readonly staleGap: number;
  private lastRx = 0;
  /** Frames received so far: an answer for an older frame than the newest is stale. */
  private frameSeq = 0;
  private inError = false;
  private started = false;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly sink: IndicationSink, settings: SerialSettings, framing: typeof rtu | typeof ascii = rtu) {
    this.address = { path: settings.path };
    this.link = { framing, broadcast: true, remote: { path: settings.path }, line: true };
    this.medium = new SerialMedium(settings, framing);
    this.t35 = this.medium.interFrameSilence;
    this.staleGap = staleGap(framing === ascii ? 'ascii' : 'rtu', this.t35);
    this.deframer = framing.createDeframer('indication');
    this.transport = new Transport(this.medium, { reconnect: { minDelay: REOPEN_MIN_MS, maxDelay: REOPEN_MAX_MS } });
    this.transport.on('data', (chunk: Buffer) => this.onData(chunk));
    this.transport.on('state', (state: LinkState, error?: Error) => this.onState(state, error));
  }

  /** Open the line; rejects with the port's own error (no such file, permission denied). */
  async start(): Promise<void> {
    try {
      await this.transport.connect();
    } catch (err) {
      // The first open failing is the caller's to retry (or not): no reopening behind its back.
      await this.transport.close();
      throw err instanceof ConnectError && err.cause instanceof Error ? err.cause : err;
    }
    this.started = true;
  }

  /** Release the line, within a bounded time; answers not yet sent are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.transport.close();
  }

  /**
   * The line going away under us (an adapter unplugged) is reported, and the transport opens it
   * again once it is back: a server beside a PLC must not stay deaf until someone redeploys.
   */
  private onState(state: LinkState, error?: Error): void {
    if (!this.started || this.closed) return;
    const path = this.address.path;
    if (state === 'disconnected' && error && !(error instanceof ConnectError)) {
      this.sink.onTransportError(error);
      this.sink.onLineState(path, 'lost', error);
    } else if (state === 'connected') {
      this.deframer.reset();
      this.inError = false;
      this.sink.onLineState(path, 'open');
    }
  }

  private onData(chunk: Buffer): void {
    const now = performance.now();
    try {
      if (this.deframer.buffered > 0 && now - this.lastRx > this.staleGap) {
        this.deframer.reset();
        if (!this.inError) this.sink.onMalformed(new Error(`partial ${this.link.framing.name.toUpperCase()} frame abandoned after silence`), this.link);
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
      this.transport.write(adu);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.send(adu, seq);
    }, Math.ceil(wait));
    this.timers.add(t);
  }
}
