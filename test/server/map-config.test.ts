import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MapConfigError, ModbusServer, loadMapFile, parseMapConfig } from '../../src/server';

describe('server map config', () => {
  it('accepts the documented format, with every section optional', () => {
    assert.deepEqual(parseMapConfig({}), {});
    assert.deepEqual(parseMapConfig({
      coils: { start: 0, values: [1, 0, true, false] },
      discreteInputs: { start: 5, size: 10 },
      holdingRegisters: { values: [-1, 65535] },
      inputRegisters: { start: 100, size: 2, values: [7] },
      identity: { vendorName: 'ACME', productCode: 'P', revision: '1', serverId: 9, extended: { '0x80': 'x' } },
    }), {
      coils: { start: 0, size: 4, values: [1, 0, 1, 0] },
      discreteInputs: { start: 5, size: 10, values: [] },
      holdingRegisters: { start: 0, size: 2, values: [65535, 65535] },
      inputRegisters: { start: 100, size: 2, values: [7] },
      identity: { vendorName: 'ACME', productCode: 'P', revision: '1', serverId: 9, extended: { 128: 'x' } },
    });
  });

  it('accepts one map per unit with "*" as the fallback', () => {
    assert.deepEqual(parseMapConfig({ units: { '1': { coils: { values: [1] } }, '*': {} } }), {
      units: { '1': { coils: { start: 0, size: 1, values: [1] } }, '*': {} },
    });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /^map: must be a JSON object/],
    ['an unknown table', { holdingRegister: {} }, /^holdingRegister: is not a map field/],
    ['an unknown section field', { coils: { begin: 0 } }, /^coils\.begin: is not a field/],
    ['a bad start', { coils: { start: -1 } }, /^coils\.start: must be an integer 0\.\.65535, got -1/],
    ['values not an array', { inputRegisters: { values: 5 } }, /^inputRegisters\.values: must be an array/],
    ['a bit that is not 0/1', { discreteInputs: { values: [0, 2] } }, /^discreteInputs\.values\[1\]: must be 0, 1, true or false, got 2/],
    ['a register too big', { holdingRegisters: { values: [1, 65536] } }, /^holdingRegisters\.values\[1\]: must be an integer -32768\.\.65535, got 65536/],
    ['a fractional register', { holdingRegisters: { values: [1.5] } }, /^holdingRegisters\.values\[0\]/],
    ['more values than size', { coils: { size: 1, values: [1, 1] } }, /^coils\.values: has 2 values, more than size 1/],
    ['a range past 65535', { coils: { start: 65535, size: 2 } }, /^coils\.size: start 65535 \+ size 2 runs past/],
    ['an identity field typo', { identity: { vendor: 'x' } }, /^identity\.vendor: is not an identity field/],
    ['an identity string that is not one', { identity: { revision: 2 } }, /^identity\.revision: must be a string/],
    ['a bad extended object id', { identity: { extended: { '5': 'x' } } }, /^identity\.extended\.5: extended object ids/],
    ['a bad unit key', { units: { abc: {} } }, /^units\.abc: is not a unit id/],
    ['a field beside units', { units: {}, coils: {} }, /^coils: cannot sit beside "units"/],
    ['a bad field inside a unit', { units: { '2': { coils: { start: 'x' } } } }, /^units\.2\.coils\.start: must be an integer/],
  ];
  for (const [what, json, message] of bad) {
    it(`refuses ${what}, naming the field`, () => {
      assert.throws(() => parseMapConfig(json), (e: unknown) => e instanceof MapConfigError && message.test(e.message));
    });
  }

  it('loadMapFile names the file for missing files, bad JSON and bad fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'umodbus-map-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ holdingRegisters: { values: [1, 2] }, identity: { vendorName: 'V' } }));
      const config = await loadMapFile(good);
      const server = new ModbusServer({ memoryMap: config });
      assert.deepEqual(server.memory.get('holdingRegisters', 0, 2), [1, 2]);
      assert.equal(server.identity.reportServerId().additionalData.length > 0, true);
      await assert.rejects(loadMapFile(join(dir, 'missing.json')), /map file .*missing\.json: ENOENT/);
      const notJson = join(dir, 'bad.json');
      writeFileSync(notJson, '{');
      await assert.rejects(loadMapFile(notJson), /bad\.json: not valid JSON/);
      const badField = join(dir, 'field.json');
      writeFileSync(badField, JSON.stringify({ coils: { values: ['on'] } }));
      await assert.rejects(loadMapFile(badField), /field\.json: coils\.values\[0\]: must be 0, 1, true or false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the map identity feeds FC 17 and 43 when no identity option is given', () => {
    const server = new ModbusServer({ memoryMap: { identity: { vendorName: 'FromMap', serverId: 7 } } });
    assert.deepEqual(server.identity.reportServerId().serverId, [7]);
    const res = server.identity.read({ fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 4, objectId: 0 });
    assert.ok(typeof res !== 'number');
    assert.equal(res.objects[0].value, 'FromMap');
  });

  it('memory.set refuses values a register cannot hold, writing nothing', () => {
    const server = new ModbusServer({ memoryMap: { holdingRegisters: { size: 4 } } });
    assert.throws(() => server.memory.set('holdingRegisters', 0, [1, 70000]), /value \[1\] 70000 is not a 16-bit integer/);
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 2), [0, 0]);
    server.memory.set('holdingRegisters', 0, [-2, true]);
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 2), [0xfffe, 1]);
  });
});
