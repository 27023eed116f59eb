import { dataError } from './errors';
import { ByteQueue, Frame, INCOMPLETE, asBuffer, checkUnitId, type DeframeResult, type Deframer, type Framing } from './framing';

/** MBAP header: transaction id, protocol id, length, unit id (TCP guide, section 3.1.3). */
export const MBAP_HEADER_LENGTH = 7;
/** MBAP header + 253-byte PDU. */
export const MAX_TCP_ADU_LENGTH = 260;
/** Length field counts the unit id and the PDU: 1 + 1..253. */
const MIN_LENGTH_FIELD = 2;
const MAX_LENGTH_FIELD = 254;

function fatal(message: string, dropped: number): DeframeResult {
  return { type: 'error', error: dataError('framing', message), dropped, fatal: true };
}

/** Checks a header at `b[o..o+7)`; returns an error message, or undefined when it can be a frame. */
function headerProblem(b: Uint8Array, o: number): string | undefined {
  const protocolId = (b[o + 2] << 8) | b[o + 3];
  if (protocolId !== 0) return `MBAP protocol id ${protocolId} is not 0 (Modbus)`;
  const len = (b[o + 4] << 8) | b[o + 5];
  if (len < MIN_LENGTH_FIELD || len > MAX_LENGTH_FIELD) return `MBAP length ${len} outside ${MIN_LENGTH_FIELD}..${MAX_LENGTH_FIELD}`;
  return undefined;
}

/**
 * MBAP deframer. TCP is a byte stream without resynchronisation points: after a header that cannot
 * be Modbus (protocol id not 0, impossible length) nothing later can be trusted to start on a
 * boundary, so that error is fatal and everything buffered is dropped; the caller closes the
 * connection, as the TCP implementation guide advises.
 */
class MbapDeframer implements Deframer {
  private readonly q = new ByteQueue();

  get buffered(): number {
    return this.q.length;
  }

  push(chunk: Uint8Array): void {
    this.q.push(chunk);
  }

  next(): DeframeResult {
    const q = this.q;
    const avail = q.buf.length - q.off;
    if (avail < MBAP_HEADER_LENGTH) {
      q.retain();
      return INCOMPLETE;
    }
    const b = q.buf;
    const o = q.off;
    const len = (b[o + 4] << 8) | b[o + 5];
    if (b[o + 2] !== 0 || b[o + 3] !== 0 || len < MIN_LENGTH_FIELD || len > MAX_LENGTH_FIELD) {
      return fatal(headerProblem(b, o) ?? 'bad MBAP header', q.clear());
    }
    const total = 6 + len;
    if (avail < total) {
      q.retain();
      return INCOMPLETE;
    }
    const frame = new Frame(b[o + 6], (b[o] << 8) | b[o + 1], b, o + MBAP_HEADER_LENGTH, o + total);
    q.consume(total);
    return frame;
  }

  reset(): number {
    return this.q.clear();
  }
}

function sealMbap(b: Uint8Array, start: number, end: number, unitId: number, transactionId: number): number {
  checkUnitId(unitId);
  const len = end - start - 6;
  b[start] = (transactionId >>> 8) & 0xff;
  b[start + 1] = transactionId & 0xff;
  b[start + 2] = 0;
  b[start + 3] = 0;
  b[start + 4] = len >>> 8;
  b[start + 5] = len & 0xff;
  b[start + 6] = unitId;
  return end;
}

/** Modbus TCP framing (MBAP). */
export const mbap: Framing = {
  name: 'tcp',
  headerLength: MBAP_HEADER_LENGTH,
  trailerLength: 0,
  maxAduLength: MAX_TCP_ADU_LENGTH,
  /** The transaction id is taken modulo 65536, so a client's counter may simply keep increasing. */
  seal(adu, unitId, transactionId) {
    sealMbap(adu, 0, adu.length, unitId, transactionId);
    return adu;
  },
  sealInto: sealMbap,
  unwrap(adu) {
    if (adu.length < MBAP_HEADER_LENGTH + 1) throw dataError('framing', `MBAP ADU of ${adu.length} bytes is too short`);
    const len = (adu[4] << 8) | adu[5];
    if (adu[2] !== 0 || adu[3] !== 0 || len < MIN_LENGTH_FIELD || len > MAX_LENGTH_FIELD) {
      throw dataError('framing', headerProblem(adu, 0) ?? 'bad MBAP header');
    }
    const total = 6 + ((adu[4] << 8) | adu[5]);
    if (total !== adu.length) throw dataError('framing', `MBAP length says ${total} bytes, ADU has ${adu.length}`);
    const b = asBuffer(adu);
    return new Frame(b[6], (b[0] << 8) | b[1], b, MBAP_HEADER_LENGTH, b.length);
  },
  createDeframer() {
    return new MbapDeframer();
  },
};
