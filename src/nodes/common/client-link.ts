/**
 * The client config node's shared connection: one engine for all its users, status fan-out
 * from the engine's state events, and request timing for msg.modbus.
 */
import type { ModbusRequest, ModbusResponse } from '../../codec';
import type { ClientOptions, ClientState, ModbusClientApi } from '../../client/types';
import { createClient } from './engines';
import type { NodeStatus } from './red-types';
import { SharedLink, type LinkUser } from './shared-link';
import { linkStatus } from './status';

/** Where a request went, as plain data for msg.modbus.connection. */
export type ConnectionInfo = { client: string; type: string; host: string; port: number } | { client: string; type: string; path: string };

export function stateStatus(state: ClientState, error?: Error): NodeStatus {
  switch (state) {
    case 'connecting': return linkStatus('connecting');
    case 'connected': return linkStatus('connected');
    case 'idle': return linkStatus('idle');
    case 'disconnected': return error ? linkStatus('failed', shortReason(error)) : linkStatus('disconnected');
    case 'closed': return linkStatus('closed');
  }
}

/** A socket error's code (ECONNREFUSED) is short and says enough; the message may not be. */
function shortReason(error: Error): string {
  // The engine wraps socket errors (ConnectError, code EMODBUS_CONNECT); the socket's own code is in `cause`.
  const cause = (error as Error & { cause?: unknown }).cause;
  const inner = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  const code = typeof inner === 'string' ? inner : (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : 'node-red:common.status.disconnected';
}

export class ClientLink {
  readonly connection: ConnectionInfo;
  private readonly shared: SharedLink<ModbusClientApi>;

  constructor(configId: string, options: ClientOptions, onError: (err: Error) => void) {
    const t = options.transport;
    this.connection = 'path' in t ? { client: configId, type: t.type, path: t.path } : { client: configId, type: t.type, host: t.host, port: t.port };
    this.shared = new SharedLink<ModbusClientApi>({
      open: (report) => {
        const engine = createClient(options);
        const onState = (state: ClientState, error?: Error): void => report(stateStatus(state, error));
        engine.on('state', onState);
        report(stateStatus(engine.state));
        // A failed first connect is reported by the state events; the engine keeps retrying.
        engine.connect().catch(onError);
        return { engine, detach: () => engine.off('state', onState as (...args: never[]) => void) };
      },
      close: (engine) => engine.close(),
    });
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

  /** Send through the shared engine (opening it if a user has not); resolves with the response and its time in ms. */
  async request(unitId: number, request: ModbusRequest): Promise<{ response: ModbusResponse | undefined; responseTime: number }> {
    const engine = this.shared.ensureOpen();
    const started = process.hrtime.bigint();
    const response = (await engine.request(unitId, request)) as ModbusResponse | undefined;
    const responseTime = Number(process.hrtime.bigint() - started) / 1e6;
    return { response, responseTime: Math.round(responseTime * 1000) / 1000 };
  }

  close(): Promise<void> {
    return this.shared.close();
  }
}
