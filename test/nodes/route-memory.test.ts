/**
 * Issue 15, item 3 in a Node-RED runtime with the real engines over TCP: a flow sets and reads the
 * server's memory map through msg.memory on a umodbus-server-route node, and a route with "store
 * writes" hands remote writes to the flow and keeps them in the map.
 */
import { strict as assert } from 'node:assert';
import { ModbusClient } from '../../src/client/client';
import { ModbusExceptionError } from '../../src/codec';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, waitFor, serverLink } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

describe('umodbus-server-route: the memory map from the flow (real engines)', function () {
  this.timeout(20000);
  let port: number;
  let client: ModbusClient | undefined;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await helper.unload();
  });

  const server = (over: Record<string, unknown> = {}): N => ({
    id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, replyTimeout: 1000, timeoutReply: '4',
    memoryMap: JSON.stringify({ coils: { start: 0, size: 16 }, discreteInputs: { start: 0, size: 8 }, holdingRegisters: { start: 0, size: 20 }, inputRegisters: { start: 0, size: 10 } }),
    ...over,
  });
  const route = (id: string, over: Record<string, unknown> = {}): N => ({
    id, type: 'umodbus-server-route', server: 's1', unitIds: '', functionCodes: '5,6,15,16', addressStart: '', addressEnd: '', dataType: 'uint16', byteOrder: 'ABCD',
    wires: [['req'], ['mem']], ...over,
  });
  const tail: N[] = [{ id: 'req', type: 'helper' }, { id: 'mem', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' }];

  async function connect(): Promise<ModbusClient> {
    await serverLink('s1')?.bound;
    client = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port }, timeout: 2000, retries: 0 });
    return client;
  }

  it('msg.memory sets values a Modbus client then reads, and reads them back on output 2', async () => {
    await helper.load(allNodes, onTab(server(), route('rt', { dataType: 'float32', functionCodes: '5' }), ...tail));
    const mem = collect('mem');
    const req = collect('req');
    const rt = node('rt');
    rt.receive({ memory: { table: 'inputRegisters', address: 2, value: [21.5, -3.25] } });
    rt.receive({ memory: { table: 'discreteInputs', address: 1, value: [1, 0, true] } });
    rt.receive({ memory: { table: 'holdingRegisters', address: 0, value: -2, dataType: 'int16' }, topic: 'kept' });
    await waitFor(() => mem.length === 3, 'three set results');
    assert.deepEqual(mem.map((m) => m.payload), [[21.5, -3.25], [true, false, true], -2]);
    assert.equal(mem[2].topic, 'kept');
    const c = await connect();
    assert.deepEqual((await c.readInputRegisters(1, 2, 4)).values, [0x41ac, 0, 0xc050, 0]);
    assert.deepEqual((await c.readDiscreteInputs(1, 0, 4)).values, [false, true, false, true]);
    assert.deepEqual((await c.readHoldingRegisters(1, 0, 1)).values, [0xfffe]);
    // A get: quantity counts values of the data type.
    await c.writeMultipleRegisters(1, 10, [0x4120, 0, 0x3f80, 0]);
    rt.receive({ memory: { table: 'holdingRegisters', address: 10, quantity: 2 } });
    rt.receive({ memory: { table: 'holdingRegisters', address: 10, quantity: 4, dataType: 'uint16' } });
    await waitFor(() => mem.length === 5, 'two get results');
    assert.deepEqual(mem[3].payload, [10, 1]);
    assert.deepEqual(mem[4].payload, [0x4120, 0, 0x3f80, 0]);
    assert.equal(req.length, 0, 'memory results never leave by the request output');
    assert.equal(callsOf(rt, 'error').length, 0);
  });

  it('a bad msg.memory is an EMODBUS_BAD_MSG error a Catch node sees, and writes nothing', async () => {
    await helper.load(allNodes, onTab(server(), route('rt'), ...tail));
    const caught = collect('caught');
    const mem = collect('mem');
    const bad: unknown[] = [
      'coils',
      { table: 'registers', address: 0, value: 1 },
      { table: 'coils', value: true },
      { table: 'coils', address: 70000, value: true },
      { table: 'holdingRegisters', address: 19, value: [1, 2] }, // past the map's end
      { table: 'holdingRegisters', address: 0, value: 1, unitId: 256 },
      { table: 'holdingRegisters', address: 0, value: 1, dataType: 'float' },
      { table: 'holdingRegisters', address: 0, value: 'x', dataType: 'uint16' },
      { table: 'holdingRegisters', address: 0, value: 1, quantity: 1 },
    ];
    for (const memory of bad) node('rt').receive({ memory });
    // A reply and a memory operation at once is refused too.
    node('rt').receive({ memory: { table: 'coils', address: 0, value: true }, modbus: { server: 's1', id: '1' } });
    await waitFor(() => caught.length === bad.length + 1, 'every bad msg caught');
    for (const m of caught) assert.equal((m.error as { code?: string }).code, 'EMODBUS_BAD_MSG', JSON.stringify(m.error));
    assert.equal(mem.length, 0);
    const c = await connect();
    assert.deepEqual((await c.readHoldingRegisters(1, 18, 2)).values, [0, 0]);
    assert.deepEqual((await c.readCoils(1, 0, 1)).values, [false]);
  });

  it('"store writes": a remote write comes out as a msg and, once acknowledged, is in the map', async () => {
    await helper.load(allNodes, onTab(server(), route('rt', { storeWrites: true, dataType: 'int16' }), ...tail));
    const req = collect('req');
    // The flow acknowledges every write it sees: the reply goes back into the route.
    node('req').on('input', (m) => node('rt').receive(m as Record<string, unknown>));
    const c = await connect();
    await c.writeMultipleRegisters(1, 4, [0xffff, 7]);
    await c.writeSingleCoil(1, 2, true);
    await c.writeMultipleCoils(1, 8, [true, false, true]);
    await c.writeSingleRegister(3, 0, 42);
    assert.deepEqual(req.map((m) => m.payload), [
      { unitId: 1, fc: 16, address: 4, quantity: 2, value: [-1, 7] },
      { unitId: 1, fc: 5, address: 2, quantity: 1, value: true },
      { unitId: 1, fc: 15, address: 8, quantity: 3, value: [true, false, true] },
      { unitId: 3, fc: 6, address: 0, quantity: 1, value: 42 },
    ]);
    // Reads are not in the route's filter: the memory map answers them, with what was written.
    assert.deepEqual((await c.readHoldingRegisters(1, 4, 2)).values, [0xffff, 7]);
    assert.deepEqual((await c.readCoils(1, 0, 11)).values, [false, false, true, false, false, false, false, false, true, false, true]);
    assert.deepEqual((await c.readHoldingRegisters(1, 0, 1)).values, [42]);
    // And the flow reads the same map.
    node('rt').receive({ memory: { table: 'holdingRegisters', address: 4, quantity: 2 } });
    const mem = collect('mem');
    await waitFor(() => mem.length === 1, 'get result');
    assert.deepEqual(mem[0].payload, [-1, 7]);
  });

  it('"store writes": a write the flow answers with an exception is not stored; without the option nothing is stored', async () => {
    await helper.load(allNodes, onTab(server(), route('st', { storeWrites: true, functionCodes: '6' }), route('ns', { functionCodes: '16' }), ...tail));
    node('req').on('input', (m) => {
      const msg = m as Record<string, unknown> & { payload: { value: unknown } };
      node('st').receive({ ...msg, payload: msg.payload.value === 13 ? { exception: 3 } : true });
    });
    const c = await connect();
    await assert.rejects(c.writeSingleRegister(1, 1, 13), (e: unknown) => e instanceof ModbusExceptionError && e.exceptionCode === 3);
    await c.writeSingleRegister(1, 2, 14);
    await c.writeMultipleRegisters(1, 3, [15]);
    assert.deepEqual((await c.readHoldingRegisters(1, 1, 3)).values, [0, 14, 0]);
  });
});
