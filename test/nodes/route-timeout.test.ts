/**
 * Issue 14, item 3 in a Node-RED runtime with the real engines over TCP: the engine owns the
 * timeout of a flow-answered request. A flow that is late makes the engine send the timeout
 * reply and count a route timeout, the route node raises EMODBUS_TIMEOUT with the msg, and a
 * reply after that warns and is counted by the engine as a late reply.
 */
import { strict as assert } from 'node:assert';
import { ModbusClient } from '../../src/client/client';
import { ModbusExceptionError } from '../../src/codec';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, serverLink, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

describe('umodbus-server-route: the engine times out flow-answered requests (real engines)', function () {
  this.timeout(20000);
  let port: number;
  let client: ModbusClient | undefined;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await helper.unload();
  });

  const flow = (timeoutReply: string): N[] => [
    { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, replyTimeout: 200, timeoutReply },
    { id: 'rt', type: 'umodbus-server-route', server: 's1', unitIds: '', functionCodes: '3', addressStart: '', addressEnd: '', wires: [['req']] },
    { id: 'req', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
  ];

  async function connect(): Promise<ModbusClient> {
    await serverLink('s1')?.bound;
    client = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port }, timeout: 3000, retries: 0 });
    return client;
  }

  it('a late flow moves the engine\'s routeTimeouts and lateReplies counters; the client gets the timeout reply', async () => {
    await helper.load(allNodes, onTab(...flow('11')));
    const req = collect('req');
    const caught = collect('caught');
    const c = await connect();
    const started = Date.now();
    const err = await c.readHoldingRegisters(1, 0, 2).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ModbusExceptionError, `an exception, not ${String(err)}`);
    assert.equal(err.exceptionCode, 11, 'the server\'s timeout reply');
    const took = Date.now() - started;
    assert.ok(took >= 180 && took < 1000, `answered after the reply timeout, not the engine's backstop (${took} ms)`);
    assert.equal(req.length, 1);
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal((caught[0].error as { code: string }).code, 'EMODBUS_TIMEOUT');
    assert.deepEqual(caught[0].modbus, req[0].modbus, 'the error carries the request msg');
    const link = serverLink('s1');
    assert.equal(link?.counters()?.routeTimeouts, 1, 'the engine counted the timeout');
    assert.equal(link?.counters()?.lateReplies, 0);

    node('rt').receive({ ...req[0], payload: [1, 2] });
    await waitFor(() => callsOf(node('rt'), 'warn').length === 1, 'late reply warning');
    await waitFor(() => link?.counters()?.lateReplies === 1, 'the engine counted the late reply');
    node('rt').receive({ ...req[0], payload: [1, 2] });
    await waitFor(() => callsOf(node('rt'), 'warn').length === 2, 'second warning');
    assert.equal(link?.counters()?.lateReplies, 1, 'a reply to a request already given up on counts once');
    assert.equal(link?.counters()?.routeTimeouts, 1);
    assert.equal(caught.length, 1, 'a late reply raises no error');
  });

  it('the engine checks a reply once: one it cannot send answers 04, counts a bad reply, and the route raises it with the reply msg', async () => {
    await helper.load(allNodes, onTab(...flow('6')));
    const req = collect('req');
    const caught = collect('caught');
    const c = await connect();
    const answer = c.readHoldingRegisters(1, 0, 2).then(() => undefined, (e: unknown) => e);
    await waitFor(() => req.length === 1, 'request msg');
    node('rt').receive({ ...req[0], payload: [1, 2, 3], topic: 'the reply' });
    const err = await answer;
    assert.ok(err instanceof ModbusExceptionError, `an exception, not ${String(err)}`);
    assert.equal(err.exceptionCode, 4);
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal((caught[0].error as { code: string }).code, 'EMODBUS_BAD_MSG');
    assert.equal(caught[0].topic, 'the reply', 'raised with the reply msg');
    const counters = serverLink('s1')?.counters() as { badReplies?: number; routeTimeouts: number } | undefined;
    assert.equal(counters?.badReplies, 1, 'the engine counted the bad reply');
    assert.equal(counters?.routeTimeouts, 0);
    assert.equal(callsOf(helper.getNode('s1') as never, 'error').length, 0, 'the server node does not log it a second time');
  });

  it('a reply in time answers the client and counts neither', async () => {
    await helper.load(allNodes, onTab(...flow('4')));
    const req = collect('req');
    const c = await connect();
    const answer = c.readHoldingRegisters(1, 0, 2);
    await waitFor(() => req.length === 1, 'request msg');
    node('rt').receive({ ...req[0], payload: [7, 8] });
    assert.deepEqual((await answer).values, [7, 8]);
    assert.equal(serverLink('s1')?.counters()?.routeTimeouts, 0);
    assert.equal(serverLink('s1')?.counters()?.lateReplies, 0);
  });
});
