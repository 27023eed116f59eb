/**
 * umodbus-write: any write function code, value from msg.payload. Unit id 0 broadcasts: no
 * answer comes back, and the msg goes on with msg.modbus.broadcast true.
 */
import { ErrorFunnel } from './common/errors';
import { linkUser, reportNoConfig } from './common/flow-node';
import { clientLinks } from './common/links';
import type { Node, NodeAPI, NodeDef } from './common/red-types';
import { exchange, requestFacts, type Exchange } from './common/request-node';
import { buildWriteRequest, writeResultPayload, writeSettingsFrom, type WritePlan } from './common/write-request';

interface WriteDef extends NodeDef {
  client?: string;
}

export = function register(RED: NodeAPI): void {
  function UmodbusWriteNode(this: Node, def: WriteDef): void {
    RED.nodes.createNode(this, def);
    startWrite(this, def);
  }

  function startWrite(node: Node, def: WriteDef): void {
    const link = clientLinks.get(def.client);
    if (!link) {
      reportNoConfig(node, 'umodbus-client');
      return;
    }
    const settings = writeSettingsFrom(def as unknown as Record<string, unknown>);
    const user = linkUser(node);
    const funnel = new ErrorFunnel(node, () => link.status);
    let open = true;
    const ex: Exchange = { link, funnel, isOpen: () => open };
    link.register(user);

    node.on('input', (msg, send, done) => {
      let plan: WritePlan;
      try {
        plan = buildWriteRequest(settings, msg.payload);
      } catch (err) {
        funnel.fail(err, done);
        return;
      }
      void exchange(ex, msg, plan.unitId, plan.request, (response, responseTime) => {
        msg.payload = writeResultPayload(plan, response, msg.payload);
        msg.modbus = { ...requestFacts(plan.unitId, plan.request), broadcast: plan.unitId === 0, response, responseTime, connection: link.connection };
      }, send, done);
    });

    node.on('close', (removed, done) => {
      open = false;
      funnel.close();
      link.deregister(user, removed).then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-write', UmodbusWriteNode);
};
