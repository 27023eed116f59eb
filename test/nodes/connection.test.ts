/**
 * Issue 15, item 1: msg.connection moves a client's link at runtime, for every node that shares
 * the client, only when the client allows it; requests already queued settle on the old link.
 * Real engines, two real servers on 127.0.0.1.
 */
import { strict as assert } from 'node:assert';
import { ModbusServer } from '../../src/server';
import { allNodes, catchAll, collect, delay, helper, node, onTab, statusArgs, waitFor } from './helpers';

type Msg = Record<string, unknown> & { modbus?: Record<string, unknown>; error?: { code: string; message: string } };

describe('msg.connection: switch the link at runtime (real engines)', function () {
  this.timeout(20000);

  let a: ModbusServer;
  let b: ModbusServer;
  let portA: number;
  let portB: number;
  const units: number[] = [];
  let slowArrived = false;
  beforeEach(async () => {
    units.length = 0;
    slowArrived = false;
    a = new ModbusServer({ memoryMap: { holdingRegisters: { start: 0, size: 10, values: [111] } } });
    b = new ModbusServer({ memoryMap: { holdingRegisters: { start: 0, size: 10, values: [222] } } });
    // A's slow corner: address 50 answers after 300 ms; unit 9 answers 99 and is recorded.
    a.addRoute({ functionCodes: [3], addressRange: { start: 50, end: 50 } }, async () => { slowArrived = true; await delay(300); return { values: [555] }; });
    for (const s of [a, b]) s.addRoute({ unitIds: [9], functionCodes: [3] }, (req) => { units.push(req.unitId); return { values: [99] }; });
    portA = (await a.listen({ type: 'tcp', host: '127.0.0.1', port: 0 })).port ?? 0;
    portB = (await b.listen({ type: 'tcp', host: '127.0.0.1', port: 0 })).port ?? 0;
  });
  afterEach(async () => {
    await helper.unload();
    await a.close();
    await b.close();
  });

  const flow = (allow: boolean): ReturnType<typeof onTab> => onTab(
    { id: 'c1', type: 'umodbus-client', name: 'site', transport: 'tcp', host: '127.0.0.1', port: portA, allowConnection: allow, timeout: 2000 },
    { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']] },
    { id: 'r2', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']] },
    { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 1, wires: [['out']] },
    { id: 'out', type: 'helper' },
    catchAll('catch', 'caught'),
    { id: 'caught', type: 'helper' },
  );

  it('moves the link for every node of the client, says where it points, and takes a unit id', async () => {
    await helper.load(allNodes, flow(true));
    const out = collect('out') as Msg[];
    node('r1').receive({ tag: 'before' });
    await waitFor(() => out.length === 1, 'a read on A', 5000);
    assert.equal(out[0].payload, 111);

    node('r1').receive({ tag: 'switch', connection: { port: portB } });
    await waitFor(() => out.length === 2, 'a read after the switch', 5000);
    assert.equal(out[1].payload, 222, 'the msg that switched reads from B');
    assert.deepEqual(out[1].modbus?.connection, { client: 'c1', type: 'tcp', host: '127.0.0.1', port: portB });
    node('r2').receive({ tag: 'other node' });
    await waitFor(() => out.length === 3, 'the other read node', 5000);
    assert.equal(out[2].payload, 222, 'every node of the client follows');
    for (const id of ['r1', 'r2', 'w1']) {
      assert.ok(statusArgs(node(id)).some((s) => s.fill === 'green' && s.text === `127.0.0.1:${portB}`), `${id} shows where the link points`);
    }

    // A write node may switch alone: no payload, the msg goes on and says where.
    node('w1').receive({ connection: { host: '127.0.0.1', port: portA } });
    await waitFor(() => out.length === 4, 'the switch-only write', 5000);
    assert.equal((out[3].modbus?.connection as { port: number }).port, portA);
    node('r2').receive({});
    await waitFor(() => out.length === 5, 'back on A', 5000);
    assert.equal(out[4].payload, 111);

    // A unit id for every node of the client; 0 would be a value too (??, not ||).
    node('r2').receive({ connection: { unitId: 9 } });
    await waitFor(() => out.length === 6, 'a read to unit 9', 5000);
    assert.equal(out[5].payload, 99);
    assert.deepEqual(units, [9]);
    assert.equal((out[5].modbus?.connection as { unitId: number }).unitId, 9);
  });

  it('requests queued before the switch settle once, on the old link; the next ones go to the new link', async () => {
    await helper.load(allNodes, flow(true));
    const out = collect('out') as Msg[];
    const caught = collect('caught') as Msg[];
    node('r1').receive({ tag: 'slow, on A', payload: { address: 50 } });
    await waitFor(() => slowArrived, 'the slow read on the wire to A');
    node('r2').receive({ tag: 'switch', connection: { port: portB } });
    await waitFor(() => out.length === 2, 'both reads', 5000);
    await delay(400);
    assert.equal(out.length, 2, 'each settled exactly once');
    assert.equal(caught.length, 0, `no errors: ${caught.map((m) => m.error?.message).join('; ')}`);
    const byTag = new Map(out.map((m) => [m.tag, m.payload]));
    assert.equal(byTag.get('slow, on A'), 555, 'answered by the old link');
    assert.equal(byTag.get('switch'), 222);
  });

  it('without "Allow msg.connection" the msg fails with EMODBUS_CONFIG and the link stays; a bad field is EMODBUS_BAD_MSG', async () => {
    await helper.load(allNodes, flow(false));
    const out = collect('out') as Msg[];
    const caught = collect('caught') as Msg[];
    node('r1').receive({ tag: 'refused', connection: { port: portB } });
    await waitFor(() => caught.length === 1, 'refused', 5000);
    assert.equal(caught[0].error?.code, 'EMODBUS_CONFIG');
    assert.match(caught[0].error?.message ?? '', /msg\.connection is not allowed on client "site"/);
    assert.equal(caught[0].tag, 'refused');
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'a read', 5000);
    assert.equal(out[0].payload, 111, 'still on A');
    await helper.unload();

    await helper.load(allNodes, flow(true));
    const caught2 = collect('caught') as Msg[];
    node('r1').receive({ connection: { port: 'x' } });
    node('r1').receive({ connection: { path: '/dev/ttyUSB0' } });
    node('w1').receive({ connection: { hots: 'typo' }, payload: 1 });
    node('r1').receive({ connection: 'host:502' });
    await waitFor(() => caught2.length === 4, 'four bad msgs', 5000);
    for (const m of caught2) assert.equal(m.error?.code, 'EMODBUS_BAD_MSG', m.error?.message);
  });
});
