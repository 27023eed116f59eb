/**
 * The few Node-RED runtime types this package uses. Node-RED ships no typings, so they are
 * declared here, narrowly, with `unknown` where the runtime hands us data we have to check.
 */

/** A message: any properties, checked where read. */
export interface NodeMessage {
  _msgid?: string;
  payload?: unknown;
  topic?: string;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFn = (msg: NodeMessage | (NodeMessage | null)[]) => void;
export type DoneFn = (err?: Error) => void;

/** The properties every node config carries; each node type adds its own. */
export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  z?: string;
}

/** A runtime node as created by RED.nodes.createNode. */
export interface Node {
  readonly id: string;
  readonly type: string;
  name?: string;
  on(event: 'input', listener: (msg: NodeMessage, send: SendFn, done: DoneFn) => void): void;
  on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | (NodeMessage | null)[]): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: string | Error, msg?: NodeMessage): void;
  warn(text: string | object): void;
  log(text: string): void;
  debug(text: string): void;
}

/** Express-like admin handler types, only as much as one GET route needs. */
export interface AdminResponse {
  json(body: unknown): void;
  status(code: number): AdminResponse;
}
export type AdminHandler = (req: unknown, res: AdminResponse, next?: () => void) => void;

export interface NodeAPI {
  nodes: {
    createNode(node: object, def: NodeDef): void;
    registerType(type: string, ctor: (this: Node, def: never) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }>; settings?: Record<string, unknown> }): void;
    getNode(id: string): Node | null;
  };
  httpAdmin: { get(path: string, ...handlers: AdminHandler[]): void };
  auth: { needsPermission(permission: string): AdminHandler };
  _: (key: string, substitutions?: Record<string, unknown>) => string;
  log: { warn(text: string): void; error(text: string): void; info(text: string): void };
}
