/**
 * The client config node's shared connection: one engine for all its users, status fan-out
 * from the engine's state events, request timing for msg.modbus, health counters, and (when the
 * config allows it) a switch of the link at runtime by msg.connection.
 */
import type { ModbusRequest, ModbusResponse } from '../../codec';
import type { ClientOptions, ClientState, ModbusClientApi } from '../../client/types';
import { clientOptionsFrom, type ClientDefSettings } from './client-options';
import { withDeadline } from './deadline';
import { createClient } from './engines';
import { BadMessageError, ConfigError, describeError, linkFailureWords } from './errors';
import type { NodeStatus } from './red-types';
import { SharedLink, type LinkUser } from './shared-link';
import { linkStatus, words } from './status';
import { isPlainObject } from './values';

/** Where a request went, as plain data for msg.modbus.connection. */
export type ConnectionInfo = ({ client: string; type: string; host: string; port: number } | { client: string; type: string; path: string; baudRate: number }) & { unitId?: number };

/** Per client config: what an operator looks at when a bus is slow (msg.modbus.health). */
export interface LinkHealth {
  /** Requests waiting to be sent, and on the wire, through this client now. */
  queued: number;
  inFlight: number;
  /** Since deploy: requests sent through this client, those that failed, and of those the timeouts. */
  requests: number;
  errors: number;
  timeouts: number;
  /** ms of the last answered request; undefined before the first. */
  lastResponseTime?: number;
  state: ClientState;
}

/** The fields msg.connection may carry. */
export const CONNECTION_FIELDS = ['host', 'port', 'path', 'baudRate', 'unitId'] as const;

/** `10.0.0.5:502` or `/dev/ttyUSB0`: where the link points, for status words. */
export function targetOf(options: ClientOptions): string {
  const t = options.transport;
  return 'path' in t ? t.path : `${t.host}:${t.port}`;
}

export function stateStatus(state: ClientState, error: Error | undefined, target: string, switched = false): NodeStatus {
  switch (state) {
    case 'connecting': return linkStatus('connecting', switched ? words('connecting-to', 'connecting to __target__', { target }) : undefined);
    case 'connected': return linkStatus('connected', switched ? target : undefined);
    case 'idle': return linkStatus('idle');
    case 'disconnected': return error ? linkStatus('failed', linkFailureWords(error, target) ?? 'node-red:common.status.disconnected') : linkStatus('disconnected');
    case 'closed': return linkStatus('closed');
  }
}

function connectionInfo(configId: string, options: ClientOptions, unitId: number | undefined): ConnectionInfo {
  const t = options.transport;
  const base: ConnectionInfo = 'path' in t ? { client: configId, type: t.type, path: t.path, baudRate: t.baudRate } : { client: configId, type: t.type, host: t.host, port: t.port };
  return unitId === undefined ? base : { ...base, unitId };
}

export class ClientLink {
  private options: ClientOptions;
  private def: ClientDefSettings;
  private info: ConnectionInfo;
  /** A unit id set by msg.connection: every read and write node of this client uses it in place of its own. */
  private linkUnitId: number | undefined;
  /** True once msg.connection moved the link: the status then names where it points. */
  private switched = false;
  private readonly shared: SharedLink<ModbusClientApi>;
  private readonly outstanding = new Map<ModbusClientApi, number>();
  private readonly drained = new Map<ModbusClientApi, () => void>();
  private readonly retiring = new Set<Promise<unknown>>();
  private readonly counts = { requests: 0, errors: 0, timeouts: 0 };
  private lastResponseTime: number | undefined;

  /**
   * @param def the config node's settings (msg.connection changes a copy of them)
   * @param allowOverride the config's "allow msg.connection" box
   */
  constructor(private readonly configId: string, def: ClientDefSettings, private readonly onError: (err: Error) => void, readonly allowOverride = false, private readonly name = configId) {
    this.def = def;
    this.options = clientOptionsFrom(def);
    this.info = connectionInfo(configId, this.options, undefined);
    this.shared = new SharedLink<ModbusClientApi>({
      open: (report) => {
        const engine = createClient(this.options);
        const target = targetOf(this.options);
        const switched = this.switched;
        const onState = (state: ClientState, error?: Error): void => report(stateStatus(state, error, target, switched));
        engine.on('state', onState);
        report(stateStatus(engine.state, undefined, target, switched));
        // A failed first connect is reported by the state events; the engine keeps retrying.
        engine.connect().catch(this.onError);
        return { engine, detach: () => engine.off('state', onState as (...args: never[]) => void) };
      },
      close: (engine) => engine.close(),
    });
  }

  /** Where the link points now, as plain data for msg.modbus.connection. */
  get connection(): ConnectionInfo {
    return this.info;
  }

  /** `10.0.0.5:502` or `/dev/ttyUSB0`. */
  get target(): string {
    return targetOf(this.options);
  }

  /** The unit id msg.connection set for every node of this client, if any. */
  get unitId(): number | undefined {
    return this.linkUnitId;
  }

  get state(): ClientState {
    return this.shared.engine?.state ?? 'idle';
  }

  register(user: LinkUser): void {
    this.shared.register(user);
  }

  deregister(user: LinkUser, removed: boolean): Promise<void> {
    return this.shared.deregister(user, removed);
  }

  get status(): NodeStatus {
    return this.shared.status;
  }

  get userCount(): number {
    return this.shared.userCount;
  }

