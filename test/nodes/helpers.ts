/** Shared test plumbing: the helper bound to our Node-RED, the node modules, and small waits. */
import helper from 'node-red-node-test-helper';
import clientNode from '../../src/nodes/umodbus-client';
import serverNode from '../../src/nodes/umodbus-server';
import readNode from '../../src/nodes/umodbus-read';
import writeNode from '../../src/nodes/umodbus-write';
import routeNode from '../../src/nodes/umodbus-server-route';
import { serverConfigNode } from '../../src/nodes/common/links';
import type { Node } from '../../src/nodes/common/red-types';
import type { ServerLink } from '../../src/nodes/common/server-link';
import { nodeRedMain } from './node-red-runtime';

helper.init(nodeRedMain);

export { helper };
export const allNodes = [clientNode, serverNode, readNode, writeNode, routeNode];

export { waitFor, delay } from '../fixtures/wait-for';

/** Sinon spies sit on Node.prototype, so calls of every node are in one list: filter by thisValue. */
interface Spy { getCalls(): { args: unknown[]; thisValue: unknown }[] }

/** The first argument of each call `n` made to `method`. */
export function callsOf(n: TestNode, method: 'status' | 'send' | 'error' | 'warn'): unknown[][] {
  return n[method].getCalls().filter((c) => c.thisValue === n).map((c) => c.args);
}

export interface TestNode {
  id: string;
  on(event: string, listener: (arg: unknown) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: Spy;
  send: Spy;
  error: Spy;
  warn: Spy;
}

export function node(id: string): TestNode {
  const n = helper.getNode(id) as unknown as TestNode | null;
  if (!n) throw new Error(`node ${id} not in the flow`);
  return n;
}

/** The link a umodbus-server config node owns, found as the nodes find it: through Node-RED's getNode. */
export function serverLink(id: string): ServerLink | undefined {
  return serverConfigNode({ getNode: (i) => helper.getNode(i) as Node | null }, id)?.link;
}

/** Collect msgs arriving at a helper node. */
export function collect(id: string): Record<string, unknown>[] {
  const msgs: Record<string, unknown>[] = [];
  node(id).on('input', (m) => msgs.push(m as Record<string, unknown>));
  return msgs;
}

type FlowNode = Record<string, unknown> & { id: string; type: string };

/** A tab plus nodes placed on it (Catch nodes need both). */
export function onTab(...nodes: FlowNode[]): FlowNode[] {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((n) => (n.type.startsWith('umodbus-client') || n.type === 'umodbus-server' ? n : { z: 'tab', x: 100, y: 100, ...n }))];
}

/** A Catch node for every node on the tab, wired to helper node `out`. */
export function catchAll(id: string, out: string): FlowNode {
  return { id, type: 'catch', z: 'tab', x: 100, y: 200, scope: null, uncaught: false, wires: [[out]] };
}

export function statusArgs(n: TestNode): Record<string, unknown>[] {
  return callsOf(n, 'status').map((args) => args[0] as Record<string, unknown>);
}
