/**
 * umodbus-server-route: requests to a umodbus-server that match this node's filter go out as
 * msgs; a reply msg coming back to any route node of the same server answers the request it
 * names in msg.modbus. Like link call: a pending entry per request, first reply wins. The engine
 * owns the timer: no reply in time and it sends the server's timeout reply and aborts the route's
 * signal, on which this node raises node.error with the msg; a later reply warns here and goes to
 * the engine, which counts it late.
 */
import type { ServerIndication } from '../server/types';
import { ModbusError } from '../codec/errors';
import { BadMessageError, ErrorFunnel } from './common/errors';
import { linkUser, refuseInput, reportNoConfig } from './common/flow-node';
import { serverConfigNode } from './common/links';
import type { Node, NodeAPI, NodeDef, NodeMessage } from './common/red-types';
import { routeFilterFrom } from './common/route-filter';
import { indicationPayload, memoryOperation, replyFromPayload, runMemoryOperation, type RouteCodec, type RouteCorrelation } from './common/route-mapping';
import type { PendingRequest } from './common/server-link';
import { byteOrderSetting, dataTypeSetting } from './common/settings';
import { statusKey } from './common/status';
import { isPlainObject } from './common/values';

interface RouteDef extends NodeDef {
  server?: string;
  unitIds?: unknown;
  functionCodes?: unknown;
  addressStart?: unknown;
  addressEnd?: unknown;
  dataType?: unknown;
  byteOrder?: unknown;
  storeWrites?: unknown;
}

/** A route timeout as an Error a Catch node can tell apart. */
class RouteTimeoutError extends ModbusError {
  constructor(message: string) {
    super('EMODBUS_TIMEOUT', message);
  }
}

export = function register(RED: NodeAPI): void {
  function UmodbusServerRouteNode(this: Node, def: RouteDef): void {
    RED.nodes.createNode(this, def);
    startRoute(this, def);
  }

  function startRoute(node: Node, def: RouteDef): void {
    const config = serverConfigNode(RED.nodes, def.server);
    const link = config?.link;
    if (!link || def.server === undefined) {
      // A server whose settings were refused says why (its memory map, say), as "bad config".
      const failed = config?.failure;
      if (failed) refuseInput(node, failed.reason, statusKey('config'));
      else reportNoConfig(node, 'umodbus-server');
      return;
    }
    const serverId = def.server;
    const codec: RouteCodec = { dataType: dataTypeSetting(def.dataType), byteOrder: byteOrderSetting(def.byteOrder) };
    const funnel = new ErrorFunnel(node, () => link.status);
    const user = linkUser(node);
    let filter;
    try {
      filter = routeFilterFrom(def);
    } catch (err) {
      refuseInput(node, `invalid settings: ${(err as Error).message}`);
      return;
    }
    link.register(user);

    // Writes the flow acknowledges go into the memory map too, so clients read back what they wrote.
    const storeWrites = def.storeWrites === true || def.storeWrites === 'true';
    const removeRoute = link.addRoute(filter, (indication: ServerIndication, context) => {
      const correlation: RouteCorrelation = {
        server: serverId, id: indication.id, route: node.id, unitId: indication.unitId, fc: indication.fc,
        transactionId: indication.transactionId, remote: { ...indication.remote },
        ...(indication.role !== undefined ? { role: indication.role } : {}),
      };
      const msg: NodeMessage = { topic: `${indication.unitId}/${indication.fc}`, payload: indicationPayload(indication, codec), modbus: correlation };
      const pending: PendingRequest = { route: node.id, indication, codec };
      // The engine checks the reply; one it refuses (answered 04) is raised by the node it came to.
      context.onBadReply = (err) => pending.refused?.(err);
      const reply = link.waitForReply(pending, context.signal, () => {
        const err = new RouteTimeoutError(`no reply from the flow within ${link.options.replyTimeout} ms for request ${indication.id}`);
        funnel.fail(err, (e) => { if (e) node.error(e, msg); });
      });
      node.send([msg, null]);
      return reply;
    }, { storeWrites });

    node.on('input', (msg, send, done) => {
      const m = msg.modbus;
      // Two input shapes: msg.memory sets or reads the memory map (result on output 2); a msg
      // with msg.modbus.id is a reply. A msg with both is refused rather than guessed at.
      if (msg.memory !== undefined) {
        if (isPlainObject(m) && m.id !== undefined) {
          funnel.fail(new BadMessageError('a msg is a reply (msg.modbus.id) or a memory-map operation (msg.memory), not both; delete one'), done);
          return;
        }
        try {
          const memory = link.memory;
          if (!memory) throw new BadMessageError('the server has no memory map (it is not running)');
          msg.payload = runMemoryOperation(memory, memoryOperation(msg.memory, codec));
        } catch (err) {
          funnel.fail(err, done);
          return;
        }
        send([null, msg]);
        done();
        return;
      }
      if (!isPlainObject(m) || typeof m.id !== 'string') {
        funnel.fail(new BadMessageError('a reply needs msg.modbus from a umodbus-server-route msg'), done);
        return;
      }
      if (m.server !== serverId) {
        funnel.fail(new BadMessageError(`msg.modbus.server ${String(m.server)} is not this node's server`), done);
        return;
      }
      const pending = link.pending.context(m.id);
      if (!pending) {
        // After the engine's timeout the reply still goes to the engine, which drops it and counts it late.
        link.pending.settle(m.id, link.options.timeoutReply);
        node.warn(`reply to request ${m.id} came too late or twice; the first reply or the timeout already answered it`);
        done();
        return;
      }
      let reply;
      try {
        reply = replyFromPayload(msg.payload, pending.indication, pending.codec);
      } catch (err) {
        // A payload that does not convert still answers the request, with exception 04, so the client is not left waiting.
        link.pending.settle(m.id, { exception: 4 });
        funnel.fail(err, done);
        return;
      }
      // The engine's check decides whether the reply can answer the request; when it cannot, the
      // client gets 04, the engine counts a bad reply, and this node raises it with this msg.
      pending.refused = (err) => funnel.fail(new BadMessageError(err.message), (e) => { if (e) node.error(e, msg); });
      link.pending.settle(m.id, reply);
      done();
    });

    node.on('close', (_removed, done) => {
      removeRoute();
      funnel.close();
      link.pending.clearWhere((p) => p.route === node.id, link.options.timeoutReply);
      link.deregister(user).then(done, done);
    });
  }
  RED.nodes.registerType('umodbus-server-route', UmodbusServerRouteNode);
};
