/** Issue 15, item 9: a boolean written to a register is refused unless the data type is bool. */
import { strict as assert } from 'node:assert';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

describe('umodbus-write: booleans and registers (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  it('refuses true as a uint16 (no request, EMODBUS_BAD_MSG), takes it as bool and on coils', async () => {
    fakes.setHandler(async (_u, req) => ({ ...req } as never));
    await helper.load(allNodes, onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: 502 },
      { id: 'w6', type: 'umodbus-write', client: 'c1', fc: 6, address: 0, dataType: 'uint16', wires: [['out']] },
      { id: 'w16', type: 'umodbus-write', client: 'c1', fc: 16, address: 0, dataType: 'int32', wires: [['out']] },
      { id: 'wb', type: 'umodbus-write', client: 'c1', fc: 6, address: 0, dataType: 'bool', wires: [['out']] },
      { id: 'w5', type: 'umodbus-write', client: 'c1', fc: 5, address: 0, wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    const out = collect('out');
    const caught = collect('caught');
    node('w6').receive({ payload: true });
    node('w16').receive({ payload: [1, false] });
    node('w6').receive({ payload: { value: true, address: 3 } });
    await waitFor(() => caught.length === 3, 'three refusals');
    for (const m of caught) {
      const error = m.error as { code: string; message: string };
      assert.equal(error.code, 'EMODBUS_BAD_MSG');
      assert.match(error.message, /a boolean cannot be written as (uint16|int32)/);
    }
    assert.equal(fakes.clients[0].requests.length, 0, 'nothing was written');
    node('wb').receive({ payload: true });
    node('w5').receive({ payload: true });
    await waitFor(() => out.length === 2, 'bool and coil writes');
    assert.deepEqual(fakes.clients[0].requests.map((r) => r.req.fc).sort(), [5, 6]);
  });
});
