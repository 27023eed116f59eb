/** `umodbus serve --udp` and `--ascii`, driven by modbus-serial. */
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import ModbusRTU from 'modbus-serial';
import { readyLine, serve } from './run';
import { ptyPair } from '../server/pty';

describe('umodbus serve --udp and --ascii (CLI)', function () {
  this.timeout(20000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('--udp serves the memory map over UDP and exits 0 on SIGTERM', async () => {
    const run = serve(['--udp', '127.0.0.1:0', '--unit', '1']);
    children.push(run.child);
    const m = /^listening on udp 127\.0\.0\.1:(\d+)$/.exec(await readyLine(run));
    assert.ok(m, run.stdout);
    const client = new ModbusRTU();
    await client.connectUDP('127.0.0.1', { port: Number(m[1]) });
    for (let i = 0; i < 100 && !client.isOpen; i++) await new Promise((r) => setTimeout(r, 10));
    try {
      client.setID(1);
      client.setTimeout(1000);
      await client.writeRegisters(5, [7, 8]);
      assert.deepEqual((await client.readHoldingRegisters(5, 2)).data, [7, 8]);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  });

  it('--ascii serves a serial line with ASCII framing (socat pty pair)', async () => {
    const pty = await ptyPair();
    try {
      const run = serve(['--ascii', pty.a, '--baud', '9600', '--data-bits', '7', '--parity', 'even']);
      children.push(run.child);
      assert.equal(await readyLine(run), `listening on ascii ${pty.a} at 9600 baud`);
      const client = new ModbusRTU();
      await client.connectAsciiSerial(pty.b, { baudRate: 9600, dataBits: 7, parity: 'even' });
      try {
        client.setID(3);
        client.setTimeout(1000);
        await client.writeCoil(2, true);
        assert.deepEqual((await client.readCoils(0, 3)).data.slice(0, 3), [false, false, true]);
      } finally {
        await new Promise<void>((r) => client.close(() => r()));
      }
      run.child.kill('SIGINT');
      assert.equal(await run.exit, 0);
    } finally {
      await pty.close();
    }
  });

  it('--ascii without --baud, or two transports, is a usage error', async () => {
    const a = serve(['--ascii', '/dev/null']);
    assert.equal(await a.exit, 2);
    assert.match(a.stderr, /--ascii needs --baud N/);
    const b = serve(['--udp', '127.0.0.1:0', '--tcp', '127.0.0.1:0']);
    assert.equal(await b.exit, 2);
    assert.match(b.stderr, /give exactly one of --tcp, --rtu-tcp, --udp, --rtu or --ascii/);
  });
});
