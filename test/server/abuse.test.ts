/**
 * Issue 13, "the server under abuse": one client must not hurt the others. Each case is a real
 * socket on 127.0.0.1, bounded in requests and in time, and fails without its fix.
 */
import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { encodeRequestAdu, mbap, rtu, type ModbusRequest } from '../../src/codec';
import { ModbusServer, type ServerListenOptions, type ServerOptions } from '../../src/server';
import { RawClient, exceptionCodeOf, sleep } from './helpers';

type TcpSettings = Omit<Extract<ServerListenOptions, { type: 'tcp' }>, 'type' | 'host' | 'port'>;

async function start(options: ServerOptions = {}, listen: TcpSettings = {}): Promise<{ server: ModbusServer; port: number }> {
  const server = new ModbusServer(options);
  const a = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0, ...listen });
  return { server, port: a.port ?? 0 };
}

/** `n` pipelined MBAP requests in one buffer, transaction ids from `firstTid`. */
function pipelined(n: number, unitId: number, req: ModbusRequest, firstTid = 0): Buffer {
  const one = encodeRequestAdu(mbap, unitId, 0, req);
  const out = Buffer.alloc(one.length * n);
  for (let i = 0; i < n; i++) {
    one.copy(out, i * one.length);
    out.writeUInt16BE((firstTid + i) & 0xffff, i * one.length);
  }
  return out;
}

/** A plain socket that never reads what the server sends. */
function deafSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.off('error', reject);
      s.on('error', () => undefined);
      s.pause();
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Poll `pred` every 20 ms for up to `ms`; true when it held. */
async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

