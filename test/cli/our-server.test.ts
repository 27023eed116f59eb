/**
 * `umodbus read` and `umodbus write` against our own server engine: over TCP, RTU over TCP and
 * RTU on a pty pair, every write function code, every byte order, and the serial line flags.
 */
import { strict as assert } from 'node:assert';
import { ascii } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { UsageError, transportFromFlags } from '../../src/cli/args';
import { PtyPair } from '../client/fixtures/pty';
import { SerialServer } from '../client/fixtures/serial-server';
import { umodbus } from './run';

function mapServer(): ModbusServer {
  return new ModbusServer({
    memoryMap: {
      coils: { size: 50, values: [1, 0, 1] },
      discreteInputs: { start: 10, values: [0, 1, 1] },
      holdingRegisters: { size: 100, values: [100, 101, 102, 103] },
      inputRegisters: { start: 500, values: [5000, 5001] },
      identity: { vendorName: 'ACME', productCode: 'CLI-1', revision: '3.1' },
    },
  });
}

describe('umodbus read / write against our server (CLI)', function () {
  this.timeout(20_000);
  let server: ModbusServer;
  let tcp: string;
  let rtuTcp: string;

  before(async () => {
    server = mapServer();
    tcp = `127.0.0.1:${(await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 })).port}`;
    rtuTcp = `127.0.0.1:${(await server.listen({ type: 'rtu-tcp', host: '127.0.0.1', port: 0 })).port}`;
  });
  after(async () => {
    await server.close();
  });

  for (const link of ['--tcp', '--rtu-tcp'] as const) {
    it(`${link}: reads FC 1, 2, 3, 4 as JSON`, async () => {
      const at = link === '--tcp' ? tcp : rtuTcp;
      const reads = await Promise.all([
        umodbus('read', link, at, '--unit', '3', '--fc', '1', '--address', '0', '--quantity', '3', '--json'),
        umodbus('read', link, at, '--unit', '3', '--fc', '2', '--address', '10', '--quantity', '3', '--json'),
        umodbus('read', link, at, '--unit', '3', '--fc', '3', '--address', '1', '--quantity', '2', '--json'),
        umodbus('read', link, at, '--unit', '3', '--fc', '4', '--address', '500', '--quantity', '2', '--json'),
      ]);
      for (const r of reads) assert.equal(r.code, 0, r.stderr);
      const values = reads.map((r) => (JSON.parse(r.stdout) as { unit: number; values: unknown[] }));
      assert.deepEqual(values.map((v) => v.unit), [3, 3, 3, 3]);
      assert.deepEqual(values.map((v) => v.values), [[true, false, true], [false, true, true], [101, 102], [5000, 5001]]);
    });
  }

  it('--rtu-tcp: writes FC 5, 6, 15, 16 and the map holds them', async () => {
    const runs = [
      await umodbus('write', '--rtu-tcp', rtuTcp, '--fc', '5', '--address', '20', 'on'),
      await umodbus('write', '--rtu-tcp', rtuTcp, '--fc', '6', '--address', '20', '0xbeef'),
      await umodbus('write', '--rtu-tcp', rtuTcp, '--fc', '15', '--address', '21', '1', '1', '0', '1'),
      await umodbus('write', '--rtu-tcp', rtuTcp, '--fc', '16', '--address', '21', '7', '8', '9'),
    ];
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(runs.map((r) => r.stdout), [
      'unit 1 coil @20 = 1\n', 'unit 1 register @20 = 48879\n', 'unit 1 wrote 4 coils @21\n', 'unit 1 wrote 3 registers @21\n',
    ]);
    assert.deepEqual(server.memory.get('coils', 20, 5), [true, true, true, false, true]);
    assert.deepEqual(server.memory.get('holdingRegisters', 20, 4), [0xbeef, 7, 8, 9]);
  });

  it('--tcp: FC 22 masks a register and FC 23 writes then reads', async () => {
    server.memory.set('holdingRegisters', 30, [0x12]);
    const mask = await umodbus('write', '--tcp', tcp, '--fc', '22', '--address', '30', '0xf2', '0x25');
    assert.equal(mask.code, 0, mask.stderr);
    assert.equal(mask.stdout, 'unit 1 register @30 masked: AND 0xf2 OR 0x25\n');
    assert.deepEqual(server.memory.get('holdingRegisters', 30, 1), [0x17]); // the spec's own example
    const rw = await umodbus('write', '--tcp', tcp, '--fc', '23', '--address', '31', '--read-address', '30', '--read-quantity', '3', '5', '6');
    assert.equal(rw.code, 0, rw.stderr);
    assert.equal(rw.stdout, 'unit 1 wrote 2 registers @31, read @30: 23 5 6\n');
  });

  it('--type float32 with each --order writes the words in that order and reads them back', async () => {
    // 1.5 is 0x3FC00000: bytes A=3F B=C0 C=00 D=00.
    const words: Record<string, number[]> = { ABCD: [0x3fc0, 0x0000], CDAB: [0x0000, 0x3fc0], BADC: [0xc03f, 0x0000], DCBA: [0x0000, 0xc03f] };
    let address = 40;
    for (const [order, expected] of Object.entries(words)) {
      const w = await umodbus('write', '--tcp', tcp, '--fc', '16', '--address', String(address), '--type', 'float32', '--order', order, '1.5');
      assert.equal(w.code, 0, w.stderr);
      assert.deepEqual(server.memory.get('holdingRegisters', address, 2), expected, order);
      const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', String(address), '--type', 'float32', '--order', order);
      assert.equal(r.stdout, `unit 1 holding registers @${address} (float32 ${order}): 1.5\n`);
      address += 2;
    }
  });

  it('reads FC 7, 11, 17 and 43 from the server\'s own answers', async () => {
    server.exceptionStatus = 0x42;
    const [es, ec, sid, dev] = await Promise.all([
      umodbus('read', '--tcp', tcp, '--fc', '7', '--json'),
      umodbus('read', '--tcp', tcp, '--fc', '11', '--json'),
      umodbus('read', '--tcp', tcp, '--fc', '17', '--json'),
      umodbus('read', '--tcp', tcp, '--fc', '43', '--json'),
    ]);
    for (const r of [es, ec, sid, dev]) assert.equal(r.code, 0, r.stderr);
    assert.match(es.stdout, /"status":66/);
    assert.match(ec.stdout, /"eventCount":\d+/);
    assert.match(sid.stdout, /"runIndicator":true/);
    assert.match(dev.stdout, /ACME.*CLI-1.*3\.1/);
  });

  it('our exception 02 exits 3 with code and name; a unit it does not answer times out, exit 4', async () => {
    const e = await umodbus('read', '--tcp', tcp, '--fc', '4', '--address', '0');
    assert.equal(e.code, 3);
    assert.match(e.stderr, /^umodbus read: Modbus exception 2 \(ILLEGAL DATA ADDRESS\) for function code 4\n$/);
    const w = await umodbus('write', '--tcp', tcp, '--fc', '6', '--address', '100', '1', '--json');
    assert.equal(w.code, 3);
    const j = JSON.parse(w.stdout) as { fc: number; error: { code: string; message: string } };
    assert.deepEqual([j.fc, j.error.code, j.error.message], [6, 'EMODBUS_EXCEPTION', 'Modbus exception 2 (ILLEGAL DATA ADDRESS) for function code 6']);
    const picky = new ModbusServer({ unitIds: [1] });
    const port = (await picky.listen({ type: 'tcp', host: '127.0.0.1', port: 0 })).port;
    try {
      const t = await umodbus('read', '--tcp', `127.0.0.1:${port}`, '--unit', '2', '--timeout', '200');
      assert.equal(t.code, 4);
      assert.match(t.stderr, /timeout: no response from unit 2/);
    } finally {
      await picky.close();
    }
  });

  it('--unit 0 broadcasts a write over RTU over TCP: the map takes it, no answer is awaited', async () => {
    const t0 = Date.now();
    const b = await umodbus('write', '--rtu-tcp', rtuTcp, '--unit', '0', '--fc', '6', '--address', '60', '606', '--timeout', '5000');
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, 'broadcast fc 6 sent (no response is expected from unit 0)\n');
    assert.ok(Date.now() - t0 < 4000, 'did not wait for the timeout');
    for (let i = 0; i < 50 && server.memory.get('holdingRegisters', 60, 1)[0] !== 606; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(server.memory.get('holdingRegisters', 60, 1), [606]);
  });
});

