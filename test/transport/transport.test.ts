import { strict as assert } from 'node:assert';
import { rtu } from '../../src/codec';
import { ConnectError, Transport, type Connection, type ConnectionHandlers, type Medium } from '../../src/transport';
import { ModbusClient, ConnectionClosedError } from '../../src/client';
import { leakedSince, resources } from '../client/fixtures/leaks';

/** A medium scripted per attempt: fail, hang, or open a link the test can drive. */
class ScriptedMedium implements Medium {
  readonly framing = rtu;
  readonly target = 'scripted';
  readonly multiplexed = false;
  readonly datagram = false;
  readonly charTime = 0;
  readonly interFrameSilence = 0;
  readonly attempts: number[] = [];
  handlers: ConnectionHandlers | undefined;
  closed = 0;
  constructor(public behave: 'fail' | 'hang' | 'open' | 'hang-honouring-abort') {}

  open(h: ConnectionHandlers, signal: AbortSignal): Promise<Connection> {
    this.attempts.push(Date.now());
    switch (this.behave) {
      case 'fail': return Promise.reject(new Error('no such device'));
      case 'hang': return new Promise(() => {});
      case 'hang-honouring-abort':
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      case 'open':
        this.handlers = h;
        return Promise.resolve({ write: () => {}, close: () => { this.closed++; return Promise.resolve(); } });
    }
  }
}

describe('Transport', () => {
  it('retries a failing medium with growing delays, and stops on close()', async () => {
    const m = new ScriptedMedium('fail');
    const t = new Transport(m, { reconnect: { minDelay: 20, maxDelay: 200 } });
    const states: string[] = [];
    t.on('state', (s: string) => states.push(s));
    await assert.rejects(t.connect(), (e: unknown) => e instanceof ConnectError && /no such device/.test(e.message));
    assert.equal(t.failing, true);
    await new Promise((r) => setTimeout(r, 400));
    await t.close();
    const n = m.attempts.length;
    assert.ok(n >= 3 && n <= 8, `${n} attempts`);
    const gaps = m.attempts.slice(1).map((a, i) => a - m.attempts[i]);
    assert.ok(gaps[gaps.length - 1] >= gaps[0], `gaps ${gaps.join()}`);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(m.attempts.length, n, 'no attempt after close()');
    assert.equal(states[states.length - 1], 'closed');
  });

  it('gives up an attempt after connectTimeout', async () => {
    const m = new ScriptedMedium('hang-honouring-abort');
    const t = new Transport(m, { connectTimeout: 50, reconnect: { minDelay: 10000 } });
    const t0 = Date.now();
    await assert.rejects(t.connect(), /no connection within 50 ms/);
    assert.ok(Date.now() - t0 < 500);
    await t.close();
  });

  it('reconnects after a loss, and backs off only while links fail', async () => {
    const m = new ScriptedMedium('open');
    const t = new Transport(m, { reconnect: { minDelay: 10, maxDelay: 50 } });
    const chunks: number[] = [];
    t.on('data', (chunk: Buffer) => chunks.push(...chunk));
    await t.connect();
    const first = m.handlers;
    assert.ok(first);
    first.data(Buffer.from([1]));
    first.lost(new Error('cable pulled'));
    assert.equal(t.state, 'disconnected');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(t.state, 'connected');
    assert.equal(m.attempts.length, 2);
    assert.notEqual(m.handlers, first);
    // A stale handler from the first link cannot touch the second: its bytes and its loss are ignored.
    first.data(Buffer.from([2]));
    first.lost(new Error('late loss of the first link'));
    assert.equal(t.state, 'connected');
    m.handlers?.data(Buffer.from([3]));
    assert.deepEqual(chunks, [1, 3]);
    await t.close();
    assert.equal(m.closed, 1);
  });

  it('close() resolves within its bound even when the medium never answers, and keeps no timer', async () => {
    const before = await resources();
    const m = new ScriptedMedium('hang');
    const c = new ModbusClient({ transport: { type: 'rtu', path: '-', baudRate: 9600 }, connectTimeout: 60_000 }, m);
    const p = c.readHoldingRegisters(1, 0, 1).catch((e: Error) => e);
    const t0 = Date.now();
    await c.close();
    const took = Date.now() - t0;
    assert.ok(took < 2000, `close took ${took} ms`);
    assert.ok((await p) instanceof ConnectionClosedError);
    assert.deepEqual(await leakedSince(before), {});
  });
});
