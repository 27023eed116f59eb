import { EventEmitter } from 'node:events';
import {
  CodecError, ExceptionCode, BROADCAST_FUNCTION_CODES, decodeRequest, encodeExceptionAdu, encodeResponseAdu,
  type Frame, type ModbusRequest, type ModbusResponse, type UnknownRequest,
} from '../codec';
import { AccessPolicy, type AccessRule, accessOf, permits } from './authorization';
import { CommDiagnostics, changesLineState } from './diagnostics';
import { DeviceIdentity } from './identity';
import { ReportThrottle } from './report-throttle';
import { buildIndication } from './indication';
import type { Answer, FrameSink, Link, ServerListener } from './link';
import { createListener } from '../transport/listen';
import { ServerMemory, type UnitMemory } from './memory';
import { MEMORY_FUNCTION_CODES, executeOnMemory, storeWrite } from './memory-handler';
import { BadReplyError, resolveReply, type ReplyOutcome } from './route-reply';
import { ServerClosedError } from './errors';
import { RouteTable, type Route } from './routes';
import type {
  MemoryWriteEvent, ModbusServerApi, RouteFilter, RouteHandler, RouteHandlerContext, RouteOptions, RouteReply, ServerCounters, ServerListenOptions, ServerOptions,
  ServerLineEvent,
  ServerRequestEvent,
} from './types';

/** A route call still waiting for its handler. */
interface PendingRoute {
  link: Link;
  timer: NodeJS.Timeout;
  context: RouteContext;
  settle: (a: Answer) => void;
}

/**
 * A route handler's context. Its AbortController (an EventTarget and a signal, per request) is
 * made only if the handler asks for `signal`; most handlers never look at it.
 */
class RouteContext implements RouteHandlerContext {
  onBadReply: ((err: Error) => void) | undefined;
  private controller: AbortController | undefined;
  private aborted = false;

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted) this.controller.abort();
    return this.controller.signal;
  }

  abort(): void {
    this.aborted = true;
    this.controller?.abort();
  }
}

/** Counters beyond the contract's: replies a route got wrong, and what abuse cost its clients. */
export interface ModbusServerCounters extends ServerCounters {
  badReplies: number;
  /** Requests a route claimed that were answered 06 (or, broadcast, dropped): too many route calls pending. */
  busyReplies: number;
  /** Connections dropped because they left their answers unread (stuck past `stuckTimeout` or `maxWriteBuffer`). */
  stuckConnections: number;
  /** Connections closed because a partial frame did not complete within `frameTimeout`. */
  frameTimeouts: number;
  /** TLS clients refused in the handshake (a certificate that did not verify, or none): EMODBUS_TLS. */
  tlsRefused: number;
  /** Requests answered 01 because the client's role may not read or write what they ask (Modbus/TCP Security). */
  accessDenied: number;
}

/** Serial line addresses from here to 255 are reserved (MODBUS over serial line, 2.2). */
export const FIRST_RESERVED_SERIAL_ADDRESS = 248;

/** A client retrying with a certificate that does not verify is told of once per this long (per reason). */
export const TLS_REPORT_INTERVAL_MS = 10_000;

/** Route calls pending at once, per connection and per server, unless the options say otherwise. */
export const DEFAULT_MAX_PENDING_ROUTES_PER_CONNECTION = 32;
export const DEFAULT_MAX_PENDING_ROUTES = 256;

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Indication ids count across every server in the process, not per server: a reply held in a
 * flow across a redeploy must not match the new server's first request by having the same id.
 */
let indicationSeq = 0;

/**
 * A Modbus server (slave): decodes indications from its listeners, hands them to the first route
 * that claims them (uModbus style) or serves them from its memory map, and answers with the
 * response, an exception, or silence. A plain library: no Node-RED in here.
 *
 * Requests that touch no route are handled synchronously, without timers; a route's request gets
 * one timer for `routeTimeout`.
 */
