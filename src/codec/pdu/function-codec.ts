/**
 * What each function-code family supplies: both directions for both roles. `pdu[start]` is the
 * function code; `end` is one past the last PDU byte. Encoders return a buffer with `head` bytes
 * free before the PDU and `tail` after it, for the framing to fill.
 */
export interface FunctionCodec<Req, Res> {
  encodeRequest(req: Req, head: number, tail: number): Buffer;
  /** Throws CodecError whose exceptionCode is the spec's answer (03 before 02). */
  decodeRequest(pdu: Uint8Array, start: number, end: number): Req;
  encodeResponse(res: Res, head: number, tail: number): Buffer;
  /** With `req`, also checks that the response answers it. */
  decodeResponse(pdu: Uint8Array, start: number, end: number, req: Req | undefined): Res;
}
