import type { ModbusRequest } from '../codec';
import type { RemoteAddress, ServerIndication } from './types';

/** Start address and quantity of a request where its function code has them (FC 23: the read range). */
function addressOf(req: ModbusRequest): { address?: number; quantity?: number } {
  switch (req.fc) {
    case 0x01: case 0x02: case 0x03: case 0x04: return { address: req.address, quantity: req.quantity };
    case 0x05: case 0x06: case 0x16: return { address: req.address, quantity: 1 };
    case 0x0f: case 0x10: return { address: req.address, quantity: req.values.length };
    case 0x17: return { address: req.readAddress, quantity: req.readQuantity };
    case 0x18: return { address: req.address };
    default: return {};
  }
}

/** The plain-data indication a route handler receives. */
export function buildIndication(id: string, unitId: number, transactionId: number, req: ModbusRequest, remote: RemoteAddress): ServerIndication {
  return { id, unitId, fc: req.fc, ...addressOf(req), request: req, transactionId, remote };
}
