import { strict as assert } from 'node:assert';
import { ModbusExceptionError, ascii, rtu, encodeResponseAdu } from '../../src/codec';
import { ConnectionLostError, ModbusClient, TimeoutError, UnitUnavailableError, type ClientOptions } from '../../src/client';
import { leakedSince, outcome, resources, until } from './fixtures/leaks';
import { PtyPair } from './fixtures/pty';
import { SerialServer } from './fixtures/serial-server';

function serialClient(path: string, type: 'rtu' | 'ascii', extra: Partial<ClientOptions> = {}): ModbusClient {
  return new ModbusClient({ transport: { type, path, baudRate: 38400 }, timeout: 300, reconnect: { minDelay: 30, maxDelay: 200 }, ...extra });
}

for (const [type, framing] of [['rtu', rtu], ['ascii', ascii]] as const) {
  describe(`ModbusClient over ${type.toUpperCase()} on a pty pair`, () => {
    let pty: PtyPair;
    let server: SerialServer;
    let client: ModbusClient | undefined;

    beforeEach(async () => {
      pty = await new PtyPair(type).start();
      server = await new SerialServer(pty.b, framing, [1, 3]).start();
    });
    afterEach(async () => {
      await client?.close();
      client = undefined;
      await server.stop();
      await pty.stop();
    });

    it('reads and writes FC 1-6, 15, 16, and reports exceptions', async () => {
      const before = await resources();
      const c = (client = serialClient(pty.a, type));
      assert.deepEqual((await c.readHoldingRegisters(1, 2, 3)).values, [20, 30, 40]);
      assert.deepEqual((await c.readInputRegisters(3, 0, 2)).values, [1000, 1001]);
      assert.deepEqual((await c.readDiscreteInputs(1, 0, 4)).values, [true, false, false, true]);
      assert.deepEqual(await c.writeSingleCoil(1, 5, true), { fc: 5, address: 5, value: true });
      assert.deepEqual((await c.readCoils(1, 4, 3)).values, [false, true, false]);
      assert.deepEqual(await c.writeSingleRegister(1, 7, 0xbeef), { fc: 6, address: 7, value: 0xbeef });
      assert.deepEqual(await c.writeMultipleCoils(1, 10, [true, false, true]), { fc: 15, address: 10, quantity: 3 });
      assert.deepEqual(await c.writeMultipleRegisters(1, 20, [1, 2, 3]), { fc: 16, address: 20, quantity: 3 });
      assert.deepEqual((await c.readHoldingRegisters(1, 20, 3)).values, [1, 2, 3]);
      await assert.rejects(c.readHoldingRegisters(1, 98, 5), (e: unknown) => e instanceof ModbusExceptionError && e.exceptionCode === 2);
      assert.equal(c.counters().responses, 10);
      await c.close();
      client = undefined;
      assert.deepEqual(await leakedSince(before), {});
    });

    it('one request at a time on the line, units served in turn', async () => {
      const c = (client = serialClient(pty.a, type));
      let open = 0;
      let peak = 0;
      server.onIndication = (ind) => {
        peak = Math.max(peak, ++open);
        setTimeout(() => { open--; ind.answer(); }, 5);
      };
      const reads = [1, 1, 1, 3, 3, 3].map((u, i) => c.readHoldingRegisters(u, i, 1));
      assert.deepEqual((await Promise.all(reads)).map((r) => r.values[0]), [0, 10, 20, 30, 40, 50]);
      assert.equal(peak, 1);
      assert.deepEqual(server.seen.map((x) => x.unitId), [1, 3, 1, 3, 1, 3]);
    });

    it('close() removes every listener it put on the serial port and the transport', async () => {
      const c = (client = serialClient(pty.a, type));
      assert.deepEqual((await c.readHoldingRegisters(1, 1, 1)).values, [10]);
      type Emitter = { listenerCount(e: string): number; eventNames(): (string | symbol)[] };
      const inner = c as unknown as { transport: Emitter & { conn?: { port: Emitter } } };
      const port = inner.transport.conn?.port;
      assert.ok(port && port.listenerCount('data') > 0, 'the port is live and listened to');
      await c.close();
      client = undefined;
      // Only the catch-all that keeps a late OS error from going uncaught remains.
      assert.deepEqual(port.eventNames(), ['error']);
      assert.equal(port.listenerCount('error'), 1);
      assert.deepEqual(inner.transport.eventNames(), []);
    });

    it('broadcasts a write without waiting, then keeps the turnaround delay', async () => {
      const c = (client = serialClient(pty.a, type, { turnaroundDelay: 300, timeout: 1000 }));
      await c.connect();
      const t0 = Date.now();
      assert.equal(await c.writeSingleRegister(0, 4, 77), undefined);
      assert.ok(Date.now() - t0 < 250, 'resolved without waiting for the turnaround or a timeout');
      assert.deepEqual((await c.readHoldingRegisters(1, 0, 1)).values, [0]);
      const [b, r] = server.seen;
      assert.equal(b.unitId, 0);
      assert.ok(r.at - b.at >= 290, `next request ${r.at - b.at} ms after the broadcast`);
    });

    it('one dead unit on the bus does not stop another unit\'s reads', async () => {
      const c = (client = serialClient(pty.a, type, { timeout: 100, unitBackoff: { threshold: 2, minDelay: 2000, maxDelay: 2000 } }));
      const dead: string[] = [];
      let alive = 0;
      const t0 = Date.now();
      const polls: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        polls.push(c.readHoldingRegisters(2, 0, 1).then(() => dead.push('ok'), (e: Error & { code: string }) => dead.push(e.code)));
        polls.push(c.readHoldingRegisters(1, i, 1).then((r) => { assert.equal(r.values[0], i * 10); alive++; }));
      }
      await Promise.all(polls);
      assert.equal(alive, 10);
      // Two timeouts, then the unit is backed off and refused at once.
      assert.deepEqual(dead.slice(0, 2), ['EMODBUS_TIMEOUT', 'EMODBUS_TIMEOUT']);
      assert.ok(dead.slice(2).every((d) => d === 'EMODBUS_UNIT_UNAVAILABLE'), dead.join());
      assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
      await assert.rejects(c.readHoldingRegisters(2, 0, 1), UnitUnavailableError);
    });

    it('resynchronises after line noise before a response', async () => {
      const c = (client = serialClient(pty.a, type));
      server.onIndication = (ind) => {
        ind.write(type === 'rtu' ? Buffer.from([0x55, 0xaa, 0x01]) : Buffer.from('#noise\r\n'));
        ind.answer();
      };
      assert.deepEqual((await c.readHoldingRegisters(1, 1, 2)).values, [10, 20]);
      assert.ok(c.counters().droppedFrames >= 1);
    });

    it('drops a response from a unit other than the one asked', async () => {
      const c = (client = serialClient(pty.a, type, { timeout: 150 }));
      server.onIndication = (ind) => ind.write(encodeResponseAdu(framing, 3, 0, { fc: 3, values: [5] }));
      await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
      assert.equal(c.counters().droppedFrames, 1);
    });

    it('survives the port vanishing and coming back', async () => {
      const c = (client = serialClient(pty.a, type, { timeout: 2000 }));
      assert.deepEqual((await c.readHoldingRegisters(1, 1, 1)).values, [10]);
      server.onIndication = () => {};
      const lost = outcome(c.readHoldingRegisters(1, 1, 1));
      await until(() => server.seen.length === 2, 1000, 'the request on the line');
      await server.stop();
      await pty.stop();
      const r = await lost;
      assert.ok(!r.ok && r.error instanceof ConnectionLostError, String(!r.ok && r.error));
      await until(() => c.state === 'disconnected', 1000, 'disconnected');
      pty = await new PtyPair(type, pty).start();
      server = await new SerialServer(pty.b, framing, [1]).start();
      await until(() => c.state === 'connected', 3000, 'reconnect');
      assert.deepEqual((await c.readHoldingRegisters(1, 2, 1)).values, [20]);
      assert.ok(c.counters().reconnects >= 1);
    });
  });
}

