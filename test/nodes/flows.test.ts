/**
 * Full flows over real sockets with the real engines: read and write nodes against a
 * umodbus-server flow, a server-route flow answering modbus-serial, and every error kind
 * reaching a Catch node.
 */
import { strict as assert } from 'node:assert';
import ModbusRTU from 'modbus-serial';
import { allNodes, catchAll, collect, helper, node, onTab, statusArgs, waitFor, serverLink } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

describe('full flows over TCP (real engines)', function () {
  this.timeout(20000);
  let port: number;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => { await helper.unload(); });

  const server = (over: Record<string, unknown> = {}): N => ({
    id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port,
    memoryMap: JSON.stringify({ coils: { start: 0, size: 32 }, holdingRegisters: { start: 0, size: 64 }, inputRegisters: { start: 0, values: [7, 8, 9] } }),
    vendorName: 'umodbus', productCode: 'T1', revision: '0.1', replyTimeout: 3000, timeoutReply: '4', ...over,
  });
  const client = (over: Record<string, unknown> = {}): N => ({ id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 1000, ...over });
  const read = (id: string, over: Record<string, unknown> = {}): N => ({ id, type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...over });
  const write = (id: string, over: Record<string, unknown> = {}): N => ({ id, type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 0, wires: [['out']], ...over });
  const tail: N[] = [{ id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' }];

  it('writes float32 and coils, then reads them back through the server\'s memory map', async () => {
    await helper.load(allNodes, onTab(server(), client(),
      write('wf', { fc: 16, address: 10, dataType: 'float32', byteOrder: 'CDAB' }), read('rf', { address: 10, quantity: 2, dataType: 'float32', byteOrder: 'CDAB' }),
      write('wc', { fc: 15, address: 3 }), read('rc', { fc: 1, address: 3, quantity: 3 }),
      read('ri', { fc: 4, quantity: 3 }), ...tail));
    const out = collect('out');
    node('wf').receive({ payload: [1.25, -8] });
    node('wc').receive({ payload: [true, false, true] });
    await waitFor(() => out.length === 2, 'writes acknowledged', 5000);
    node('rf').receive({});
    node('rc').receive({});
    node('ri').receive({});
    await waitFor(() => out.length === 5, 'reads', 5000);
    const by = (fc: number): unknown => out.find((m) => (m.modbus as { fc: number }).fc === fc)?.payload;
    assert.deepEqual(by(3), [1.25, -8]);
    assert.deepEqual(by(1), [true, false, true]);
    assert.deepEqual(by(4), [7, 8, 9]);
    assert.equal((out[4].modbus as { connection: { port: number } }).connection.port, port);
    await waitFor(() => statusArgs(node('rf')).at(-1)?.fill === 'green', 'connected status');
  });

  it('reads the device identity the server config sets (FC 43/14)', async () => {
    await helper.load(allNodes, onTab(server(), client(), read('rd', { fc: 43, deviceIdCode: 1 }), ...tail));
    const out = collect('out');
    node('rd').receive({});
    await waitFor(() => out.length === 1, 'identity', 5000);
    assert.deepEqual(out[0].payload, { vendorName: 'umodbus', productCode: 'T1', majorMinorRevision: '0.1' });
  });

  it('a Modbus exception from the server reaches a Catch node with its code', async () => {
    await helper.load(allNodes, onTab(server(), client(), read('rx', { address: 60, quantity: 10 }), ...tail));
    const caught = collect('caught');
    node('rx').receive({ payload: 'keep' });
    await waitFor(() => caught.length === 1, 'catch', 5000);
    const error = caught[0].error as { code: string; cause: { kind: string; exceptionCode: number; exceptionName: string } };
    assert.equal(error.cause.kind, 'exception');
    assert.equal(error.cause.exceptionCode, 2);
    assert.equal(error.cause.exceptionName, 'ILLEGAL DATA ADDRESS');
    assert.equal(caught[0].payload, 'keep');
  });

  it('a timeout and a full queue reach a Catch node', async () => {
    // The route takes FC 3 and never replies, so requests hang until the client gives up.
    await helper.load(allNodes, onTab(server(), client({ timeout: 300, queueLimit: 1, maxInFlight: 1 }),
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3', wires: [[]] },
      read('r1'), ...tail));
    const caught = collect('caught');
    for (let i = 0; i < 4; i++) node('r1').receive({ payload: { address: i } });
    await waitFor(() => caught.length === 4, 'every request fails', 8000);
    const kinds = caught.map((m) => (m.error as { cause: { kind: string } }).cause.kind).sort();
    assert.ok(kinds.includes('timeout'), kinds.join());
    assert.ok(kinds.includes('queue-full'), kinds.join());
  });

  it('polls without overlap against a slow route, counting skipped polls', async () => {
    await helper.load(allNodes, onTab(server(), client({ timeout: 2000 }),
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3', wires: [['slow']] },
      { id: 'slow', type: 'helper' },
      read('r1', { pollInterval: 40 }), ...tail));
    const out = collect('out');
    let pending = 0;
    let most = 0;
    node('slow').on('input', (m) => {
      pending++;
      most = Math.max(most, pending);
      setTimeout(() => { pending--; node('rt').receive({ ...(m as Record<string, unknown>), payload: [5] }); }, 150);
    });
    await waitFor(() => out.length >= 3, 'three polls answered', 5000);
    assert.equal(most, 1, 'never two polls at the server at once');
    assert.ok((out.at(-1)!.modbus as { skippedPolls: number }).skippedPolls >= 2);
    assert.deepEqual(out.map((m) => m.payload).slice(0, 3), [5, 5, 5]);
  });

  it('unit id 0 broadcasts a write that the server applies', async () => {
    await helper.load(allNodes, onTab(server(), client(), write('wb', { unitId: 0, address: 5 }), read('r1', { address: 5 }), ...tail));
    const out = collect('out');
    node('wb').receive({ payload: 1234 });
    await waitFor(() => out.length === 1, 'broadcast sent', 5000);
    assert.equal((out[0].modbus as { broadcast: boolean }).broadcast, true);
    // Same connection, so the server has applied the broadcast before it reads.
    node('r1').receive({});
    await waitFor(() => out.length === 2, 'read back', 5000);
    const value = out[1].payload;
    assert.equal(value, 1234);
  });

  it('a server-route flow answers a modbus-serial client, exceptions included', async () => {
    await helper.load(allNodes, onTab(server(),
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3,6', addressStart: 100, addressEnd: 199, wires: [['flow']] },
      { id: 'flow', type: 'helper' }, ...tail));
    node('flow').on('input', (m) => {
      const msg = m as { payload: { fc: number; address: number; quantity?: number }; modbus: unknown };
      const { fc, address, quantity } = msg.payload;
      const reply = fc === 6 ? true : address === 150 ? { exception: 3 } : Array.from({ length: quantity ?? 0 }, (_, i) => address + i);
      node('rt').receive({ ...msg, payload: reply });
    });
    const ms = new ModbusRTU();
    await ms.connectTCP('127.0.0.1', { port });
    ms.setID(1);
    ms.setTimeout(2000);
    try {
      const res = await ms.readHoldingRegisters(120, 3);
      assert.deepEqual(res.data, [120, 121, 122]);
      await ms.writeRegister(130, 9);
      await assert.rejects(ms.readHoldingRegisters(150, 1), (e: { modbusCode?: number }) => e.modbusCode === 3);
      const map = await ms.readHoldingRegisters(0, 2);
      assert.deepEqual(map.data, [0, 0], 'outside the route: the memory map answers');
    } finally {
      await new Promise<void>((r) => ms.close(() => r()));
    }
  });

  it('no reply from the flow: the client gets the timeout exception and node.error reaches a Catch node', async () => {
    await helper.load(allNodes, onTab(server({ replyTimeout: 200, timeoutReply: '6' }), client(),
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3', wires: [[]] },
      read('r1'), ...tail));
    const caught = collect('caught');
    node('r1').receive({});
    await waitFor(() => caught.length === 2, 'route timeout and client exception', 5000);
    const codes = caught.map((m) => (m.error as { cause: { kind: string; exceptionCode?: number } }).cause);
    assert.ok(codes.some((c) => c.kind === 'timeout'), 'the route node reports its timeout');
    assert.ok(codes.some((c) => c.kind === 'exception' && c.exceptionCode === 6), 'the client got exception 06');
  });

  it('a port already in use shows on the route nodes\' status and is logged', async () => {
    await helper.load(allNodes, onTab(server(), { ...server(), id: 's2' },
      { id: 'rt1', type: 'umodbus-server-route', server: 's1', wires: [[]] },
      { id: 'rt2', type: 'umodbus-server-route', server: 's2', wires: [[]] }));
    // The test helper's RED._ gives the catalog key; listen-words.test.ts shows the words in a real Node-RED.
    const inUse = 'umodbus-server.status.in-use';
    await waitFor(() => [statusArgs(node('rt1')).at(-1)?.text, statusArgs(node('rt2')).at(-1)?.text].includes(inUse), 'port in use status', 5000);
    const texts = [statusArgs(node('rt1')).at(-1)?.text, statusArgs(node('rt2')).at(-1)?.text].sort();
    assert.deepEqual(texts, [`127.0.0.1:${port}`, inUse].sort());
  });

  it('two read nodes on one client share one connection and both show its status', async () => {
    await helper.load(allNodes, onTab(server(), client(), read('r1'), read('r2'), ...tail));
    const out = collect('out');
    node('r1').receive({});
    node('r2').receive({});
    await waitFor(() => out.length === 2, 'both read', 5000);
    for (const id of ['r1', 'r2']) assert.equal(statusArgs(node(id)).at(-1)?.fill, 'green', id);
    assert.equal(serverLink('s1')?.counters()?.connections, 1, 'one TCP connection for both nodes');
  });

  it('a refused connection shows on every user of the client, and a request fails to a Catch node', async () => {
    // Nothing listens on `port`.
    await helper.load(allNodes, onTab(client({ reconnectMin: 50, reconnectMax: 100 }), read('r1'), read('r2'), write('w1'), ...tail));
    const caught = collect('caught');
    for (const id of ['r1', 'r2', 'w1']) {
      await waitFor(() => statusArgs(node(id)).some((st) => st.fill === 'red' && st.text === `refused by 127.0.0.1:${port}`), `${id} shows refused by 127.0.0.1:${port}`, 5000);
    }
    node('w1').receive({ payload: 1 });
    await waitFor(() => caught.length === 1, 'catch', 5000);
    assert.equal((caught[0].error as { cause: { kind: string } }).cause.kind, 'connect-failed');
  });
});
