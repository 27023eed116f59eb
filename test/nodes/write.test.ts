import { strict as assert } from 'node:assert';
import { valuesToRegisters, type ModbusRequest } from '../../src/codec';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

describe('umodbus-write (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  const flow = (write: Record<string, unknown>): ReturnType<typeof onTab> => onTab(
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: 502 },
    { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 0, wires: [['out']], ...write },
    { id: 'out', type: 'helper' },
    catchAll('catch', 'caught'),
    { id: 'caught', type: 'helper' },
  );

  /** Deploy, send each payload, and return the requests the engine saw. */
  async function writes(settings: Record<string, unknown>, payloads: unknown[]): Promise<{ unitId: number; req: ModbusRequest }[]> {
    fakes.setHandler(async (unitId, req) => (unitId === 0 ? undefined : req.fc === 0x17 ? { fc: 0x17, values: [7, 8] } : { fc: 6, address: 0, value: 0 }));
    await helper.load(allNodes, flow(settings));
    const out = collect('out');
    for (const payload of payloads) node('w1').receive({ payload });
    await waitFor(() => out.length === payloads.length, 'outputs');
    return fakes.clients[0].requests;
  }

  it('FC 6 writes one register with the data type', async () => {
    const seen = await writes({ fc: 6, address: 10, dataType: 'int16' }, [-2, 65535 - 65535]);
    assert.deepEqual(seen.map((s) => s.req), [{ fc: 6, address: 10, value: 0xfffe }, { fc: 6, address: 10, value: 0 }]);
  });

  it('FC 16 encodes float32 with word swap, arrays and Buffers', async () => {
    const seen = await writes({ fc: 16, address: 4, dataType: 'float32', byteOrder: 'CDAB' }, [1.5, [1.5, 2], Buffer.from([0, 1, 0, 2])]);
    assert.deepEqual(seen[0].req, { fc: 16, address: 4, values: valuesToRegisters(1.5, 'float32', 'CDAB') });
    assert.deepEqual(seen[1].req, { fc: 16, address: 4, values: valuesToRegisters([1.5, 2], 'float32', 'CDAB') });
    assert.deepEqual(seen[2].req, { fc: 16, address: 4, values: [1, 2] }, 'a Buffer is raw registers');
  });

  it('FC 5 and FC 15 write coils from booleans and 0/1', async () => {
    const seen = await writes({ fc: 15, address: 3 }, [[true, 0, 1], { value: true, fc: 5, address: 9 }]);
    assert.deepEqual(seen.map((s) => s.req), [{ fc: 15, address: 3, values: [true, false, true] }, { fc: 5, address: 9, value: true }]);
  });

  it('FC 21, 22 and 23', async () => {
    fakes.setHandler(async (_u, req) => (req.fc === 0x17 ? { fc: 0x17, values: [7, 8] } : { fc: 6, address: 0, value: 0 }));
    await helper.load(allNodes, onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: 502 },
      { id: 'w21', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 21, fileNumber: 3, address: 2, wires: [['out']] },
      { id: 'w22', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 22, address: 5, wires: [['out']] },
      { id: 'w23', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 23, address: 1, readAddress: 20, readQuantity: 2, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ));
    const out = collect('out');
    node('w21').receive({ payload: [1, 2] });
    node('w22').receive({ payload: { andMask: 0xf2, orMask: 0x25 } });
    node('w23').receive({ payload: [9] });
    await waitFor(() => out.length === 3, 'outputs');
    assert.deepEqual(fakes.clients[0].requests.map((r) => r.req), [
      { fc: 21, records: [{ fileNumber: 3, recordNumber: 2, values: [1, 2] }] },
      { fc: 22, address: 5, andMask: 0xf2, orMask: 0x25 },
      { fc: 23, readAddress: 20, readQuantity: 2, writeAddress: 1, values: [9] },
    ]);
    const fc23 = out.find((m) => (m.modbus as { fc: number }).fc === 23);
    assert.deepEqual(fc23?.payload, [7, 8], 'FC 23 outputs what it read');
  });

  it('unit id 0 broadcasts and goes on without an answer', async () => {
    await helper.load(allNodes, flow({ unitId: '0', fc: 6 }));
    fakes.setHandler(async () => undefined);
    const out = collect('out');
    node('w1').receive({ payload: 5 });
    await waitFor(() => out.length === 1, 'output');
    assert.equal(fakes.clients[0].requests[0].unitId, 0);
    const modbus = out[0].modbus as Record<string, unknown>;
    assert.equal(modbus.broadcast, true);
    assert.equal(modbus.response, undefined);
    assert.equal(out[0].payload, 5);
  });

  it('payloads that cannot be written reach a Catch node as bad msgs', async () => {
    await helper.load(allNodes, flow({ fc: 6, dataType: 'uint16' }));
    const caught = collect('caught');
    const bad = [70000, 'abc', null, [1, 2], { value: 1, unitId: -1 }, { value: 1, fc: 3 }, Buffer.from([1])];
    for (const payload of bad) node('w1').receive({ payload });
    await waitFor(() => caught.length === bad.length, 'every bad msg caught');
    for (const m of caught) assert.equal((m.error as { code: string }).code, 'EMODBUS_BAD_MSG', JSON.stringify(m.payload));
    assert.equal(fakes.clients[0].requests.length, 0);
  });
});
