import type { Socket } from 'node:net';
import type { Deframer, Framing } from '../../codec';
import type { Answer, IndicationSink, Link } from './types';
import { STALE_GAP_MS } from './partial-frame';

/**
 * While a connection waits for its next turn it is still read, up to this many bytes buffered,
 * and paused past them: pausing and resuming the socket at every turn would cost more than the
 * turn, and the bytes a client may make the server hold stay bounded.
 */
const READ_AHEAD_BYTES = 64 * 1024;

/**
 * Corked answers are flushed once they reach this many bytes, and write()'s verdict is taken
 * then: while corked, write() returns false for the answers' own batch, not for a slow reader.
 */
const CORK_FLUSH_BYTES = 64 * 1024;

/** What one connection may cost the others: the listener's hardening settings, defaults filled in. */
export interface ConnectionLimits {
  /** Frames served from one connection before it yields to the others (item 6 of issue 13). */
  readonly framesPerTurn: number;
  /** Whether there are others to yield to: a connection alone on its listener never yields. */
  readonly crowded: () => boolean;
  /** Bytes of answers waiting to be sent past which the connection is dropped at once. */
  readonly maxWriteBuffer: number;
  /** ms a connection may stay unable to take its answers (or to finish closing) before it is dropped. */
  readonly stuckTimeout: number;
  /** ms a partial frame has to complete in. */
  readonly frameTimeout: number;
}

/**
 * One TCP client. Frames are handled as they arrive, so pipelined requests run concurrently;
 * MBAP answers go out as each is ready (the transaction id pairs them up), RTU over TCP answers
 * in request order because its frames carry no transaction id.
 *
 * One client must not hurt the others, so reading stops (`pause()`) while:
 * - its answers wait to be sent (`write()` returned false): reading goes on at 'drain', and a
 *   connection that stays stuck for `stuckTimeout` is dropped;
 * - it has had its turn and has READ_AHEAD_BYTES waiting: after `framesPerTurn` frames (when other
 *   connections are open) the rest waits for a `setImmediate`, so the others are served in between;
 * - it is closing after a bad MBAP header: what came before is answered, then the socket ends.
 * A partial frame that does not complete within `frameTimeout` closes the connection.
 */
export class TcpConnection {
  readonly link: Link;
  /** When the last complete request arrived (ms, monotonic), for closing the oldest idle connection. */
  lastActivity = performance.now();
  /** Requests whose answer is still being worked out by a route. */
  inFlight = 0;
  /** When bytes last arrived, for dropping a stale partial RTU frame. */
  private lastRx = 0;
  private readonly deframer: Deframer;
  private readonly ordered: boolean;
  /** RTU over TCP only: answers waiting for an earlier one, in request order. */
  private readonly queue: { answer: Answer | undefined }[] = [];
  /** One malformed stretch counts once, however many bytes the deframer drops to resynchronise. */
  private inError = false;
  /** Answers wait in the socket's buffer: reading stops until 'drain'. */
  private waitingDrain = false;
  /** This connection had its turn; the rest of its bytes wait for the next one. */
  private yielding = false;
  /** A bad header was seen: no more frames are read; the socket ends once the answers are out. */
  private closing = false;
  private ended = false;
  /** When the partial frame now buffered began (at the latest), or undefined when none is. */
  private partialAt: number | undefined;
  /** Answers are being gathered into one write (several frames in one chunk). */
  private corked = false;
  private frameTimer: NodeJS.Timeout | undefined;
  private stuckTimer: NodeJS.Timeout | undefined;
  private readonly onDrain = (): void => this.drained();

  constructor(
    readonly socket: Socket,
    framing: Framing,
    private readonly sink: IndicationSink,
    private readonly limits: ConnectionLimits,
    role?: string,
  ) {
    this.deframer = framing.createDeframer('indication');
    this.ordered = framing.name === 'rtu';
    this.link = {
      framing,
      broadcast: framing.name === 'rtu',
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      ...(role !== undefined ? { role } : {}),
    };
  }

