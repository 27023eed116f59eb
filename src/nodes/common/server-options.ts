/** umodbus-server editor settings → the server engine's options, checked at deploy. */
import { ConfigError } from '../../codec/errors';
import { parseMapConfig } from '../../server/map-config';
import type { IdentityConfig, MemoryMapConfig, RouteReply, ServerListenOptions, ServerOptions } from '../../server/types';
import type { TlsSettings } from '../../transport/tls';
import { serialSettings } from './client-options';
import type { ServerLinkOptions } from './server-link';
import { intListSetting, intSetting, jsonSetting } from './settings';

export interface ServerDefSettings {
  transport?: unknown;
  host?: unknown;
  port?: unknown;
  serialPath?: unknown;
  baudRate?: unknown;
  dataBits?: unknown;
  parity?: unknown;
  stopBits?: unknown;
  interFrameDelay?: unknown;
  unitIds?: unknown;
  maxConnections?: unknown;
  connectionPolicy?: unknown;
  idleTimeout?: unknown;
  fc8?: unknown;
  memoryMap?: unknown;
  vendorName?: unknown;
  productCode?: unknown;
  revision?: unknown;
  vendorUrl?: unknown;
  productName?: unknown;
  modelName?: unknown;
  userApplicationName?: unknown;
  serverId?: unknown;
  replyTimeout?: unknown;
  timeoutReply?: unknown;
  /** TCP + TLS: the id of the tls-config node the editor chose. */
  tls?: unknown;
  /** TCP + TLS: that node's CA, certificate and key, read by the config node at deploy. */
  tlsSettings?: TlsSettings;
}

/**
 * Where the node listens unless told otherwise: this computer only. Modbus has no
 * authentication, so every interface (0.0.0.0) is a choice the flow makes explicitly.
 */
export const DEFAULT_HOST = '127.0.0.1';
/** Addresses that listen on every interface, for the deploy-time warning. */
export const ANY_HOST = new Set(['0.0.0.0', '::', '']);

/**
 * A connection quiet this long is closed (ms). A client that polls at least once a minute keeps
 * its connection; one that crashed, or opened a socket and sent nothing, frees its slot within a
 * minute. Clients reconnect on their own, so a slower poller only pays a reconnect.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

type ConnectionPolicy = 'refuse' | 'close-oldest-idle';

/** At max connections a newcomer closes the connection idle longest, so idle sockets cannot lock everyone out. */
function connectionPolicyFrom(value: unknown): ConnectionPolicy {
  if (value === undefined || value === null || value === '') return 'close-oldest-idle';
  if (value === 'refuse' || value === 'close-oldest-idle') return value;
  throw new ConfigError(`connection policy ${JSON.stringify(value)} is not "close-oldest-idle" or "refuse"`);
}

const IDENTITY_KEYS = ['vendorName', 'productCode', 'revision', 'vendorUrl', 'productName', 'modelName', 'userApplicationName'] as const;

function listenFrom(def: ServerDefSettings): ServerListenOptions {
  if (def.transport === 'rtu' || def.transport === 'ascii') return { type: def.transport, ...serialSettings(def, def.transport === 'rtu') };
  const port = intSetting(def.port, def.transport === 'tls' ? 802 : 502);
  if (port < 0 || port > 65535) throw new ConfigError(`port ${port} is outside 0..65535`);
  const host = typeof def.host === 'string' && def.host.trim() !== '' ? def.host.trim() : DEFAULT_HOST;
  if (def.transport === 'udp') return { type: 'udp', host, port };
  const common = {
    host,
    port,
    maxConnections: Math.max(1, intSetting(def.maxConnections, 32)),
    connectionPolicy: connectionPolicyFrom(def.connectionPolicy),
    idleTimeout: Math.max(0, intSetting(def.idleTimeout, DEFAULT_IDLE_TIMEOUT_MS)),
  };
  if (def.transport === 'tls') {
    if (!def.tlsSettings) throw new ConfigError('TCP + TLS needs a TLS configuration (a tls-config node)');
    const { ca, cert, key, passphrase } = def.tlsSettings;
    return { type: 'tls', ...common, tls: { ca, cert, key, ...(passphrase !== undefined ? { passphrase } : {}) } };
  }
  return def.transport === 'rtu-tcp' ? { type: 'rtu-tcp', ...common } : { type: 'tcp', ...common };
}

function identityFrom(def: ServerDefSettings): IdentityConfig {
  const identity: IdentityConfig = {};
  if (def.serverId !== undefined && def.serverId !== '') identity.serverId = intSetting(def.serverId, 1);
  for (const key of IDENTITY_KEYS) {
    const v = def[key];
    if (typeof v === 'string' && v !== '') identity[key] = v;
  }
  return identity;
}

function timeoutReplyFrom(value: unknown): RouteReply {
  if (value === 'silent') return 'silent';
  const code = intSetting(value, 4);
  return { exception: code === 6 || code === 11 ? code : 4 };
}

/**
 * The memory map through the same parser as `umodbus serve --map`: unknown keys, prototype keys
 * and sizes that do not fit are refused, naming the field.
 */
function memoryMapFrom(value: unknown): ServerOptions['memoryMap'] {
  let json: Record<string, unknown> | undefined;
  try {
    json = jsonSetting(value);
  } catch (err) {
    throw new ConfigError(`memory map: ${(err as Error).message}`);
  }
  if (json === undefined) return undefined;
  try {
    return parseMapConfig(json);
  } catch (err) {
    throw new ConfigError(`memory map: ${(err as Error).message}`);
  }
}

/** FC 8 Diagnostics stays on unless the checkbox is cleared. */
function fc8From(value: unknown): boolean {
  return value !== false && value !== 'false';
}

export function serverOptionsFrom(def: ServerDefSettings): ServerLinkOptions {
  const map = memoryMapFrom(def.memoryMap);
  const mapIdentity: IdentityConfig | undefined = map && 'units' in map ? map.units['*']?.identity : (map as MemoryMapConfig | undefined)?.identity;
  const identity = { ...(mapIdentity ?? {}), ...identityFrom(def) };
  const timeoutReply = timeoutReplyFrom(def.timeoutReply);
  return {
    server: {
      unitIds: intListSetting(def.unitIds, 0, 255),
      memoryMap: map,
      identity,
      timeoutReply: timeoutReply === 'silent' ? 'silent' : (timeoutReply as { exception: 4 | 6 | 11 }).exception,
      fc8: fc8From(def.fc8),
    },
    listen: listenFrom(def),
    replyTimeout: Math.max(1, intSetting(def.replyTimeout, 1000)),
    timeoutReply,
  };
}
