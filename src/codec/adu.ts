import type { Framing } from './framing';
import { checkRoom } from './pdu/bytes';
import { encodeException, encodeRequest, encodeRequestInto, encodeResponse, encodeResponseInto } from './pdu';
import type { ModbusRequest, ModbusResponse } from './types';

/** Encode a request straight into a sealed ADU, with no intermediate PDU copy. */
export function encodeRequestAdu(framing: Framing, unitId: number, transactionId: number, req: ModbusRequest): Buffer {
  return framing.seal(encodeRequest(req, framing.headerLength, framing.trailerLength), unitId, transactionId);
}

/** Encode a normal response straight into a sealed ADU. */
export function encodeResponseAdu(framing: Framing, unitId: number, transactionId: number, res: ModbusResponse): Buffer {
  return framing.seal(encodeResponse(res, framing.headerLength, framing.trailerLength), unitId, transactionId);
}

/** Encode an exception response straight into a sealed ADU. */
export function encodeExceptionAdu(framing: Framing, unitId: number, transactionId: number, fc: number, exceptionCode: number): Buffer {
  return framing.seal(encodeException(fc, exceptionCode, framing.headerLength, framing.trailerLength), unitId, transactionId);
}

/**
 * Encode a request as a sealed ADU into `target` at `offset`, with no allocation for FC 3 and 4;
 * returns its length. For callers that own their buffers (a batch of writes, a ring): the
 * target needs `framing.maxAduLength` bytes of room to be safe for any request.
 */
export function encodeRequestAduInto(framing: Framing, target: Uint8Array, offset: number, unitId: number, transactionId: number, req: ModbusRequest): number {
  const end = encodeRequestInto(req, target, offset + framing.headerLength) + framing.trailerLength;
  checkRoom(target, offset, end - offset);
  return framing.sealInto(target, offset, end, unitId, transactionId) - offset;
}

/** Encode a normal response as a sealed ADU into `target` at `offset`; returns its length. */
export function encodeResponseAduInto(framing: Framing, target: Uint8Array, offset: number, unitId: number, transactionId: number, res: ModbusResponse): number {
  const end = encodeResponseInto(res, target, offset + framing.headerLength) + framing.trailerLength;
  checkRoom(target, offset, end - offset);
  return framing.sealInto(target, offset, end, unitId, transactionId) - offset;
}
