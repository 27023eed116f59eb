import { performance } from 'node:perf_hooks';
import {
  BROADCAST_FUNCTION_CODES, CodecError, ModbusExceptionError, WRITE_FUNCTION_CODES, decodeResponse, encodeRequest,
  type Deframer, type Frame, type Framing, type ModbusRequest,
} from '../codec';
import { ConnectError } from '../transport/errors';
import { Transport } from '../transport/transport';
import type { LinkState, Medium } from '../transport/types';
import {
  BroadcastReadError, ConnectionClosedError, ConnectionLostError, QueueFullError, RequestFlushedError, TimeoutError,
  UnitUnavailableError,
} from './errors';
import { createMedium } from './medium';
import { ModbusMethods } from './methods';
import { FairQueue, Pending } from './queue';
import type { ClientCounters, ClientOptions, ClientState, ConfirmationFor, ModbusClientApi, RequestOptions } from './types';

/** FC 23 writes, but it also reads, so a broadcast of it would wait for nothing: refused like reads. */
/** Transaction ids wrap at 0xFFFF; this many in flight at most, so a free id is always near. */
const MAX_IN_FLIGHT = 0x7fff;
const noop = (): void => {};

/**
 * The Modbus client (master). One link (TCP, RTU over TCP, UDP, RTU or ASCII on a serial port),
 * a bounded fair queue in front of it, and every request settling exactly once: with its
 * response, a ModbusExceptionError, or one of the errors in ./errors.
 *
 * On TCP and UDP requests carry transaction ids and up to `maxInFlight` are on the wire. On a
 * bus (RTU or ASCII on a serial line, RTU over TCP) one is: the client keeps the inter-frame
 * silence and the broadcast turnaround, and after a unit times out it does not ask that unit
 * again for one timeout, so a late answer cannot be mistaken for the next one (other units go meanwhile).
 *
 * Events: 'state' (state, error?) on every change, plus 'connecting', 'connected',
 * 'disconnected' (error?) and 'error' (error) at the same moments. 'error' is emitted only when
 * someone listens, so an unwatched client never throws from an event.
 */
export class ModbusClient extends ModbusMethods implements ModbusClientApi {
  private readonly transport: Transport;
  private readonly medium: Medium;
  private readonly framing: Framing;
  private deframer: Deframer;
  /** A bus (serial line, RTU over TCP) has one request in flight and no transaction ids. */
  private readonly bus: boolean;
  private readonly capacity: number;
  private readonly timeout: number;
  private readonly readRetries: number;
  private readonly writeRetries: number;
  private readonly queueLimit: number;
  private readonly turnaroundDelay: number;
  private readonly unitBackoff: { threshold: number; minDelay: number; maxDelay: number } | undefined;

  private readonly queue = new FairQueue();
  private readonly inFlight = new Map<number, Pending>();
  private nextTid = 0;
  /** Bus: performance.now() before which nothing may be sent (inter-frame silence, broadcast turnaround). */
  private readyAt = 0;
  private paceTimer: NodeJS.Timeout | undefined;
  /** When the armed pace timer is due (performance.now() ms). */
  private paceAt = Infinity;
  /**
   * One timer for every request on the wire, armed for the earliest deadline. A response does
   * not touch it: setting and clearing a timer per request cost a sixth of the sequential rate.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private deadlineAt = Infinity;
  private closed = false;
  private closing: Promise<void> | undefined;
  private everConnected = false;
  private readonly c: ClientCounters = {
    requests: 0, responses: 0, exceptions: 0, timeouts: 0, retries: 0, reconnects: 0, droppedFrames: 0, bytesIn: 0, bytesOut: 0, settled: 0, settleRepeats: 0,
  };

  // Bound once, so timers and events need no per-request closure.
  private readonly sweepBound = (): void => this.sweep();
  private readonly onDataBound = (chunk: Buffer): void => this.onData(chunk);
  private readonly onStateBound = (state: LinkState, error?: Error): void => this.onLinkState(state, error);
  private readonly paceBound = (): void => {
    this.paceTimer = undefined;
    this.pump();
  };

  /**
   * @param options Link and behaviour; see ClientOptions for defaults. `medium` replaces the one
   *   built from `options.transport` (tests, custom links).
   */
  constructor(options: ClientOptions, medium?: Medium) {
    super();
    this.medium = medium ?? createMedium(options.transport);
    this.framing = this.medium.framing;
    this.bus = !this.medium.multiplexed;
    this.capacity = this.bus ? 1 : Math.min(MAX_IN_FLIGHT, Math.max(1, Math.floor(options.maxInFlight ?? 1)));
    this.timeout = options.timeout !== undefined && options.timeout > 0 && Number.isFinite(options.timeout) ? options.timeout : 1000;
    this.readRetries = options.retries ?? 0;
    this.writeRetries = options.writeRetries ?? 0;
    this.queueLimit = options.queueLimit ?? 1000;
    this.turnaroundDelay = options.turnaroundDelay ?? 100;
    const ub = options.unitBackoff;
    this.unitBackoff = ub === false ? undefined : {
      threshold: Math.max(1, ub?.threshold ?? 3),
      minDelay: ub?.minDelay ?? 1000,
      maxDelay: Math.max(ub?.minDelay ?? 1000, ub?.maxDelay ?? 30_000),
    };
    this.deframer = this.framing.createDeframer('confirmation');
    this.transport = new Transport(this.medium, { reconnect: options.reconnect, connectTimeout: options.connectTimeout });
    this.transport.on('state', this.onStateBound);
    this.transport.on('data', this.onDataBound);
    if (options.connect === 'eager') this.transport.connect().catch(noop); // reported through 'state'
  }

