/**
 * What `umodbus read` and `umodbus write` share: connection flags, number parsing, exit codes,
 * and turning an error into one clear line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BYTE_ORDERS, CodecError, DATA_TYPES, FunctionCode, ModbusError, ModbusExceptionError, type ByteOrder, type DataType } from '../codec';
import { MODBUS_TLS_PORT } from '../transport/tls';
import { TLS_OPTIONS, TLS_USAGE, checkTlsFlags, tlsFromFlags } from './tls-flags';
import { BroadcastReadError, ConnectError, TimeoutError, UnitUnavailableError, type ClientOptions, type ClientTransportOptions } from '../client';

/** File records need flags the CLI does not have: `umodbus read` and `write` leave FC 20 and 21 out. */
export const NOT_IN_CLI: ReadonlySet<number> = new Set([FunctionCode.ReadFileRecord, FunctionCode.WriteFileRecord]);

/** Exit codes: distinct per failure, so scripts can tell them apart. */
export const Exit = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Exception: 3,
  Timeout: 4,
  Connection: 5,
} as const;

/** A command line that cannot be run; its message goes out with the usage hint, exit 2. */
export class UsageError extends ModbusError {
  constructor(message: string) {
    super('EMODBUS_USAGE', message);
  }
}

export const CONNECTION_USAGE = `connection (one of):
  --tcp HOST[:PORT]        Modbus TCP (port 502 by default)
  --rtu-tcp HOST[:PORT]    RTU frames over TCP (serial gateways)
  --udp HOST[:PORT]        Modbus TCP framing over UDP
  --rtu PATH               RTU on a serial port
  --ascii PATH             ASCII on a serial port
serial line: --baud N (9600) --parity none|even|odd (none) --data-bits 7|8 (8) --stop-bits 1|2 (1)
  --timeout MS             per request, and per connect attempt (1000)
  --unit N                 unit id, 0 broadcasts a write (1)
${TLS_USAGE}`;

