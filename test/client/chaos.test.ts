/**
 * A misbehaving server, seeded so failures replay: answers now, late, never, with another
 * transaction id, as garbage, or by hanging up. Whatever happens, every request settles once,
 * nothing is ever handed a response meant for another request, and nothing is left behind.
 */
import { strict as assert } from 'node:assert';
import { ModbusClient } from '../../src/client';
import { FakeServer } from './fixtures/fake-server';
import { leakedSince, resources } from './fixtures/leaks';
import { mulberry32 } from '../fixtures/prng';

for (const seed of [1, 2, 3]) {
  it(`chaos server (seed ${seed}): every request settles once, with its own answer or an error`, async () => {
    const before = await resources();
    const rnd = mulberry32(seed);
    const server = await new FakeServer().start();
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, f: () => void): void => {
      const t = setTimeout(() => { timers.delete(t); f(); }, ms);
      timers.add(t);
    };
    server.onIndication = (ind) => {
      const r = rnd();
      if (r < 0.55) ind.answer();
      else if (r < 0.7) later(Math.floor(rnd() * 80), () => ind.answer()); // often after the 40 ms timeout
      else if (r < 0.8) { /* never */ }
      else if (r < 0.88) ind.reply({ fc: 3, values: [0xdead] }, { transactionId: (ind.transactionId + 7) & 0xffff });
      else if (r < 0.94) ind.socket.write(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff]));
      else ind.socket.destroy();
    };
    const c = new ModbusClient({
      transport: { type: 'tcp', host: '127.0.0.1', port: server.port },
      timeout: 40, retries: 1, maxInFlight: 4, reconnect: { minDelay: 5, maxDelay: 20 }, unitBackoff: false,
    });
    const N = 150;
    const outcomes: string[] = new Array<string>(N);
    const all: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const address = i % 90;
      const quantity = 1 + (i % 3);
      const expected = Array.from({ length: quantity }, (_, k) => (address + k) * 10);
      all.push(c.readHoldingRegisters(1, address, Math.min(quantity, 100 - address)).then(
        (res) => {
          assert.deepEqual(res.values, expected.slice(0, res.values.length), `request ${i} got someone else's answer`);
          outcomes[i] = 'ok';
        },
        (e: Error & { code?: string }) => {
          outcomes[i] = e.code ?? e.name;
        },
      ));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(all);
    assert.equal(outcomes.filter((o) => o !== undefined).length, N);
    const kinds = new Set(outcomes);
    assert.ok(kinds.has('ok'), [...kinds].join());
    for (const k of kinds) assert.ok(['ok', 'EMODBUS_TIMEOUT', 'EMODBUS_CONNECTION_LOST', 'EMODBUS_CONNECT'].includes(k), k);
    assert.deepEqual(c.pending, { queued: 0, inFlight: 0 });
    const n = c.counters();
    assert.equal(n.requests, N);
    // The engine's settle path: every request settled once, and no second outcome ever reached it.
    assert.equal(n.settled, N);
    assert.equal(n.settleRepeats, 0);
    assert.ok(n.droppedFrames > 0 && n.timeouts > 0);
    await c.close();
    for (const t of timers) clearTimeout(t);
    await server.stop();
    assert.deepEqual(await leakedSince(before), {});
  });
}
