/**
 * umodbus-client: the config node that owns one client connection, shared by every read and
 * write node that uses it, plus the admin endpoint for the serial port picker.
 */
import { clientOptionsFrom, type ClientDefSettings } from './common/client-options';
import { ClientLink } from './common/client-link';
import { clientLinks } from './common/links';
import type { Node, NodeAPI, NodeDef } from './common/red-types';
import { registerSerialPortsEndpoint } from './common/serial-ports';

type ClientDef = NodeDef & ClientDefSettings;

export = function register(RED: NodeAPI): void {
  function UmodbusClientNode(this: Node, def: ClientDef): void {
    RED.nodes.createNode(this, def);
    let link: ClientLink;
    try {
      link = new ClientLink(this.id, clientOptionsFrom(def), (err) => this.warn(`connect: ${err.message}`));
    } catch (err) {
      // Users find no link in the registry and say so on their own status.
      this.error(`invalid settings: ${(err as Error).message}`);
      return;
    }
    clientLinks.set(this.id, link);
    this.on('close', (_removed, done) => {
      clientLinks.remove(this.id, link);
      link.close().then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-client', UmodbusClientNode);
  registerSerialPortsEndpoint(RED);
};
