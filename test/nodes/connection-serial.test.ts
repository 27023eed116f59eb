/**
 * Issue 15, item 1 on a scripted engine: msg.connection on a serial client moves the path and
 * baud rate (a new engine with the new settings, the old one closed once its requests are done),
 * unit id 0 from msg.connection is a value, and the same settings again change nothing.
 */
import { strict as assert } from 'node:assert';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

describe('msg.connection on a serial client (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  it('moves path and baud rate, keeps the other line settings, and takes unit id 0', async () => {
    fakes.setHandler(async () => undefined);
    await helper.load(allNodes, onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'rtu', serialPath: '/dev/ttyA', baudRate: 9600, parity: 'even', allowConnection: true },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 5, fc: 6, address: 0, wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    const out = collect('out');
    const caught = collect('caught');
    assert.equal(fakes.clients.length, 1);
    node('w1').receive({ connection: { path: '/dev/ttyB', baudRate: 19200, unitId: 0 }, payload: 7 });
    await waitFor(() => out.length === 1, 'the write after the switch');
    assert.equal(fakes.clients.length, 2, 'a new engine for the new line');
    assert.deepEqual(fakes.clients[1].options.transport, { type: 'rtu', path: '/dev/ttyB', baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 });
    assert.deepEqual(fakes.clients[1].requests.map((r) => r.unitId), [0], 'unit id 0 from msg.connection is used, not the node\'s 5');
    await waitFor(() => fakes.clients[0].closed, 'the old engine closes');
    assert.deepEqual((out[0].modbus as { connection: unknown }).connection, { client: 'c1', type: 'rtu', path: '/dev/ttyB', baudRate: 19200, unitId: 0 });

    node('w1').receive({ connection: { path: '/dev/ttyB', baudRate: 19200 }, payload: 8 });
    await waitFor(() => out.length === 2, 'the same settings again');
    assert.equal(fakes.clients.length, 2, 'no new engine when nothing changes');
    node('w1').receive({ connection: { host: '10.0.0.1' }, payload: 9 });
    await waitFor(() => caught.length === 1, 'host on a serial client');
    assert.equal((caught[0].error as { code: string }).code, 'EMODBUS_BAD_MSG');
  });
});