/** Options every client command takes, in node:util parseArgs form. */
export const CONNECTION_OPTIONS = {
  tcp: { type: 'string' },
  'rtu-tcp': { type: 'string' },
  udp: { type: 'string' },
  rtu: { type: 'string' },
  ascii: { type: 'string' },
  baud: { type: 'string' },
  parity: { type: 'string' },
  'data-bits': { type: 'string' },
  'stop-bits': { type: 'string' },
  timeout: { type: 'string' },
  unit: { type: 'string' },
  type: { type: 'string' },
  order: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...TLS_OPTIONS,
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type Flags = Record<string, string | boolean | undefined>;

/** Parse argv against `options`; unknown flags are usage errors. */
export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, positionals: boolean): { flags: Flags; rest: string[] } {
  // Negative numbers are values, not flags (`write ... -5 -1.5`), which parseArgs cannot tell:
  // hide their minus sign behind a marker and put it back afterwards.
  const NEG = '\u0000';
  const hide = (a: string): string => (/^-(\d|\.\d|inf|nan)/i.test(a) ? NEG + a.slice(1) : a);
  const show = (a: string): string => (a.startsWith(NEG) ? '-' + a.slice(1) : a);
  let parsed;
  try {
    parsed = parseArgs({ args: argv.map(hide), options, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const flags: Flags = {};
  for (const [k, v] of Object.entries(parsed.values)) flags[k] = typeof v === 'string' ? show(v) : (v as boolean | undefined);
  return { flags, rest: parsed.positionals.map(show) };
}

/** An integer flag: decimal or 0x hex, within [min, max]. */
export function intFlag(flags: Flags, name: string, min: number, max: number, fallback?: number): number {
  const raw = flags[name];
  if (raw === undefined || raw === true || raw === false) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  return parseInteger(raw, `--${name}`, min, max);
}

/** Parse one integer (decimal, 0x hex or 0b binary, optional minus), within [min, max]. */
export function parseInteger(raw: string, what: string, min: number, max: number): number {
  const s = raw.trim();
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const n = /^(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(body) ? Number(body) : NaN;
  const v = neg ? -n : n;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${what} must be an integer in ${min}..${max}, got "${raw}"`);
  return v;
}

function hostPort(raw: string, flag: string, defaultPort = 502): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? /^([^:]+)(?::(\d+))?$/.exec(raw);
  if (!m) throw new UsageError(`--${flag} takes HOST[:PORT], got "${raw}"`);
  return { host: m[1], port: m[2] === undefined ? defaultPort : parseInteger(m[2], `--${flag} port`, 1, 65535) };
}

/** The transport the flags name; exactly one of --tcp, --rtu-tcp, --udp, --rtu, --ascii. */
export function transportFromFlags(flags: Flags): ClientTransportOptions {
  const given = (['tcp', 'rtu-tcp', 'udp', 'rtu', 'ascii'] as const).filter((k) => typeof flags[k] === 'string');
  if (given.length !== 1) throw new UsageError('give exactly one of --tcp, --rtu-tcp, --udp, --rtu, --ascii');
  const kind = given[0];
  const value = flags[kind] as string;
  checkTlsFlags(flags.tls === true, flags);
  if (flags.tls === true) {
    if (kind !== 'tcp') throw new UsageError('--tls goes with --tcp (Modbus/TCP Security is MBAP over TLS)');
    return { type: 'tls', ...hostPort(value, kind, MODBUS_TLS_PORT), tls: tlsFromFlags(flags as Record<string, string | undefined>) };
  }
  if (kind === 'tcp' || kind === 'rtu-tcp' || kind === 'udp') return { type: kind, ...hostPort(value, kind) };
  const parity = (flags.parity ?? 'none') as string;
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new UsageError(`--parity must be none, even or odd, got "${parity}"`);
  const dataBits = intFlag(flags, 'data-bits', 7, 8, 8) as 7 | 8;
  const stopBits = intFlag(flags, 'stop-bits', 1, 2, 1) as 1 | 2;
  return { type: kind, path: value, baudRate: intFlag(flags, 'baud', 50, 4_000_000, 9600), parity, dataBits, stopBits };
}

/** Client options for a one-shot command: fail fast, no retries, no unit backoff. */
export function clientOptions(flags: Flags): ClientOptions {
  const timeout = intFlag(flags, 'timeout', 1, 3_600_000, 1000);
  return {
    transport: transportFromFlags(flags),
    timeout,
    connectTimeout: timeout,
    retries: 0,
    unitBackoff: false,
    reconnect: { minDelay: Math.min(timeout, 1000), maxDelay: 5000 },
  };
}

/** --type and --order, checked. */
export function typeFlags(flags: Flags): { type: DataType | undefined; order: ByteOrder } {
  const type = flags.type as string | undefined;
  const order = ((flags.order as string | undefined) ?? 'ABCD').toUpperCase();
  if (type !== undefined && !(DATA_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of ${DATA_TYPES.join(', ')}`);
  if (!(BYTE_ORDERS as readonly string[]).includes(order)) throw new UsageError(`--order must be one of ${BYTE_ORDERS.join(', ')}`);
  return { type: type as DataType | undefined, order: order as ByteOrder };
}

/** One line saying what went wrong, and the exit code for it. */
export function describeError(e: unknown): { message: string; exit: number } {
  if (e instanceof UsageError) return { message: e.message, exit: Exit.Usage };
  if (e instanceof BroadcastReadError) return { message: e.message, exit: Exit.Usage };
  if (e instanceof ModbusExceptionError) {
    return { message: `Modbus exception ${e.exceptionCode} (${e.exceptionName}) for function code ${e.functionCode}`, exit: Exit.Exception };
  }
  if (e instanceof TimeoutError) return { message: `timeout: ${e.message}`, exit: Exit.Timeout };
  if (e instanceof UnitUnavailableError) return { message: `timeout: ${e.message}`, exit: Exit.Timeout };
  if (e instanceof ConnectError && e.code === 'EMODBUS_TLS') return { message: `TLS refused (EMODBUS_TLS): ${e.message}`, exit: Exit.Connection };
  if (e instanceof ConnectError) return { message: `connection failed: ${e.message}`, exit: Exit.Connection };
  if (e instanceof ModbusError && e.code === 'EMODBUS_CONNECTION_LOST') return { message: `connection failed: ${e.message}`, exit: Exit.Connection };
  if (e instanceof CodecError) return { message: `invalid ${e.reason === 'limit' ? 'request' : 'response'}: ${e.message}`, exit: Exit.Failure };
  return { message: e instanceof Error ? e.message : String(e), exit: Exit.Failure };
}

/** JSON that carries 64-bit values (bigint) as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