describe('umodbus read / write on serial lines (CLI)', function () {
  this.timeout(20_000);

  it('--rtu against our server on a pty pair, with --baud, --parity, --data-bits and --stop-bits', async () => {
    const pty = await new PtyPair('cli-ours').start();
    const server = mapServer();
    try {
      await server.listen({ type: 'rtu', path: pty.b, baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
      const line = ['--rtu', pty.a, '--baud', '19200', '--parity', 'even', '--data-bits', '8', '--stop-bits', '1', '--unit', '4'];
      const w = await umodbus('write', ...line, '--fc', '16', '--address', '70', '1', '2');
      assert.equal(w.code, 0, w.stderr);
      const r = await umodbus('read', ...line, '--fc', '3', '--address', '70', '--quantity', '2', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { values: number[] }).values, [1, 2]);
      assert.deepEqual(server.memory.get('holdingRegisters', 70, 2), [1, 2]);
    } finally {
      await server.close();
      await pty.stop();
    }
  });

  it('--ascii on a pty pair (7 data bits, even parity, 1 stop bit, as ASCII lines usually run)', async () => {
    const pty = await new PtyPair('cli-ascii').start();
    const dev = await new SerialServer(pty.b, ascii, [2], 9600).start();
    try {
      const line = ['--ascii', pty.a, '--baud', '9600', '--parity', 'even', '--data-bits', '7', '--stop-bits', '1', '--unit', '2'];
      const w = await umodbus('write', ...line, '--fc', '6', '--address', '9', '321');
      assert.equal(w.code, 0, w.stderr);
      assert.equal(dev.memory.holding[9], 321);
      const r = await umodbus('read', ...line, '--fc', '3', '--address', '8', '--quantity', '2');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'unit 2 holding registers @8: 80 321\n');
      assert.ok(dev.seen.every((s) => s.unitId === 2) && dev.seen.length === 2);
    } finally {
      await dev.stop();
      await pty.stop();
    }
  });

  it('the serial flags reach the line settings; values outside them are usage errors (exit 2)', async () => {
    assert.deepEqual(transportFromFlags({ ascii: '/dev/ttyS9', baud: '4800', parity: 'odd', 'data-bits': '7', 'stop-bits': '2' }),
      { type: 'ascii', path: '/dev/ttyS9', baudRate: 4800, parity: 'odd', dataBits: 7, stopBits: 2 });
    assert.deepEqual(transportFromFlags({ rtu: '/dev/ttyS9' }), { type: 'rtu', path: '/dev/ttyS9', baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1 });
    assert.throws(() => transportFromFlags({ rtu: '/dev/ttyS9', 'data-bits': '9' }), UsageError);
    const runs = await Promise.all([
      umodbus('read', '--rtu', '/dev/null', '--data-bits', '6'),
      umodbus('read', '--rtu', '/dev/null', '--stop-bits', '3'),
      umodbus('read', '--ascii', '/dev/null', '--parity', 'mark'),
      umodbus('read', '--rtu', '/dev/null', '--baud', 'fast'),
    ]);
    assert.deepEqual(runs.map((r) => r.code), [2, 2, 2, 2]);
    assert.match(runs[0].stderr, /--data-bits must be an integer in 7\.\.8, got "6"/);
    assert.match(runs[1].stderr, /--stop-bits must be an integer in 1\.\.2, got "3"/);
    assert.match(runs[2].stderr, /--parity must be none, even or odd, got "mark"/);
    assert.match(runs[3].stderr, /--baud must be an integer/);
  });
});