  /** Link state; 'closed' after close(). */
  get state(): ClientState {
    return this.transport.state;
  }

  /** What the client talks to, for status lines and logs, e.g. `tcp 10.0.0.5:502`, `rtu /dev/ttyUSB0`. */
  get target(): string {
    return this.medium.target;
  }

  /** Requests waiting to be sent, and requests on the wire. */
  get pending(): { queued: number; inFlight: number } {
    return { queued: this.queue.size, inFlight: this.inFlight.size };
  }

  /** Open the link now (otherwise the first request does). Rejects with ConnectError. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionClosedError());
    return this.transport.connect();
  }

  /** A copy of the counters. */
  counters(): ClientCounters {
    return { ...this.c };
  }

  /**
   * Send one request to `unitId` and resolve with its typed response. Unit 0 broadcasts a
   * write and resolves with undefined once it is sent; a read to unit 0 is refused.
   */
  request<R extends ModbusRequest>(unitId: number, req: R, options?: RequestOptions): Promise<ConfirmationFor<R>> {
    if (this.closed) return Promise.reject(new ConnectionClosedError());
    if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) {
      return Promise.reject(new CodecError('limit', `unit id ${unitId} is not an integer in 0..255`));
    }
    if (unitId === 0 && !BROADCAST_FUNCTION_CODES.has(req.fc)) return Promise.reject(new BroadcastReadError(req.fc));
    if (this.queue.size >= this.queueLimit) return Promise.reject(new QueueFullError(this.queueLimit));
    const t = this.transport;
    // Backing off after a failed attempt: say so now rather than queue behind a link that is not there.
    if (t.failing && t.state === 'disconnected') return Promise.reject(this.connectError(t.lastError));
    let adu: Buffer;
    try {
      adu = encodeRequest(req, this.framing.headerLength, this.framing.trailerLength);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const t0 = options?.timeout;
    // A timeout that is not a positive number would fire at once (or never): fall back to the client's.
    const timeout = t0 !== undefined && t0 > 0 && Number.isFinite(t0) ? t0 : this.timeout;
    const retries = options?.retries ?? (WRITE_FUNCTION_CODES.has(req.fc) ? this.writeRetries : this.readRetries);
    const unit = this.queue.unit(unitId);
    this.c.requests++;
    return new Promise<ConfirmationFor<R>>((resolve, reject) => {
      this.queue.push(new Pending(unit, req, adu, timeout, retries, resolve, reject));
      if (t.state === 'connected') this.pump();
      else if (t.state === 'idle') t.connect().catch(noop); // a failure rejects the queue through onLinkState
    });
  }

  /** Reject every request still waiting to be sent with RequestFlushedError; returns how many. Requests on the wire keep going. */
  flush(): number {
    const drained = this.queue.drain();
    for (const p of drained) this.settle(p, new RequestFlushedError());
    return drained.length;
  }