describe('ModbusClient RTU pacing on a pty pair', () => {
  it('keeps 3.5 characters of silence after a response before the next request (1200 baud 8N1: 29 ms)', async () => {
    const pty = await new PtyPair('pace').start();
    const server = await new SerialServer(pty.b, rtu, [1, 2], 1200).start();
    const answeredAt: number[] = [];
    server.onIndication = (ind) => {
      ind.answer();
      answeredAt.push(Date.now());
    };
    const c = new ModbusClient({ transport: { type: 'rtu', path: pty.a, baudRate: 1200 }, timeout: 1000 });
    try {
      await Promise.all([1, 2, 1, 2].map((u, i) => c.readHoldingRegisters(u, i, 1)));
      assert.equal(server.seen.length, 4);
      // The answer (7 bytes) takes 58 ms to send at 1200 baud on a real line; a pty delivers it at
      // once, so the gap seen here is the client's own silence: 3.5 x 10 bits / 1200 = 29 ms.
      for (let i = 1; i < 4; i++) {
        const gap = server.seen[i].at - answeredAt[i - 1];
        assert.ok(gap >= 28, `request ${i} came ${gap} ms after the previous answer`);
      }
    } finally {
      await c.close();
      await server.stop();
      await pty.stop();
    }
  });

  it('adds the request\'s transmission time to its timeout (8 bytes at 300 baud 8N1: 267 ms)', async () => {
    const pty = await new PtyPair('txtime').start();
    const server = await new SerialServer(pty.b, rtu, [], 300).start(); // answers no one
    const c = new ModbusClient({ transport: { type: 'rtu', path: pty.a, baudRate: 300 }, timeout: 50 });
    try {
      await c.connect();
      const t0 = performance.now();
      await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
      const took = performance.now() - t0;
      assert.ok(took >= 50 + (8 * 10 * 1000) / 300 - 2 && took < 1500, `timed out after ${took.toFixed(0)} ms`);
      assert.equal(server.seen.length, 1);
    } finally {
      await c.close();
      await server.stop();
      await pty.stop();
    }
  });
});
