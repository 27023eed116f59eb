/**
 * A serial line that goes away under a running server (a USB adapter unplugged) and comes back:
 * the server says so, keeps trying to open it, and answers again once it is there. The "adapter"
 * is a socat pty pair, stopped and started again on the same paths.
 */
import { strict as assert } from 'node:assert';
import { ModbusServer, type ServerLineEvent } from '../../src/server';
import { resources, leakedSince, until } from '../client/fixtures/leaks';
import { RawSerialClient, ptyPair } from './pty';

describe('server RTU line lost and back', function () {
  this.timeout(15000);

  async function answered(path: string): Promise<number[]> {
    const dev = await RawSerialClient.open(path, 38400);
    try {
      const res = await dev.request(1, { fc: 0x03, address: 0, quantity: 2 });
      return 'values' in res ? (res.values as number[]) : [];
    } finally {
      await dev.close();
    }
  }

  it('reports the loss, opens the line again when it is back, and answers as before', async () => {
    const before = await resources();
    let pty = await ptyPair();
    const server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [5, 6] } } });
    const errors: Error[] = [];
    const lines: ServerLineEvent[] = [];
    server.on('error', (e) => errors.push(e));
    server.on('line', (e) => lines.push(e));
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
      assert.deepEqual(await answered(pty.b), [5, 6]);

      await pty.close(); // unplugged
      await until(() => lines.length >= 1, 3000, 'the loss reported');
      assert.equal(lines[0].state, 'lost');
      assert.equal(lines[0].path, pty.a);
      assert.ok(lines[0].error instanceof Error);
      assert.equal(errors.length, 1, 'reported once on the error event too');

      // Away for longer than the first attempts: they fail and back off, quietly.
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(lines.length, 1, 'failed attempts are not reported again');

      pty = await ptyPair(pty.base); // plugged in again, same path
      await until(() => lines.length >= 2, 5000, 'the line open again');
      assert.equal(lines[1].state, 'open');
      assert.deepEqual(await answered(pty.b), [5, 6]);
    } finally {
      await server.close();
      await pty.close();
    }
    assert.deepEqual(await leakedSince(before, 1000), {});
  });

  it('close() while the line is away stops the attempts and leaves nothing behind', async () => {
    const before = await resources();
    const pty = await ptyPair();
    const server = new ModbusServer();
    const lines: ServerLineEvent[] = [];
    server.on('error', () => undefined);
    server.on('line', (e) => lines.push(e));
    await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
    await pty.close();
    await until(() => lines.length >= 1, 3000, 'the loss reported');
    await new Promise((r) => setTimeout(r, 600)); // one attempt made and failed, the next one armed
    await server.close();
    assert.deepEqual(await leakedSince(before, 1000), {});
    assert.equal(lines.length, 1);
  });
});
