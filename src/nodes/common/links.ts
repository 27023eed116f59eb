/** The two registries: client links and server links, by config node id. */
import type { ClientLink } from './client-link';
import { LinkRegistry } from './registry';
import type { ServerLink } from './server-link';

export const clientLinks = new LinkRegistry<ClientLink>();
export const serverLinks = new LinkRegistry<ServerLink>();