  /** Socket 'data': never throws. */
  onData(chunk: Buffer): void {
    if (this.closing) return;
    if (this.yielding) {
      // Read ahead while waiting for the next turn, within bounds.
      this.deframer.push(chunk);
      this.lastRx = performance.now();
      this.updateReading();
      return;
    }
    const now = performance.now();
    if (this.ordered && this.partialAt !== undefined && now - Math.max(this.lastRx, this.partialAt) > STALE_GAP_MS) {
      // RTU over TCP has no length field: a stale partial frame is dropped, as on a serial line.
      // Silence counts from when the server was last ready for more: while this connection had
      // paused itself (its answers unread, its turn over) the client could not send the rest.
      this.deframer.reset();
      this.partialAt = undefined;
      if (!this.inError) this.sink.onMalformed(new Error('partial RTU frame abandoned after silence'), this.link);
      this.inError = false;
    }
    this.lastRx = now;
    this.deframer.push(chunk);
    this.pump(now);
  }

  /** Socket 'close': stop every timer. */
  dispose(): void {
    clearTimeout(this.frameTimer);
    clearTimeout(this.stuckTimer);
    this.socket.off('drain', this.onDrain);
  }

  /** Serve the frames buffered, up to this connection's turn, unless it is held. Never throws. */
  private pump(now = performance.now()): void {
    const socket = this.socket;
    if (this.waitingDrain || this.yielding || this.closing || socket.destroyed) return;
    // Answers found in one chunk go out in one write; a chunk with one request (the usual case)
    // skips cork/uncork, which would route that single answer through the writable's buffer.
    let served = 0;
    try {
      for (;;) {
        if (served >= this.limits.framesPerTurn && this.deframer.buffered > 0 && this.limits.crowded()) {
          this.yieldTurn();
          break;
        }
        const r = this.deframer.next();
        if (r.type === 'incomplete') break;
        if (r.type === 'error') {
          if (!this.inError || r.fatal) this.sink.onMalformed(r.error, this.link);
          this.inError = true;
          if (r.fatal) {
            this.closeAfterAnswers();
            break;
          }
          continue;
        }
        this.inError = false;
        served++;
        this.lastActivity = now;
        this.partialAt = undefined;
        if (!this.corked && this.deframer.buffered > 0) {
          socket.cork();
          this.corked = true;
        }
        this.dispatch(this.sink.handleFrame(r.frame, this.link));
        if (this.corked && socket.writableLength >= CORK_FLUSH_BYTES) this.uncork();
        if (this.waitingDrain || this.closing || socket.destroyed) break;
      }
    } catch (err) {
      this.sink.onMalformed(err, this.link);
      socket.destroy();
    } finally {
      if (this.corked) this.uncork();
    }
    if (this.closing) this.endWhenAnswered();
    else this.watchPartial(now);
  }

  /** Send the corked answers; a socket that then still needs to drain is backpressure. */
  private uncork(): void {
    this.corked = false;
    this.socket.uncork();
    if (this.socket.writableNeedDrain) this.backpressure();
  }

  /** Let the other connections be read before this one goes on. */
  private yieldTurn(): void {
    this.yielding = true;
    this.updateReading();
    // eslint-disable-next-line no-restricted-syntax -- fairness (issue 13): only frames past this connection's turn wait here
    setImmediate(() => {
      this.yielding = false;
      this.updateReading();
      this.pump();
    });
  }

