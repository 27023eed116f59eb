import { WRITE_FUNCTION_CODES } from '../codec';
import { ANY_UNIT } from './memory';
import type { MemoryMapConfig } from './types';

/**
 * Which Modbus/TCP Security roles may do what. A list that is given names the only roles allowed;
 * a list left out allows anyone, with a role or without (plain TCP). `write: []` allows no one.
 */
export interface AccessRule {
  /** Roles that may read: every function code that does not write (FC 1-4, 7, 8, 11, 12, 17, 20, 24, 43). */
  read?: string[];
  /** Roles that may write: FC 5, 6, 15, 16, 21, 22, and 23 (which needs read as well). */
  write?: string[];
}

/** What a function code does to the device, for role checks. */
export interface Access { reads: boolean; writes: boolean }

/** Every function code reads except the pure writes; FC 23 reads and writes. */
export function accessOf(fc: number): Access {
  const writes = WRITE_FUNCTION_CODES.has(fc);
  return { reads: !writes || fc === 0x17, writes };
}

/** True when `role` may do `access` under `rule` (no rule: anyone may). */
export function permits(rule: AccessRule | undefined, role: string | undefined, access: Access): boolean {
  if (!rule) return true;
  const allowed = (list: string[] | undefined): boolean => list === undefined || (role !== undefined && list.includes(role));
  return (!access.reads || allowed(rule.read)) && (!access.writes || allowed(rule.write));
}

/**
 * The memory map's access rules per unit, looked up the way the map itself is: one rule for every
 * unit (the flat form) or per unit id with '*' as the fallback.
 */
export class AccessPolicy {
  private readonly shared: AccessRule | undefined;
  private readonly units = new Map<number, AccessRule | undefined>();
  private readonly fallback: AccessRule | undefined;
  /** Whether any rule exists: without one, no request pays for a check. */
  readonly active: boolean;

  constructor(map?: MemoryMapConfig | { units: Record<string, MemoryMapConfig> }) {
    if (map && 'units' in map) {
      for (const [key, unit] of Object.entries(map.units)) {
        if (key !== ANY_UNIT) this.units.set(Number(key), unit.access);
      }
      this.fallback = map.units[ANY_UNIT]?.access;
    } else {
      this.shared = map?.access;
    }
    this.active = this.shared !== undefined || this.fallback !== undefined || [...this.units.values()].some((r) => r !== undefined);
  }

  /** The rule for a unit: its own map's (none there: open to anyone), else the '*' map's. */
  forUnit(unitId: number): AccessRule | undefined {
    if (this.shared) return this.shared;
    return this.units.has(unitId) ? this.units.get(unitId) : this.fallback;
  }
}

/**
 * Check an access rule read from a map file or a node's config and return it typed; `fail` is
 * called with the offending field (below `path`) and why, and must throw.
 */
export function parseAccessRule(v: unknown, path: string, fail: (field: string, why: string) => never): AccessRule {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object with "read" and/or "write" role lists');
  const out: AccessRule = {};
  for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
    if (k !== 'read' && k !== 'write') fail(`${path}.${k}`, 'is not an access field (read, write)');
    if (!Array.isArray(list) || !list.every((r) => typeof r === 'string' && r !== '')) fail(`${path}.${k}`, 'must be a list of role names');
    out[k as 'read' | 'write'] = [...(list as string[])];
  }
  return out;
}
