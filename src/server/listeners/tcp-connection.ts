import type { Socket } from 'node:net';
import type { Deframer, Framing } from '../../codec';
import type { Answer, FrameSink, Link } from '../link';
import { STALE_GAP_MS } from './rtu-timing';

/**
 * One TCP client. Frames are handled as they arrive, so pipelined requests run concurrently;
 * MBAP answers go out as each is ready (the transaction id pairs them up), RTU over TCP answers
 * in request order because its frames carry no transaction id.
 */
export class TcpConnection {
  readonly link: Link;
  /** When the last request arrived (ms, monotonic), for closing the oldest idle connection. */
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

  constructor(
    readonly socket: Socket,
    framing: Framing,
    private readonly sink: FrameSink,
  ) {
    this.deframer = framing.createDeframer('indication');
    this.ordered = framing.name === 'rtu';
    this.link = {
      framing,
      broadcast: framing.name === 'rtu',
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    };
  }

  /** Socket 'data': never throws. */
  onData(chunk: Buffer): void {
    const socket = this.socket;
    const now = performance.now();
    if (this.ordered && this.deframer.buffered > 0 && now - this.lastRx > STALE_GAP_MS) {
      // RTU over TCP has no length field: a stale partial frame is dropped, as on a serial line.
      this.deframer.reset();
      if (!this.inError) this.sink.onMalformed(new Error('partial RTU frame abandoned after silence'), this.link);
      this.inError = false;
    }
    this.lastActivity = this.lastRx = now;
    // Answers found in one chunk go out in one write; a chunk with one request (the usual case)
    // skips cork/uncork, which would route that single answer through the writable's buffer.
    let corked = false;
    try {
      this.deframer.push(chunk);
      for (;;) {
        const r = this.deframer.next();
        if (r.type === 'incomplete') break;
        if (r.type === 'error') {
          if (!this.inError || r.fatal) this.sink.onMalformed(r.error, this.link);
          this.inError = true;
          if (r.fatal) {
            socket.destroy();
            break;
          }
          continue;
        }
        this.inError = false;
        if (!corked && this.deframer.buffered > 0) {
          socket.cork();
          corked = true;
        }
        this.dispatch(this.sink.handleFrame(r.frame, this.link));
      }
    } catch (err) {
      this.sink.onMalformed(err, this.link);
      socket.destroy();
    } finally {
      if (corked) socket.uncork();
    }
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
        return;
      }
      slot.answer = answer;
      this.flush();
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
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(adu);
  }
}
