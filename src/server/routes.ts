import { DATA_FUNCTION_CODES, ROUTABLE_FUNCTION_CODES, requestRanges, type ModbusRequest } from '../codec';
import type { AccessRule } from './authorization';
import type { RouteFilter, RouteHandler, RouteOptions } from './types';

/** One route: the filter compiled for a quick check, and its handler. */
export interface Route {
  readonly units: ReadonlySet<number> | undefined;
  readonly fcs: ReadonlySet<number> | undefined;
  readonly range: { start: number; end: number } | undefined;
  readonly handler: RouteHandler;
  /** Acknowledged writes go into the memory map too (RouteOptions.storeWrites). */
  readonly storeWrites: boolean;
  /** Roles allowed to read and write through this route (Modbus/TCP Security). */
  readonly access: AccessRule | undefined;
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
      access: filter.access,
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
