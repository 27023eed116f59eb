/**
 * What every flow node does with its config node's link: find it by id, register so the status
 * fans out to it, and deregister on close. A missing config is reported, not ignored.
 */
import { ConfigError, toNodeError } from './errors';
import type { Node, NodeStatus } from './red-types';
import type { LinkUser } from './shared-link';
import { linkStatus, statusKey } from './status';

export function linkUser(node: Node): LinkUser {
  return { id: node.id, status: (s: NodeStatus) => node.status(s) };
}

/**
 * A flow node that cannot work: say so on its status and in the log, and fail every input msg
 * with the reason, so a Catch node sees it (msg.error.code EMODBUS_CONFIG) instead of the msg
 * vanishing.
 */
export function refuseInput(node: Node, reason: string, status = statusKey('no-config')): void {
  node.status(linkStatus('failed', status));
  node.error(reason);
  node.on('input', (_msg, _send, done) => done(toNodeError(new ConfigError(reason))));
}

/** A flow node whose config node is missing or failed to start. */
export function reportNoConfig(node: Node, what: string): void {
  refuseInput(node, `no ${what} configured, or it failed to start`);
}
