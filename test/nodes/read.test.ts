import { strict as assert } from 'node:assert';
import { ModbusExceptionError, valuesToRegisters, type ModbusRequest, type ModbusResponse } from '../../src/codec';
import {
  BroadcastReadError, ConnectionClosedError, ConnectionLostError, RequestFlushedError, UnitUnavailableError,
} from '../../src/client';
import { ConnectError } from '../../src/transport';
import { allNodes, callsOf, catchAll, collect, delay, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

/** Errors shaped like the engine's (name and code), for outcomes a peer cannot give on demand. */
function engineError(name: string, code: string, message: string): Error {
  return Object.assign(new Error(message), { name, code });
}

describe('umodbus-read (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  const flow = (read: Record<string, unknown>): ReturnType<typeof onTab> => onTab(
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: 502 },
    { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...read },
    { id: 'out', type: 'helper' },
    catchAll('catch', 'caught'),
    { id: 'caught', type: 'helper' },
  );

  it('decodes float32 CDAB registers into a scalar, and several into an array', async () => {
    const regs = valuesToRegisters([1.5, -2.25], 'float32', 'CDAB');
    fakes.setHandler(async (_u, req) => ({ fc: 3, values: regs.slice(0, 'quantity' in req ? req.quantity : 0) }));
    await helper.load(allNodes, flow({ unitId: '7', address: '100', quantity: '2', dataType: 'float32', byteOrder: 'CDAB' }));
    const out = collect('out');
    node('r1').receive({ payload: 'tick', topic: 't' });
    await waitFor(() => out.length === 1, 'output');
    assert.deepEqual(out[0].payload, [1.5, -2.25]);
    assert.equal(out[0].topic, 't', 'the msg is reused');
    assert.deepEqual(fakes.clients[0].requests[0], { unitId: 7, req: { fc: 3, address: 100, quantity: 4 } });
    const modbus = out[0].modbus as Record<string, unknown>;
    assert.deepEqual(modbus.raw, regs);
    assert.equal(modbus.unitId, 7);
    assert.equal(typeof modbus.responseTime, 'number');
    assert.deepEqual(modbus.connection, { client: 'c1', type: 'tcp', host: '127.0.0.1', port: 502 });
    assert.deepEqual(JSON.parse(JSON.stringify(modbus)), modbus, 'msg.modbus is plain data');
  });

  it('makes 64-bit values JSON-safe: number when safe, string beyond', async () => {
    const regs = valuesToRegisters([42n, 2n ** 60n], 'uint64');
    fakes.setHandler(async () => ({ fc: 4, values: regs }));
    await helper.load(allNodes, flow({ fc: 4, quantity: 2, dataType: 'uint64' }));
    const out = collect('out');
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'output');
    assert.deepEqual(out[0].payload, [42, '1152921504606846976']);
  });

  it('reads coils as booleans and takes overrides from msg.payload', async () => {
    fakes.setHandler(async () => ({ fc: 1, values: [true, false, true, false, false, false, false, false] }));
    await helper.load(allNodes, flow({ fc: 3 }));
    const out = collect('out');
    node('r1').receive({ payload: { unitId: 0x22, fc: 1, address: 16, quantity: 3 } });
    await waitFor(() => out.length === 1, 'output');
    assert.deepEqual(fakes.clients[0].requests[0], { unitId: 0x22, req: { fc: 1, address: 16, quantity: 3 } });
    assert.deepEqual(out[0].payload, [true, false, true]);
  });

  it('unit id 0 from an override is passed on, not replaced', async () => {
    fakes.setHandler(async () => { throw engineError('BroadcastReadError', 'EMODBUS_BROADCAST_READ', 'reads cannot be broadcast'); });
    await helper.load(allNodes, flow({}));
    const caught = collect('caught');
    node('r1').receive({ payload: { unitId: 0 } });
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal(fakes.clients[0].requests[0].unitId, 0);
    assert.equal((caught[0].error as Record<string, unknown>).code, 'EMODBUS_BROADCAST_READ');
  });

  it('builds every read function code', async () => {
    const seen: ModbusRequest[] = [];
    fakes.setHandler(async (_u, req) => {
      seen.push(req);
      const answers: Record<number, ModbusResponse> = {
        7: { fc: 7, status: 0x6d },
        11: { fc: 11, status: 0, eventCount: 5 },
        12: { fc: 12, status: 0, eventCount: 1, messageCount: 2, events: [0x20] },
        17: { fc: 17, serverId: [1], runIndicator: true, additionalData: [] },
        20: { fc: 20, records: [[1, 2]] },
        24: { fc: 24, values: [9, 8] },
        43: { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, conformityLevel: 1, moreFollows: false, nextObjectId: 0, objects: [{ id: 0, value: 'ACME' }, { id: 1, value: 'X1' }] },
      };
      return answers[req.fc];
    });
    await helper.load(allNodes, flow({ fileNumber: 4, deviceIdCode: 1, objectId: 0 }));
    const out = collect('out');
    for (const fc of [7, 11, 12, 17, 20, 24, 43]) node('r1').receive({ payload: { fc, address: 5, quantity: 2 } });
    await waitFor(() => out.length === 7, 'seven outputs');
    assert.deepEqual(seen, [
      { fc: 7 }, { fc: 11 }, { fc: 12 }, { fc: 17 },
      { fc: 20, references: [{ fileNumber: 4, recordNumber: 5, recordLength: 2 }] },
      { fc: 24, address: 5 },
      { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0 },
    ]);
    const byFc = new Map(out.map((m) => [(m.modbus as { fc: number }).fc, m.payload]));
    assert.equal(byFc.get(7), 0x6d);
    assert.deepEqual(byFc.get(11), { status: 0, eventCount: 5 });
    assert.deepEqual(byFc.get(20), [[1, 2]]);
    assert.deepEqual(byFc.get(24), [9, 8]);
    assert.deepEqual(byFc.get(43), { vendorName: 'ACME', productCode: 'X1' });
  });

  it('sends a Modbus exception to a Catch node with its code and name, and keeps it on the status in words', async () => {
    fakes.setHandler(async () => { throw new ModbusExceptionError(3, 2); });
    await helper.load(allNodes, flow({}));
    const caught = collect('caught');
    node('r1').receive({ payload: 'x', _keep: 1 });
    await waitFor(() => caught.length === 1, 'catch');
    const error = caught[0].error as Record<string, unknown>;
    assert.equal(error.code, 'EMODBUS_EXCEPTION');
    assert.deepEqual(error.cause, { kind: 'exception', code: 'EMODBUS_EXCEPTION', exceptionCode: 2, exceptionName: 'ILLEGAL DATA ADDRESS', functionCode: 3 });
    assert.equal(caught[0]._keep, 1, 'the msg itself reaches the Catch node');
    assert.deepEqual(statusArgs(node('r1')).at(-1), { fill: 'yellow', shape: 'ring', text: 'exception 02 illegal data address' });
  });

  for (const [name, code, kind] of [['TimeoutError', 'EMODBUS_TIMEOUT', 'timeout'], ['QueueFullError', 'EMODBUS_QUEUE_FULL', 'queue-full']] as const) {
    it(`sends a ${kind} to a Catch node`, async () => {
      fakes.setHandler(async () => { throw engineError(name, code, kind); });
      await helper.load(allNodes, flow({}));
      const caught = collect('caught');
      node('r1').receive({});
      await waitFor(() => caught.length === 1, 'catch');
      const error = caught[0].error as { code: string; cause: { kind: string } };
      assert.equal(error.code, code);
      assert.equal(error.cause.kind, kind);
      assert.equal(statusArgs(node('r1')).at(-1)?.text, `@umodbus/node-red/umodbus-client:umodbus.status.${kind}`);
    });
  }

  // The engine's own error classes, so a renamed class or code shows up here.
  const engineErrors: [string, () => Error, string][] = [
    ['connection-lost', () => new ConnectionLostError(new Error('reset by peer')), 'EMODBUS_CONNECTION_LOST'],
    ['unit-unavailable', () => new UnitUnavailableError(1, 500), 'EMODBUS_UNIT_UNAVAILABLE'],
    ['broadcast-read', () => new BroadcastReadError(3), 'EMODBUS_BROADCAST_READ'],
    ['closed', () => new ConnectionClosedError(), 'EMODBUS_CLOSED'],
    ['closed', () => new RequestFlushedError(), 'EMODBUS_FLUSHED'],
    ['connect-failed', () => new ConnectError('tcp 10.0.0.5:502', new Error('connect ECONNREFUSED')), 'EMODBUS_CONNECT'],
  ];
  for (const [kind, make, code] of engineErrors) {
    it(`sends ${make().name} (${kind}) to a Catch node with its code`, async () => {
      fakes.setHandler(async () => { throw make(); });
      await helper.load(allNodes, flow({}));
      const caught = collect('caught');
      node('r1').receive({ _keep: kind });
      await waitFor(() => caught.length === 1, 'catch');
      const error = caught[0].error as { code: string; cause: { kind: string } };
      assert.equal(caught[0]._keep, kind, 'the msg itself reaches the Catch node');
      assert.equal(error.code, code);
      assert.equal(error.cause.kind, kind);
      assert.equal(statusArgs(node('r1')).at(-1)?.text, `@umodbus/node-red/umodbus-client:umodbus.status.${kind}`);
    });
  }

  it('sends a bad msg to a Catch node without sending a request', async () => {
    await helper.load(allNodes, flow({}));
    const caught = collect('caught');
    node('r1').receive({ payload: { unitId: 300 } });
    node('r1').receive({ payload: { fc: 6 } });
    await waitFor(() => caught.length === 2, 'catch');
    for (const m of caught) assert.equal((m.error as { code: string }).code, 'EMODBUS_BAD_MSG');
    assert.equal(fakes.clients[0].requests.length, 0);
  });

  it('polls on its own without overlap, counting skipped polls', async () => {
    let inFlight = 0;
    let most = 0;
    fakes.setHandler(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await delay(120);
      inFlight--;
      return { fc: 3, values: [1] };
    });
    await helper.load(allNodes, flow({ pollInterval: '30' }));
    const out = collect('out');
    await delay(650);
    await helper.unload();
    assert.equal(most, 1, 'never two polls in flight');
    assert.ok(out.length >= 3 && out.length <= 6, `${out.length} polls answered`);
    const skipped = out.map((m) => (m.modbus as { skippedPolls: number }).skippedPolls);
    assert.ok(skipped.at(-1)! > 0, `skipped polls are counted: ${skipped.join(',')}`);
  });

  it('a failed poll reaches a Catch node too', async () => {
    // The answer comes after the test starts listening; the next poll is far off.
    fakes.setHandler(async () => { await delay(100); throw new ModbusExceptionError(3, 4); });
    await helper.load(allNodes, flow({ pollInterval: '5000' }));
    const caught = collect('caught');
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal((caught[0].error as { cause: { exceptionCode: number } }).cause.exceptionCode, 4);
    assert.equal(callsOf(node('r1'), 'error').length, 1);
  });
});
