/** umodbus-client editor settings → the client engine's options, checked at deploy. */
import { ConfigError } from '../../codec/errors';
import type { ClientOptions, ClientTransportOptions, SerialSettings } from '../../client/types';
import type { TlsClientSettings } from '../../transport/tls';
import { intSetting, optionalNumberSetting, stringSetting } from './settings';

export interface ClientDefSettings {
  transport?: unknown;
  host?: unknown;
  port?: unknown;
  serialPath?: unknown;
  baudRate?: unknown;
  dataBits?: unknown;
  parity?: unknown;
  stopBits?: unknown;
  interFrameDelay?: unknown;
  timeout?: unknown;
  retries?: unknown;
  maxInFlight?: unknown;
  queueLimit?: unknown;
  reconnectMin?: unknown;
  reconnectMax?: unknown;
  turnaround?: unknown;
  /** TCP + TLS: the id of the tls-config node the editor chose. */
  tls?: unknown;
  /** TCP + TLS: that node's certificates, read by the config node at deploy (never from the editor). */
  tlsSettings?: TlsClientSettings;
}

/** `rtu`: whether the line carries RTU, the only framing with an inter-frame silence (ASCII ignores the setting). */
export function serialSettings(def: { serialPath?: unknown; baudRate?: unknown; dataBits?: unknown; parity?: unknown; stopBits?: unknown; interFrameDelay?: unknown }, rtu: boolean): SerialSettings {
  const path = stringSetting(def.serialPath, '');
  if (path === '') throw new ConfigError('no serial port set');
  const parity = def.parity === 'even' || def.parity === 'odd' ? def.parity : 'none';
  const interFrameDelay = rtu ? optionalNumberSetting(def.interFrameDelay, 0, 1000, 'inter-frame delay (ms)') : undefined;
  return {
    path,
    baudRate: intSetting(def.baudRate, 9600),
    dataBits: intSetting(def.dataBits, 8) === 7 ? 7 : 8,
    parity,
    stopBits: intSetting(def.stopBits, 1) === 2 ? 2 : 1,
    // Blank keeps the serial line spec's t3.5; a number (0 included) replaces it.
    ...(interFrameDelay === undefined ? {} : { interFrameDelay }),
  };
}

function transportFrom(def: ClientDefSettings): ClientTransportOptions {
  const type = def.transport;
  if (type === 'rtu' || type === 'ascii') return { type, ...serialSettings(def, type === 'rtu') };
  const host = stringSetting(def.host, '127.0.0.1');
  const port = intSetting(def.port, type === 'tls' ? 802 : 502);
  if (port < 1 || port > 65535) throw new ConfigError(`port ${port} is outside 1..65535`);
  if (type === 'rtu-tcp' || type === 'udp') return { type, host, port };
  if (type === 'tls') {
    if (!def.tlsSettings) throw new ConfigError('TCP + TLS needs a TLS configuration (a tls-config node)');
    return { type, host, port, tls: def.tlsSettings };
  }
  return { type: 'tcp', host, port };
}

export function clientOptionsFrom(def: ClientDefSettings): ClientOptions {
  const min = Math.max(0, intSetting(def.reconnectMin, 100));
  return {
    transport: transportFrom(def),
    timeout: Math.max(1, intSetting(def.timeout, 1000)),
    retries: Math.max(0, intSetting(def.retries, 0)),
    maxInFlight: Math.max(1, intSetting(def.maxInFlight, 1)),
    queueLimit: Math.max(1, intSetting(def.queueLimit, 1000)),
    reconnect: { minDelay: min, maxDelay: Math.max(min, intSetting(def.reconnectMax, 10000)) },
    turnaroundDelay: Math.max(0, intSetting(def.turnaround, 100)),
  };
}
