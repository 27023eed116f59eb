/** umodbus-server editor settings → the server engine's options, checked at deploy. */
import type { IdentityConfig, MemoryMapConfig, RouteReply, ServerListenOptions } from '../../server/types';
import { serialSettings } from './client-options';
import type { ServerLinkOptions } from './server-link';
import { intListSetting, intSetting, jsonSetting, stringSetting } from './settings';

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
  idleTimeout?: unknown;
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
}

const IDENTITY_KEYS = ['vendorName', 'productCode', 'revision', 'vendorUrl', 'productName', 'modelName', 'userApplicationName'] as const;

function listenFrom(def: ServerDefSettings): ServerListenOptions {
  if (def.transport === 'rtu') return { type: 'rtu', ...serialSettings(def, true) };
  const port = intSetting(def.port, 502);
  if (port < 0 || port > 65535) throw new Error(`port ${port} is outside 0..65535`);
  const common = {
    host: stringSetting(def.host, '0.0.0.0'),
    port,
    maxConnections: Math.max(1, intSetting(def.maxConnections, 32)),
    idleTimeout: Math.max(0, intSetting(def.idleTimeout, 0)),
  };
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

export function serverOptionsFrom(def: ServerDefSettings): ServerLinkOptions {
  const map = jsonSetting(def.memoryMap) as MemoryMapConfig | undefined;
  const identity = { ...(map?.identity ?? {}), ...identityFrom(def) };
  const timeoutReply = timeoutReplyFrom(def.timeoutReply);
  return {
    server: {
      unitIds: intListSetting(def.unitIds, 0, 255),
      memoryMap: map,
      identity,
      timeoutReply: timeoutReply === 'silent' ? 'silent' : (timeoutReply as { exception: 4 | 6 | 11 }).exception,
    },
    listen: listenFrom(def),
    replyTimeout: Math.max(1, intSetting(def.replyTimeout, 1000)),
    timeoutReply,
  };
}
