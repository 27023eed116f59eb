/**
 * What every flow node does with its config node's link: find it by id, register so the status
 * fans out to it, and deregister on close. A missing config is reported, not ignored.
 */
import type { Node, NodeStatus } from './red-types';
import type { LinkUser } from './shared-link';
import { linkStatus, statusKey } from './status';

export function linkUser(node: Node): LinkUser {
  return { id: node.id, status: (s: NodeStatus) => node.status(s) };
}

/** Status and error for a flow node whose config node is missing or failed to start. */
export function reportNoConfig(node: Node, what: string): void {
  node.status(linkStatus('failed', statusKey('no-config')));
  node.error(`no ${what} configured, or it failed to start`);
}
