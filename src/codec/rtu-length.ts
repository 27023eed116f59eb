import type { Role } from './framing';

/** Not enough bytes yet to know the ADU's length. */
export const NEED_MORE = -1;
/** The length cannot be known from the bytes (unknown function code, free-length data): find it by CRC. */
export const BY_CRC = -2;
/** No frame of this role can start here (function code 0, or a response to nothing a client can ask). */
export const INVALID = -3;

/**
 * Length of an RTU ADU (address + PDU + CRC) starting at `b[o]`, from the function code and, for
 * codes that carry one, the byte count: separately for indications (requests) and confirmations
 * (responses), following the PDU layouts of the application protocol (sections 6.1-6.21) as the
 * serial line spec (section 2.5.1.1) says a receiver must.
 */
export function rtuAduLength(role: Role, b: Uint8Array, o: number, avail: number): number {
  if (avail < 2) return NEED_MORE;
  const fc = b[o + 1];
  // Exception responses are 5 bytes; a server keeps that rule too, to step over another device's
  // exception on a multi-drop line as one frame.
  if (fc & 0x80) return 5;
  return role === 'indication' ? indicationLength(fc, b, o, avail) : confirmationLength(fc, b, o, avail);
}

function byteCountAt(b: Uint8Array, o: number, avail: number, at: number, fixed: number): number {
  return avail > at ? fixed + b[o + at] : NEED_MORE;
}

function diagnosticsLength(b: Uint8Array, o: number, avail: number): number {
  if (avail < 4) return NEED_MORE;
  // Return Query Data (sub-function 0) may carry any number of words; every other sub-function one.
  return b[o + 2] === 0 && b[o + 3] === 0 ? BY_CRC : 8;
}

function indicationLength(fc: number, b: Uint8Array, o: number, avail: number): number {
  switch (fc) {
    case 0x00: return INVALID;
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: return 8;
    case 0x07: case 0x0b: case 0x0c: case 0x11: return 4;
    case 0x08: return diagnosticsLength(b, o, avail);
    case 0x0f: case 0x10: return byteCountAt(b, o, avail, 6, 9);
    case 0x14: case 0x15: return byteCountAt(b, o, avail, 2, 5);
    case 0x16: return 10;
    case 0x17: return byteCountAt(b, o, avail, 10, 13);
    case 0x18: return 6;
    case 0x2b:
      if (avail < 3) return NEED_MORE;
      return b[o + 2] === 0x0e ? 7 : BY_CRC;
    // A server must still find the end of a request it does not know, to answer it with exception 01.
    default: return BY_CRC;
  }
}

function confirmationLength(fc: number, b: Uint8Array, o: number, avail: number): number {
  switch (fc) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x0c: case 0x11: case 0x14: case 0x15: case 0x17:
      return byteCountAt(b, o, avail, 2, 5);
    case 0x05: case 0x06: case 0x0b: case 0x0f: case 0x10: return 8;
    case 0x07: return 5;
    case 0x08: return diagnosticsLength(b, o, avail);
    case 0x16: return 10;
    case 0x18: return avail < 4 ? NEED_MORE : 6 + ((b[o + 2] << 8) | b[o + 3]);
    case 0x2b: return deviceIdentificationLength(b, o, avail);
    // A client only asks what the codec can encode, so any other code cannot start a response.
    default: return INVALID;
  }
}

/** FC 43/14 responses say their length only through their objects, so walk them. */
function deviceIdentificationLength(b: Uint8Array, o: number, avail: number): number {
  if (avail < 3) return NEED_MORE;
  if (b[o + 2] !== 0x0e) return INVALID;
  if (avail < 8) return NEED_MORE;
  let p = 8;
  for (let i = 0, n = b[o + 7]; i < n; i++) {
    // Past the largest ADU already: the length is impossible, whatever the rest says.
    if (p + 2 > 256) return p + 2;
    if (avail < p + 2) return NEED_MORE;
    p += 2 + b[o + p + 1];
  }
  return p + 2;
}
