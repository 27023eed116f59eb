import { crc16, crc16Step } from './crc';
import { dataError } from './errors';
import { ByteQueue, Frame, INCOMPLETE, asBuffer, checkUnitId, type DeframeResult, type Deframer, type Framing, type Role } from './framing';
import { BY_CRC, INVALID, NEED_MORE, rtuAduLength } from './rtu-length';

/** Address + 253-byte PDU + CRC (serial line spec, section 2.5.1.1). */
export const MAX_RTU_ADU_LENGTH = 256;
const MIN_RTU_ADU_LENGTH = 4;

function dropError(message: string, dropped: number): DeframeResult {
  return { type: 'error', error: dataError('framing', message), dropped, fatal: false };
}

function crcOk(b: Uint8Array, o: number, len: number): boolean {
  const crc = crc16(b, o, o + len - 2);
  return b[o + len - 2] === (crc & 0xff) && b[o + len - 1] === crc >>> 8;
}

/** What the bytes at the head of the queue are, decided without consuming a frame. */
const enum Head { Frame, Incomplete, Dropped }

/**
 * RTU deframer. Lengths come from the function code and byte counts, for this side's role. A bad
 * CRC or an impossible start drops one byte and tries again from the next, which resynchronises
 * after garbage; a whole frame of the other direction (the echo of our own request on a 2-wire
 * line, or another server's response seen by a server) is dropped in one step. A run of drops is
 * reported as one error, so garbage costs one error object, not one per byte. The transport
 * should still call reset() on a 3.5-character silence, the spec's own frame boundary.
 */
class RtuDeframer implements Deframer {
  private readonly q = new ByteQueue();
  private readonly other: Role;
  /** Length of the frame at the head, when classify() says Frame. */
  private frameLength = 0;
  /** Bytes classify() consumed and why, when it says Dropped. */
  private dropped = 0;
  private why = '';

  constructor(private readonly role: Role) {
    this.other = role === 'indication' ? 'confirmation' : 'indication';
  }

  get buffered(): number {
    return this.q.length;
  }

  push(chunk: Uint8Array): void {
    this.q.push(chunk);
  }

  next(): DeframeResult {
    let total = 0;
    let first = '';
    // Each pass consumes at least one byte or stops, so this ends within `buffered` passes.
    for (;;) {
      const head = this.classify();
      if (head === Head.Dropped) {
        if (total === 0) first = this.why;
        total += this.dropped;
        continue;
      }
      if (total > 0) {
        const message = total === this.dropped && first === this.why ? first : `${total} bytes dropped; first: ${first}`;
        return dropError(message, total);
      }
      if (head === Head.Incomplete) {
        this.q.retain();
        return INCOMPLETE;
      }
      return this.take(this.frameLength);
    }
  }

  private drop(n: number, why: string): Head {
    this.q.consume(n);
    this.dropped = n;
    this.why = why;
    return Head.Dropped;
  }

  private classify(): Head {
    const q = this.q;
    const avail = q.buf.length - q.off;
    if (avail < MIN_RTU_ADU_LENGTH) return Head.Incomplete;
    const b = q.buf;
    const o = q.off;
    const len = rtuAduLength(this.role, b, o, avail);
    if (len === NEED_MORE) return avail < MAX_RTU_ADU_LENGTH ? Head.Incomplete : this.drop(1, 'RTU frame longer than 256 bytes');
    if (len === BY_CRC) return this.scan();
    if (len === INVALID) return this.otherDirection(avail, `RTU function code ${b[o + 1]} cannot start this side's frame`);
    if (len > MAX_RTU_ADU_LENGTH) return this.otherDirection(avail, `RTU length ${len} for FC ${b[o + 1]} exceeds ${MAX_RTU_ADU_LENGTH}`);
    if (avail < len) return Head.Incomplete;
    if (!crcOk(b, o, len)) return this.otherDirection(avail, `RTU CRC mismatch on a ${len}-byte frame for FC ${b[o + 1]}`);
    this.frameLength = len;
    return Head.Frame;
  }