  /** End every pending request with ConnectionClosedError and release every handle, within ~2 s. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    if (this.paceTimer) clearTimeout(this.paceTimer);
    this.paceTimer = undefined;
    this.disarmDeadline();
    this.failInFlight(() => new ConnectionClosedError());
    for (const p of this.queue.drain()) this.settle(p, new ConnectionClosedError());
    this.closing = this.transport.close().then(() => {
      this.transport.off('state', this.onStateBound);
      this.transport.off('data', this.onDataBound);
      this.deframer.reset();
    });
    return this.closing;
  }

  // ---- the send side ----

  /** Send while there is room on the link and work in the queue. */
  private pump(): void {
    if (this.transport.state !== 'connected' || this.closed) return;
    while (this.inFlight.size < this.capacity && this.queue.size > 0) {
      let p: Pending | undefined;
      if (this.bus) {
        const now = performance.now();
        let wait = this.readyAt - now;
        if (wait <= 0) {
          p = this.queue.shift(now);
          if (!p) wait = this.queue.nextQuietEnd() - now; // only units just timed out have work
        }
        if (!p) {
          // Fractions of a ms round up: sending early would break the frame apart on the line.
          // A timer armed for a later moment (a unit's quiet spell) gives way to an earlier one.
          const at = now + wait;
          if (this.paceTimer && at < this.paceAt) {
            clearTimeout(this.paceTimer);
            this.paceTimer = undefined;
          }
          if (!this.paceTimer) {
            this.paceAt = at;
            this.paceTimer = setTimeout(this.paceBound, Math.max(1, Math.ceil(wait)));
          }
          return;
        }
      } else {
        p = this.queue.shift() as Pending;
      }
      const u = p.unit;
      if (u.backoffUntil > 0) {
        const left = u.backoffUntil - performance.now();
        if (left > 0) {
          this.settle(p, new UnitUnavailableError(u.unitId, left));
          continue;
        }
        // Backoff over: this request is the probe; its answer (or another timeout) decides.
      }
      this.send(p);
    }
  }

  private send(p: Pending): void {
    const unitId = p.unit.unitId;
    let tid = 0;
    if (!this.bus) {
      tid = this.nextTid;
      do tid = (tid + 1) & 0xffff; while (this.inFlight.has(tid));
      this.nextTid = tid;
    } else if (this.deframer.buffered > 0) {
      // Whatever is buffered came before this request, so it cannot be its response.
      this.deframer.reset();
      this.c.droppedFrames++;
    }
    const wire = this.framing.seal(p.adu, unitId, tid);
    p.tid = tid;
    this.c.bytesOut += wire.length;
    // Nothing else on the wire: a sequential poll, where batching with later writes buys nothing.
    this.transport.write(wire, this.inFlight.size === 0);
    // On a serial line the request itself takes time to go out; the timeout starts after it.
    const txTime = wire.length * this.medium.charTime;
    if (unitId === 0) {
      if (this.bus) this.readyAt = performance.now() + txTime + this.turnaroundDelay;
      this.settle(p, undefined, undefined);
      return;
    }
    this.inFlight.set(tid, p);
    p.deadline = performance.now() + p.timeout + Math.ceil(txTime);
    if (p.deadline < this.deadlineAt) this.armDeadline(p.deadline);
  }

