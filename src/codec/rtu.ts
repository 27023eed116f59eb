import { crc16, crc16Step } from './crc';
import { CodecError } from './errors';
import { ByteQueue, INCOMPLETE, type DeframeResult, type Deframer, type Framing, type Role } from './framing';
import { BY_CRC, NEED_MORE, rtuAduLength } from './rtu-length';

/** Address + 253-byte PDU + CRC (serial line spec, section 2.5.1.1). */
export const MAX_RTU_ADU_LENGTH = 256;
const MIN_RTU_ADU_LENGTH = 4;

function crcError(message: string): DeframeResult {
  return { type: 'error', error: new CodecError('framing', message), dropped: 1, fatal: false };
}

/**
 * RTU deframer. Lengths come from the function code and byte counts; a bad CRC or an impossible
 * length drops one byte and tries again from the next, which resynchronises after garbage.
 */
class RtuDeframer implements Deframer {
  private readonly q = new ByteQueue();
  constructor(private readonly role: Role) {}

  get buffered(): number {
    return this.q.length;
  }

  push(chunk: Uint8Array): void {
    this.q.push(chunk);
  }

  next(): DeframeResult {
    const q = this.q;
    const avail = q.length;
    if (avail < MIN_RTU_ADU_LENGTH) return INCOMPLETE;
    const b = q.buf;
    const o = q.off;
    const len = rtuAduLength(this.role, b, o, avail);
    if (len === NEED_MORE) return INCOMPLETE;
    if (len === BY_CRC) return this.scan();
    if (len > MAX_RTU_ADU_LENGTH) {
      q.consume(1);
      return crcError(`RTU length ${len} for FC ${b[o + 1]} exceeds ${MAX_RTU_ADU_LENGTH}`);
    }
    if (avail < len) return INCOMPLETE;
    const crc = crc16(b, o, o + len - 2);
    if (b[o + len - 2] !== (crc & 0xff) || b[o + len - 1] !== crc >>> 8) {
      q.consume(1);
      return crcError(`RTU CRC mismatch on a ${len}-byte frame for FC ${b[o + 1]}`);
    }
    return this.take(len);
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
    if (q.length < MAX_RTU_ADU_LENGTH) return INCOMPLETE;
    q.consume(1);
    return crcError(`no RTU frame with a valid CRC in ${MAX_RTU_ADU_LENGTH} bytes`);
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
    adu[0] = unitId;
    const crc = crc16(adu, 0, adu.length - 2);
    adu[adu.length - 2] = crc & 0xff;
    adu[adu.length - 1] = crc >>> 8;
    return adu;
  },
  unwrap(adu) {
    if (adu.length < MIN_RTU_ADU_LENGTH || adu.length > MAX_RTU_ADU_LENGTH) {
      throw new CodecError('framing', `RTU ADU of ${adu.length} bytes outside ${MIN_RTU_ADU_LENGTH}..${MAX_RTU_ADU_LENGTH}`);
    }
    const crc = crc16(adu, 0, adu.length - 2);
    if (adu[adu.length - 2] !== (crc & 0xff) || adu[adu.length - 1] !== crc >>> 8) throw new CodecError('framing', 'RTU CRC mismatch');
    const b = Buffer.isBuffer(adu) ? adu : Buffer.from(adu.buffer, adu.byteOffset, adu.byteLength);
    return { unitId: b[0], transactionId: 0, pdu: b.subarray(1, b.length - 2) };
  },
  createDeframer(role) {
    return new RtuDeframer(role);
  },
};
