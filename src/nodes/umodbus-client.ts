/**
 * umodbus-client: the config node that owns one client connection, shared by every read and
 * write node that uses it, plus the admin endpoint for the serial port picker.
 */
import type { ClientDefSettings } from './common/client-options';
import { ClientLink } from './common/client-link';
import type { ClientConfigNode } from './common/links';
import type { Node, NodeAPI, NodeDef } from './common/red-types';
import { registerSerialPortsEndpoint } from './common/serial-ports';
import { setStatusTranslator } from './common/status';
import { tlsSettingsFrom } from './common/tls-config';

type ClientDef = NodeDef & ClientDefSettings & { allowConnection?: unknown };

export = function register(RED: NodeAPI): void {
  setStatusTranslator((key, params) => RED._(key, params));
  function UmodbusClientNode(this: Node, def: ClientDef): void {
    RED.nodes.createNode(this, def);
    let link: ClientLink;
    try {
      const allow = def.allowConnection === true || def.allowConnection === 'true';
      // TCP + TLS: the certificates come from the chosen tls-config node, read once at deploy.
      const settings: ClientDefSettings = def.transport === 'tls' ? { ...def, tlsSettings: tlsSettingsFrom(RED, def.tls) } : def;
      link = new ClientLink(this.id, settings, (err) => this.warn(`connect: ${err.message}`), allow, def.name || this.id);
    } catch (err) {
      // Users find no link on this node and say so on their own status.
      this.error(`invalid settings: ${(err as Error).message}`);
      return;
    }
    (this as ClientConfigNode).link = link;
    this.on('close', (_removed, done) => {
      link.close().then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-client', UmodbusClientNode);
  registerSerialPortsEndpoint(RED);
};
