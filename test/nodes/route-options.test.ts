/**
 * umodbus-server-route with the real engines and a real client: each filter (unit ids, function
 * codes, address range) and what falls through to the memory map, every reply form, first reply
 * wins with a warning for the later one, and the route's data type both ways.
 */
import { strict as assert } from 'node:assert';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };
type Msg = Record<string, unknown> & { payload: Record<string, unknown> };
type Caught = { _tag?: string; error: { code: string; cause: { kind: string; exceptionCode?: number } } };

describe('umodbus-server-route filters and replies (real engines)', function () {
  this.timeout(20000);
  let port: number;
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => { await helper.unload(); });

  const ends = (...nodes: N[]): N[] => onTab(
    { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, replyTimeout: 2000, memoryMap: '{"coils":{"start":0,"size":200},"holdingRegisters":{"start":0,"size":200},"inputRegisters":{"start":0,"size":200}}' },
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 3000, maxInFlight: 4 },
    { id: 'r', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']] },
    { id: 'w', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 0, wires: [['out']] },
    { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ...nodes,
  );

  /** Route `id` whose flow answers each request with `answer(msg)`, replying through node `via`. */
  function answerWith(id: string, via: string, answer: (m: Msg) => unknown): Msg[] {
    const seen: Msg[] = [];
    node(`${id}-flow`).on('input', (m) => {
      const msg = m as Msg;
      seen.push(msg);
      node(via).receive({ ...msg, payload: answer(msg) });
    });
    return seen;
  }
  const route = (id: string, over: Record<string, unknown>): N[] => [
    { id, type: 'umodbus-server-route', server: 's1', wires: [[`${id}-flow`]], ...over }, { id: `${id}-flow`, type: 'helper' },
  ];

  it('filters by unit id, function code and address range; everything else falls through to the memory map', async () => {
    await helper.load(allNodes, ends(...route('rt', { unitIds: '2, 4-5', functionCodes: '3,4', addressStart: 100, addressEnd: 109 })));
    const seen = answerWith('rt', 'rt', (m) => Array.from({ length: m.payload.quantity as number }, () => 7));
    const out = collect('out');
    const asks: [string, Record<string, unknown>, unknown][] = [
      ['unit 2 fc 3 @100', { unitId: 2, fc: 3, address: 100, quantity: 2 }, [7, 7]],
      ['unit 5 fc 4 @108', { unitId: 5, fc: 4, address: 108, quantity: 2 }, [7, 7]],
      ['unit 1 (not in 2,4-5)', { unitId: 1, fc: 3, address: 100, quantity: 1 }, 0],
      ['unit 3 (not in 2,4-5)', { unitId: 3, fc: 3, address: 100, quantity: 1 }, 0],
      ['fc 1 is not routed', { unitId: 2, fc: 1, address: 100, quantity: 1 }, false],
      ['@99 is below the range', { unitId: 2, fc: 3, address: 99, quantity: 1 }, 0],
      ['@109 x2 runs past it', { unitId: 2, fc: 3, address: 109, quantity: 2 }, [0, 0]],
    ];
    for (const [topic, payload] of asks) node('r').receive({ topic, payload });
    await waitFor(() => out.length === asks.length, 'every read answered', 5000);
    for (const [topic, , want] of asks) assert.deepEqual(out.find((m) => m.topic === topic)?.payload, want, topic);
    assert.equal(seen.length, 2, 'only the two matching requests reached the flow');
    assert.deepEqual(seen.map((m) => m.payload).sort((a, b) => (a.unitId as number) - (b.unitId as number)), [
      { unitId: 2, fc: 3, address: 100, quantity: 2 }, { unitId: 5, fc: 4, address: 108, quantity: 2 },
    ]);
  });

  it('reply forms: values, a Buffer of registers, an exception, a write acknowledgement, a full response', async () => {
    await helper.load(allNodes, ends(...route('rt', { functionCodes: '3,6,24', dataType: 'float32', byteOrder: 'CDAB' })));
    const seen = answerWith('rt', 'rt', (m) => {
      const { fc, address } = m.payload as { fc: number; address: number };
      if (fc === 6) return 'anything acknowledges a write';
      if (fc === 24) return { response: { fc: 0x18, values: [3, 1, 4] } };
      if (address === 1) return Buffer.from([0x41, 0xac, 0, 0]);
      if (address === 2) return { exception: 3 };
      return [21.5];
    });
    const out = collect('out');
    const caught = collect('caught') as unknown as Caught[];
    node('r').receive({ topic: 'values', payload: { address: 0, quantity: 2 } });
    node('r').receive({ topic: 'buffer', payload: { address: 1, quantity: 2 } });
    node('r').receive({ topic: 'exception', _tag: 'exception', payload: { address: 2, quantity: 2 } });
    node('r').receive({ topic: 'fifo', payload: { fc: 24, address: 5 } });
    node('w').receive({ topic: 'ack', payload: { value: 9, address: 3 } });
    await waitFor(() => out.length === 4 && caught.length === 1, 'four answers and one exception', 5000);
    const by = (t: string): Record<string, unknown> | undefined => out.find((m) => m.topic === t);
    assert.deepEqual((by('values')?.modbus as { raw: number[] }).raw, [0x0000, 0x41ac], 'values are encoded with the route\'s type and order');
    assert.deepEqual((by('buffer')?.modbus as { raw: number[] }).raw, [0x41ac, 0x0000], 'a Buffer goes out as raw registers');
    assert.deepEqual(by('fifo')?.payload, [3, 1, 4]);
    assert.deepEqual(by('ack')?.payload, { value: 9, address: 3 }, 'a write keeps its payload');
    assert.equal((by('ack')?.modbus as { fc: number }).fc, 6);
    assert.deepEqual([caught[0]._tag, caught[0].error.cause.exceptionCode], ['exception', 3]);
    assert.equal(seen.length, 5);
  });

  it('FC 7 and 24 take plain values; a function code that needs a full response fails the reply where a Catch node sees it', async () => {
    await helper.load(allNodes, ends(...route('rt', { functionCodes: '7,17,24' })));
    answerWith('rt', 'rt', (m) => {
      const { fc } = m.payload as { fc: number };
      return fc === 7 ? 0x5a : fc === 24 ? [3, 1, 4] : [1, 2];
    });
    const out = collect('out');
    const caught = collect('caught') as unknown as Caught[];
    node('r').receive({ topic: 'status', payload: { fc: 7 } });
    node('r').receive({ topic: 'fifo', payload: { fc: 24, address: 5 } });
    node('r').receive({ topic: 'server id', _tag: 'fc17', payload: { fc: 17 } });
    await waitFor(() => out.length === 2 && caught.length === 2, 'two answers; the FC 17 reply refused and the read failing with 04', 5000);
    const by = (t: string): Record<string, unknown> | undefined => out.find((m) => m.topic === t);
    assert.equal(by('status')?.payload, 0x5a);
    assert.deepEqual(by('fifo')?.payload, [3, 1, 4]);
    // The route node's own error (the reply it could not send) and the client's exception 04.
    const routeError = caught.find((c) => c._tag === undefined);
    assert.equal(routeError?.error.code, 'EMODBUS_BAD_MSG');
    const readError = caught.find((c) => c._tag === 'fc17');
    assert.equal(readError?.error.cause.exceptionCode, 4);
  });

  it('writes arrive decoded with the route\'s data type', async () => {
    await helper.load(allNodes, ends(...route('rt', { functionCodes: '16', dataType: 'int32', byteOrder: 'DCBA' }),
      { id: 'w32', type: 'umodbus-write', client: 'c1', unitId: 3, fc: 16, address: 40, dataType: 'int32', byteOrder: 'DCBA', wires: [['out']] }));
    const seen = answerWith('rt', 'rt', () => true);
    const out = collect('out');
    node('w32').receive({ payload: [-100000, 7] });
    await waitFor(() => out.length === 1, 'write acknowledged', 5000);
    assert.deepEqual(seen[0].payload, { unitId: 3, fc: 16, address: 40, quantity: 4, value: [-100000, 7] });
  });

  it('a reply to another route node of the same server answers; the first reply wins and a later one warns', async () => {
    await helper.load(allNodes, ends(...route('rt1', { functionCodes: '3' }), ...route('rt2', { functionCodes: '4' })));
    // rt1's requests are answered twice through rt2's input: 11 first, then 22.
    node('rt1-flow').on('input', (m) => {
      const msg = m as Msg;
      node('rt2').receive({ ...msg, payload: [11] });
      setTimeout(() => node('rt2').receive({ ...msg, payload: [22] }), 20);
    });
    const out = collect('out');
    node('r').receive({});
    await waitFor(() => out.length === 1, 'read answered', 5000);
    assert.equal(out[0].payload, 11);
    await waitFor(() => callsOf(node('rt2'), 'warn').length === 1, 'a warning for the late reply', 2000);
    assert.match(String(callsOf(node('rt2'), 'warn')[0][0]), /too late or twice/);
  });
});
