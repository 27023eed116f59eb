/**
 * Issue 15, items 7 and 8 (and the words of item 5 on real links): msg.modbus.health per client
 * config; a read above one request's limit split into several when the node says so; the words
 * a refused port and a missing serial port show. Real engines over 127.0.0.1.
 */
import { strict as assert } from 'node:assert';
import { valuesToRegisters } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { readChunks } from '../../src/nodes/common/read-request';
import { allNodes, catchAll, collect, delay, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { freePort } from './real-io';

type Msg = Record<string, unknown> & { modbus?: Record<string, unknown>; error?: { code: string; message: string } };
interface Health { queued: number; inFlight: number; requests: number; errors: number; timeouts: number; lastResponseTime?: number; state: string }

describe('health, split reads and status words (real engines)', function () {
  this.timeout(20000);

  let server: ModbusServer;
  let port: number;
  beforeEach(async () => {
    const regs = Array.from({ length: 400 }, (_, i) => i);
    const floats = valuesToRegisters(Array.from({ length: 100 }, (_, i) => i + 0.5), 'float32');
    server = new ModbusServer({
      memoryMap: { holdingRegisters: { start: 0, values: [...regs, ...floats] }, coils: { start: 0, size: 5000 } },
      routeTimeout: 5000,
    });
    // Slow corner at 9000 for queue lengths; silent at 9100 for timeouts; exception past the map.
    server.addRoute({ functionCodes: [3], addressRange: { start: 9000, end: 9000 } }, async () => { await delay(100); return { values: [1] }; });
    server.addRoute({ functionCodes: [3], addressRange: { start: 9100, end: 9100 } }, () => 'silent');
    port = (await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 })).port ?? 0;
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  const flow = (read: Record<string, unknown>, client: Record<string, unknown> = {}): ReturnType<typeof onTab> => onTab(
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 300, maxInFlight: 1, ...client },
    { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...read },
    { id: 'out', type: 'helper' },
    catchAll('catch', 'caught'),
    { id: 'caught', type: 'helper' },
  );

  it('splits 300 registers into three requests on the same unit and returns one payload', async () => {
    await helper.load(allNodes, flow({ quantity: 300, splitReads: true }));
    const out = collect('out') as Msg[];
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'the split read', 5000);
    assert.deepEqual(out[0].payload, Array.from({ length: 300 }, (_, i) => i));
    assert.equal(out[0].modbus?.requests, 3);
    assert.equal(out[0].modbus?.quantity, 300);
  });

  it('never cuts a float32 in two, and splits coils at 2000 bits', async () => {
    await helper.load(allNodes, flow({ address: 400, quantity: 100, dataType: 'float32', splitReads: true }));
    const out = collect('out') as Msg[];
    node('r1').receive({});
    node('r1').receive({ payload: { fc: 1, address: 0, quantity: 4500 } });
    await waitFor(() => out.length === 2, 'both reads', 5000);
    const floats = out.find((m) => m.modbus?.fc === 3)!;
    assert.deepEqual(floats.payload, Array.from({ length: 100 }, (_, i) => i + 0.5));
    assert.equal(floats.modbus?.requests, 2, '200 registers: 124 + 76');
    const coils = out.find((m) => m.modbus?.fc === 1)!;
    assert.equal((coils.payload as boolean[]).length, 4500);
    assert.equal(coils.modbus?.requests, 3);
  });

  it('chunks end on value boundaries and stay within the FC limit', () => {
    const plan = (fc: 1 | 3, quantity: number, dataType: 'float32' | 'float64' | 'uint16') => ({ unitId: 1, request: { fc, address: 10, quantity }, dataType, byteOrder: 'ABCD' as const });
    const sizes = (p: ReturnType<typeof plan>): number[] => readChunks(p, true).map((r) => ('quantity' in r ? r.quantity : -1));
    assert.deepEqual(sizes(plan(3, 200, 'float32')), [124, 76]);
    assert.deepEqual(sizes(plan(3, 400, 'float64')), [124, 124, 124, 28]);
    assert.deepEqual(sizes(plan(3, 300, 'uint16')), [125, 125, 50]);
    assert.deepEqual(sizes(plan(1, 4500, 'uint16')), [2000, 2000, 500]);
    assert.deepEqual(readChunks(plan(3, 200, 'float32'), false).length, 1, 'not split unless asked');
    assert.deepEqual(readChunks(plan(3, 300, 'uint16'), true).map((r) => ('address' in r ? r.address : -1)), [10, 135, 260]);
    assert.throws(() => readChunks({ ...plan(3, 300, 'uint16'), request: { fc: 3, address: 65400, quantity: 300 } }, true), /past the last address/);
  });

  it('without "split large reads" a read above the limit keeps its clear error', async () => {
    await helper.load(allNodes, flow({ quantity: 300 }));
    const caught = collect('caught') as Msg[];
    node('r1').receive({});
    await waitFor(() => caught.length === 1, 'the error', 5000);
    assert.equal(caught[0].error?.code, 'EMODBUS_CODEC');
    assert.match(caught[0].error?.message ?? '', /125|quantity/);
  });

  it('msg.modbus.health counts requests, errors, timeouts, the queue and the last response time of the client', async () => {
    await helper.load(allNodes, flow({}));
    const out = collect('out') as Msg[];
    const caught = collect('caught') as Msg[];
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'a read', 5000);
    let h = out[0].modbus?.health as Health;
    assert.equal(h.requests, 1);
    assert.equal(h.errors, 0);
    assert.equal(h.state, 'connected');
    assert.equal(typeof h.lastResponseTime, 'number');
    node('r1').receive({ payload: { address: 9100 } }); // silent: a timeout
    node('r1').receive({ payload: { address: 5000 } }); // past the map: exception 02
    await waitFor(() => caught.length === 2, 'two failures', 5000);
    for (let i = 0; i < 4; i++) node('r1').receive({ payload: { address: 9000 } });
    await waitFor(() => out.length === 5, 'four slow reads', 5000);
    h = out[1].modbus?.health as Health;
    assert.equal(h.requests, 7);
    assert.equal(h.errors, 2);
    assert.equal(h.timeouts, 1);
    assert.ok(h.queued + h.inFlight >= 2, `the first slow answer sees the others waiting: ${JSON.stringify(h)}`);
    assert.equal((out[4].modbus?.health as Health).queued, 0);
  });

  it('a refused port and a missing serial port show in words', async () => {
    const closed = await freePort();
    const missing = `/dev/ttyUMODBUS-missing-${process.pid}`;
    await helper.load(allNodes, onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: closed, reconnectMin: 1000, reconnectMax: 1000 },
      { id: 'c2', type: 'umodbus-client', transport: 'rtu', serialPath: missing, reconnectMin: 1000, reconnectMax: 1000 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', wires: [[]] },
      { id: 'r2', type: 'umodbus-read', client: 'c2', wires: [[]] },
    ));
    await waitFor(() => statusArgs(node('r1')).some((s) => s.fill === 'red' && s.text === `refused by 127.0.0.1:${closed}`), 'refused by', 5000);
    await waitFor(() => statusArgs(node('r2')).some((s) => s.fill === 'red' && s.text === `${missing} not found`), `not found: ${JSON.stringify(statusArgs(node('r2')))}`, 5000);
  });
});
