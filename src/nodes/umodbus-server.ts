/**
 * umodbus-server: the config node that owns one Modbus server. It listens from deploy on, so the
 * memory map answers with no flow nodes; umodbus-server-route nodes add flow-answered routes.
 */
import { serverLinks } from './common/links';
import type { Node, NodeAPI, NodeDef } from './common/red-types';
import { ServerLink } from './common/server-link';
import { serverOptionsFrom, type ServerDefSettings } from './common/server-options';

type ServerDef = NodeDef & ServerDefSettings;

export = function register(RED: NodeAPI): void {
  function UmodbusServerNode(this: Node, def: ServerDef): void {
    RED.nodes.createNode(this, def);
    let link: ServerLink;
    try {
      link = new ServerLink(serverOptionsFrom(def), (err) => this.error(`server: ${err.message}`));
      link.start();
    } catch (err) {
      this.error(`invalid settings: ${(err as Error).message}`);
      return;
    }
    serverLinks.set(this.id, link);
    this.on('close', (_removed, done) => {
      serverLinks.remove(this.id, link);
      link.close().then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-server', UmodbusServerNode);
};
