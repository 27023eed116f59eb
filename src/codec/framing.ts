import type { CodecError } from './errors';

/** One ADU taken apart: the unit id, the MBAP transaction id (0 on serial lines) and the PDU. */
export interface Frame {
  unitId: number;
  transactionId: number;
  /** A view into the received bytes: copy it before the next push if you keep it. */
  pdu: Buffer;
}

/** What a deframer has found in the bytes pushed so far. Never an ambiguous null. */
export type DeframeResult =
  | { readonly type: 'incomplete' }
  | { readonly type: 'frame'; readonly frame: Frame }
  /** `dropped` bytes were discarded; for `fatal` errors the stream cannot be trusted and should be closed. */
  | { readonly type: 'error'; readonly error: CodecError; readonly dropped: number; readonly fatal: boolean };

export const INCOMPLETE: DeframeResult = Object.freeze({ type: 'incomplete' });

/**
 * Who is receiving: a server receives indications (requests), a client receives confirmations
 * (responses). On RTU the two have different length rules for the same function code.
 */
export type Role = 'indication' | 'confirmation';

/**
 * A streaming deframer. Push each chunk as it arrives, then call next() until it answers
 * `incomplete`. It never holds more than one ADU's worth of unparsed bytes after that.
 */
export interface Deframer {
  push(chunk: Uint8Array): void;
  next(): DeframeResult;
  /** Drop anything buffered (on a serial silence gap, or a reconnect); returns how many bytes went. */
  reset(): number;
  readonly buffered: number;
}

/**
 * A framing wraps a PDU into an ADU and takes ADUs apart. PDU encoders leave `headerLength`
 * bytes before and `trailerLength` after the PDU, so `seal` fills them in place.
 */
export interface Framing {
  readonly name: 'tcp' | 'rtu' | 'ascii';
  readonly headerLength: number;
  readonly trailerLength: number;
  /** Largest ADU on the wire, in bytes (ASCII: characters). */
  readonly maxAduLength: number;
  /** Fill header and trailer around the PDU; returns the bytes to send. */
  seal(adu: Buffer, unitId: number, transactionId: number): Buffer;
  /** Take one complete ADU apart (datagrams, tests); throws CodecError when it is not one. */
  unwrap(adu: Uint8Array): Frame;
  createDeframer(role: Role): Deframer;
}

/** Shared buffering for deframers: the unparsed tail of what was pushed, without copying when it can. */
export class ByteQueue {
  buf: Buffer = Buffer.alloc(0);
  off = 0;

  get length(): number {
    return this.buf.length - this.off;
  }

  push(chunk: Uint8Array): void {
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.off >= this.buf.length) {
      this.buf = view;
      this.off = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.off), view]);
      this.off = 0;
    }
  }

  consume(n: number): void {
    this.off += n;
    if (this.off >= this.buf.length) {
      this.buf = Buffer.alloc(0);
      this.off = 0;
    }
  }

  clear(): number {
    const n = this.length;
    this.buf = Buffer.alloc(0);
    this.off = 0;
    return n;
  }

  /** A private copy of what is buffered, so the caller's chunk is never held across pushes. */
  compact(): void {
    if (this.length > 0 && this.off > 0) {
      this.buf = Buffer.from(this.buf.subarray(this.off));
      this.off = 0;
    }
  }
}
