/**
 * The one error funnel: every failed request, bad msg, Modbus exception, timeout and queue
 * overflow ends here. It shows the failure on the node's status for a moment and hands an Error
 * to `done(err)` with the msg, so a Catch node sees it with `msg.error.code` set and the Modbus
 * details in `msg.error.cause`.
 */
import { ConfigError, ERROR_KINDS, ModbusError, errorKind, type ErrorCode, type ErrorKind } from '../../codec/errors';
import type { DoneFn, Node, NodeStatus } from './red-types';
import { errorStatus, statusKey, words } from './status';

export type { ErrorKind };
export { ConfigError };

/** Plain details, safe to clone into a Catch node's msg. */
export interface ErrorDetails {
  kind: ErrorKind;
  code: string;
  exceptionCode?: number;
  exceptionName?: string;
  functionCode?: number;
}

/** A msg the node cannot turn into a request (wrong types, out-of-range fields). */
export class BadMessageError extends ModbusError {
  constructor(message: string) {
    super('EMODBUS_BAD_MSG', message);
  }
}

/**
 * Codes in the table that never reach a read or write node's msg.error: a route reply the server
 * engine refuses is answered with exception 04 and reported, and usage is the CLI's own.
 */
const NOT_ON_REQUEST_NODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['EMODBUS_BAD_REPLY', 'EMODBUS_USAGE']);

function field(err: object, key: string): unknown {
  return (err as Record<string, unknown>)[key];
}

/** What went wrong, as plain data; the kind comes from the code, through the one table. */
export function describeError(err: unknown): ErrorDetails {
  if (!(err instanceof Error)) return { kind: 'error', code: 'EMODBUS_ERROR' };
  const code = typeof field(err, 'code') === 'string' ? (field(err, 'code') as string) : 'EMODBUS_ERROR';
  const kind = errorKind(code);
  const details: ErrorDetails = { kind, code };
  const exceptionCode = field(err, 'exceptionCode');
  if (kind === 'exception' && typeof exceptionCode === 'number') {
    details.exceptionCode = exceptionCode;
    const name = field(err, 'exceptionName');
    if (typeof name === 'string') details.exceptionName = name;
    const fc = field(err, 'functionCode');
    if (typeof fc === 'number') details.functionCode = fc;
  }
  return details;
}

/**
 * The debug sidebar shows an error's cause as `cause + ""`: give the plain details a readable
 * text. Not enumerable, so the details stay plain data when a msg is cloned or compared.
 */
function readableCause(details: ErrorDetails): ErrorDetails {
  const text = (): string => {
    const parts = [details.code];
    if (details.exceptionCode !== undefined) parts.push(`exception ${String(details.exceptionCode).padStart(2, '0')}${details.exceptionName ? ` ${details.exceptionName}` : ''}`);
    if (details.functionCode !== undefined) parts.push(`FC ${details.functionCode}`);
    return `${parts.join(', ')} (${details.kind})`;
  };
  Object.defineProperty(details, 'toString', { value: text, enumerable: false });
  return details;
}

/** Serial port errors carry no code, only the system's message. */
const SERIAL_MESSAGES: [RegExp, string][] = [
  [/no such file or directory|file not found|cannot find/i, 'ENOENT'],
  [/permission denied|access denied/i, 'EACCES'],
  [/resource (temporarily )?(busy|unavailable)|cannot lock/i, 'EBUSY'],
];

/** The error's own code (ECONNREFUSED, ENOENT) under the engine's wrapping, if any. */
function socketCode(err: Error): string | undefined {
  const cause = (err as Error & { cause?: unknown }).cause;
  const inner = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (typeof inner === 'string') return inner;
  const message = cause instanceof Error ? cause.message : err.message;
  for (const [re, code] of SERIAL_MESSAGES) if (re.test(message)) return code;
  const own = (err as Error & { code?: unknown }).code;
  return typeof own === 'string' && !own.startsWith('EMODBUS_') ? own : undefined;
}

/** `tcp 10.0.0.5:502` → `10.0.0.5:502`; `rtu /dev/ttyUSB0` → `/dev/ttyUSB0`. */
function bareTarget(target: string): string {
  return target.replace(/^\S+\s+/, '');
}

