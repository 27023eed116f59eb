/**
 * The server engine's public contract. The Node-RED layer and the CLI code against this file;
 * the engine may add to it but not change what is here.
 */
import type { ModbusRequest, ModbusResponse, UnknownRequest } from '../codec';
import type { ListenOptions, RemoteAddress } from '../transport/listen';
import type { AccessRule } from './authorization';
import type { ServerMemory } from './memory';

/** One table of the memory map, as in the map file: `start` address and initial `values`. `size` defaults to values.length. */
export interface MapSection { start?: number; size?: number; values?: number[] }

/** Identity objects for FC 17 and FC 43/14. */
export interface IdentityConfig {
  vendorName?: string;
  productCode?: string;
  revision?: string;
  vendorUrl?: string;
  productName?: string;
  modelName?: string;
  userApplicationName?: string;
  /** FC 17 server id byte (default 1). */
  serverId?: number;
  /** Extended objects of FC 43/14, by object id 0x80..0xFF (decimal or 0x-hex keys). */
  extended?: Record<string, string>;
}

/**
 * The map file format (`umodbus serve --map`, and the server config node): every section is
 * optional; an address outside a section's range gets exception 02.
 */
export interface MemoryMapConfig {
  coils?: MapSection;
  discreteInputs?: MapSection;
  holdingRegisters?: MapSection;
  inputRegisters?: MapSection;
  identity?: IdentityConfig;
  /** Which Modbus/TCP Security roles may read and write this unit (default: anyone); see authorization.ts. */
  access?: AccessRule;
}

/** TCP and UDP listener settings: the transport's, with every TCP hardening limit. */
export type { TcpListenSettings, UdpListenSettings, RemoteAddress } from '../transport/listen';

/** Where to listen: Modbus TCP, RTU over TCP, UDP, or a serial line carrying RTU or ASCII. */
export type ServerListenOptions = ListenOptions;

export interface ServerOptions {
  /** Unit ids answered (default: any). Others get silence. */
  unitIds?: number[];
  /**
   * One map for every unit, or per unit id with '*' as the any-unit fallback. Without it every
   * table spans the whole address space 0..65535.
   */
  memoryMap?: MemoryMapConfig | { units: Record<string, MemoryMapConfig> };
  identity?: IdentityConfig;
  /** How long a route handler may take, ms (default 1000). */
  routeTimeout?: number;
  /** What goes out when a handler is late: an exception code (4, 6 or 11) or 'silent' (default 4). */
  timeoutReply?: 4 | 6 | 11 | 'silent';
  /**
   * FC 8 Diagnostics (default true). false answers every FC 8 with exception 01, on every
   * listener, as a function the server does not have. With it on, a serial line's FC 8 acts on
   * that line only; over TCP the sub-functions that change state (01, 03, 04, 0A, 14) get 01.
   */
  fc8?: boolean;
  /**
   * Route calls one connection (or serial line) may have waiting for their handler (default 32).
   * Past it, a request a route claims is answered at once with exception 06 SERVER DEVICE BUSY
   * (a broadcast is dropped) and the route is not called: the client is told to try again later,
   * the connection is still read, and requests the memory map serves still get their answers.
   */
  maxPendingRoutesPerConnection?: number;
  /** The same over the whole server, every connection and line together (default 256). */
  maxPendingRoutes?: number;
}

/** One decoded request handed to a route. Plain data only. */
export interface ServerIndication {
  /** Unique per server, for correlating a reply. */
  id: string;
  unitId: number;
  fc: number;
  /** Start address and quantity where the function code has them (FC 23: the read range). */
  address?: number;
  quantity?: number;
  request: ModbusRequest;
  transactionId: number;
  remote: RemoteAddress;
  /** The client's Modbus/TCP Security role, from its certificate; absent without TLS or without a role. */
  role?: string;
}

/**
 * What a route answers. Reads: `values` (registers or booleans), or a full `response`.
 * Writes: anything that is not an exception acknowledges. `exception` sends that code.
 * 'silent' sends nothing.
 */