  /** Not a frame of our role here: skip a whole valid frame of the other direction, or else one byte. */
  private otherDirection(avail: number, why: string): Head {
    const q = this.q;
    const len = rtuAduLength(this.other, q.buf, q.off, avail);
    if (len >= MIN_RTU_ADU_LENGTH && len <= avail && len <= MAX_RTU_ADU_LENGTH && crcOk(q.buf, q.off, len)) {
      return this.drop(len, `RTU ${this.other} frame of ${len} bytes skipped (echo or another device's traffic)`);
    }
    return this.drop(1, why);
  }

  /**
   * The first prefix of 4..256 bytes whose last two bytes are its CRC is the frame. Each candidate
   * length has a 1 in 65536 chance of a false match, which is why the spec delimits RTU frames by
   * silence; FC 8 sub-function 0 is whole words, so only its possible lengths (6 + 2n) are tried.
   */
  private scan(): Head {
    const q = this.q;
    const b = q.buf;
    const o = q.off;
    const avail = q.length;
    const limit = Math.min(avail, MAX_RTU_ADU_LENGTH);
    const words = b[o + 1] === 0x08;
    let crc = crc16(b, o, o + MIN_RTU_ADU_LENGTH - 2);
    for (let len = MIN_RTU_ADU_LENGTH; len <= limit; len++) {
      if ((!words || (len >= 6 && (len & 1) === 0)) && b[o + len - 2] === (crc & 0xff) && b[o + len - 1] === crc >>> 8) {
        this.frameLength = len;
        return Head.Frame;
      }
      crc = crc16Step(crc, b[o + len - 2]);
    }
    if (avail >= MAX_RTU_ADU_LENGTH) return this.drop(1, `no RTU frame with a valid CRC in ${MAX_RTU_ADU_LENGTH} bytes`);
    // Before waiting for up to 256 bytes: if a whole frame of known length with a good CRC starts
    // later in the buffer, what precedes it is garbage rather than the head of an unknown request.
    for (let k = 1; k + MIN_RTU_ADU_LENGTH <= avail; k++) {
      const len = rtuAduLength(this.role, b, o + k, avail - k);
      if (len >= MIN_RTU_ADU_LENGTH && len <= avail - k && len <= MAX_RTU_ADU_LENGTH && crcOk(b, o + k, len)) {
        return this.drop(k, `${k} bytes of garbage before an RTU frame`);
      }
    }
    return Head.Incomplete;
  }

  private take(len: number): DeframeResult {
    const q = this.q;
    const b = q.buf;
    const o = q.off;
    const frame = new Frame(b[o], 0, b, o + 1, o + len - 2);
    q.consume(len);
    return frame;
  }

  reset(): number {
    return this.q.clear();
  }
}

function sealRtu(b: Uint8Array, start: number, end: number, unitId: number): number {
  checkUnitId(unitId);
  b[start] = unitId;
  const crc = crc16(b, start, end - 2);
  b[end - 2] = crc & 0xff;
  b[end - 1] = crc >>> 8;
  return end;
}

/** Modbus RTU framing: address, PDU, CRC-16 low byte first. Also used for RTU over TCP. */
export const rtu: Framing = {
  name: 'rtu',
  headerLength: 1,
  trailerLength: 2,
  maxAduLength: MAX_RTU_ADU_LENGTH,
  seal(adu, unitId) {
    sealRtu(adu, 0, adu.length, unitId);
    return adu;
  },
  sealInto: sealRtu,
  unwrap(adu) {
    if (adu.length < MIN_RTU_ADU_LENGTH || adu.length > MAX_RTU_ADU_LENGTH) {
      throw dataError('framing', `RTU ADU of ${adu.length} bytes outside ${MIN_RTU_ADU_LENGTH}..${MAX_RTU_ADU_LENGTH}`);
    }
    if (!crcOk(adu, 0, adu.length)) throw dataError('framing', 'RTU CRC mismatch');
    const b = asBuffer(adu);
    return new Frame(b[0], 0, b, 1, b.length - 2);
  },
  createDeframer(role) {
    return new RtuDeframer(role);
  },
};
