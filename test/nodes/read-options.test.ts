/**
 * umodbus-read options with the real engines: every data type in every byte/word order, read
 * from registers laid out by hand here (not by the codec the node uses), and the poll interval.
 */
import { strict as assert } from 'node:assert';
import { allNodes, collect, delay, helper, node, onTab, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

/** Each type's value and its big-endian bytes, as a device manual would print them. */
const CASES: { dataType: string; bytes: number[]; value: unknown; quantity?: number }[] = [
  { dataType: 'uint16', bytes: [0xbe, 0xef], value: 0xbeef },
  { dataType: 'int16', bytes: [0xff, 0xfe], value: -2 },
  { dataType: 'uint32', bytes: [0xb2, 0xd0, 0x5e, 0x00], value: 3_000_000_000 },
  { dataType: 'int32', bytes: [0xff, 0xfe, 0x79, 0x60], value: -100_000 },
  { dataType: 'float32', bytes: [0x41, 0xac, 0x00, 0x00], value: 21.5 },
  { dataType: 'float64', bytes: [0xbf, 0xf4, 0, 0, 0, 0, 0, 0], value: -1.25 },
  { dataType: 'int64', bytes: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], value: -2 },
  { dataType: 'uint64', bytes: [0x10, 0, 0, 0, 0, 0, 0, 0x01], value: '1152921504606846977' },
  { dataType: 'string', bytes: [0x48, 0x69, 0x21, 0x00], value: 'Hi!', quantity: 2 },
  { dataType: 'bool', bytes: [0x00, 0x07], value: true },
];
const ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;

/** Registers on the wire for big-endian `bytes` in `order`: BADC/DCBA swap bytes in a word, CDAB/DCBA reverse the words (not for strings). */
function wire(bytes: number[], order: (typeof ORDERS)[number], isString: boolean): number[] {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const swapWords = !isString && (order === 'CDAB' || order === 'DCBA');
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) words.push(swapBytes ? (bytes[i + 1] << 8) | bytes[i] : (bytes[i] << 8) | bytes[i + 1]);
  return swapWords ? words.reverse() : words;
}

describe('umodbus-read options (real engines)', function () {
  this.timeout(20000);
  let port: number;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => { await helper.unload(); });

  const ends = (map: unknown): N[] => [
    { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: JSON.stringify(map) },
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 2000, maxInFlight: 8 },
    { id: 'out', type: 'helper' },
  ];

  it('decodes every data type in every byte and word order', async () => {
    const registers: number[] = [];
    const reads: N[] = [];
    for (const c of CASES) {
      for (const order of ORDERS) {
        const address = registers.length;
        registers.push(...wire(c.bytes, order, c.dataType === 'string'));
        reads.push({ id: `${c.dataType}-${order}`, type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address, quantity: c.quantity ?? 1, dataType: c.dataType, byteOrder: order, wires: [['out']] });
      }
    }
    await helper.load(allNodes, onTab(...ends({ holdingRegisters: { start: 0, values: registers } }), ...reads));
    const out = collect('out');
    for (const r of reads) node(r.id).receive({ topic: r.id });
    await waitFor(() => out.length === reads.length, `${reads.length} reads`, 8000);
    const got = Object.fromEntries(out.map((m) => [m.topic, m.payload]));
    const want = Object.fromEntries(CASES.flatMap((c) => ORDERS.map((o) => [`${c.dataType}-${o}`, c.value])));
    assert.deepEqual(got, want);
    const f = out.find((m) => m.topic === 'float32-CDAB')!.modbus as { dataType: string; byteOrder: string; raw: number[] };
    assert.deepEqual([f.dataType, f.byteOrder, f.raw], ['float32', 'CDAB', [0x0000, 0x41ac]], 'msg.modbus names the type, the order and the raw registers');
  });

  it('quantity counts values of the data type: 3 float32 values are 6 registers', async () => {
    const regs = [0x41ac, 0, 0xc040, 0, 0x3f80, 0];
    await helper.load(allNodes, onTab(...ends({ holdingRegisters: { start: 0, values: regs } }),
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 3, dataType: 'float32', wires: [['out']] }));
    const out = collect('out');
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'read', 5000);
    assert.deepEqual(out[0].payload, [21.5, -3, 1]);
    assert.equal((out[0].modbus as { quantity: number }).quantity, 6);
  });

  it('the other read function codes over a real server: FC 7, 11, 12 from the server, FC 20 (file number) and FC 24 from a route', async () => {
    await helper.load(allNodes, onTab(...ends({ holdingRegisters: { start: 0, size: 4 } }),
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '20,24', wires: [['flow']] }, { id: 'flow', type: 'helper' },
      { id: 'r', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, fileNumber: 6, dataType: 'int16', wires: [['out']] }));
    const flow = collect('flow');
    node('flow').on('input', (m) => {
      const msg = m as { payload: { fc: number } };
      const response = msg.payload.fc === 20 ? { fc: 0x14, records: [[0xffff, 2]] } : { fc: 0x18, values: [0xfffe, 9, 8] };
      node('rt').receive({ ...(m as Record<string, unknown>), payload: { response } });
    });
    const out = collect('out');
    for (const fc of [7, 11, 12, 20, 24]) node('r').receive({ topic: String(fc), payload: { fc, address: 3, quantity: 2 } });
    await waitFor(() => out.length === 5, 'five reads', 5000);
    const by = (fc: number): unknown => out.find((m) => m.topic === String(fc))?.payload;
    assert.equal(by(7), 0);
    assert.deepEqual(Object.keys(by(11) as object), ['status', 'eventCount']);
    assert.deepEqual(Object.keys(by(12) as object), ['status', 'eventCount', 'messageCount', 'events']);
    assert.deepEqual(by(20), [[-1, 2]], 'records decoded with the data type');
    assert.deepEqual(by(24), [-2, 9, 8]);
    const asked = Object.fromEntries(flow.map((m) => [(m.payload as { fc: number }).fc, (m.payload as { request: unknown }).request]));
    assert.deepEqual(asked[20], { fc: 0x14, references: [{ fileNumber: 6, recordNumber: 3, recordLength: 2 }] }, 'the node\'s file number, record = address');
    assert.deepEqual(asked[24], { fc: 0x18, address: 3 });
  });

  it('poll interval: reads on its own every interval; 0 never polls', async () => {
    await helper.load(allNodes, onTab(...ends({ holdingRegisters: { start: 0, values: [5] } }),
      { id: 'p1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 100, wires: [['out']] },
      { id: 'p0', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 0, wires: [['idle']] },
      { id: 'idle', type: 'helper' }));
    const out = collect('out');
    const idle = collect('idle');
    await delay(1050);
    // The first poll goes at deploy, then one every 100 ms.
    assert.ok(out.length >= 8 && out.length <= 12, `${out.length} polls in about a second`);
    assert.equal(idle.length, 0, 'pollInterval 0 reads only on input');
    for (const m of out) assert.equal(m.payload, 5);
  });
});
