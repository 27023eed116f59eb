/**
 * The map parser that `umodbus serve --map` and the server node share: prototype keys refused
 * everywhere (issue 13 item 8), and the spec's identity names accepted (issue 15 item 9).
 */
import { strict as assert } from 'node:assert';
import { MapConfigError, ModbusServer, parseMapConfig } from '../../src/server';

const refuses = (text: string, message: RegExp): void => {
  assert.throws(() => parseMapConfig(JSON.parse(text)), (e: unknown) => e instanceof MapConfigError && message.test(e.message), text);
};

describe('server map config: prototype keys and the spec\'s identity names', () => {
  it('refuses __proto__, constructor and prototype keys at every level, naming where', () => {
    // JSON.parse makes "__proto__" an own key, as a flow's or a file's JSON would.
    refuses('{"__proto__": {"coils": {"size": 1}}}', /^__proto__: is not allowed/);
    refuses('{"constructor": {}}', /^constructor: is not allowed/);
    refuses('{"holdingRegisters": {"size": 2, "__proto__": {"size": 9}}}', /^holdingRegisters\.__proto__: is not allowed/);
    refuses('{"identity": {"constructor": "x"}}', /^identity\.constructor: is not allowed/);
    refuses('{"identity": {"extended": {"__proto__": "x"}}}', /^identity\.extended\.__proto__: is not allowed/);
    refuses('{"units": {"__proto__": {}}}', /^units\.__proto__: is not allowed/);
    refuses('{"units": {"1": {"prototype": {}}}}', /^units\.1\.prototype: is not allowed/);
    refuses('{"units": {}, "__proto__": {}}', /^__proto__: is not allowed/);
    assert.equal(({} as Record<string, unknown>).size, undefined, 'nothing reached Object.prototype');
  });

  it('takes majorMinorRevision, the name FC 43/14 outputs, for the revision; revision still works', () => {
    assert.deepEqual(parseMapConfig({ identity: { majorMinorRevision: '2.1' } }), { identity: { revision: '2.1' } });
    assert.deepEqual(parseMapConfig({ identity: { revision: '2.0' } }), { identity: { revision: '2.0' } });
    const server = new ModbusServer({ memoryMap: parseMapConfig({ identity: { vendorName: 'V', productCode: 'P', majorMinorRevision: '3.4' } }) as never });
    const res = server.identity.read({ fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 4, objectId: 2 });
    assert.ok(typeof res !== 'number');
    assert.deepEqual(res.objects, [{ id: 2, value: '3.4' }]);
    refuses('{"identity": {"revision": "1", "majorMinorRevision": "2"}}', /^identity\.majorMinorRevision: names the same object as revision and majorMinorRevision/);
    refuses('{"identity": {"MajorMinorRevision": "1"}}', /^identity\.MajorMinorRevision: is not an identity field \(.*majorMinorRevision/);
  });
});