  health(): LinkHealth {
    const engine = this.shared.engine as (ModbusClientApi & { pending?: { queued: number; inFlight: number } }) | undefined;
    const pending = engine?.pending;
    const mine = engine ? this.outstanding.get(engine) ?? 0 : 0;
    const out: LinkHealth = {
      queued: pending ? pending.queued : mine,
      inFlight: pending ? pending.inFlight : 0,
      ...this.counts,
      state: this.state,
    };
    if (this.lastResponseTime !== undefined) out.lastResponseTime = this.lastResponseTime;
    return out;
  }

  /**
   * Apply a msg.connection: {host, port} (TCP, RTU over TCP, UDP), {path, baudRate} (serial)
   * and {unitId}, each optional. Throws ConfigError when the config does not allow it and
   * BadMessageError when a field is wrong; nothing changes then. When the link moves, the old
   * engine keeps the requests it already has (they settle there) and closes once they have;
   * requests from now on go to the new one. Returns whether anything changed.
   */
  applyConnection(raw: unknown): boolean {
    if (!this.allowOverride) {
      throw new ConfigError(`msg.connection is not allowed on client "${this.name}": tick "Allow msg.connection" in its settings`);
    }
    if (!isPlainObject(raw)) throw new BadMessageError('msg.connection must be an object like {host, port} or {path, baudRate}, with an optional unitId');
    const serial = 'path' in this.options.transport;
    for (const key of Object.keys(raw)) {
      if (!(CONNECTION_FIELDS as readonly string[]).includes(key)) throw new BadMessageError(`msg.connection.${key} is not known; use ${CONNECTION_FIELDS.join(', ')}`);
      if (raw[key] === undefined) continue;
      if (serial && (key === 'host' || key === 'port')) throw new BadMessageError(`msg.connection.${key} does not apply to a ${this.options.transport.type} client (serial): use path and baudRate`);
      if (!serial && (key === 'path' || key === 'baudRate')) throw new BadMessageError(`msg.connection.${key} does not apply to a ${this.options.transport.type} client: use host and port`);
    }
    const int = (key: string, min: number, max: number): number | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new BadMessageError(`msg.connection.${key} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
      return n;
    };
    const text = (key: string): string | undefined => {
      const v = raw[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.trim() === '') throw new BadMessageError(`msg.connection.${key} must be a non-empty string, got ${JSON.stringify(v)}`);
      return v.trim();
    };
    const host = text('host');
    const port = int('port', 1, 65535);
    const path = text('path');
    const baudRate = int('baudRate', 50, 4_000_000);
    const unitId = raw.unitId === null ? null : int('unitId', 0, 255);

    const next: ClientDefSettings = { ...this.def };
    if (host !== undefined) next.host = host;
    if (port !== undefined) next.port = port;
    if (path !== undefined) next.serialPath = path;
    if (baudRate !== undefined) next.baudRate = baudRate;
    let options: ClientOptions;
    try {
      options = clientOptionsFrom(next);
    } catch (err) {
      throw new BadMessageError(`msg.connection: ${(err as Error).message}`);
    }
    let changed = false;
    if (unitId !== undefined) {
      const u = unitId ?? undefined;
      if (u !== this.linkUnitId) {
        this.linkUnitId = u;
        changed = true;
      }
    }
    if (JSON.stringify(options.transport) !== JSON.stringify(this.options.transport)) {
      this.def = next;
      this.options = options;
      this.switched = true;
      changed = true;
      const old = this.shared.replace();
      if (old) this.retire(old);
    }
    if (changed) this.info = connectionInfo(this.configId, this.options, this.linkUnitId);
    return changed;
  }

  /** Send through the shared engine (opening it if a user has not); resolves with the response and its time in ms. */
  async request(unitId: number, request: ModbusRequest): Promise<{ response: ModbusResponse | undefined; responseTime: number }> {
    const engine = this.shared.ensureOpen();
    this.outstanding.set(engine, (this.outstanding.get(engine) ?? 0) + 1);
    this.counts.requests++;
    const started = process.hrtime.bigint();
    try {
      const response = (await engine.request(unitId, request)) as ModbusResponse | undefined;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const responseTime = Math.round(ms * 1000) / 1000;
      this.lastResponseTime = responseTime;
      return { response, responseTime };
    } catch (err) {
      this.counts.errors++;
      if (describeError(err).kind === 'timeout') this.counts.timeouts++;
      throw err;
    } finally {
      const left = (this.outstanding.get(engine) ?? 1) - 1;
      if (left > 0) this.outstanding.set(engine, left);
      else {
        this.outstanding.delete(engine);
        this.drained.get(engine)?.();
      }
    }
  }

  /** An engine the link moved away from: let its requests settle (bounded), then close it. */
  private retire(engine: ModbusClientApi): void {
    const o = this.options;
    const bound = (o.timeout ?? 1000) * ((o.retries ?? 0) + 1) + (o.connectTimeout ?? 3000) + 1000;
    const empty = this.outstanding.has(engine)
      ? new Promise<void>((resolve) => this.drained.set(engine, resolve))
      : Promise.resolve();
    const p = withDeadline(empty, bound)
      .then(() => withDeadline(engine.close()))
      .finally(() => {
        this.drained.delete(engine);
        this.retiring.delete(p);
      });
    this.retiring.add(p);
  }

  async close(): Promise<void> {
    // Engines still draining after a switch close now: their requests end with ConnectionClosedError.
    for (const resolve of this.drained.values()) resolve();
    await Promise.all([this.shared.close(), ...this.retiring]);
  }
}
