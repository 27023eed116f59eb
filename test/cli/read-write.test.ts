/** The built CLI, run as a child process against a modbus-serial ServerTCP. */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { rtu } from '../../src/codec';
import { PtyPair } from '../client/fixtures/pty';
import { SerialServer } from '../client/fixtures/serial-server';
import { MAIN, freePort, umodbus } from './run';

describe('umodbus read / write (CLI)', function () {
  this.timeout(15_000);
  let server: ServerTCP;
  let tcp: string;
  const holding = Array.from({ length: 64 }, (_, i) => i);
  const coils = Array.from({ length: 64 }, () => false);

  before(async () => {
    // 1.5 as float32 is 0x3FC0 0x0000; stored word-swapped (CDAB) at 40.
    holding[40] = 0x0000;
    holding[41] = 0x3fc0;
    const port = await freePort();
    server = new ServerTCP({
      getCoil: (a: number) => coils[a],
      getDiscreteInput: (a: number) => a === 1,
      getInputRegister: (a: number) => 300 + a,
      getHoldingRegister: (a: number) => {
        if (a >= holding.length) throw { modbusErrorCode: 0x02, msg: 'out of range' };
        return holding[a];
      },
      setCoil: (a: number, v: boolean) => { coils[a] = v; },
      setRegister: (a: number, v: number) => { holding[a] = v; },
    }, { host: '127.0.0.1', port, unitID: 255 });
    await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
    tcp = `127.0.0.1:${port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads holding registers for people', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--unit', '1', '--fc', '3', '--address', '2', '--quantity', '3');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 holding registers @2: 2 3 4\n');
  });

  it('reads coils and input registers, one JSON object per line', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--fc', '2', '--address', '0', '--quantity', '3', '--json');
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { unit: number; fc: number; address: number; values: boolean[] };
    assert.deepEqual([o.unit, o.fc, o.address, o.values], [1, 2, 0, [false, true, false]]);
    const i = await umodbus('read', '--tcp', tcp, '--fc', '4', '--address', '5', '--quantity', '2', '--json');
    assert.deepEqual((JSON.parse(i.stdout) as { values: number[] }).values, [305, 306]);
  });

  it('decodes --type with --order', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '40', '--type', 'float32', '--order', 'CDAB');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 holding registers @40 (float32 CDAB): 1.5\n');
    const j = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '40', '--type', 'float32', '--order', 'CDAB', '--json');
    assert.deepEqual((JSON.parse(j.stdout) as { decoded: number[] }).decoded, [1.5]);
  });

  it('polls --count times at --interval', async () => {
    const t0 = Date.now();
    const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '1', '--count', '3', '--interval', '100', '--json');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.deepEqual((JSON.parse(l) as { values: number[] }).values, [1]);
    assert.ok(Date.now() - t0 >= 200);
  });

  it('--count 0 polls until interrupted, then exits 0 and releases the link', async () => {
    const child = spawn(process.execPath, [MAIN, 'read', '--tcp', tcp, '--fc', '3', '--address', '5', '--count', '0', '--interval', '20']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > 3) child.kill('SIGINT');
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 8000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.ok(lines.length >= 3);
    for (const l of lines) assert.equal(l, 'unit 1 holding registers @5: 5');
  });

  it('reads and writes over RTU on a serial line (pty pair)', async () => {
    const pty = await new PtyPair('cli').start();
    const dev = await new SerialServer(pty.b, rtu, [7], 19200).start();
    try {
      const serial = ['--rtu', pty.a, '--baud', '19200', '--parity', 'none', '--unit', '7'];
      const w = await umodbus('write', ...serial, '--fc', '16', '--address', '3', '11', '12');
      assert.equal(w.code, 0, w.stderr);
      const r = await umodbus('read', ...serial, '--fc', '3', '--address', '3', '--quantity', '2', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { values: number[] }).values, [11, 12]);
      const t = await umodbus('read', ...serial, '--unit', '8', '--timeout', '150');
      assert.equal(t.code, 4);
    } finally {
      await dev.stop();
      await pty.stop();
    }
  });

  it('writes FC 5, 6, 15, 16 (typed and negative values too) and reads them back', async () => {
    let r = await umodbus('write', '--tcp', tcp, '--fc', '6', '--address', '10', '0x1234');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 register @10 = 4660\n');
    assert.equal(holding[10], 0x1234);
    r = await umodbus('write', '--tcp', tcp, '--fc', '16', '--address', '20', '--type', 'int32', '--', '-2', '70000');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(holding.slice(20, 24), [0xffff, 0xfffe, 0x0001, 0x1170]);
    r = await umodbus('write', '--tcp', tcp, '--fc', '16', '--address', '30', '-1', '7');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'unit 1 wrote 2 registers @30\n');
    assert.deepEqual(holding.slice(30, 32), [0xffff, 7]);
    r = await umodbus('write', '--tcp', tcp, '--fc', '5', '--address', '3', 'on', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { response: object }).response, { fc: 5, address: 3, value: true });
    r = await umodbus('write', '--tcp', tcp, '--fc', '15', '--address', '8', '1', '0', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(coils.slice(8, 11), [true, false, true]);
    const back = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '20', '--quantity', '2', '--type', 'int32');
    assert.equal(back.stdout, 'unit 1 holding registers @20 (int32 ABCD): -2 70000\n');
  });

  it('a Modbus exception prints its code and name and exits 3', async () => {
    const r = await umodbus('read', '--tcp', tcp, '--fc', '3', '--address', '100');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /Modbus exception 2 \(ILLEGAL DATA ADDRESS\)/);
    const w = await umodbus('write', '--tcp', tcp, '--fc', '22', '--address', '1', '0xff', '0');
    assert.equal(w.code, 3); // ServerTCP does not do FC 22
    assert.match(w.stderr, /Modbus exception 1 \(ILLEGAL FUNCTION\)/);
  });

  it('a timeout exits 4 with its own message', async () => {
    // It reads (and drops) what comes, so it sees the client hang up and close() can finish.
    const silent = net.createServer((s) => s.on('error', () => {}).resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const r = await umodbus('read', '--tcp', `127.0.0.1:${port}`, '--timeout', '200');
      assert.equal(r.code, 4);
      assert.match(r.stderr, /^umodbus read: timeout: no response from unit 1 to function code 3 within 200 ms\n$/);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a connection failure exits 5 with its own message', async () => {
    const port = await freePort();
    const r = await umodbus('read', '--tcp', `127.0.0.1:${port}`);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /connection failed: cannot connect to tcp 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    const s = await umodbus('read', '--rtu', '/nonexistent/tty-umodbus', '--baud', '19200');
    assert.equal(s.code, 5);
    assert.match(s.stderr, /connection failed: cannot connect to rtu \/nonexistent\/tty-umodbus/);
  });

  it('usage errors exit 2 and say what is wrong', async () => {
    // Independent runs, started together to keep the suite short.
    const [noLink, noValue, badType, broadcastRead, badCoil, help] = await Promise.all([
      umodbus('read', '--fc', '3'),
      umodbus('write', '--tcp', tcp, '--fc', '6', '--address', '1'),
      umodbus('read', '--tcp', tcp, '--fc', '3', '--type', 'float33'),
      umodbus('read', '--tcp', tcp, '--unit', '0'),
      umodbus('write', '--tcp', tcp, '--fc', '5', '--address', '1', 'maybe'),
      umodbus('write', '--help'),
    ]);
    for (const r of [noLink, noValue, badType, broadcastRead, badCoil]) assert.equal(r.code, 2, r.stderr);
    assert.match(noLink.stderr, /give exactly one of --tcp/);
    assert.match(noValue.stderr, /give the value/);
    assert.match(badType.stderr, /--type must be one of/);
    assert.match(broadcastRead.stderr, /cannot be broadcast to unit 0/);
    assert.match(badCoil.stderr, /is not a coil value/);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fc 22 AND OR/);
  });
});
