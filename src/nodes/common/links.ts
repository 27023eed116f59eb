/**
 * How a flow node reaches its config node's link: Node-RED's own registry (RED.nodes.getNode)
 * finds the config node, and the config node carries the link it owns. There is no second
 * registry here: what Node-RED deploys, stops and replaces is what the flow nodes find.
 */
import type { ClientLink } from './client-link';
import type { Node, NodeAPI } from './red-types';
import type { ServerLink } from './server-link';

/** A umodbus-client config node: the link it owns, none when its settings were refused. */
export interface ClientConfigNode extends Node {
  link?: ClientLink;
}

/**
 * A umodbus-server config node: the link it owns, or, when its settings were refused (a bad
 * memory map, say), why: a route node on it refuses its msgs with that reason (EMODBUS_CONFIG).
 */
export interface ServerConfigNode extends Node {
  link?: ServerLink;
  failure?: { reason: string };
}

type GetNode = Pick<NodeAPI['nodes'], 'getNode'>;

function configNode(nodes: GetNode, id: unknown, type: string): Node | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const found = nodes.getNode(id);
  return found && found.type === type ? found : undefined;
}

/** The umodbus-client config node with this id, if Node-RED runs one. */
export function clientConfigNode(nodes: GetNode, id: unknown): ClientConfigNode | undefined {
  return configNode(nodes, id, 'umodbus-client');
}

/** The umodbus-server config node with this id, if Node-RED runs one. */
export function serverConfigNode(nodes: GetNode, id: unknown): ServerConfigNode | undefined {
  return configNode(nodes, id, 'umodbus-server');
}
