import { strict as assert } from 'node:assert';
import { ModbusServer, type ServerIndication } from '../../src/server';
import { encodeRequestAdu, rtu } from '../../src/codec';
import { RawClient, exceptionCodeOf, sleep, startTcpServer } from './helpers';

describe('server routes', () => {
  it('the uModbus quickstart: unit 1, FC 3/4 read a store, FC 6/16 write it, addresses 0-9', async () => {
    const { server, port } = await startTcpServer({ memoryMap: { holdingRegisters: { values: new Array<number>(100).fill(5) } } });
    const store = new Map<number, number>();
    server.addRoute({ unitIds: [1], functionCodes: [3, 4], addressRange: { start: 0, end: 9 } }, (ind) => ({
      values: Array.from({ length: ind.quantity ?? 0 }, (_, i) => store.get((ind.address ?? 0) + i) ?? 0),
    }));
    server.addRoute({ unitIds: [1], functionCodes: [6, 16], addressRange: { start: 0, end: 9 } }, async (ind) => {
      const r = ind.request;
      if (r.fc === 6) store.set(r.address, r.value);
      if (r.fc === 16) r.values.forEach((v, i) => store.set(r.address + i, v));
      return { ack: true };
    });
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(1, { fc: 6, address: 2, value: 42 }), { fc: 6, address: 2, value: 42 });
      assert.deepEqual(await c.request(1, { fc: 16, address: 5, values: [7, 8, 9] }), { fc: 16, address: 5, quantity: 3 });
      assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 10 }), { fc: 3, values: [0, 0, 42, 0, 0, 7, 8, 9, 0, 0] });
      assert.deepEqual(await c.request(1, { fc: 4, address: 5, quantity: 2 }), { fc: 4, values: [7, 8] });
      assert.deepEqual([...store.entries()].sort((a, b) => a[0] - b[0]), [[2, 42], [5, 7], [6, 8], [7, 9]]);
      // Not claimed (other unit, or range past 9): the memory map answers, untouched by the routes.
      assert.deepEqual(await c.request(2, { fc: 3, address: 0, quantity: 3 }), { fc: 3, values: [5, 5, 5] });
      assert.deepEqual(await c.request(1, { fc: 3, address: 8, quantity: 3 }), { fc: 3, values: [5, 5, 5] });
      assert.deepEqual(server.memory.get('holdingRegisters', 2, 1), [5]);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('hands the handler the indication: ids, address, quantity, values, remote', async () => {
    const { server, port } = await startTcpServer();
    const seen: ServerIndication[] = [];
    server.addRoute({}, (ind) => {
      seen.push(ind);
      return { ack: true };
    });
    const c = await RawClient.connect(port);
    try {
      await c.request(7, { fc: 16, address: 300, values: [1, 2] }, 0x1234);
      await c.request(7, { fc: 15, address: 3, values: [true] }, 0x1235);
      assert.equal(seen.length, 2);
      const [a, b] = seen;
      assert.deepEqual({ unitId: a.unitId, fc: a.fc, address: a.address, quantity: a.quantity, tid: a.transactionId, req: a.request },
        { unitId: 7, fc: 16, address: 300, quantity: 2, tid: 0x1234, req: { fc: 16, address: 300, values: [1, 2] } });
      assert.notEqual(a.id, b.id);
      assert.equal((a.remote as { address: string }).address, '127.0.0.1');
      assert.equal((a.remote as { port: number }).port, c.socket.localPort);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('indication ids never repeat across servers, so a reply held over a redeploy cannot answer the new server', async () => {
    const ids: string[] = [];
    for (let round = 0; round < 2; round++) {
      // Each round a new server, as a redeploy makes one; its first request is the one at risk.
      const { server, port } = await startTcpServer();
      server.addRoute({}, (ind) => {
        ids.push(ind.id);
        return { ack: true };
      });
      const c = await RawClient.connect(port);
      try {
        await c.request(1, { fc: 6, address: 0, value: 1 });
      } finally {
        c.close();
        await server.close();
      }
    }
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
  });

  it('routes are tried in the order added, and removing one falls through', async () => {
    const { server, port } = await startTcpServer({ memoryMap: { holdingRegisters: { values: [99] } } });
    const first = server.addRoute({ functionCodes: [3] }, () => ({ values: [1] }));
    server.addRoute({ functionCodes: [3], unitIds: [5] }, () => ({ values: [2] }));
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(5, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [1] });
      first();
      assert.deepEqual(await c.request(5, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [2] });
      assert.deepEqual(await c.request(6, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [99] });
    } finally {
      c.close();
      await server.close();
    }
  });

  it('exception, silent, and a throwing handler (04) are answered and counted', async () => {
    const { server, port } = await startTcpServer();
    server.addRoute({ unitIds: [1] }, () => ({ exception: 3 }));
    server.addRoute({ unitIds: [2] }, () => 'silent');
    server.addRoute({ unitIds: [3] }, () => {
      throw new Error('boom');
    });
    server.addRoute({ unitIds: [4] }, async () => {
      throw new Error('async boom');
    });
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const c = await RawClient.connect(port);
    try {
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 3, address: 0, quantity: 1 })), 3);
      assert.equal(exceptionCodeOf(await c.request(3, { fc: 3, address: 0, quantity: 1 })), 4);
      assert.equal(exceptionCodeOf(await c.request(4, { fc: 6, address: 0, value: 1 })), 4);
      c.write([0, 9, 0, 0, 0, 6, 2, 3, 0, 0, 0, 1]);
      assert.equal(await c.frameFor(9, 150), undefined, 'silent sends nothing');
      assert.equal(server.counters().routeErrors, 2);
      assert.deepEqual(errors.map((e) => e.message), ['boom', 'async boom']);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a route is asked only after the spec checks: 01 and 03 come first, and a route cannot hear them', async () => {
    const { server, port } = await startTcpServer();
    const heard: number[] = [];
    server.addRoute({}, (ind) => {
      heard.push(ind.fc);
      throw new Error('execution failed');
    });
    server.on('error', () => undefined);
    const c = await RawClient.connect(port);
    try {
      c.write([0, 1, 0, 0, 0, 2, 1, 0x41]); // FC 65: unknown
      assert.deepEqual(await c.pduFor(1), [0xc1, 0x01]);
      c.write([0, 2, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0]); // FC 3, quantity 0
      assert.deepEqual(await c.pduFor(2), [0x83, 0x03]);
      c.write([0, 3, 0, 0, 0, 6, 1, 3, 0xff, 0xf0, 0, 126]); // quantity 126 and past 0xFFFF: 03 before 02
      assert.deepEqual(await c.pduFor(3), [0x83, 0x03]);
      c.write([0, 4, 0, 0, 0, 8, 1, 0x0f, 0, 0, 0, 9, 1, 0xff]); // FC 15: 9 coils in 1 byte
      assert.deepEqual(await c.pduFor(4), [0x8f, 0x03]);
      assert.deepEqual(heard, [], 'no route ran for a request the spec refuses first');
      c.write([0, 5, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]); // well-formed: the route runs and fails
      assert.deepEqual(await c.pduFor(5), [0x83, 0x04]);
      assert.deepEqual(heard, [3]);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a reply with the wrong number of values gets 04 and is counted', async () => {
    const { server, port } = await startTcpServer();
    server.addRoute({ functionCodes: [1] }, () => ({ values: [true] }));
    server.addRoute({ functionCodes: [3] }, async () => ({ values: [1, 2, 3] }));
    server.addRoute({ functionCodes: [4] }, () => ({ values: [70000] }));
    server.addRoute({ functionCodes: [2] }, () => ({ response: { fc: 3, values: [1] } }));
    const c = await RawClient.connect(port);
    try {
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 1, address: 0, quantity: 2 })), 4);
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 3, address: 0, quantity: 2 })), 4);
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 4, address: 0, quantity: 1 })), 4);
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 2, address: 0, quantity: 1 })), 4);
      assert.equal(server.counters().badReplies, 4);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a handler with onBadReply hears of its refused replies (sync, async, unencodable) instead of the error event', async () => {
    const { server, port } = await startTcpServer();
    const told: string[] = [];
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    server.addRoute({ functionCodes: [3] }, (_ind, ctx) => {
      ctx.onBadReply = (e) => told.push(`3: ${e.message}`);
      return { values: [1, 2, 3] };
    });
    server.addRoute({ functionCodes: [4] }, async (_ind, ctx) => {
      ctx.onBadReply = (e) => told.push(`4: ${e.message}`);
      return { exception: 0 };
    });
    server.addRoute({ functionCodes: [1] }, (_ind, ctx) => {
      ctx.onBadReply = (e) => told.push(`1: ${e.constructor.name}`);
      return { response: { fc: 1, values: new Array<boolean>(3000).fill(true) } };
    });
    server.addRoute({ functionCodes: [2] }, () => ({ values: [true, true] }));
    const c = await RawClient.connect(port);
    try {
      for (const fc of [3, 4, 1, 2] as const) assert.equal(exceptionCodeOf(await c.request(1, { fc, address: 0, quantity: 1 })), 4, `FC ${fc}`);
      assert.equal(told.length, 3);
      assert.match(told[0], /^3: FC 3: 3 values for 1 requested/);
      assert.match(told[1], /^4: exception code 0 is not 1\.\.255/);
      assert.match(told[2], /^1: /);
      assert.equal(errors.length, 1, 'only the route without onBadReply reaches the error event');
      assert.equal(server.counters().badReplies, 4);
    } finally {
      c.close();
      await server.close();
    }
  });

  for (const timeoutReply of [4, 6, 11] as const) {
    it(`a handler that misses routeTimeout gets ${timeoutReply}, its signal aborts, the late reply is dropped`, async () => {
      const { server, port } = await startTcpServer({ routeTimeout: 60, timeoutReply });
      let aborted = false;
      let release: () => void = () => undefined;
      const later = new Promise<void>((r) => { release = r; });
      server.addRoute({}, async (_ind, { signal }) => {
        signal.addEventListener('abort', () => { aborted = true; });
        await later;
        return { values: [1] };
      });
      const c = await RawClient.connect(port);
      try {
        const t0 = Date.now();
        assert.equal(exceptionCodeOf(await c.request(1, { fc: 3, address: 0, quantity: 1 }, 5)), timeoutReply);
        assert.ok(Date.now() - t0 >= 50, 'waited for the timeout');
        assert.ok(aborted);
        release();
        await sleep(30);
        assert.equal(c.received.filter((b) => b.readUInt16BE(0) === 5).length, 1, 'the late reply was not sent');
        const k = server.counters();
        assert.equal(k.routeTimeouts, 1);
        assert.equal(k.lateReplies, 1);
        assert.equal(server.diagnostics.busy, timeoutReply === 6 ? 1 : 0);
      } finally {
        c.close();
        await server.close();
      }
    });
  }

  it("timeoutReply 'silent' sends nothing", async () => {
    const { server, port } = await startTcpServer({ routeTimeout: 40, timeoutReply: 'silent' });
    server.addRoute({}, (_ind, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ values: [1] }))));
    const c = await RawClient.connect(port);
    try {
      c.write([0, 3, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]);
      assert.equal(await c.frameFor(3, 200), undefined);
      assert.equal(server.counters().routeTimeouts, 1);
      assert.equal(server.counters().lateReplies, 1, 'resolving on abort is still late');
    } finally {
      c.close();
      await server.close();
    }
  });

  it('pipelined requests on one connection run concurrently: a slow route does not hold up others', async () => {
    const { server, port } = await startTcpServer({ routeTimeout: 2000 });
    server.addRoute({ unitIds: [1] }, async () => {
      await sleep(150);
      return { values: [111] };
    });
    const c = await RawClient.connect(port);
    try {
      const slow = c.request(1, { fc: 3, address: 0, quantity: 1 }, 100);
      const fast = Array.from({ length: 20 }, (_, i) => c.request(2, { fc: 6, address: i, value: i }, 200 + i));
      const t0 = Date.now();
      const fastAnswers = await Promise.all(fast);
      assert.ok(Date.now() - t0 < 120, 'fast answers did not wait for the slow route');
      fastAnswers.forEach((a, i) => assert.deepEqual(a, { fc: 6, address: i, value: i }));
      assert.deepEqual(await slow, { fc: 3, values: [111] });
      const order = c.received.map((b) => b.readUInt16BE(0));
      assert.equal(order[order.length - 1], 100, 'the slow answer came last, with its own transaction id');
    } finally {
      c.close();
      await server.close();
    }
  });

  it('close() during listen() releases the port and listen() rejects', async () => {
    const server = new ModbusServer();
    const listening = server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    await server.close();
    await assert.rejects(listening, /closed while listening/);
    await assert.rejects(server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 }), /server is closed/);
  });

  it('close() drops pending route calls and frees the port for an immediate rebind', async () => {
    const { server, port } = await startTcpServer({ routeTimeout: 5000 });
    server.addRoute({}, () => new Promise(() => undefined));
    const c = await RawClient.connect(port);
    c.write([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]);
    await sleep(20);
    const t0 = Date.now();
    await server.close();
    assert.ok(Date.now() - t0 < 500);
    assert.ok(await c.waitFor(() => c.closed, 1000), 'open connection destroyed');
    const again = new ModbusServer();
    const a = await again.listen({ type: 'tcp', host: '127.0.0.1', port });
    assert.equal(a.port, port);
    await again.close();
  });

  it('an address range must hold the whole request (FC 23: both ranges); requests without addresses skip it', async () => {
    const { server, port } = await startTcpServer();
    const claimed: number[] = [];
    server.addRoute({ addressRange: { start: 0, end: 9 } }, (ind) => {
      claimed.push(ind.fc);
      return ind.fc === 23 ? { values: [1] } : { ack: true };
    });
    const c = await RawClient.connect(port);
    try {
      await c.request(1, { fc: 16, address: 8, values: [1, 2, 3] }); // runs to 10: not claimed
      await c.request(1, { fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 20, values: [1] }); // write outside
      assert.deepEqual(await c.request(1, { fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 9, values: [5] }), { fc: 23, values: [1] });
      await c.request(1, { fc: 20, references: [{ fileNumber: 1, recordNumber: 0, recordLength: 1 }] });
      assert.deepEqual(claimed, [23]);
      assert.deepEqual(server.memory.get('holdingRegisters', 8, 3), [1, 2, 3]);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('FC 7, 17 and 43 are routed only when listed; FC 8, 11 and 12 never', async () => {
    const { server, port } = await startTcpServer();
    server.addRoute({}, () => ({ exception: 4 }));
    assert.throws(() => server.addRoute({ functionCodes: [8] }, () => 'silent'), /cannot be routed/);
    assert.throws(() => server.addRoute({ addressRange: { start: 5, end: 1 } }, () => 'silent'), /not an inclusive/);
    server.addRoute({ functionCodes: [7] }, () => ({ values: [0x55] }));
    server.addRoute({ functionCodes: [17] }, () => ({ response: { fc: 17, serverId: [0x42, 0x43], runIndicator: false, additionalData: [] } }));
    server.addRoute({ functionCodes: [43] }, () => ({ values: [1] }));
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(1, { fc: 7 }), { fc: 7, status: 0x55 });
      c.write([0, 200, 0, 0, 0, 2, 1, 17]);
      assert.deepEqual(await c.pduFor(200), [17, 3, 0x42, 0x43, 0x00]);
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 43, meiType: 14, readDeviceIdCode: 1, objectId: 0 })), 4, 'values cannot answer FC 43');
      assert.deepEqual(await c.request(1, { fc: 8, subFunction: 0, data: [7] }), { fc: 8, subFunction: 0, data: [7] });
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a broadcast (RTU over TCP, unit 0) reaches a route, whose reply is not sent', async () => {
    const { server, port } = await startTcpServer({}, { type: 'rtu-tcp' });
    const seen: number[] = [];
    server.addRoute({ unitIds: [0] }, (ind) => {
      seen.push(ind.fc);
      return { ack: true };
    });
    const c = await RawClient.connect(port, rtu);
    try {
      c.write(encodeRequestAdu(rtu, 0, 0, { fc: 6, address: 1, value: 2 }));
      c.write(encodeRequestAdu(rtu, 0, 0, { fc: 3, address: 1, quantity: 1 }));
      await sleep(100);
      assert.deepEqual(seen, [6], 'the write reached the route, the read did not');
      assert.equal(c.rawBytes.length, 0);
      assert.deepEqual(server.memory.get('holdingRegisters', 1, 1), [0], 'the route claimed it, not the map');
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a write listener or handler that throws never breaks the connection', async () => {
    const { server, port } = await startTcpServer();
    server.on('write', () => {
      throw new Error('listener bug');
    });
    const errors: string[] = [];
    server.on('error', (e) => errors.push(e.message));
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(1, { fc: 6, address: 0, value: 1 }), { fc: 6, address: 0, value: 1 });
      assert.deepEqual(errors, ['listener bug']);
      assert.equal(c.closed, false);
    } finally {
      c.close();
      await server.close();
    }
  });
});
