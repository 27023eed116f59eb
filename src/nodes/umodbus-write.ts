/**
 * umodbus-write: any write function code, value from msg.payload. Unit id 0 broadcasts: no
 * answer comes back, and the msg goes on with msg.modbus.broadcast true. msg.connection moves
 * the client's link (when allowed); a msg with msg.connection and no payload only does that.
 */
import { ClientNodeStatus } from './common/client-status';
import { reportNoConfig } from './common/flow-node';
import { clientConfigNode } from './common/links';
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
    const found = clientConfigNode(RED.nodes, def.client)?.link;
    if (!found) {
      reportNoConfig(node, 'umodbus-client');
      return;
    }
    const link = found;
    const settings = writeSettingsFrom(def as unknown as Record<string, unknown>);
    const view = new ClientNodeStatus(node, () => link.target);
    let open = true;
    const ex: Exchange = { link, funnel: view, isOpen: () => open };
    link.register(view);

    node.on('input', (msg, send, done) => {
      if (msg.connection !== undefined) {
        try {
          link.applyConnection(msg.connection);
        } catch (err) {
          view.fail(err, done);
          return;
        }
        if (msg.payload === undefined) {
          // Only the switch: the msg goes on and says where the link now points.
          msg.modbus = { connection: link.connection };
          send(msg);
          done();
          return;
        }
      }
      let plan: WritePlan;
      try {
        plan = buildWriteRequest({ ...settings, unitId: link.unitId ?? settings.unitId }, msg.payload);
      } catch (err) {
        view.fail(err, done);
        return;
      }
      void exchange(ex, msg, () => link.request(plan.unitId, plan.request), (response, responseTime) => {
        msg.payload = writeResultPayload(plan, response, msg.payload);
        msg.modbus = {
          ...requestFacts(plan.unitId, plan.request), broadcast: plan.unitId === 0, response, responseTime,
          connection: link.connection, health: link.health(),
        };
      }, send, done);
    });

    node.on('close', (removed, done) => {
      open = false;
      view.close();
      link.deregister(view, removed).then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-write', UmodbusWriteNode);
};
