/** Issue 15, item 9: --quantity counts values of --type, as the read node's quantity does, and --help says so. */
import { strict as assert } from 'node:assert';
import { valuesToRegisters } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { umodbus } from './run';

describe('umodbus read --quantity with --type (CLI)', function () {
  this.timeout(15_000);
  let server: ModbusServer;
  let tcp: string;
  before(async () => {
    server = new ModbusServer({ memoryMap: { holdingRegisters: { start: 0, values: [...valuesToRegisters([1.5, -2.25, 3], 'float32'), 0x4142, 0x4344] } } });
    const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    tcp = `127.0.0.1:${port ?? 0}`;
  });
  after(async () => { await server.close(); });

  it('--quantity 2 --type float32 reads two float32 values (four registers)', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '0', '--quantity', '2', '--type', 'float32');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 holding registers @0 (float32 ABCD): 1.5 -2.25\n');
    const one = await umodbus('read', '--tcp', tcp, '--fc', '3', '--type', 'float32', '--json');
    assert.deepEqual((JSON.parse(one.stdout) as { decoded: number[] }).decoded, [1.5], 'one value by default');
  });

  it('without --type, and for --type string, it counts registers; --help says what it counts', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '6', '--quantity', '2', '--type', 'string');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 holding registers @6 (string ABCD): ABCD\n');
    const raw = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '0', '--quantity', '2', '--json');
    assert.equal((JSON.parse(raw.stdout) as { values: number[] }).values.length, 2);
    const help = await umodbus('read', '--help');
    assert.match(help.stdout, /--quantity N[\s\S]*with --type values of that type/);
  });
});
