/**
 * umodbus-server: the config node that owns one Modbus server. It listens from deploy on, so the
 * memory map answers with no flow nodes; umodbus-server-route nodes add flow-answered routes.
 */
import type { ServerConfigNode } from './common/links';
import type { Node, NodeAPI, NodeDef } from './common/red-types';
import { ServerLink, type Say } from './common/server-link';
import { ANY_HOST, serverOptionsFrom, type ServerDefSettings } from './common/server-options';
import { tlsSettingsFrom } from './common/tls-config';

type ServerDef = NodeDef & ServerDefSettings;

export = function register(RED: NodeAPI): void {
  const say: Say = (key, params) => RED._(`umodbus-server.${key}`, params);

  function UmodbusServerNode(this: Node, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    let link: ServerLink;
    try {
      // TCP + TLS: the certificates come from the chosen tls-config node, read once at deploy.
      const options = serverOptionsFrom(def.transport === 'tls' ? { ...def, tlsSettings: tlsSettingsFrom(RED, def.tls) } : def);
      const listen = options.listen;
      if ('host' in listen && ANY_HOST.has(listen.host)) this.warn(say('log.any-host', { port: listen.port }));
      link = new ServerLink(options, (err) => this.error(`server: ${err.message}`), say);
      link.start();
    } catch (err) {
      // Route nodes on this server refuse their msgs with the reason, so a Catch node sees it.
      const failure = { reason: `server ${def.name || def.id}: invalid settings: ${(err as Error).message}` };
      (this as ServerConfigNode).failure = failure;
      this.error(failure.reason);
      return;
    }
    (this as ServerConfigNode).link = link;
    this.on('close', (_removed, done) => {
      link.close().then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-server', UmodbusServerNode);
};
