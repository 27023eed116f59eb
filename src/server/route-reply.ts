import { ModbusError, type ModbusRequest, type ModbusResponse } from '../codec';
import type { RouteReply } from './types';

/** A route reply that cannot answer its request: the server sends 04 and counts it. */
export class BadReplyError extends ModbusError {
  constructor(message: string) {
    super('EMODBUS_BAD_REPLY', message);
  }
}

/** What a route's reply becomes: a response, an exception code, or nothing on the wire. */
export type ReplyOutcome = ModbusResponse | number | null;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function words(values: readonly unknown[], n: number | undefined, what: string): number[] {
  if (n !== undefined && values.length !== n) throw new BadReplyError(`${what}: ${values.length} values for ${n} requested`);
  return values.map((v, i) => {
    const x = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    // Signed 16-bit values are accepted too and sent as their two's complement.
    if (typeof x !== 'number' || !Number.isInteger(x) || x < -0x8000 || x > 0xffff) {
      throw new BadReplyError(`${what}: value [${i}] ${String(v)} is not a 16-bit integer`);
    }
    return x & 0xffff;
  });
}

function bits(values: readonly unknown[], n: number): boolean[] {
  if (values.length !== n) throw new BadReplyError(`${values.length} bit values for ${n} requested`);
  return values.map((v) => Boolean(v));
}

/** The normal response that acknowledges a write: the echo the spec defines for each code. */
function ack(req: ModbusRequest): ModbusResponse | undefined {
  switch (req.fc) {
    case 0x05: return { fc: 0x05, address: req.address, value: req.value };
    case 0x06: return { fc: 0x06, address: req.address, value: req.value };
    case 0x0f: return { fc: 0x0f, address: req.address, quantity: req.values.length };
    case 0x10: return { fc: 0x10, address: req.address, quantity: req.values.length };
    case 0x15: return { fc: 0x15, records: req.records };
    case 0x16: return { fc: 0x16, address: req.address, andMask: req.andMask, orMask: req.orMask };
    default: return undefined;
  }
}

function fromValues(req: ModbusRequest, values: readonly unknown[]): ModbusResponse {
  switch (req.fc) {
    case 0x01: case 0x02: return { fc: req.fc, values: bits(values, req.quantity) };
    case 0x03: case 0x04: return { fc: req.fc, values: words(values, req.quantity, `FC ${req.fc}`) };
    case 0x17: return { fc: 0x17, values: words(values, req.readQuantity, 'FC 23') };
    case 0x18: {
      if (values.length > 31) throw new BadReplyError(`FC 24: ${values.length} values exceed the FIFO limit of 31`);
      return { fc: 0x18, values: words(values, undefined, 'FC 24') };
    }
    case 0x07: return { fc: 0x07, status: words(values, 1, 'FC 7')[0] & 0xff };
    case 0x14: {
      // The values of every reference, one after another, split by the lengths asked.
      const total = req.references.reduce((n, r) => n + r.recordLength, 0);
      const all = words(values, total, 'FC 20');
      let p = 0;
      return { fc: 0x14, records: req.references.map((r) => all.slice(p, (p += r.recordLength))) };
    }
    default: throw new BadReplyError(`FC ${req.fc} needs a full response, not values`);
  }
}

/**
 * Turn what a route answered into what goes on the wire. Writes: anything but an exception or
 * 'silent' acknowledges. Throws BadReplyError when the reply cannot answer the request.
 */
export function resolveReply(req: ModbusRequest, reply: RouteReply | unknown): ReplyOutcome {
  if (reply === 'silent') return null;
  if (!isObject(reply)) throw new BadReplyError(`route reply ${String(reply)} is not an object or 'silent'`);
  if ('exception' in reply) {
    const code = reply.exception;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 255) throw new BadReplyError(`exception code ${String(code)} is not 1..255`);
    return code;
  }
  const echo = ack(req);
  if (echo) return echo;
  if ('response' in reply) {
    const res = reply.response;
    if (!isObject(res) || res.fc !== req.fc) throw new BadReplyError(`route response does not answer FC ${req.fc}`);
    return res as unknown as ModbusResponse;
  }
  if ('values' in reply && Array.isArray(reply.values)) return fromValues(req, reply.values);
  throw new BadReplyError(`route reply for FC ${req.fc} has neither values, response, exception nor ack`);
}

