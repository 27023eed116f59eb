/**
 * The server config node's engine: it listens from deploy on (the memory map answers with no
 * flow nodes at all), route nodes add routes and see the server's status, and replies from the
 * flow are matched here by request id, each with its own timer.
 */
import { realpathSync } from 'node:fs';
import type { ServerMemory } from '../../server/memory';
import type { ModbusServerApi, RouteFilter, RouteOptions, ServerCounters, RouteHandler, RouteReply, ServerIndication, ServerListenOptions, ServerOptions } from '../../server/types';
import { createServer } from './engines';
import { PendingReplies } from './pending';
import type { NodeStatus } from './red-types';
import type { RouteCodec } from './route-mapping';
import { SharedLink, type LinkUser } from './shared-link';
import { ListenRetry } from '../../server/listen-retry';
import { linkStatus, statusKey } from './status';

/** What a pending request remembers: the route node that sent it and how it decodes values. */
export interface PendingRequest {
  route: string;
  indication: ServerIndication;
  codec: RouteCodec;
  /** Set by the route node a reply arrives at: the engine's check refused that reply. */
  refused?: (err: Error) => void;
}

export interface ServerLinkOptions {
  server: ServerOptions;
  listen: ServerListenOptions;
  /** How long the flow has to reply, ms. */
  replyTimeout: number;
  /** What goes out when the flow is late. */
  timeoutReply: RouteReply;
}

/** Short text for where the server listens, e.g. ":5020" or "/dev/ttyUSB0". */
function where(bound: { host?: string; port?: number; path?: string }): string {
  return bound.path ?? `${bound.host ?? ''}:${bound.port ?? ''}`;
}

/** Words from the server node's catalog: a key under `umodbus-server.` and its substitutions. */
export type Say = (key: string, params?: Record<string, string | number>) => string;

/** The Node.js binary, for the setcap hint; its real path, since setcap does not follow links. */
function nodeBinary(): string {
  try {
    return realpathSync(process.execPath);
  } catch {
    return process.execPath;
  }
}

/**
 * Why listening failed, in words an operator can act on: a short status ("port 5020 in use,
 * retrying") and a log line that says what to do.
 */
export function listenFailure(err: Error & { code?: string }, listen: ServerListenOptions, say: Say): { status: string; log: string } {
  const code = err.code ?? '';
  if ('path' in listen) {
    const path = listen.path;
    if (code === 'EACCES' || /permission denied/i.test(err.message)) {
      return { status: say('status.serial-no-access', { path }), log: say('log.serial-no-access', { path, message: err.message }) };
    }
    return { status: say('status.serial-failed', { path }), log: say('log.serial-failed', { path, message: err.message }) };
  }
  const { host, port } = listen;
  const where = `${host}:${port}`;
  if (code === 'EACCES' && port > 0 && port < 1024) {
    return { status: say('status.privileged', { port }), log: say('log.privileged', { where, port, node: nodeBinary() }) };
  }
  if (code === 'EADDRINUSE') return { status: say('status.in-use', { port }), log: say('log.in-use', { where }) };
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return { status: say('status.no-address', { host }), log: say('log.no-address', { where, host }) };
  }
  return { status: say('status.failed', { code: code || err.name }), log: say('log.failed', { where, message: err.message }) };
}

/** Plain English for when no catalog answers (the node passes the runtime's translations). */
const noCatalog: Say = (key) => key;

export class ServerLink {
  readonly pending = new PendingReplies<RouteReply, PendingRequest>();
  /** Resolves with the bound address once listening (undefined if listening failed). */
  readonly bound: Promise<{ host?: string; port?: number; path?: string } | undefined>;
  private readonly shared: SharedLink<ModbusServerApi>;
  private retrying: ListenRetry | undefined;
  private markBound!: (b: { host?: string; port?: number; path?: string } | undefined) => void;

  constructor(readonly options: ServerLinkOptions, onError: (err: Error) => void, say: Say = noCatalog) {
    this.bound = new Promise((resolve) => { this.markBound = resolve; });
    this.shared = new SharedLink<ModbusServerApi>({
      open: (report) => {
        // The engine owns the reply timeout: it answers the timeout reply, counts routeTimeouts and aborts the route's signal.
        const engine = createServer({ ...options.server, routeTimeout: options.replyTimeout });
        const onEngineError = (err: Error): void => onError(err);
        engine.on('error', onEngineError);
        // A serial line that went away shows red until the engine has it open again.
        engine.on('line', (e) => report(e.state === 'lost' ? linkStatus('failed', statusKey('line-lost')) : linkStatus('listening', e.path)));
        report(linkStatus('connecting'));
        // A port still held by another process, or a USB adapter not there yet at boot: keep
        // trying with backoff rather than stay deaf until the next deploy. Reported once per cause.
        this.retrying = new ListenRetry(engine, options.listen, {
          listening: (bound) => { report(linkStatus('listening', where(bound))); this.markBound(bound); },
          failed: (error, repeated) => {
            const words = listenFailure(error, options.listen, say);
            report(linkStatus('failed', words.status));
            this.markBound(undefined);
            if (!repeated) onError(Object.assign(new Error(words.log), { code: (error as { code?: string }).code, cause: error }));
          },
        }).start();
        return { engine, detach: () => (engine as unknown as { off?: (e: string, l: (err: Error) => void) => void }).off?.('error', onEngineError) };
      },
      // A close while listen() is still opening the port must wait for it, or the port opens after the close and stays open.
      close: async (engine) => {
        await this.retrying?.stop();
        await engine.close();
      },
    });
  }

  /** Listen now. */
  start(): void {
    this.shared.ensureOpen();
  }

  register(user: LinkUser): void {
    this.shared.register(user);
  }

  /** Route nodes never stop the server: it lives as long as its config node. */
  deregister(user: LinkUser): Promise<void> {
    return this.shared.deregister(user, false);
  }

  get status(): NodeStatus {
    return this.shared.status;
  }

  /** The engine's counters while it runs (diagnostics and tests). */
  counters(): ServerCounters | undefined {
    return this.shared.engine?.counters();
  }

  addRoute(filter: RouteFilter, handler: RouteHandler, options?: RouteOptions): () => void {
    return this.shared.ensureOpen().addRoute(filter, handler, options);
  }

  /** The engine's memory map while it runs, for flows that set and read it. */
  get memory(): ServerMemory | undefined {
    return this.shared.engine?.memory;
  }

  /**
   * Wait for the flow's reply to `indication`. When the engine's route timeout aborts `signal`,
   * the entry expires and onTimeout runs (the engine has sent the timeout reply); a reply that
   * comes later still goes to the engine, which counts it in lateReplies.
   */
  waitForReply(request: PendingRequest, signal: AbortSignal, onTimeout: (request: PendingRequest) => void): Promise<RouteReply> {
    const id = request.indication.id;
    const reply = this.pending.wait(id, request);
    signal.addEventListener('abort', () => {
      const expired = this.pending.expire(id);
      if (expired) onTimeout(expired);
    }, { once: true });
    return reply;
  }

  /** Answer every pending request with the timeout reply, then release the port. */
  async close(): Promise<void> {
    this.pending.clear(this.options.timeoutReply);
    await this.shared.close();
  }
}
