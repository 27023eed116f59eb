import { CodecError } from './errors';
import { ByteQueue, INCOMPLETE, type DeframeResult, type Deframer, type Frame, type Framing } from './framing';

/** MBAP header: transaction id, protocol id, length, unit id (TCP guide, section 3.1.3). */
export const MBAP_HEADER_LENGTH = 7;
export const MAX_TCP_ADU_LENGTH = 260;
/** Length field counts the unit id and the PDU: 1 + 1..253. */
const MIN_LENGTH_FIELD = 2;
const MAX_LENGTH_FIELD = 254;

function fatal(message: string, dropped: number): DeframeResult {
  return { type: 'error', error: new CodecError('framing', message), dropped, fatal: true };
}

/** Checks a header at `b[o..o+7)`; returns an error message, or undefined when it can be a frame. */
function headerProblem(b: Uint8Array, o: number): string | undefined {
  const protocolId = (b[o + 2] << 8) | b[o + 3];
  if (protocolId !== 0) return `MBAP protocol id ${protocolId} is not 0 (Modbus)`;
  const len = (b[o + 4] << 8) | b[o + 5];
  if (len < MIN_LENGTH_FIELD || len > MAX_LENGTH_FIELD) return `MBAP length ${len} outside ${MIN_LENGTH_FIELD}..${MAX_LENGTH_FIELD}`;
  return undefined;
}

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
    if (q.length < MBAP_HEADER_LENGTH) return INCOMPLETE;
    const b = q.buf;
    const o = q.off;
    const problem = headerProblem(b, o);
    // After a bad header nothing later in the stream can be trusted to start on a boundary.
    if (problem) return fatal(problem, q.clear());
    const total = 6 + ((b[o + 4] << 8) | b[o + 5]);
    if (q.length < total) return INCOMPLETE;
    const frame: Frame = {
      transactionId: (b[o] << 8) | b[o + 1],
      unitId: b[o + 6],
      pdu: b.subarray(o + MBAP_HEADER_LENGTH, o + total),
    };
    q.consume(total);
    return { type: 'frame', frame };
  }

  reset(): number {
    return this.q.clear();
  }
}

/** Modbus TCP framing (MBAP). */
export const mbap: Framing = {
  name: 'tcp',
  headerLength: MBAP_HEADER_LENGTH,
  trailerLength: 0,
  maxAduLength: MAX_TCP_ADU_LENGTH,
  seal(adu, unitId, transactionId) {
    const len = adu.length - 6;
    adu[0] = (transactionId >>> 8) & 0xff;
    adu[1] = transactionId & 0xff;
    adu[2] = 0;
    adu[3] = 0;
    adu[4] = len >>> 8;
    adu[5] = len & 0xff;
    adu[6] = unitId;
    return adu;
  },
  unwrap(adu) {
    if (adu.length < MBAP_HEADER_LENGTH + 1) throw new CodecError('framing', `MBAP ADU of ${adu.length} bytes is too short`);
    const problem = headerProblem(adu, 0);
    if (problem) throw new CodecError('framing', problem);
    const total = 6 + ((adu[4] << 8) | adu[5]);
    if (total !== adu.length) throw new CodecError('framing', `MBAP length says ${total} bytes, ADU has ${adu.length}`);
    const b = Buffer.isBuffer(adu) ? adu : Buffer.from(adu.buffer, adu.byteOffset, adu.byteLength);
    return { transactionId: (b[0] << 8) | b[1], unitId: b[6], pdu: b.subarray(MBAP_HEADER_LENGTH) };
  },
  createDeframer() {
    return new MbapDeframer();
  },
};
