import type { Framing } from '../codec';

/** What a medium calls for one open connection. */
export interface ConnectionHandlers {
  data(chunk: Buffer): void;
  /** The connection ended by itself (peer closed, device gone, I/O error). */
  lost(error: Error): void;
}

/** One open link: bytes out, and a way to let go of every handle it holds. */
export interface Connection {
  /**
   * `alone`: the sender expects no other write this turn of the event loop (nothing else is on
   * the wire), so a stream may send at once instead of holding the bytes to batch them.
   */
  write(data: Buffer, alone?: boolean): void;
  /** Release the link; resolves within a bounded time (about a second), never rejects. */
  close(): Promise<void>;
}

/**
 * How to open links of one medium (TCP socket, serial port, UDP socket). Everything above the
 * medium knows the wire only through `framing`, and the bus timing only through these numbers.
 */
export interface Medium {
  readonly framing: Framing;
  /** Human-readable target for messages, e.g. `tcp 127.0.0.1:502`, `rtu /dev/ttyUSB0`. */
  readonly target: string;
  /** Responses carry transaction ids (MBAP), so several requests may be in flight. */
  readonly multiplexed: boolean;
  /** Messages arrive whole (datagrams): a framing error costs one datagram, not the stream. */
  readonly datagram: boolean;
  /** Serial line: ms one character takes on the wire (0 elsewhere). */
  readonly charTime: number;
  /** Serial line: ms of silence required before a frame (0 elsewhere). */
  readonly interFrameSilence: number;
  /** Open one link. Rejects on failure; gives up (rejects) soon after `signal` aborts. */
  open(handlers: ConnectionHandlers, signal: AbortSignal): Promise<Connection>;
}

/** Link state, as the client reports it. */
export type LinkState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';