/**
 * Plain words for a link that failed: "refused by 10.0.0.5:502", "/dev/ttyUSB0 not found".
 * `target` is where the link points; undefined when the error says nothing a person can use.
 */
export function linkFailureWords(err: Error, target: string | undefined): string | undefined {
  const where = bareTarget((err as Error & { target?: unknown }).target as string | undefined ?? target ?? '');
  const code = socketCode(err);
  switch (code) {
    case 'ECONNREFUSED': return words('refused', 'refused by __target__', { target: where });
    case 'ENOENT': return words('not-found', '__target__ not found', { target: where });
    case 'EACCES': case 'EPERM': return words('no-access', 'no access to __target__', { target: where });
    case 'EBUSY': return words('busy', '__target__ busy', { target: where });
    case 'EHOSTUNREACH': case 'ENETUNREACH': return words('unreachable', '__target__ unreachable', { target: where });
    case 'ENOTFOUND': case 'EAI_AGAIN': return words('unknown-host', 'unknown host __target__', { target: where });
    case 'ETIMEDOUT': case 'ABORT_ERR': return words('no-answer', 'no answer from __target__', { target: where });
    case 'ECONNRESET': case 'EPIPE': return words('reset', 'reset by __target__', { target: where });
    default: return code;
  }
}

/** Words for a failed request on the node's status: "exception 02 illegal data address", "refused by 10.0.0.5:502". */
export function failureText(err: unknown, target?: string): string {
  const details = describeError(err);
  if (details.kind === 'exception' && details.exceptionCode !== undefined) {
    const code = String(details.exceptionCode).padStart(2, '0');
    const name = (details.exceptionName ?? '').toLowerCase();
    return words('exception-named', 'exception __code__ __name__', { code, name }).trim();
  }
  if ((details.kind === 'connect-failed' || details.kind === 'connection-lost') && err instanceof Error) {
    const text = linkFailureWords(err, target);
    if (text) return text;
  }
  return shortStatus(details);
}

/** Every code a read or write node may put on msg.error.code; the help lists each (test/nodes/error-codes.test.ts). */
export const NODE_ERROR_CODES: string[] = (Object.keys(ERROR_KINDS) as ErrorCode[]).filter((c) => !NOT_ON_REQUEST_NODES.has(c));

/** The Error handed to done(): own `code` and `cause`, the two fields Node-RED copies to msg.error. */
export function toNodeError(err: unknown): Error & { code: string; cause: ErrorDetails } {
  const details = readableCause(describeError(err));
  const message = err instanceof Error ? err.message : String(err);
  const out = new Error(message, { cause: details }) as Error & { code: string; cause: ErrorDetails };
  out.name = err instanceof Error ? err.name : 'Error';
  out.code = details.code;
  return out;
}

/** Short status text per kind: an exception shows its number, the rest a translated word. */
export function shortStatus(details: ErrorDetails): string {
  if (details.kind === 'exception' && details.exceptionCode !== undefined) return `exception ${details.exceptionCode}`;
  return statusKey(details.kind);
}

/** How long a failure stays on the status before the link status comes back. */
export const ERROR_STATUS_MS = 3000;

/**
 * Per node: fail() shows the error and finishes the msg with it; after ERROR_STATUS_MS the status
 * returns to what `current()` says. close() clears the timer.
 */
export class ErrorFunnel {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  constructor(private readonly node: Node, private readonly current: () => NodeStatus | undefined) {}

  fail(err: unknown, done: DoneFn): void {
    const nodeError = toNodeError(err);
    // After a redeploy or stop too: a msg the closing link could not serve ends with its error
    // (EMODBUS_CLOSED), never silently; only the status stays as the closing node left it.
    this.flash(errorStatus(shortStatus(nodeError.cause)));
    done(nodeError);
  }

  /** Show a status for a moment, then go back to the link status. */
  flash(status: NodeStatus): void {
    if (this.closed) return;
    this.node.status(status);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.node.status(this.current() ?? {});
    }, ERROR_STATUS_MS);
  }

  /** True while a failure is on show, so link status changes do not hide it at once. */
  get showing(): boolean {
    return this.timer !== undefined;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
