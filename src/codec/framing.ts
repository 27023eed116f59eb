import { Buffer } from 'node:buffer';
import { CodecError } from './errors';

/**
 * One ADU taken apart: the unit id, the MBAP transaction id (0 on serial lines) and where the PDU
 * lies in the received bytes, `data[start..end)`. The decoders take those offsets directly:
 * a Buffer view per frame would cost more than the rest of deframing it.
 * The bytes are the deframer's or the caller's: copy them before the next push if you keep them.
 */
export class Frame {
  /** A Frame is its own `frame` DeframeResult, so a deframer allocates nothing but the Frame per ADU. */
  readonly type = 'frame' as const;

  constructor(
    readonly unitId: number,
    readonly transactionId: number,
    readonly data: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  /** Wrap a PDU held in a Buffer of its own. */
  static of(unitId: number, transactionId: number, pdu: Buffer): Frame {
    return new Frame(unitId, transactionId, pdu, 0, pdu.length);
  }

  get frame(): Frame {
    return this;
  }

  /** The PDU as a Buffer view (allocates one; the hot paths use data, start and end). */
  get pdu(): Buffer {
    return this.data.subarray(this.start, this.end);
  }
}

/** What a deframer has found in the bytes pushed so far. Never an ambiguous null. */
export type DeframeResult =
  | { readonly type: 'incomplete' }
  /** A Frame is its own result: `r.type === 'frame'`, and `r.frame` is `r`. */
  | Frame
  /** `dropped` bytes were discarded; for `fatal` errors the stream cannot be trusted and should be closed. */
  | { readonly type: 'error'; readonly error: CodecError; readonly dropped: number; readonly fatal: boolean };

/** The one shared `incomplete` result: more bytes are needed before anything can be said. */
export const INCOMPLETE: DeframeResult = Object.freeze({ type: 'incomplete' });

/**
 * Who is receiving: a server receives indications (requests), a client receives confirmations
 * (responses). On RTU the two have different length rules for the same function code.
 */
export type Role = 'indication' | 'confirmation';

/**
 * A streaming deframer. Push each chunk as it arrives, then call next() until it answers
 * `incomplete`. After that it holds less than one maximal ADU of unparsed bytes, and none of them
 * in the caller's chunk, so the caller may reuse its buffer. next() never throws.
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
  /**
   * The same, in place, for an ADU laid out at `buf[start..end)` (header, PDU, trailer room);
   * returns where the sealed ADU ends. ASCII spells the bytes out in place, so it needs room
   * after `end` for the characters.
   */
  sealInto(buf: Uint8Array, start: number, end: number, unitId: number, transactionId: number): number;
  /** Take one complete ADU apart (datagrams, tests); throws CodecError when it is not one. */
  unwrap(adu: Uint8Array): Frame;
  createDeframer(role: Role): Deframer;
}

const EMPTY = Buffer.alloc(0);

/** A Buffer view of any Uint8Array, without copying. */
export function asBuffer(chunk: Uint8Array): Buffer {
  // A constructor check is cheaper than Buffer.isBuffer (instanceof) on the per-chunk path.
  return chunk.constructor === Buffer || Buffer.isBuffer(chunk) ? (chunk as Buffer) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Shared buffering for deframers: the unparsed tail of what was pushed. A chunk that arrives on an
 * empty queue is parsed in place (the common case: one whole ADU per chunk, no copy); only a
 * leftover is copied, by `retain()`, so the caller may reuse its chunk once `next()` says
 * `incomplete`.
 */
export class ByteQueue {
  buf: Buffer = EMPTY;
  off = 0;
  /** False while `buf` is the caller's chunk rather than our own copy. */
  private owned = true;

  get length(): number {
    return this.buf.length - this.off;
  }

  push(chunk: Uint8Array): void {
    const view = asBuffer(chunk);
    if (view.length === 0) return;
    if (this.off >= this.buf.length) {
      this.buf = view;
      this.off = 0;
      this.owned = false;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.off), view]);
      this.off = 0;
      this.owned = true;
    }
  }

  consume(n: number): void {
    this.off += n;
    if (this.off >= this.buf.length) {
      this.buf = EMPTY;
      this.off = 0;
      this.owned = true;
    }
  }

  clear(): number {
    const n = this.length;
    this.buf = EMPTY;
    this.off = 0;
    this.owned = true;
    return n;
  }

  /** Copy a leftover out of the caller's chunk; deframers call it before answering `incomplete`. */
  retain(): void {
    if (!this.owned && this.off < this.buf.length) {
      this.buf = Buffer.from(this.buf.subarray(this.off));
      this.off = 0;
      this.owned = true;
    }
  }
}

/** Refuse a unit id that would be truncated into the ADU's one address byte. */
export function checkUnitId(unitId: number): void {
  if (unitId !== (unitId & 0xff)) throw new CodecError('limit', `unit id must be an integer 0..255, got ${unitId}`);
}
