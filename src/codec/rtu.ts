import { crc16, crc16Step } from './crc';
import { CodecError } from './errors';
import { ByteQueue, INCOMPLETE, asBuffer, checkUnitId, type DeframeResult, type Deframer, type Framing, type Role } from './framing';
import { BY_CRC, INVALID, NEED_MORE, rtuAduLength } from './rtu-length';

/** Address + 253-byte PDU + CRC (serial line spec, section 2.5.1.1). */
export const MAX_RTU_ADU_LENGTH = 256;
const MIN_RTU_ADU_LENGTH = 4;

function dropError(message: string, dropped: number): DeframeResult {
  return { type: 'error', error: new CodecError('framing', message), dropped, fatal: false };
}

function crcOk(b: Uint8Array, o: number, len: number): boolean {
  const crc = crc16(b, o, o + len - 2);
  return b[o + len - 2] === (crc & 0xff) && b[o + len - 1] === crc >>> 8;
}

/**
 * RTU deframer. Lengths come from the function code and byte counts, for this side's role. A bad
 * CRC or an impossible start drops one byte and tries again from the next, which resynchronises
 * after garbage; a whole frame of the other direction (the echo of our own request on a 2-wire
 * line, or another server's response seen by a server) is dropped in one step. The transport
 * should still call reset() on a 3.5-character silence, the spec's own frame boundary.
 */
class RtuDeframer implements Deframer {
  private readonly q = new ByteQueue();
  private readonly other: Role;
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
    const q = this.q;
    const avail = q.buf.length - q.off;
    if (avail < MIN_RTU_ADU_LENGTH) return this.incomplete();
    const b = q.buf;
    const o = q.off;
    const len = rtuAduLength(this.role, b, o, avail);
    if (len === NEED_MORE) return this.incomplete();
    if (len === BY_CRC) return this.scan();
    if (len === INVALID) return this.otherDirection(avail, `RTU function code ${b[o + 1]} cannot start this side's frame`);
    if (len > MAX_RTU_ADU_LENGTH) return this.otherDirection(avail, `RTU length ${len} for FC ${b[o + 1]} exceeds ${MAX_RTU_ADU_LENGTH}`);
    if (avail < len) return this.incomplete();
    if (!crcOk(b, o, len)) return this.otherDirection(avail, `RTU CRC mismatch on a ${len}-byte frame for FC ${b[o + 1]}`);
    return this.take(len);
  }

  private incomplete(): DeframeResult {
    this.q.retain();
    return INCOMPLETE;
  }

  /** Not a frame of our role here: skip a whole valid frame of the other direction, or else one byte. */
  private otherDirection(avail: number, why: string): DeframeResult {
    const q = this.q;
    const len = rtuAduLength(this.other, q.buf, q.off, avail);
    if (len >= MIN_RTU_ADU_LENGTH && len <= avail && len <= MAX_RTU_ADU_LENGTH && crcOk(q.buf, q.off, len)) {
      q.consume(len);
      return dropError(`RTU ${this.other} frame of ${len} bytes skipped (echo or another device's traffic)`, len);
    }
    q.consume(1);
    return dropError(why, 1);
  }

  /** The first prefix of 4..256 bytes whose last two bytes are its CRC is the frame. */
  private scan(): DeframeResult {
    const q = this.q;
    const b = q.buf;
    const o = q.off;
    const limit = Math.min(q.length, MAX_RTU_ADU_LENGTH);
    let crc = crc16(b, o, o + MIN_RTU_ADU_LENGTH - 2);
    for (let len = MIN_RTU_ADU_LENGTH; len <= limit; len++) {
      if (b[o + len - 2] === (crc & 0xff) && b[o + len - 1] === crc >>> 8) return this.take(len);
      crc = crc16Step(crc, b[o + len - 2]);
    }
    if (q.length >= MAX_RTU_ADU_LENGTH) {
      q.consume(1);
      return dropError(`no RTU frame with a valid CRC in ${MAX_RTU_ADU_LENGTH} bytes`, 1);
    }
    // Before waiting for up to 256 bytes: if a whole frame of known length with a good CRC starts
    // later in the buffer, what precedes it is garbage rather than the head of an unknown request.
    const avail = q.length;
    for (let k = 1; k + MIN_RTU_ADU_LENGTH <= avail; k++) {
      const len = rtuAduLength(this.role, b, o + k, avail - k);
      if (len >= MIN_RTU_ADU_LENGTH && len <= avail - k && len <= MAX_RTU_ADU_LENGTH && crcOk(b, o + k, len)) {
        q.consume(k);
        return dropError(`${k} bytes of garbage before an RTU frame`, k);
      }
    }
    return this.incomplete();
  }

  private take(len: number): DeframeResult {
    const q = this.q;
    const b = q.buf;
    const o = q.off;
    const frame = { unitId: b[o], transactionId: 0, pdu: b.subarray(o + 1, o + len - 2) };
    q.consume(len);
    return { type: 'frame', frame };
  }

  reset(): number {
    return this.q.clear();
  }
}

/** Modbus RTU framing: address, PDU, CRC-16 low byte first. Also used for RTU over TCP. */
export const rtu: Framing = {
  name: 'rtu',
  headerLength: 1,
  trailerLength: 2,
  maxAduLength: MAX_RTU_ADU_LENGTH,
  seal(adu, unitId) {
    checkUnitId(unitId);
    adu[0] = unitId;
    const end = adu.length - 2;
    const crc = crc16(adu, 0, end);
    adu[end] = crc & 0xff;
    adu[end + 1] = crc >>> 8;
    return adu;
  },
  unwrap(adu) {
    if (adu.length < MIN_RTU_ADU_LENGTH || adu.length > MAX_RTU_ADU_LENGTH) {
      throw new CodecError('framing', `RTU ADU of ${adu.length} bytes outside ${MIN_RTU_ADU_LENGTH}..${MAX_RTU_ADU_LENGTH}`);
    }
    if (!crcOk(adu, 0, adu.length)) throw new CodecError('framing', 'RTU CRC mismatch');
    const b = asBuffer(adu);
    return { unitId: b[0], transactionId: 0, pdu: b.subarray(1, b.length - 2) };
  },
  createDeframer(role) {
    return new RtuDeframer(role);
  },
};
