/**
 * umodbus-read: any read function code, per input msg or on its own poll interval. Polls never
 * overlap: a poll due while the previous one is in flight is skipped and counted. msg.poll
 * starts, stops and re-times the poll; msg.connection moves the client's link (when allowed).
 * While a poll keeps failing the same way (the link is down, the unit stays silent) the failure
 * is reported once, not once per poll.
 */
import { exchange, requestFacts, type Exchange } from './common/request-node';
import { ClientNodeStatus } from './common/client-status';
import { BadMessageError, describeError, type ErrorDetails } from './common/errors';
import { reportNoConfig } from './common/flow-node';
import { clientConfigNode } from './common/links';
import { buildReadRequest, decodeReadResponse, mergeChunks, readChunks, readSettingsFrom, type ReadPlan } from './common/read-request';
import type { DoneFn, Node, NodeAPI, NodeDef, NodeMessage, SendFn } from './common/red-types';
import { intSetting } from './common/settings';
import type { ModbusRequest, ModbusResponse } from '../codec';

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
  splitReads?: unknown;
  /** Poll interval in ms; 0 or empty polls never. */
  pollInterval?: unknown;
}

/** The longest poll interval msg.poll takes: one day, as the editor. */
const MAX_POLL_MS = 86_400_000;

/**
 * Failures of one kind that repeat poll after poll are one outage: the link is down
 * (refused, lost, closed), the unit is silent (timeouts, then backed off), or the same exception.
 */
function outageKey(d: ErrorDetails): string {
  switch (d.kind) {
    case 'connect-failed': case 'connection-lost': case 'closed': return 'link';
    case 'timeout': case 'unit-unavailable': return 'silent';
    case 'exception': return `exception ${d.exceptionCode ?? ''}`;
    default: return `${d.kind} ${d.code}`;
  }
}

/** msg.poll: false or 0 stops, true starts at the current interval, a number of ms sets it and starts. */
function pollCommand(value: unknown): boolean | number {
  if (typeof value === 'boolean') return value;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_POLL_MS) return n === 0 ? false : n;
  throw new BadMessageError(`msg.poll must be true, false or an interval in ms (1..${MAX_POLL_MS}), got ${JSON.stringify(value)}`);
}

export = function register(RED: NodeAPI): void {
  function UmodbusReadNode(this: Node, def: ReadDef): void {
    RED.nodes.createNode(this, def);
    startRead(this, def);
  }

  function startRead(node: Node, def: ReadDef): void {
    const found = clientConfigNode(RED.nodes, def.client)?.link;
    if (!found) {
      reportNoConfig(node, 'umodbus-client');
      return;
    }
    const link = found;
    const settings = readSettingsFrom(def as unknown as Record<string, unknown>);
    const view = new ClientNodeStatus(node, () => link.target);
    let open = true;
    const ex: Exchange = { link, funnel: view, isOpen: () => open };
    let skippedPolls = 0;
    /** Polls that failed the same way as the one before, during an outage: counted, not reported. */
    let pollsWhileDown = 0;
    /** The outage the last poll reported; undefined after a success. */
    let outage: string | undefined;
    let polling = false;

    function read(msg: NodeMessage, send: SendFn, done: DoneFn, poll: boolean): Promise<void> {
      let plan: ReadPlan;
      let requests: ModbusRequest[];
      try {
        plan = buildReadRequest({ ...settings, unitId: link.unitId ?? settings.unitId }, msg.payload);
        requests = readChunks(plan, settings.split);
      } catch (err) {
        view.fail(err, done);
        return Promise.resolve();
      }
      const perform = async (): Promise<{ response: ModbusResponse | undefined; responseTime: number }> => {
        if (requests.length === 1) return link.request(plan.unitId, requests[0]);
        // Split: one request after the other on the same unit; the first failure fails the read.
        const responses: ModbusResponse[] = [];
        let responseTime = 0;
        for (const r of requests) {
          const one = await link.request(plan.unitId, r);
          if (!one.response) throw new Error('no response to a read');
          responses.push(one.response);
          responseTime += one.responseTime;
        }
        return { response: mergeChunks(requests, responses), responseTime: Math.round(responseTime * 1000) / 1000 };
      };
      return exchange(ex, msg, perform, (response, responseTime) => {
        if (!response) throw new Error('no response to a read');
        const result = decodeReadResponse(plan, response);
        msg.payload = result.payload;
        const facts = requestFacts(plan.unitId, plan.request);
        facts.dataType = plan.dataType;
        facts.byteOrder = plan.byteOrder;
        facts.raw = result.raw;
        facts.response = response;
        if (requests.length > 1) facts.requests = requests.length;
        facts.responseTime = responseTime;
        facts.connection = link.connection;
        facts.skippedPolls = skippedPolls;
        facts.pollsWhileDown = pollsWhileDown;
        if (poll && outage !== undefined) facts.recovered = true;
        facts.health = link.health();
        msg.modbus = facts;
        if (poll) outage = undefined;
      }, send, done);
    }

    link.register(view);

    let interval = intSetting(def.pollInterval, 0);
    let timer: NodeJS.Timeout | undefined;
    const poll = (): void => {
      if (polling) {
        skippedPolls++;
        return;
      }
      polling = true;
      const msg: NodeMessage = { topic: def.name ?? '' };
      // A poll has no input msg to finish: its errors go to node.error with the msg, which a
      // Catch node sees; once per outage, the repeats counted in msg.modbus.pollsWhileDown.
      const finish: DoneFn = (err) => {
        if (!err) return;
        const key = outageKey(describeError(err));
        if (key === outage) {
          pollsWhileDown++;
          return;
        }
        outage = key;
        node.error(err, msg);
      };
      void read(msg, (m) => node.send(m), finish, true).finally(() => { polling = false; });
    };
    const startPolling = (): void => {
      if (timer) clearInterval(timer);
      timer = setInterval(poll, interval);
      view.setStopped(false);
      poll();
    };
    const stopPolling = (): void => {
      if (timer) clearInterval(timer);
      timer = undefined;
      view.setStopped(true);
    };

    node.on('input', (msg, send, done) => {
      if (msg.connection !== undefined) {
        try {
          link.applyConnection(msg.connection);
        } catch (err) {
          view.fail(err, done);
          return;
        }
      }
      if (msg.poll !== undefined) {
        // A poll command only steers the poll: no read of its own.
        let command: boolean | number;
        try {
          command = pollCommand(msg.poll);
        } catch (err) {
          view.fail(err, done);
          return;
        }
        if (command === false) stopPolling();
        else if (command === true && interval <= 0) {
          view.fail(new BadMessageError('msg.poll = true needs a poll interval: set one on the node, or send msg.poll = <ms>'), done);
          return;
        } else {
          if (typeof command === 'number') interval = command;
          startPolling();
        }
        done();
        return;
      }
      void read(msg, send, done, false);
    });

    if (interval > 0) startPolling();

    node.on('close', (removed, done) => {
      open = false;
      if (timer) clearInterval(timer);
      view.close();
      link.deregister(view, removed).then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-read', UmodbusReadNode);
};