export class ModbusServer extends EventEmitter implements ModbusServerApi, FrameSink {
  /** The memory map; flows read and write it with `get` and `set`. */
  readonly memory: ServerMemory;
  readonly identity: DeviceIdentity;
  /**
   * The diagnostics state FC 8, 11 and 12 serve over TCP and RTU over TCP, shared by every TCP
   * client: readable there, never changed from there. A serial line has its own
   * (`lineDiagnostics(path)`).
   */
  readonly diagnostics = new CommDiagnostics();
  /** The eight outputs FC 7 reports, bit 0 first. */
  exceptionStatus = 0;

  private readonly unitIds: ReadonlySet<number> | undefined;
  private readonly routeTimeout: number;
  private readonly timeoutReply: 4 | 6 | 11 | 'silent';
  private readonly fc8: boolean;
  private readonly routes = new RouteTable();
  /** The memory map's role rules, per unit (Modbus/TCP Security). */
  private readonly access: AccessPolicy;
  /** Refused TLS handshakes are counted each, reported at most once per reason in this many ms. */
  private readonly tlsReports = new ReportThrottle(TLS_REPORT_INTERVAL_MS);
  private readonly listeners_: ServerListener[] = [];
  /** Each serial line's own diagnostics state, by path. */
  private readonly lines = new Map<string, CommDiagnostics>();
  private readonly pending = new Set<PendingRoute>();
  /** Pending route calls per link (connection or serial line); a link with none has no entry. */
  private readonly pendingPerLink = new Map<Link, number>();
  private readonly maxPendingPerLink: number;
  private readonly maxPending: number;
  private closed = false;
  private readonly counts: ModbusServerCounters = {
    requests: 0, responses: 0, exceptions: 0, malformed: 0, routeTimeouts: 0, routeErrors: 0, lateReplies: 0,
    connections: 0, refusedConnections: 0, badReplies: 0, busyReplies: 0, stuckConnections: 0, frameTimeouts: 0,
    tlsRefused: 0, accessDenied: 0,
  };

  constructor(options: ServerOptions = {}) {
    super();
    this.unitIds = options.unitIds ? new Set(options.unitIds) : undefined;
    this.memory = new ServerMemory(options.memoryMap);
    this.access = new AccessPolicy(options.memoryMap);
    const map = options.memoryMap;
    const mapIdentity = map && 'units' in map ? map.units['*']?.identity : map?.identity;
    this.identity = new DeviceIdentity(options.identity ?? mapIdentity);
    this.routeTimeout = options.routeTimeout ?? 1000;
    this.timeoutReply = options.timeoutReply ?? 4;
    this.fc8 = options.fc8 ?? true;
    const cap = (v: number | undefined, d: number): number => (v !== undefined && v > 0 ? v : d);
    this.maxPendingPerLink = cap(options.maxPendingRoutesPerConnection, DEFAULT_MAX_PENDING_ROUTES_PER_CONNECTION);
    this.maxPending = cap(options.maxPendingRoutes, DEFAULT_MAX_PENDING_ROUTES);
  }

