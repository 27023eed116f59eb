import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { readyLine, serve } from './run';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import ModbusRTU from 'modbus-serial';
import { ptyPair } from '../server/pty';


describe('umodbus serve (CLI)', function () {
  this.timeout(15000);
  let dir: string;
  const children: ChildProcess[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'umodbus-serve-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a map file on a free port, answers modbus-serial, and exits 0 on SIGTERM', async () => {
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({
      coils: { start: 0, values: [1, 0, 1] },
      holdingRegisters: { start: 100, values: [11, 22, 33] },
      inputRegisters: { values: [7] },
      identity: { vendorName: 'ACME', productCode: 'X1', revision: '2.0' },
    }));
    const run = serve(['--tcp', '127.0.0.1:0', '--map', map, '--unit', '1,2', '--verbose']);
    children.push(run.child);
    const line = await readyLine(run);
    const m = /^listening on tcp 127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(m, `ready line "${line}"`);
    const port = Number(m[1]);
    assert.ok(port > 0);

    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port });
    client.setID(1);
    client.setTimeout(1000);
    try {
      assert.deepEqual((await client.readHoldingRegisters(100, 3)).data, [11, 22, 33]);
      assert.deepEqual((await client.readCoils(0, 3)).data.slice(0, 3), [true, false, true]);
      await client.writeRegister(101, 99);
      assert.deepEqual((await client.readHoldingRegisters(100, 3)).data, [11, 99, 33]);
      assert.deepEqual({ ...(await client.readDeviceIdentification(1, 0)).data }, { 0: 'ACME', 1: 'X1', 2: '2.0' });
      await assert.rejects(client.readHoldingRegisters(0, 1), /exception|Illegal data address/i);
      client.setID(3); // not one of --unit 1,2: silence, so a timeout
      await assert.rejects(client.readInputRegisters(0, 1), (e: { message?: string }) => /timed out/i.test(e.message ?? ''));
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
    assert.match(run.stderr, /unit 1 tid \d+ fc 3 \{"address":100,"quantity":3\}/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
    assert.equal(run.stdout.trim().split('\n').length, 1, 'one ready line only');
  });

  it('serves every map section from its own start; an address outside a section gets 02', async () => {
    const map = join(dir, 'sections.json');
    writeFileSync(map, JSON.stringify({
      coils: { start: 10, values: [1, 1, 0] },
      discreteInputs: { start: 20, values: [0, 1] },
      holdingRegisters: { start: 30, values: [300, 301] },
      inputRegisters: { start: 40, values: [1000, 1001] },
      identity: { vendorName: 'V', productCode: 'P', revision: 'R' },
    }));
    const run = serve(['--tcp', '127.0.0.1:0', '--map', map]);
    children.push(run.child);
    const port = Number(/:(\d+)$/.exec(await readyLine(run))?.[1]);
    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port });
    client.setID(9); // default: any unit
    client.setTimeout(1000);
    const isAddress = (e: { modbusCode?: number }): boolean => e.modbusCode === 2;
    try {
      assert.deepEqual((await client.readCoils(10, 3)).data.slice(0, 3), [true, true, false]);
      assert.deepEqual((await client.readDiscreteInputs(20, 2)).data.slice(0, 2), [false, true]);
      assert.deepEqual((await client.readHoldingRegisters(30, 2)).data, [300, 301]);
      assert.deepEqual((await client.readInputRegisters(40, 2)).data, [1000, 1001]);
      assert.deepEqual({ ...(await client.readDeviceIdentification(1, 0)).data }, { 0: 'V', 1: 'P', 2: 'R' });
      // One past each end, and one before each start.
      await assert.rejects(client.readCoils(11, 3), isAddress);
      await assert.rejects(client.readCoils(9, 1), isAddress);
      await assert.rejects(client.readDiscreteInputs(21, 2), isAddress);
      await assert.rejects(client.readHoldingRegisters(29, 1), isAddress);
      await assert.rejects(client.writeRegister(32, 1), isAddress);
      await assert.rejects(client.writeCoil(13, true), isAddress);
      await assert.rejects(client.readInputRegisters(42, 1), isAddress);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  });

  it('--max-connections refuses the connection past the limit (or closes the oldest idle one with its policy)', async () => {
    const open = (port: number): Promise<{ socket: Socket; closed: Promise<void> }> => new Promise((res, rej) => {
      const socket = connect({ host: '127.0.0.1', port }, () => res({ socket, closed: new Promise((r) => socket.once('close', () => r())) }));
      socket.once('error', rej);
    });
    const within = <T>(p: Promise<T>, ms: number): Promise<T | 'still open'> =>
      Promise.race([p, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);
    for (const policy of ['refuse', 'close-oldest-idle'] as const) {
      const run = serve(['--tcp', '127.0.0.1:0', '--max-connections', '1', '--connection-policy', policy]);
      children.push(run.child);
      const port = Number(/:(\d+)$/.exec(await readyLine(run))?.[1]);
      const first = await open(port);
      const second = await open(port);
      try {
        const [gone, kept] = policy === 'refuse' ? [second, first] : [first, second];
        assert.equal(await within(gone.closed, 2000), undefined, `${policy}: the server closed one`);
        assert.equal(await within(kept.closed, 200), 'still open', `${policy}: the other is served`);
        // The kept one is answered: FC 3, one register, unit 1.
        const answer = new Promise<Buffer>((r) => kept.socket.once('data', r));
        kept.socket.write(Buffer.from([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]));
        assert.deepEqual([...(await answer)], [0, 1, 0, 0, 0, 5, 1, 3, 2, 0, 0]);
      } finally {
        first.socket.destroy();
        second.socket.destroy();
      }
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    }
  });

  it('a bad map file fails with exit 2 and names the field', async () => {
    const map = join(dir, 'bad.json');
    writeFileSync(map, JSON.stringify({ holdingRegisters: { start: 0, values: [1, 70000] } }));
    const run = serve(['--tcp', '127.0.0.1:0', '--map', map]);
    children.push(run.child);
    assert.equal(await run.exit, 2);
    assert.match(run.stderr, /holdingRegisters\.values\[1\]: must be an integer -32768\.\.65535, got 70000/);
    assert.equal(run.stdout, '');
  });

  it('a map file that is not JSON, or has an unknown field, is refused clearly', async () => {
    const notJson = join(dir, 'nojson.json');
    writeFileSync(notJson, '{ coils: ');
    const a = serve(['--tcp', '127.0.0.1:0', '--map', notJson]);
    children.push(a.child);
    assert.equal(await a.exit, 2);
    assert.match(a.stderr, /not valid JSON/);
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ holdingRegister: {} }));
    const b = serve(['--tcp', '127.0.0.1:0', '--map', typo]);
    children.push(b.child);
    assert.equal(await b.exit, 2);
    assert.match(b.stderr, /holdingRegister: is not a map field/);
  });

  it('bad arguments print usage and exit 2', async () => {
    const run = serve(['--tcp', 'nope']);
    children.push(run.child);
    assert.equal(await run.exit, 2);
    assert.match(run.stderr, /--tcp wants HOST:PORT/);
    assert.match(run.stderr, /usage: umodbus serve/);
  });

  it('serves RTU over TCP and exits 0 on SIGINT', async () => {
    const run = serve(['--rtu-tcp', '127.0.0.1:0']);
    children.push(run.child);
    const line = await readyLine(run);
    const m = /^listening on rtu-tcp 127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(m, line);
    const client = new ModbusRTU();
    await client.connectTelnet('127.0.0.1', { port: Number(m[1]) }); // modbus-serial's telnet port is RTU over TCP
    client.setID(4);
    client.setTimeout(1000);
    try {
      await client.writeRegisters(10, [1, 2]);
      assert.deepEqual((await client.readHoldingRegisters(10, 2)).data, [1, 2]);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 0);
  });

  it('serves RTU on a serial line (a socat pty pair)', async () => {
    const pty = await ptyPair();
    try {
      const run = serve(['--rtu', pty.a, '--baud', '19200', '--unit', '7']);
      children.push(run.child);
      assert.equal(await readyLine(run), `listening on rtu ${pty.a} at 19200 baud`);
      const client = new ModbusRTU();
      await client.connectRTUBuffered(pty.b, { baudRate: 19200 });
      client.setID(7);
      client.setTimeout(1000);
      try {
        await client.writeRegister(5, 55);
        assert.deepEqual((await client.readHoldingRegisters(5, 1)).data, [55]);
      } finally {
        await new Promise<void>((r) => client.close(() => r()));
      }
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      await pty.close();
    }
  });
});
