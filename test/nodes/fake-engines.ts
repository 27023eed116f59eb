/**
 * Scripted engines for node tests that need an outcome on demand (a given state change, a
 * queue-full error at a given moment) and to see the options the nodes pass. The full flows use
 * the real engines over real sockets.
 */
import { EventEmitter } from 'node:events';
import type { ModbusRequest, ModbusResponse } from '../../src/codec';
import type { ClientCounters, ClientOptions, ClientState, ModbusClientApi } from '../../src/client/types';
import { BadReplyError, resolveReply } from '../../src/server/route-reply';
import type { MemoryWriteEvent, ModbusServerApi, RouteFilter, RouteHandler, RouteHandlerContext, RouteReply, ServerCounters, ServerIndication, ServerListenOptions, ServerOptions } from '../../src/server/types';
import { setEngineFactory, type EngineFactory } from '../../src/nodes/common/engines';

export type FakeHandler = (unitId: number, req: ModbusRequest) => Promise<ModbusResponse | undefined>;

export class FakeClient extends EventEmitter implements ModbusClientApi {
  state: ClientState = 'idle';
  closed = false;
  requests: { unitId: number; req: ModbusRequest }[] = [];
  constructor(readonly options: ClientOptions, private readonly handler: () => FakeHandler) {
    super();
  }
  override off(event: string, listener: (...args: never[]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
  setState(state: ClientState, error?: Error): void {
    this.state = state;
    this.emit('state', state, error);
  }
  async connect(): Promise<void> {
    this.setState('connecting');
    this.setState('connected');
  }
  async close(): Promise<void> {
    this.closed = true;
    this.setState('closed');
  }
  request<R extends ModbusRequest>(unitId: number, req: R): Promise<never> {
    this.requests.push({ unitId, req });
    return this.handler()(unitId, req) as Promise<never>;
  }
  counters(): ClientCounters {
    return { requests: this.requests.length, responses: 0, exceptions: 0, timeouts: 0, retries: 0, reconnects: 0, droppedFrames: 0, bytesIn: 0, bytesOut: 0, settled: 0, settleRepeats: 0 };
  }
}

export class FakeServer extends EventEmitter implements ModbusServerApi {
  closed = false;
  listenedWith: ServerListenOptions | undefined;
  routes: { filter: RouteFilter; handler: RouteHandler }[] = [];
  private next = 0;
  constructor(readonly options: ServerOptions) {
    super();
  }
  async listen(options: ServerListenOptions): Promise<{ host?: string; port?: number; path?: string }> {
    this.listenedWith = options;
    return 'path' in options ? { path: options.path } : { host: options.host, port: options.port };
  }
  addRoute(filter: RouteFilter, handler: RouteHandler): () => void {
    const route = { filter, handler };
    this.routes.push(route);
    return () => { this.routes = this.routes.filter((r) => r !== route); };
  }
  /** What a request would get: the first matching route's reply, or 'map' when none matches. */
  async indicate(unitId: number, request: ModbusRequest & { address?: number; quantity?: number }): Promise<RouteReply | 'map'> {
    const address = 'address' in request ? request.address : undefined;
    const quantity = 'quantity' in request ? request.quantity : undefined;
    const route = this.routes.find(({ filter }) =>
      (!filter.unitIds || filter.unitIds.includes(unitId)) &&
      (!filter.functionCodes || filter.functionCodes.includes(request.fc)) &&
      (!filter.addressRange || (address !== undefined && address >= filter.addressRange.start && address + (quantity ?? 1) - 1 <= filter.addressRange.end)));
    if (!route) return 'map';
    const ind: ServerIndication = { id: `r${++this.next}`, unitId, fc: request.fc, address, quantity, request, transactionId: this.next, remote: { address: '127.0.0.1', port: 50000 } };
    // Like the real engine, the route timeout answers the timeout reply and aborts the handler's signal.
    const controller = new AbortController();
    const context: RouteHandlerContext = { signal: controller.signal };
    // And like the real engine, a reply its check refuses is answered 04 and told to the route.
    const reply = Promise.resolve(route.handler(ind, context)).then((r): RouteReply => {
      try {
        resolveReply(request, r);
        return r;
      } catch (err) {
        if (!(err instanceof BadReplyError)) throw err;
        context.onBadReply?.(err);
        return { exception: 4 };
      }
    });
    const ms = this.options.routeTimeout;
    if (ms === undefined) return reply;
    const code = this.options.timeoutReply ?? 4;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<RouteReply>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(code === 'silent' ? 'silent' : { exception: code });
      }, ms);
    });
    return Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  counters(): ServerCounters {
    return { requests: 0, responses: 0, exceptions: 0, malformed: 0, routeTimeouts: 0, routeErrors: 0, lateReplies: 0, connections: 0, refusedConnections: 0 };
  }
  emitWrite(e: MemoryWriteEvent): void {
    this.emit('write', e);
  }
}

/** Install fakes; returns the live lists and a restore function. */
export function useFakeEngines(): { clients: FakeClient[]; servers: FakeServer[]; setHandler(h: FakeHandler): void; restore(): void } {
  const clients: FakeClient[] = [];
  const servers: FakeServer[] = [];
  let handler: FakeHandler = async () => ({ fc: 3, values: [0] } as ModbusResponse);
  const factory: EngineFactory = {
    createClient: (options) => { const c = new FakeClient(options, () => handler); clients.push(c); return c; },
    createServer: (options) => { const s = new FakeServer(options); servers.push(s); return s; },
  };
  const previous = setEngineFactory(factory);
  return { clients, servers, setHandler: (h) => { handler = h; }, restore: () => { setEngineFactory(previous); } };
}
