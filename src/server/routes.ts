import type { ModbusRequest } from '../codec';
import type { RouteFilter, RouteHandler, RouteOptions } from './types';

/** Function codes a route without a `functionCodes` filter claims: the data-access ones. */
const DATA_FUNCTION_CODES: ReadonlySet<number> = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0f, 0x10, 0x14, 0x15, 0x16, 0x17, 0x18]);

/**
 * Function codes routes may claim when they list them: the data-access ones plus FC 7, 17 and
 * 43. FC 8, 11 and 12 report the server's own communication state and are never routed.
 */
export const ROUTABLE_FUNCTION_CODES: ReadonlySet<number> = new Set([...DATA_FUNCTION_CODES, 0x07, 0x11, 0x2b]);

/** One route: the filter compiled for a quick check, and its handler. */
export interface Route {
  readonly units: ReadonlySet<number> | undefined;
  readonly fcs: ReadonlySet<number> | undefined;
  readonly range: { start: number; end: number } | undefined;
  readonly handler: RouteHandler;
  /** Acknowledged writes go into the memory map too (RouteOptions.storeWrites). */
  readonly storeWrites: boolean;
}

/** The address ranges a request touches; FC 23 touches two, requests without addresses none. */
export function requestRanges(req: ModbusRequest): [number, number][] {
  switch (req.fc) {
    case 0x01: case 0x02: case 0x03: case 0x04: return [[req.address, req.quantity]];
    case 0x05: case 0x06: case 0x16: return [[req.address, 1]];
    case 0x0f: case 0x10: return [[req.address, req.values.length]];
    case 0x17: return [[req.readAddress, req.readQuantity], [req.writeAddress, req.values.length]];
    case 0x18: return [[req.address, 1]];
    default: return [];
  }
}

/**
 * Routes in the order added, uModbus style: the first whose unit ids, function codes and address
 * range all match claims the request.
 */
export class RouteTable {
  private routes: Route[] = [];

  get size(): number {
    return this.routes.length;
  }

  add(filter: RouteFilter, handler: RouteHandler, options: RouteOptions = {}): () => void {
    const range = filter.addressRange;
    if (range && !(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start <= range.end)) {
      throw new RangeError(`route address range ${range.start}..${range.end} is not an inclusive integer range`);
    }
    for (const fc of filter.functionCodes ?? []) {
      if (!ROUTABLE_FUNCTION_CODES.has(fc)) throw new RangeError(`function code ${fc} cannot be routed`);
    }
    const route: Route = {
      units: filter.unitIds ? new Set(filter.unitIds) : undefined,
      fcs: filter.functionCodes ? new Set(filter.functionCodes) : undefined,
      range: range ? { start: range.start, end: range.end } : undefined,
      handler,
      storeWrites: options.storeWrites === true,
    };
    // Copy on write, so a route removed while requests are matching does not disturb them.
    this.routes = [...this.routes, route];
    return () => {
      this.routes = this.routes.filter((r) => r !== route);
    };
  }

  /** The first route that claims the request, or undefined so it falls through to the memory map. */
  match(unitId: number, req: ModbusRequest): Route | undefined {
    for (const r of this.routes) {
      if (r.units && !r.units.has(unitId)) continue;
      if (r.fcs ? !r.fcs.has(req.fc) : !DATA_FUNCTION_CODES.has(req.fc)) continue;
      if (r.range) {
        const ranges = requestRanges(req);
        if (ranges.length === 0) continue;
        const { start, end } = r.range;
        if (!ranges.every(([a, q]) => a >= start && a + q - 1 <= end)) continue;
      }
      return r;
    }
    return undefined;
  }
}
