/**
 * umodbus-read: any read function code, per input msg or on its own poll interval. Polls never
 * overlap: a poll due while the previous one is in flight is skipped and counted.
 */
import { exchange, requestFacts, type Exchange } from './common/request-node';
import { ErrorFunnel } from './common/errors';
import { linkUser, reportNoConfig } from './common/flow-node';
import { clientLinks } from './common/links';
import { buildReadRequest, decodeReadResponse, readSettingsFrom, type ReadPlan } from './common/read-request';
import type { DoneFn, Node, NodeAPI, NodeDef, NodeMessage, SendFn } from './common/red-types';
import { intSetting } from './common/settings';

interface ReadDef extends NodeDef {
  client?: string;
  unitId?: unknown;
  fc?: unknown;
  address?: unknown;
  quantity?: unknown;
  dataType?: unknown;
  byteOrder?: unknown;
  fileNumber?: unknown;
  deviceIdCode?: unknown;
  objectId?: unknown;
  /** Poll interval in ms; 0 or empty polls never. */
  pollInterval?: unknown;
}

export = function register(RED: NodeAPI): void {
  function UmodbusReadNode(this: Node, def: ReadDef): void {
    RED.nodes.createNode(this, def);
    startRead(this, def);
  }

  function startRead(node: Node, def: ReadDef): void {
    const found = clientLinks.get(def.client);
    if (!found) {
      reportNoConfig(node, 'umodbus-client');
      return;
    }
    const link = found;
    const settings = readSettingsFrom(def as unknown as Record<string, unknown>);
    const user = linkUser(node);
    const funnel = new ErrorFunnel(node, () => link.status);
    let open = true;
    const ex: Exchange = { link, funnel, isOpen: () => open };
    let skippedPolls = 0;
    let polling = false;

    function read(msg: NodeMessage, send: SendFn, done: DoneFn): Promise<void> {
      let plan: ReadPlan;
      try {
        plan = buildReadRequest(settings, msg.payload);
      } catch (err) {
        funnel.fail(err, done);
        return Promise.resolve();
      }
      return exchange(ex, msg, plan.unitId, plan.request, (response, responseTime) => {
        if (!response) throw new Error('no response to a read');
        const result = decodeReadResponse(plan, response);
        msg.payload = result.payload;
        const facts = requestFacts(plan.unitId, plan.request);
        facts.dataType = plan.dataType;
        facts.byteOrder = plan.byteOrder;
        facts.raw = result.raw;
        facts.response = response;
        facts.responseTime = responseTime;
        facts.connection = link.connection;
        facts.skippedPolls = skippedPolls;
        msg.modbus = facts;
      }, send, done);
    }

    link.register(user);
    node.on('input', (msg, send, done) => { void read(msg, send, done); });

    const interval = intSetting(def.pollInterval, 0);
    let timer: NodeJS.Timeout | undefined;
    if (interval > 0) {
      const poll = (): void => {
        if (polling) {
          skippedPolls++;
          return;
        }
        polling = true;
        const msg: NodeMessage = { topic: def.name ?? '' };
        // A poll has no input msg to finish: its errors go to node.error with the msg, which a Catch node sees.
        void read(msg, (m) => node.send(m), (err) => { if (err) node.error(err, msg); }).finally(() => { polling = false; });
      };
      timer = setInterval(poll, interval);
      poll();
    }

    node.on('close', (removed, done) => {
      open = false;
      if (timer) clearInterval(timer);
      funnel.close();
      link.deregister(user, removed).then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-read', UmodbusReadNode);
};