describe('server under abuse (issue 13)', function () {
  this.timeout(30000);

  it('1. backpressure: a client that never reads its answers stops being read, then is dropped as stuck', async () => {
    const { server, port } = await start({}, { stuckTimeout: 1000 });
    const deaf = await deafSocket(port);
    const good = await RawClient.connect(port);
    try {
      // 100,000 FC3 x125 requests (1.2 MB) ask for 26 MB of answers. Unbounded, the server holds
      // every answer it cannot send; bounded, it stops once the socket buffers are full.
      const n = 100_000;
      deaf.write(pipelined(n, 1, { fc: 3, address: 0, quantity: 125 }));
      assert.ok(await until(() => server.counters().stuckConnections === 1, 10_000), `dropped as stuck (${JSON.stringify(server.counters())})`);
      const answered = server.counters().responses;
      assert.ok(answered < n / 2, `only what the socket buffers hold was answered: ${answered} of ${n}`);
      assert.ok(await until(() => deaf.destroyed || deaf.readableEnded || server.counters().connections === 1, 2000));
      assert.deepEqual(await good.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
    } finally {
      deaf.destroy();
      good.close();
      await server.close();
    }
  });

  it('1b. RTU over TCP: requests held back while the client is not reading are served later, not dropped as stale', async () => {
    const server = new ModbusServer();
    const port = (await server.listen({ type: 'rtu-tcp', host: '127.0.0.1', port: 0 })).port ?? 0;
    const c = await deafSocket(port);
    // Count the answer bytes only: gathering 5 MB chunk by chunk would stall this process (the
    // server's too) for longer than the 50 ms that makes a partial RTU frame stale.
    let received = 0;
    c.on('data', (chunk: Buffer) => { received += chunk.length; });
    try {
      // 20,000 requests for 5 MB of answers: the server pauses itself for longer than the 50 ms
      // that makes a partial RTU frame stale, and must not mistake the frames it holds for one.
      // FC 23 requests are 15 bytes, so frames straddle the server's 64 KB reads.
      const n = 20_000;
      const one = encodeRequestAdu(rtu, 1, 0, { fc: 23, readAddress: 0, readQuantity: 125, writeAddress: 0, values: [0] });
      c.write(Buffer.concat(Array.from({ length: n }, () => one)));
      await sleep(300);
      c.resume();
      const size = 5 + 250;
      assert.ok(await until(() => received >= n * size, 15_000), `answers: ${received / size}`);
      assert.equal(server.counters().malformed, 0);
    } finally {
      c.destroy();
      await server.close();
    }
  });

  it('3a. a partial frame must complete within frameTimeout: a slowloris is closed though each byte resets the idle timeout', async () => {
    const { server, port } = await start({}, { frameTimeout: 300, idleTimeout: 1000 });
    const slow = await RawClient.connect(port);
    try {
      // A header announcing 253 more bytes, one byte every 100 ms, for at most 3 s.
      const header = [0, 1, 0, 0, 0, 254, 1, 3, 0, 0, 0, 1];
      const t0 = Date.now();
      for (let i = 0; i < 30 && !slow.closed; i++) {
        slow.write([header[i % header.length]]);
        await sleep(100);
      }
      assert.ok(slow.closed, 'the slowloris was closed');
      assert.ok(Date.now() - t0 < 2000, `closed after ${Date.now() - t0} ms`);
      assert.equal(server.counters().frameTimeouts, 1);
    } finally {
      slow.close();
      await server.close();
    }
  });

  it('3b. by default a full server closes the oldest idle connection; trickled bytes are not activity', async () => {
    const { server, port } = await start({}, { maxConnections: 2, frameTimeout: 10_000 });
    const slow = await RawClient.connect(port);
    let stop = false;
    const trickle = (async (): Promise<void> => {
      // A header announcing 253 more bytes, then a byte every 20 ms: at most 100, never a whole frame.
      const header = [0, 1, 0, 0, 0, 254, 1];
      for (let i = 0; i < 100 && !stop && !slow.closed; i++) {
        slow.write([header[i] ?? 0]);
        await sleep(20);
      }
    })();
    try {
      await sleep(60);
      const b = await RawClient.connect(port);
      await sleep(60);
      assert.deepEqual(await b.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      await sleep(60); // the slowloris keeps sending bytes meanwhile
      const c = await RawClient.connect(port);
      try {
        assert.ok(await slow.waitFor(() => slow.closed, 2000), 'the slowloris, with no complete request, was closed');
        assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
        assert.equal(b.closed, false, 'the client that made a request stays');
        assert.equal(server.counters().refusedConnections, 0);
      } finally {
        b.close();
        c.close();
      }
    } finally {
      stop = true;
      await trickle;
      slow.close();
      await server.close();
    }
  });

  it('5. route flood: past the pending caps (per connection, per server) a routed request gets 06 at once', async () => {
    let calls = 0;
    const { server, port } = await start({ routeTimeout: 20_000, maxPendingRoutesPerConnection: 32, maxPendingRoutes: 40 });
    server.addRoute({ functionCodes: [3], addressRange: { start: 0, end: 99 } }, () => {
      calls++;
      return new Promise(() => undefined); // never answers
    });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    try {
      const n = 2000;
      a.write(pipelined(n, 1, { fc: 3, address: 0, quantity: 1 }, 1));
      assert.ok(await a.waitFor(() => a.received.length === n - 32, 5000), `busy answers: ${a.received.length}`);
      assert.equal(calls, 32);
      assert.ok(a.received.every((f) => f[7] === 0x83 && f[8] === 6), 'every answer is exception 06');
      // The server-wide cap: 8 more calls fit, the other 12 of b's requests are busy.
      b.write(pipelined(20, 1, { fc: 3, address: 0, quantity: 1 }, 1));
      assert.ok(await b.waitFor(() => b.received.length === 12, 3000), `busy answers on b: ${b.received.length}`);
      assert.equal(calls, 40);
      assert.equal(server.counters().busyReplies, n - 32 + 12);
      // The connection is still read: the memory map answers what no route claims.
      assert.deepEqual(await a.request(1, { fc: 3, address: 200, quantity: 1 }, 60000 /* tid */), { fc: 3, values: [0] });
    } finally {
      a.close();
      b.close();
      await server.close();
    }
  });

  it('6. fairness: a connection streaming requests yields to the others after its turn', async () => {
    let calls = 0;
    const { server, port } = await start({}, { framesPerTurn: 64 }); // a short turn keeps the bound robust under load
    // Unit 2's requests cost 100 µs each and get no answer, so nothing pushes back on the stream.
    server.addRoute({ unitIds: [2] }, () => {
      calls++;
      const end = performance.now() + 0.1;
      while (performance.now() < end) { /* busy */ }
      return 'silent';
    });
    const flood = await RawClient.connect(port);
    const clean = await RawClient.connect(port);
    try {
      flood.write(pipelined(30_000, 2, { fc: 3, address: 0, quantity: 1 })); // 3 s of work in all
      assert.ok(await until(() => calls > 0, 3000), 'the stream is being served');
      let worst = 0;
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        assert.deepEqual(await clean.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
        worst = Math.max(worst, performance.now() - t0);
      }
      assert.ok(calls < 30_000, 'measured while the stream was still going');
      // One turn is 64 frames, 6.4 ms; a 64 KB read alone would be 5,461 frames, 546 ms.
      assert.ok(worst < 200, `the clean client waited ${worst.toFixed(1)} ms`);
    } finally {
      flood.close();
      clean.close();
      await server.close();
    }
  });

  const badAfterGood: [string, number[]][] = [
    ['protocol id 1', [0, 9, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1]],
    ['length 0', [0, 9, 0, 0, 0, 0, 1, 3]],
  ];
  for (const [what, bad] of badAfterGood) {
    it(`7. a valid request then a bad MBAP header (${what}) in one segment: the request is answered, then the connection closes`, async () => {
      const { server, port } = await start();
      const c = await RawClient.connect(port);
      const good = await RawClient.connect(port);
      try {
        c.write(Buffer.concat([
          encodeRequestAdu(mbap, 1, 7, { fc: 6, address: 3, value: 42 }),
          encodeRequestAdu(mbap, 1, 8, { fc: 3, address: 3, quantity: 1 }),
          Buffer.from(bad),
        ]));
        assert.ok(await c.waitFor(() => c.closed, 3000), 'closed');
        assert.deepEqual(c.received.map((f) => f.readUInt16BE(0)), [7, 8], 'both valid requests answered');
        assert.deepEqual([...c.received[1].subarray(7)], [3, 2, 0, 42]);
        assert.equal(server.counters().malformed, 1);
        assert.equal(exceptionCodeOf(await good.request(1, { fc: 3, address: 3, quantity: 1 })), undefined);
      } finally {
        c.close();
        good.close();
        await server.close();
      }
    });
  }
});