export type RouteReply =
  | { values: number[] | boolean[] }
  | { response: ModbusResponse }
  | { exception: number }
  | { ack: true }
  | 'silent';

export interface RouteFilter {
  unitIds?: number[];
  functionCodes?: number[];
  /** Inclusive address range the request must fall inside entirely. */
  addressRange?: { start: number; end: number };
  /**
   * Which Modbus/TCP Security roles may read and write through this route (default: anyone). A
   * request the route claims from a role that may not gets exception 01, and the route is not called.
   */
  access?: AccessRule;
}

/** How a route treats what it answers, beside its filter. */
export interface RouteOptions {
  /**
   * Store writes (FC 5, 6, 15, 16, 22, 23) in the memory map once the handler acknowledges them,
   * before the response goes out, with a 'write' event as for a write the map served itself. A
   * write answered with an exception, 'silent', an error or a timeout is not stored; a write the
   * map has no addresses for is answered with exception 02.
   */
  storeWrites?: boolean;
}

/** What a route handler gets beside the indication. */
export interface RouteHandlerContext {
  /** Aborts when the route timeout fires (the timeout reply has gone out; a later reply is dropped and counted late). */
  readonly signal: AbortSignal;
  /**
   * Set by a handler that wants to hear when its reply cannot answer the request: the server
   * then answers 04 and counts a bad reply as ever, and calls this instead of emitting 'error'.
   */
  onBadReply?: (err: Error) => void;
}

export type RouteHandler = (indication: ServerIndication, context: RouteHandlerContext) => Promise<RouteReply> | RouteReply;

/** Emitted as 'write' after every write the memory map takes. */
export interface MemoryWriteEvent {
  unitId: number;
  table: 'coils' | 'holdingRegisters';
  address: number;
  values: number[] | boolean[];
  remote: RemoteAddress;
}

/**
 * Emitted as 'request' for each decoded request addressed to this server, before it is served;
 * only built when something listens (the CLI's --verbose does).
 */
export interface ServerRequestEvent {
  unitId: number;
  transactionId: number;
  fc: number;
  request: ModbusRequest | UnknownRequest;
  remote: RemoteAddress;
  /** Unit 0 on a serial line or RTU over TCP. */
  broadcast: boolean;
}

/**
 * Emitted as 'line' when a serial line goes away under the server (an adapter unplugged) and
 * when the server has it open again: it keeps trying, with backoff, until close().
 */
export interface ServerLineEvent {
  path: string;
  state: 'lost' | 'open';
  /** Why it went, for 'lost'. */
  error?: Error;
}

/** Cumulative since the server was made, except `connections`. */
export interface ServerCounters {
  /** Requests addressed to this server (answered unit ids and broadcasts). */
  requests: number;
  /** Normal responses sent. */
  responses: number;
  /** Exception responses sent. */
  exceptions: number;
  /** Frames dropped: bad CRC, bad MBAP header (connection closed), garbage, stale partial frames. */
  malformed: number;
  routeTimeouts: number;
  /** Handlers that threw or rejected, and replies that could not answer their request. */
  routeErrors: number;
  /** Route replies that arrived after their timeout and were dropped. */
  lateReplies: number;
  /** TCP connections open now. */
  connections: number;
  refusedConnections: number;
}

export interface ModbusServerApi {
  /** Start a listener; resolves with the bound address (port 0 picks a free one). */
  listen(options: ServerListenOptions): Promise<{ host?: string; port?: number; path?: string }>;
  /** Routes are tried in the order added; returns a function that removes the route. */
  addRoute(filter: RouteFilter, handler: RouteHandler, options?: RouteOptions): () => void;
  /** The memory map, for flows that set and read it (a scripted test engine may have none). */
  readonly memory?: ServerMemory;
  /** Closes every listener and connection; resolves when the port or serial line is released. */
  close(): Promise<void>;
  counters(): ServerCounters;
  on(event: 'write', listener: (e: MemoryWriteEvent) => void): this;
  on(event: 'error', listener: (e: Error) => void): this;
  on(event: 'request', listener: (e: ServerRequestEvent) => void): this;
  on(event: 'line', listener: (e: ServerLineEvent) => void): this;
}