  /**
   * 'write' after each memory-map write, 'request' for each decoded request, 'error' for route and
   * listener failures, 'line' when a serial line is lost and when it is open again.
   */
  override on(event: 'write', listener: (e: MemoryWriteEvent) => void): this;
  override on(event: 'error', listener: (e: Error) => void): this;
  override on(event: 'request', listener: (e: ServerRequestEvent) => void): this;
  override on(event: 'line', listener: (e: ServerLineEvent) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Start a listener; several may run at once (say TCP and a serial line). */
  async listen(options: ServerListenOptions): Promise<{ host?: string; port?: number; path?: string }> {
    if (this.closed) throw new ServerClosedError();
    const listener = createListener(options, this);
    // A serial line has FC 8/11/12 state of its own, from the moment it may receive.
    const line = options.type === 'rtu' || options.type === 'ascii' ? options.path : undefined;
    if (line !== undefined) this.lines.set(line, new CommDiagnostics());
    try {
      await listener.start();
    } catch (err) {
      if (line !== undefined) this.lines.delete(line);
      throw err;
    }
    if (this.closed) {
      // close() ran while the port was opening: release it rather than leak it.
      await listener.close();
      throw new ServerClosedError('server closed while listening');
    }
    this.listeners_.push(listener);
    return listener.address;
  }

  addRoute(filter: RouteFilter, handler: RouteHandler, options?: RouteOptions): () => void {
    return this.routes.add(filter, handler, options);
  }

  /** Close every listener (destroying open connections) and drop every pending route call. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of [...this.pending]) {
      clearTimeout(p.timer);
      p.context.abort();
      p.settle(null);
    }
    this.pending.clear();
    this.pendingPerLink.clear();
    const ls = this.listeners_.splice(0);
    await Promise.all(ls.map((l) => l.close()));
    this.lines.clear();
  }

  /** A serial line's own FC 8/11/12 state (counters, event log, listen-only mode), by its path. */
  lineDiagnostics(path: string): CommDiagnostics | undefined {
    return this.lines.get(path);
  }

  counters(): ModbusServerCounters {
    return { ...this.counts };
  }

  /** True when this server answers `unitId` (all of them unless `unitIds` was given). */
  answers(unitId: number): boolean {
    return this.unitIds === undefined || this.unitIds.has(unitId);
  }

  // ---- FrameSink: what listeners call --------------------------------------------------------

  handleFrame(frame: Frame, link: Link): Answer | Promise<Answer> {
    try {
      return this.process(frame, link);
    } catch (err) {
      // Nothing may throw into a socket handler; an engine bug is reported, not thrown.
      this.report(err);
      return null;
    }
  }

  onMalformed(_error: unknown, link: Link): void {
    this.counts.malformed++;
    (this.diagnosticsOf(link)).onCommError();
  }

  onTransportError(error: Error): void {
    this.report(error);
  }

  onLineState(path: string, state: 'lost' | 'open', error?: Error): void {
    const e: ServerLineEvent = { path, state, error };
    try {
      this.emit('line', e);
    } catch (err) {
      this.report(err);
    }
  }

  onConnectionOpened(): void {
    this.counts.connections++;
  }

  onConnectionClosed(): void {
    this.counts.connections--;
  }

  onConnectionRefused(): void {
    this.counts.refusedConnections++;
  }

  onTlsRefused(error: Error): void {
    this.counts.tlsRefused++;
    const held = this.tlsReports.pass((error as { reason?: string }).reason ?? 'unknown');
    if (held === undefined) return;
    if (held > 0) error.message += ` (${held} more refused for this reason since the last report; see tlsRefused)`;
    this.report(error);
  }

  onConnectionDropped(reason: 'stuck' | 'frame-timeout'): void {
    if (reason === 'stuck') this.counts.stuckConnections++;
    else this.counts.frameTimeouts++;
  }

  /** The FC 8/11/12 state a frame counts in: its serial line's own, or the one TCP and UDP share. */
  private diagnosticsOf(link: Link): CommDiagnostics {
    return link.line === true && 'path' in link.remote ? (this.lines.get(link.remote.path) ?? this.diagnostics) : this.diagnostics;
  }

  // ---- The request path ---------------------------------------------------------------------

  /**
   * Serial line addressing (RTU, ASCII, and RTU over TCP, which carries the serial ADU): 248-255
   * are reserved (MODBUS over serial line, 2.2), so a server told to answer every unit stays
   * silent there; listed in `unitIds`, they are answered. Over MBAP every unit id is a plain value.
   */
  private answersOn(link: Link, unitId: number): boolean {
    if (this.unitIds === undefined && link.broadcast && unitId >= FIRST_RESERVED_SERIAL_ADDRESS) return false;
    return this.answers(unitId);
  }

  private process(frame: Frame, link: Link): Answer | Promise<Answer> {
    const unitId = frame.unitId;
    const diag = this.diagnosticsOf(link);
    diag.onBusMessage();
    const broadcast = link.broadcast && unitId === 0;
    if (!broadcast && !this.answersOn(link, unitId)) return null;
    this.counts.requests++;
    diag.onServerMessage(broadcast);
    // FC 8 switched off, or a sub-function that would change shared state from TCP: 01, checked
    // before the request's data, as the spec orders it (01 before 03).
    if (frame.data[frame.start] === 0x08 && this.refusesDiagnostics(frame, link)) {
      return this.answer(link, frame, 0x08, broadcast || diag.listenOnly ? null : ExceptionCode.IllegalFunction);
    }
    // A role the unit's map does not allow: 01, before the request's data is looked at (01 first).
    if (this.access.active && this.denies(this.access.forUnit(unitId), link, frame.data[frame.start])) {
      return this.answer(link, frame, frame.data[frame.start], broadcast || diag.listenOnly ? null : ExceptionCode.IllegalFunction);
    }

    let decoded: ModbusRequest | UnknownRequest;
    try {
      decoded = decodeRequest(frame.data, frame.start, frame.end);
    } catch (err) {
      const code = err instanceof CodecError ? err.exceptionCode : undefined;
      if (code === undefined) {
        this.counts.malformed++;
        return null;
      }
      return this.answer(link, frame, frame.data[frame.start], broadcast || diag.listenOnly ? null : code);
    }
    const fc = decoded.fc;
    if (this.listenerCount('request') > 0) this.emitRequest(frame, link, decoded, broadcast);
    if (diag.listenOnly) {
      // Listen only mode: monitor, act on nothing but a restart, answer nothing.
      // (Application Protocol 6.8.1, sub-function 04): a clear-counters or any other FC 8 is only monitored.
      // The mode and the restart are this line's own: other lines and TCP go on as before.
      if (fc === 0x08 && !('unknown' in decoded) && decoded.subFunction === 0x01) diag.diagnostics(decoded);
      return this.answer(link, frame, fc, null);
    }
    if ('unknown' in decoded) return this.answer(link, frame, fc, broadcast ? null : ExceptionCode.IllegalFunction);
    const req = decoded;
    // Only what the spec lets a broadcast do is done (FC 23 reads too, so it is not one of them).
    if (broadcast && !BROADCAST_FUNCTION_CODES.has(fc)) return this.answer(link, frame, fc, null);

    const route = this.routes.size > 0 ? this.routes.match(unitId, req) : undefined;
    if (route?.access && this.denies(route.access, link, fc)) return this.answer(link, frame, fc, broadcast ? null : ExceptionCode.IllegalFunction);
    if (route) return this.runRoute(route, frame, link, req, broadcast);

    if (broadcast) {
      for (const mem of this.memory.broadcastTargets((id) => this.answers(id))) this.serve(mem, 0, req, link);
      return this.answer(link, frame, fc, null);
    }
    return this.answer(link, frame, fc, this.serve(this.memory.forUnit(unitId), unitId, req, link));
  }

  /**
   * FC 8 gets 01 when it is switched off, and over TCP (no line of its own) for the sub-functions
   * that change state: listen only, restart, clear counters and the rest are a serial line's.
   */
  private refusesDiagnostics(frame: Frame, link: Link): boolean {
    if (!this.fc8) return true;
    if (link.line === true || frame.end - frame.start < 3) return false;
    return changesLineState(frame.data.readUInt16BE(frame.start + 1));
  }

  /** True, and counted, when the link's role may not do what `fc` does under `rule`. */
  private denies(rule: AccessRule | undefined, link: Link, fc: number): boolean {
    if (permits(rule, link.role, accessOf(fc))) return false;
    this.counts.accessDenied++;
    return true;
  }

  /** What the server itself answers when no route claims the request. */
  private serve(mem: UnitMemory | undefined, unitId: number, req: ModbusRequest, link: Link): ReplyOutcome {
    if (MEMORY_FUNCTION_CODES.has(req.fc)) {
      return executeOnMemory(mem, req, (table, address, values) => this.emitWrite({ unitId, table, address, values, remote: link.remote }));
    }
    const diag = this.diagnosticsOf(link);
    switch (req.fc) {
      case 0x07: return { fc: 0x07, status: this.exceptionStatus & 0xff };
      case 0x08: return diag.diagnostics(req);
      case 0x0b: return diag.eventCounter(this.pending.size > 0);
      case 0x0c: return diag.eventLog(this.pending.size > 0);
      case 0x11: return this.identity.reportServerId();
      case 0x2b: return this.identity.read(req);
      // Files and FIFOs exist only through routes: without one the function is there but the
      // file or FIFO pointer addressed is not, so 02 ILLEGAL DATA ADDRESS.
      case 0x14: case 0x15: case 0x18: return ExceptionCode.IllegalDataAddress;
      default: return ExceptionCode.IllegalFunction;
    }
  }

  private runRoute(route: Route, frame: Frame, link: Link, req: ModbusRequest, broadcast: boolean): Answer | Promise<Answer> {
    // A flood of requests to a route that is slow (or never answers) must not pile up calls, each
    // a msg in flight in Node-RED: past the caps the client hears 06 SERVER DEVICE BUSY at once.
    if (this.pending.size >= this.maxPending || (this.pendingPerLink.get(link) ?? 0) >= this.maxPendingPerLink) {
      this.counts.busyReplies++;
      return this.answer(link, frame, req.fc, broadcast ? null : ExceptionCode.ServerDeviceBusy);
    }
    const context = new RouteContext();
    const ind = buildIndication(String(++indicationSeq), frame.unitId, frame.transactionId, req, link.remote);
    if (link.role !== undefined) ind.role = link.role;
    const unitId = frame.unitId;
    const tid = frame.transactionId;
    let result: RouteReply | Promise<RouteReply>;
    try {
      result = route.handler(ind, context);
    } catch (err) {
      this.counts.routeErrors++;
      this.report(err);
      return this.answer(link, frame, req.fc, broadcast ? null : ExceptionCode.ServerDeviceFailure);
    }
    if (!isPromiseLike(result)) return this.fromReply(link, unitId, tid, req, result, broadcast, route.storeWrites, context);
    const promise = result;
    return new Promise<Answer>((resolve) => {
      let done = false;
      const pending: PendingRoute = {
        link,
        context,
        timer: setTimeout(() => {
          if (done) return;
          done = true;
          this.unpend(pending);
          this.counts.routeTimeouts++;
          context.abort();
          const code = this.timeoutReply === 'silent' || broadcast ? null : this.timeoutReply;
          resolve(this.answerTo(link, unitId, tid, req.fc, code));
        }, this.routeTimeout),
        settle: (a) => {
          if (done) return;
          done = true;
          resolve(a);
        },
      };
      this.pending.add(pending);
      this.pendingPerLink.set(link, (this.pendingPerLink.get(link) ?? 0) + 1);
      const finish = (ok: boolean, value: unknown): void => {
        if (done) {
          this.counts.lateReplies++;
          return;
        }
        done = true;
        clearTimeout(pending.timer);
        this.unpend(pending);
        if (ok) {
          resolve(this.fromReply(link, unitId, tid, req, value, broadcast, route.storeWrites, context));
        } else {
          this.counts.routeErrors++;
          this.report(value);
          resolve(this.answerTo(link, unitId, tid, req.fc, broadcast ? null : ExceptionCode.ServerDeviceFailure));
        }
      };
      promise.then((v) => finish(true, v), (e: unknown) => finish(false, e));
    });
  }

  private unpend(p: PendingRoute): void {
    if (!this.pending.delete(p)) return;
    const n = (this.pendingPerLink.get(p.link) ?? 1) - 1;
    if (n > 0) this.pendingPerLink.set(p.link, n);
    else this.pendingPerLink.delete(p.link);
  }

  /** The one check of a route's reply: what it becomes on the wire, or 04 and a bad reply counted. */
  private fromReply(link: Link, unitId: number, tid: number, req: ModbusRequest, reply: unknown, broadcast: boolean, store = false, context?: RouteContext): Answer {
    let outcome: ReplyOutcome;
    try {
      outcome = resolveReply(req, reply);
    } catch (err) {
      if (!(err instanceof BadReplyError)) throw err;
      this.badReply(err, context);
      outcome = ExceptionCode.ServerDeviceFailure;
    }
    // A write the route acknowledged (a normal response, not an exception or silence) is stored.
    if (store && outcome !== null && typeof outcome === 'object') outcome = this.store(unitId, req, link, broadcast) ?? outcome;
    return this.answerTo(link, unitId, tid, req.fc, broadcast ? null : outcome, context);
  }

  /** Count a reply that cannot answer its request and tell the route that sent it, else 'error' listeners. */
  private badReply(err: unknown, context: RouteContext | undefined): void {
    this.counts.badReplies++;
    this.counts.routeErrors++;
    const tell = context?.onBadReply;
    if (!tell) {
      this.report(err);
      return;
    }
    try {
      tell(err instanceof Error ? err : new Error(String(err)));
    } catch (e) {
      this.report(e);
    }
  }

  /** Store an acknowledged write in the memory map, as serve() would have; 02 when the map lacks the addresses. */
  private store(unitId: number, req: ModbusRequest, link: Link, broadcast: boolean): number | undefined {
    const targets = broadcast ? this.memory.broadcastTargets((id) => this.answers(id)) : [this.memory.forUnit(unitId)];
    let code: number | undefined;
    for (const mem of targets) code = storeWrite(mem, req, (table, address, values) => this.emitWrite({ unitId, table, address, values, remote: link.remote })) ?? code;
    return code;
  }

  private answer(link: Link, frame: Frame, fc: number, outcome: ReplyOutcome): Answer {
    return this.answerTo(link, frame.unitId, frame.transactionId, fc, outcome);
  }

  /** Seal the outcome into an ADU and count it. A response the codec refuses becomes 04. */
  private answerTo(link: Link, unitId: number, tid: number, fc: number, outcome: ReplyOutcome, context?: RouteContext): Answer {
    const diag = this.diagnosticsOf(link);
    if (outcome === null) {
      diag.onCompleted(fc, 'none');
      return null;
    }
    if (typeof outcome === 'number') return this.exception(link, unitId, tid, fc, outcome);
    let adu: Buffer;
    try {
      adu = encodeResponseAdu(link.framing, unitId, tid, outcome as ModbusResponse);
    } catch (err) {
      // Only a route can hand over a response the codec will not encode.
      this.badReply(err, context);
      return this.exception(link, unitId, tid, fc, ExceptionCode.ServerDeviceFailure);
    }
    this.counts.responses++;
    diag.onCompleted(fc, 'normal');
    return adu;
  }

  private exception(link: Link, unitId: number, tid: number, fc: number, code: number): Answer {
    this.counts.exceptions++;
    (this.diagnosticsOf(link)).onCompleted(fc, code);
    return encodeExceptionAdu(link.framing, unitId, tid, fc & 0x7f, code);
  }

  private emitRequest(frame: Frame, link: Link, request: ModbusRequest | UnknownRequest, broadcast: boolean): void {
    const e: ServerRequestEvent = { unitId: frame.unitId, transactionId: frame.transactionId, fc: request.fc, request, remote: link.remote, broadcast };
    try {
      this.emit('request', e);
    } catch (err) {
      this.report(err);
    }
  }

  private emitWrite(e: MemoryWriteEvent): void {
    try {
      this.emit('write', e);
    } catch (err) {
      // A listener's failure is its own; the write has happened and the request is answered.
      this.report(err);
    }
  }

  /** Report an error to 'error' listeners, if any; never throws. */
  private report(err: unknown): void {
    if (this.listenerCount('error') === 0) return;
    try {
      this.emit('error', err instanceof Error ? err : new Error(String(err)));
    } catch {
      // An 'error' listener that throws has nowhere further to go.
    }
  }
}
