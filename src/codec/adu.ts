import type { Framing } from './framing';
import { encodeException, encodeRequest, encodeResponse } from './pdu';
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
