/** umodbus-server-route editor settings → the engine's route filter; empty means "any". */
import { ConfigError } from '../../codec/errors';
import { ROUTABLE_FUNCTION_CODES } from '../../server';
import type { RouteFilter } from '../../server/types';
import { intListSetting, intSetting } from './settings';

/** A comma-separated list of role names; blank is undefined (anyone). */
function rolesSetting(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigError(`${what} must be a comma-separated list of role names`);
  if (value.trim() === '') return undefined;
  const roles = value.split(',').map((r) => r.trim());
  if (roles.some((r) => r === '')) throw new ConfigError(`${what} "${value}" has an empty role name`);
  return roles;
}

export function routeFilterFrom(def: {
  unitIds?: unknown; functionCodes?: unknown; addressStart?: unknown; addressEnd?: unknown; readRoles?: unknown; writeRoles?: unknown;
}): RouteFilter {
  const filter: RouteFilter = {};
  const unitIds = intListSetting(def.unitIds, 0, 255);
  if (unitIds) filter.unitIds = unitIds;
  const functionCodes = intListSetting(def.functionCodes, 1, 127);
  const unroutable = functionCodes?.filter((fc) => !ROUTABLE_FUNCTION_CODES.has(fc));
  if (unroutable?.length) {
    // FC 8, 11 and 12 report the server's own line state; the rest are not Modbus data requests.
    throw new ConfigError(`function code ${unroutable.join(', ')} cannot be routed (routable: ${[...ROUTABLE_FUNCTION_CODES].sort((a, b) => a - b).join(', ')})`);
  }
  if (functionCodes) filter.functionCodes = functionCodes;
  const hasStart = def.addressStart !== undefined && def.addressStart !== '';
  const hasEnd = def.addressEnd !== undefined && def.addressEnd !== '';
  if (hasStart || hasEnd) {
    const start = intSetting(def.addressStart, 0);
    const end = intSetting(def.addressEnd, 0xffff);
    if (start < 0 || end > 0xffff || start > end) throw new ConfigError(`address range ${start}..${end} is not inside 0..65535`);
    filter.addressRange = { start, end };
  }
  // Modbus/TCP Security: the roles that may read and write through this route (blank: anyone).
  const read = rolesSetting(def.readRoles, 'read roles');
  const write = rolesSetting(def.writeRoles, 'write roles');
  if (read || write) filter.access = { ...(read ? { read } : {}), ...(write ? { write } : {}) };
  return filter;
}
