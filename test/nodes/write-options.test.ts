/**
 * umodbus-write with the real engines: every write function code and every payload form
 * (number, boolean, array, Buffer, typed value, override object), read back from the server's
 * memory map or seen at a route; and every error kind of a write reaching a Catch node.
 */
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import { allNodes, catchAll, collect, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };
type Caught = { _tag: string; error: { code: string; cause: { kind: string; exceptionCode?: number } } };

const tail: N[] = [{ id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' }];

describe('umodbus-write function codes and payload forms (real engines)', function () {
  this.timeout(20000);
  let port: number;
  let listener: Server | undefined;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    await helper.unload();
    if (listener) await new Promise<void>((r) => listener!.close(() => r()));
    listener = undefined;
  });

  const server = (over: Record<string, unknown> = {}): N => ({
    id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port,
    memoryMap: JSON.stringify({ coils: { start: 0, size: 40 }, holdingRegisters: { start: 0, size: 120, values: [...Array(100).fill(0), 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5] } }),
    ...over,
  });
  const client = (over: Record<string, unknown> = {}): N => ({ id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 1000, ...over });
  const write = (id: string, over: Record<string, unknown>): N => ({ id, type: 'umodbus-write', client: 'c1', unitId: 1, address: 0, wires: [['out']], ...over });
  const read = (id: string, over: Record<string, unknown>): N => ({ id, type: 'umodbus-read', client: 'c1', unitId: 1, wires: [['back']], ...over });

  it('writes every function code from every payload form and reads the result back', async () => {
    await helper.load(allNodes, onTab(server(), client(),
      { id: 'rt21', type: 'umodbus-server-route', server: 's1', functionCodes: '21', wires: [['files']] }, { id: 'files', type: 'helper' },
      write('w5', { fc: 5 }), write('w15', { fc: 15, address: 10 }),
      write('w6', { fc: 6, address: 40 }), write('w6i', { fc: 6, address: 42, dataType: 'int16' }),
      write('w16f', { fc: 16, address: 50, dataType: 'float32', byteOrder: 'CDAB' }), write('w16', { fc: 16, address: 60 }),
      write('w16d', { fc: 16, address: 70, dataType: 'float64' }), write('w16s', { fc: 16, address: 80, dataType: 'string' }),
      write('w16u', { fc: 16, address: 90, dataType: 'uint64' }),
      write('w22', { fc: 22, address: 100 }), write('w23', { fc: 23, address: 110, readAddress: 112, readQuantity: 2 }),
      write('w21', { fc: 21, fileNumber: 4, address: 7 }),
      read('coils', { fc: 1, address: 0, quantity: 40 }), read('regs', { fc: 3, address: 0, quantity: 114 }),
      { id: 'back', type: 'helper' }, ...tail));
    const files = collect('files');
    node('files').on('input', (m) => node('rt21').receive({ ...(m as Record<string, unknown>), payload: true }));
    const out = collect('out');
    const sends: [string, unknown][] = [
      ['w5', true], ['w5', { value: 1, address: 1 }], ['w5', { value: 'true', address: 2 }], ['w5', { value: Buffer.from([1]), address: 3 }],
      ['w15', [true, false, true]], ['w15', { value: Buffer.from([1, 0, 1]), address: 20 }], ['w15', { value: [1, 0, 1, 1], address: 30 }],
      ['w6', 1234], ['w6', { value: 1, address: 41 }], ['w6i', -5],
      ['w16f', [21.5, -3]], ['w16', { value: Buffer.from([0, 1, 0, 2]), address: 60 }], ['w16d', -1.25], ['w16s', 'AB'], ['w16u', 2 ** 40],
      ['w22', { andMask: 0xf2, orMask: 0x25 }], ['w23', [9, 8]], ['w21', [0x1111, 0x2222]],
    ];
    for (const [id, payload] of sends) node(id).receive({ payload, topic: id });
    await waitFor(() => out.length === sends.length, 'every write acknowledged', 8000);
    assert.deepEqual(out.find((m) => m.topic === 'w23')?.payload, [4, 5], 'FC 23 outputs the registers it read');
    assert.equal(files.length, 1);
    assert.deepEqual((files[0].payload as { request: unknown }).request, { fc: 0x15, records: [{ fileNumber: 4, recordNumber: 7, values: [0x1111, 0x2222] }] });

    const back = collect('back');
    node('coils').receive({});
    node('regs').receive({});
    await waitFor(() => back.length === 2, 'read back', 5000);
    const coils = back.find((m) => (m.modbus as { fc: number }).fc === 1)!.payload as boolean[];
    const regs = back.find((m) => (m.modbus as { fc: number }).fc === 3)!.payload as number[];
    const on = coils.flatMap((c, i) => (c ? [i] : []));
    assert.deepEqual(on, [0, 1, 2, 3, 10, 12, 20, 22, 30, 32, 33]);
    assert.deepEqual(regs.slice(40, 43), [1234, 1, 0xfffb]);
    assert.deepEqual(regs.slice(50, 54), [0x0000, 0x41ac, 0x0000, 0xc040], 'float32 CDAB');
    assert.deepEqual(regs.slice(60, 62), [1, 2], 'a Buffer is raw registers');
    assert.deepEqual(regs.slice(70, 74), [0xbff4, 0, 0, 0], 'float64');
    assert.deepEqual(regs.slice(80, 81), [0x4142], 'string');
    assert.deepEqual(regs.slice(90, 94), [0, 0x0100, 0, 0], 'uint64 2^40');
    assert.equal(regs[100], 0x17, 'FC 22: (0x12 AND 0xF2) OR (0x25 AND NOT 0xF2), the spec\'s example');
    assert.deepEqual(regs.slice(110, 112), [9, 8], 'FC 23 wrote');
  });

  it('every error kind of a write reaches a Catch node with the msg and its code', async () => {
    // A route that never answers FC 6 at 0..9 (timeout); the map ends at 120 (exception 02).
    await helper.load(allNodes, onTab(server(), client({ timeout: 200, maxInFlight: 1, queueLimit: 1 }),
      { id: 'c2', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: await freePort(), reconnectMin: 10000, reconnectMax: 10000 },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '6', addressStart: 0, addressEnd: 9, wires: [[]] },
      write('w1', { fc: 6 }), { ...write('w2', { fc: 6 }), client: 'c2' }, ...tail));
    const caught = collect('caught') as unknown as Caught[];
    // The refused client has failed its first connect before the write is sent.
    await waitFor(() => statusArgs(node('w2')).some((st) => st.fill === 'red'), 'c2 refused', 5000);
    node('w1').receive({ payload: { value: 1, address: 500 }, _tag: 'exception' });
    await waitFor(() => caught.length === 1, 'exception', 3000);
    assert.deepEqual([caught[0].error.cause.kind, caught[0].error.cause.exceptionCode], ['exception', 2]);
    caught.length = 0;
    node('w1').receive({ payload: 1, _tag: 'timeout' });
    node('w1').receive({ payload: 2, _tag: 'queued' });
    node('w1').receive({ payload: 3, _tag: 'queue-full' });
    node('w1').receive({ payload: 'x', _tag: 'bad-msg' });
    node('w2').receive({ payload: 1, _tag: 'connect-failed' });
    node('w1').receive({ payload: { value: 1, unitId: 0, fc: 3 }, _tag: 'bad-msg' });
    await waitFor(() => caught.length === 6, 'six errors', 5000);
    const got = caught.map((m) => [m._tag, m.error.cause.kind]).sort();
    assert.deepEqual(got, [
      ['bad-msg', 'bad-msg'], ['bad-msg', 'bad-msg'], ['connect-failed', 'connect-failed'],
      ['queue-full', 'queue-full'], ['queued', 'timeout'], ['timeout', 'timeout'],
    ]);
  });

  it('a connection lost under a write reaches a Catch node as connection-lost', async () => {
    // A device that takes the connection and hangs up on the first request.
    listener = createServer((s) => { s.once('data', () => s.destroy()); });
    await new Promise<void>((r) => listener!.listen(port, '127.0.0.1', () => r()));
    await helper.load(allNodes, onTab(client({ timeout: 3000 }), write('w1', { fc: 6 }), ...tail));
    const caught = collect('caught') as unknown as Caught[];
    node('w1').receive({ payload: 1, _tag: 'lost' });
    await waitFor(() => caught.length === 1, 'catch', 5000);
    assert.equal(caught[0]._tag, 'lost');
    assert.equal(caught[0].error.cause.kind, 'connection-lost');
    assert.equal(caught[0].error.code, 'EMODBUS_CONNECTION_LOST');
  });
});