  /** Read while nothing holds this connection; stop reading (and let TCP push back) otherwise. */
  private updateReading(): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (this.waitingDrain || this.closing || (this.yielding && this.deframer.buffered >= READ_AHEAD_BYTES)) {
      if (!socket.isPaused()) socket.pause();
    } else if (socket.isPaused()) {
      socket.resume();
    }
  }

  /**
   * The partial frame deadline. Bytes of a frame that do not complete in time (a slowloris
   * sending one byte now and then, which an idle timeout never catches) close the connection.
   * Only bytes left over after serving count: frames held back by this connection's own pauses
   * are not the client's fault.
   */
  private watchPartial(now: number): void {
    if (this.deframer.buffered === 0 || this.waitingDrain || this.yielding) {
      this.partialAt = undefined;
      return;
    }
    this.partialAt ??= now;
    if (this.frameTimer === undefined) this.armFrameTimer(this.limits.frameTimeout);
  }

  private armFrameTimer(ms: number): void {
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      const since = this.partialAt;
      if (since === undefined || this.closing || this.socket.destroyed) return;
      const left = this.limits.frameTimeout - (performance.now() - since);
      // Timers may fire up to 1 ms early against performance.now().
      if (left > 1) {
        this.armFrameTimer(Math.ceil(left));
        return;
      }
      this.deframer.reset();
      this.sink.onMalformed(new Error(`partial frame not completed within ${this.limits.frameTimeout} ms`), this.link);
      this.sink.onConnectionDropped('frame-timeout');
      this.socket.destroy();
    }, ms);
  }

  private dispatch(result: Answer | Promise<Answer>): void {
    if (!(result instanceof Promise)) {
      if (this.ordered && this.queue.length > 0) this.queue.push({ answer: result });
      else if (result) this.send(result);
      return;
    }
    this.inFlight++;
    const slot: { answer: Answer | undefined } = { answer: undefined };
    if (this.ordered) this.queue.push(slot);
    result.then((answer) => {
      this.inFlight--;
      this.lastActivity = performance.now();
      if (!this.ordered) {
        if (answer) this.send(answer);
      } else {
        slot.answer = answer;
        this.flush();
      }
      if (this.closing) this.endWhenAnswered();
    }, () => { this.inFlight--; });
  }

  /** RTU over TCP: send every answer at the head of the queue that is ready. */
  private flush(): void {
    while (this.queue.length > 0 && this.queue[0].answer !== undefined) {
      const a = this.queue.shift()?.answer;
      if (a) this.send(a);
    }
  }

  private send(adu: Buffer): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    if (!socket.write(adu) && !this.corked) this.backpressure();
  }

  /**
   * write() said the socket's buffer is full: the client is not reading its answers (or not fast
   * enough). Stop reading it until 'drain', so it cannot make the server hold more; past
   * `maxWriteBuffer` bytes, or still stuck after `stuckTimeout`, it is dropped.
   */
  private backpressure(): void {
    const socket = this.socket;
    if (socket.writableLength > this.limits.maxWriteBuffer) {
      this.drop();
      return;
    }
    if (this.waitingDrain) return;
    this.waitingDrain = true;
    this.updateReading();
    socket.once('drain', this.onDrain);
    clearTimeout(this.stuckTimer);
    this.stuckTimer = setTimeout(() => {
      this.stuckTimer = undefined;
      if (this.waitingDrain) this.drop();
    }, this.limits.stuckTimeout);
  }

  private drained(): void {
    this.waitingDrain = false;
    clearTimeout(this.stuckTimer);
    this.stuckTimer = undefined;
    if (this.closing) return;
    this.updateReading();
    this.pump();
  }

  private drop(): void {
    if (this.socket.destroyed) return;
    this.sink.onConnectionDropped('stuck');
    this.socket.destroy();
  }

  /**
   * A header that cannot be Modbus: nothing after it can be trusted to start on a frame boundary
   * (TCP implementation guide), so the connection closes, but only after the valid requests
   * before it (in the same segment, or still with a route) have their answers on the wire.
   */
  private closeAfterAnswers(): void {
    this.closing = true;
    this.deframer.reset();
    this.partialAt = undefined;
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    this.updateReading();
    clearTimeout(this.stuckTimer);
    // end() waits for the peer to take the answers; one that never does is dropped.
    this.stuckTimer = setTimeout(() => this.socket.destroy(), this.limits.stuckTimeout);
  }

  private endWhenAnswered(): void {
    if (this.ended || this.inFlight > 0 || this.socket.destroyed) return;
    this.ended = true;
    this.socket.end();
  }
}