  private armDeadline(at: number): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    // Unref'd: the open link keeps the process alive while requests are out, not this timer.
    this.deadlineTimer = setTimeout(this.sweepBound, Math.max(1, Math.ceil(at - performance.now()))).unref();
  }

  private disarmDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
  }

  /** Time out every request past its deadline, then wait for the next earliest one. */
  private sweep(): void {
    this.deadlineTimer = undefined;
    this.deadlineAt = Infinity;
    const now = performance.now();
    let expired: Pending[] | undefined;
    for (const p of this.inFlight.values()) if (p.deadline <= now) (expired ??= []).push(p);
    if (expired) for (const p of expired) this.onTimeout(p);
    let next = Infinity;
    for (const p of this.inFlight.values()) if (p.deadline < next) next = p.deadline;
    if (next < this.deadlineAt) this.armDeadline(next);
  }

  // ---- the receive side ----

  private onData(chunk: Buffer): void {
    this.c.bytesIn += chunk.length;
    if (this.bus) {
      // Bytes on the line, answered or not (a late answer, another master's traffic): the next
      // request waits for t3.5 of silence after the last of them, not after the last response.
      const quietAt = performance.now() + this.medium.interFrameSilence;
      if (quietAt > this.readyAt) this.readyAt = quietAt;
    }
    const d = this.deframer;
    d.push(chunk);
    let inGarbage = false;
    for (;;) {
      const r = d.next();
      if (r.type === 'incomplete') return;
      if (r.type === 'frame') {
        inGarbage = false;
        this.onFrame(r.frame);
        continue;
      }
      // One run of garbage counts once, however many bytes the deframer drops to resynchronise.
      if (!inGarbage) this.c.droppedFrames++;
      inGarbage = true;
      if (r.fatal) {
        if (this.medium.datagram) {
          d.reset();
          return;
        }
        this.transport.drop(r.error);
        return;
      }
    }
  }

  private onFrame(f: Frame): void {
    const p = this.inFlight.get(f.transactionId);
    // Unknown transaction id (late, after its timeout), or another unit's answer: never hand it to someone else.
    if (!p || p.unit.unitId !== f.unitId) {
      this.c.droppedFrames++;
      return;
    }
    let res;
    try {
      res = decodeResponse(f.data, f.start, f.end, p.req);
    } catch (e) {
      // On a bus, a response for another function code is most likely a late answer to an
      // earlier request of the same unit: drop it and keep waiting. With transaction ids it is ours.
      if (this.bus && e instanceof CodecError && e.reason === 'mismatch') {
        this.c.droppedFrames++;
        return;
      }
      this.leaveWire(p);
      this.settle(p, e as Error);
      this.pump();
      return;
    }
    this.leaveWire(p);
    this.c.responses++;
    const u = p.unit;
    u.consecutiveTimeouts = 0;
    u.backoffUntil = 0;
    u.backoffDelay = 0;
    if ('exception' in res) {
      this.c.exceptions++;
      this.settle(p, new ModbusExceptionError(res.fc, res.exceptionCode));
    } else {
      this.settle(p, undefined, res);
    }
    this.pump();
  }

  private onTimeout(p: Pending): void {
    if (this.inFlight.get(p.tid) !== p) return;
    this.leaveWire(p);
    this.c.timeouts++;
    const u = p.unit;
    u.consecutiveTimeouts++;
    if (this.bus) u.quietUntil = performance.now() + p.timeout;
    const ub = this.unitBackoff;
    let backedOff = false;
    if (ub && u.consecutiveTimeouts >= ub.threshold) {
      u.backoffDelay = u.backoffDelay === 0 ? ub.minDelay : Math.min(ub.maxDelay, u.backoffDelay * 2);
      u.backoffUntil = performance.now() + u.backoffDelay;
      backedOff = true;
    }
    if (p.retriesLeft > 0 && !backedOff) {
      p.retriesLeft--;
      this.c.retries++;
      this.queue.unshift(p);
    } else {
      this.settle(p, new TimeoutError(u.unitId, p.req.fc, p.timeout));
    }
    this.pump();
  }

  /** Take a request off the wire (response, timeout): the link has room again. */
  private leaveWire(p: Pending): void {
    this.inFlight.delete(p.tid);
    if (this.bus) this.readyAt = performance.now() + this.medium.interFrameSilence;
  }

  // ---- the link ----

  private onLinkState(state: LinkState, error?: Error): void {
    switch (state) {
      case 'connecting':
        break;
      case 'connected':
        this.deframer.reset();
        this.readyAt = 0;
        if (this.everConnected) this.c.reconnects++;
        this.everConnected = true;
        break;
      case 'disconnected': {
        const lost = error ?? new Error('link lost');
        // On the wire when the link went: each gets exactly one error, now.
        this.failInFlight(() => new ConnectionLostError(lost));
        if (this.transport.failing) {
          // The attempt failed: nothing queued can be sent soon, so do not keep it waiting.
          for (const p of this.queue.drain()) this.settle(p, this.connectError(lost));
        }
        this.deframer.reset();
        break;
      }
      case 'closed':
      case 'idle':
        break;
    }
    this.emit('state', state, error);
    if (state === 'connecting' || state === 'connected') this.emit(state);
    else if (state === 'disconnected') {
      this.emit('disconnected', error);
      if (error && this.listenerCount('error') > 0) this.emit('error', error);
    }
    if (state === 'connected') this.pump();
  }

  /** Each request gets an error object of its own, so no caller can mutate another's. */
  private failInFlight(error: () => Error): void {
    if (this.inFlight.size === 0) return;
    const all = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const p of all) this.settle(p, error());
  }

  /** A fresh ConnectError for one request, carrying the underlying cause of the last failure. */
  private connectError(last: Error | undefined): ConnectError {
    const cause = last instanceof ConnectError && last.cause instanceof Error ? last.cause : last;
    return new ConnectError(this.medium.target, cause);
  }

  /** The one place a request settles. */
  private settle(p: Pending, error: Error | undefined, value?: unknown): void {
    if (p.settled) {
      this.c.settleRepeats++;
      return;
    }
    p.settled = true;
    this.c.settled++;
    if (error) p.reject(error);
    else p.resolve(value as never);
  }
}
