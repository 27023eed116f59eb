import { strict as assert } from 'node:assert';
import { crc16, decodeResponse, encodeRequestAdu, rtu, type ModbusRequest } from '../../src/codec';
import { RawClient, exceptionCodeOf, sleep, startTcpServer } from './helpers';

describe('server TCP transport', () => {
  it('serves many clients at once', async () => {
    const { server, port } = await startTcpServer();
    const clients = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(port)));
    try {
      await Promise.all(clients.map((c, i) => c.request(1, { fc: 6, address: i, value: i * 10 })));
      const reads = await Promise.all(clients.map((c) => c.request(1, { fc: 3, address: 0, quantity: 8 })));
      for (const r of reads) assert.deepEqual(r, { fc: 3, values: [0, 10, 20, 30, 40, 50, 60, 70] });
      assert.equal(server.counters().connections, 8);
    } finally {
      clients.forEach((c) => c.close());
      await server.close();
    }
  });

  it("maxConnections with 'refuse' drops the newcomer and keeps the others", async () => {
    const { server, port } = await startTcpServer({}, { maxConnections: 2, connectionPolicy: 'refuse' });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    const c = await RawClient.connect(port);
    try {
      assert.ok(await c.waitFor(() => c.closed, 1000), 'third connection closed');
      assert.deepEqual(await a.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      assert.deepEqual(await b.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      assert.equal(server.counters().refusedConnections, 1);
      assert.equal(server.counters().connections, 2);
    } finally {
      [a, b, c].forEach((x) => x.close());
      await server.close();
    }
  });

  it("maxConnections with 'close-oldest-idle' closes the connection quiet longest", async () => {
    const { server, port } = await startTcpServer({}, { maxConnections: 2, connectionPolicy: 'close-oldest-idle' });
    const a = await RawClient.connect(port);
    await sleep(10);
    const b = await RawClient.connect(port);
    await sleep(10);
    await a.request(1, { fc: 3, address: 0, quantity: 1 }); // a is now the more recently active
    const c = await RawClient.connect(port);
    try {
      assert.ok(await b.waitFor(() => b.closed, 1000), 'b, idle longest, was closed');
      assert.equal(a.closed, false);
      assert.deepEqual(await a.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      assert.equal(server.counters().refusedConnections, 0);
    } finally {
      [a, b, c].forEach((x) => x.close());
      await server.close();
    }
  });

  it('idleTimeout closes a quiet connection and keeps a busy one', async () => {
    const { server, port } = await startTcpServer({}, { idleTimeout: 150 });
    const quiet = await RawClient.connect(port);
    const busy = await RawClient.connect(port);
    try {
      const t0 = Date.now();
      for (let i = 0; i < 8 && !quiet.closed; i++) {
        await busy.request(1, { fc: 3, address: 0, quantity: 1 });
        await sleep(50);
      }
      assert.ok(quiet.closed, 'quiet connection closed');
      assert.ok(Date.now() - t0 >= 140, 'not before the timeout');
      assert.equal(busy.closed, false);
      assert.deepEqual(await busy.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
    } finally {
      quiet.close();
      busy.close();
      await server.close();
    }
  });

  const badStreams: [string, number[]][] = [
    ['a bad protocol id', [0, 1, 0, 7, 0, 6, 1, 3, 0, 0, 0, 1]],
    ['an impossible length (0)', [0, 1, 0, 0, 0, 0, 1, 3]],
    ['an impossible length (1: no PDU)', [0, 1, 0, 0, 0, 1, 1, 3]],
    ['an impossible length (300)', [0, 1, 0, 0, 0x01, 0x2c, 1, 3]],
    ['garbage', [0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31]],
  ];
  for (const [what, bytes] of badStreams) {
    it(`${what} closes that connection only, counted as malformed`, async () => {
      const { server, port } = await startTcpServer();
      const bad = await RawClient.connect(port);
      const good = await RawClient.connect(port);
      try {
        bad.write(bytes);
        assert.ok(await bad.waitFor(() => bad.closed, 1000), 'bad connection closed');
        assert.equal(bad.received.length, 0, 'nothing answered');
        assert.equal(server.counters().malformed, 1);
        assert.deepEqual(await good.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
        assert.equal(good.closed, false);
      } finally {
        bad.close();
        good.close();
        await server.close();
      }
    });
  }

  it('a request split across many writes, and many requests in one write, are all answered', async () => {
    const { server, port } = await startTcpServer();
    const c = await RawClient.connect(port);
    try {
      const adu = [0, 9, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2];
      for (const b of adu) {
        c.write([b]);
        await sleep(2);
      }
      assert.deepEqual(await c.pduFor(9), [3, 4, 0, 0, 0, 0]);
      const many = Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.from([0, 100 + i, 0, 0, 0, 6, 1, 6, 0, i, 0, i])));
      c.write(many);
      assert.ok(await c.waitFor(() => c.received.length === 51, 2000));
      assert.deepEqual(c.received.slice(1).map((b) => b.readUInt16BE(0)), Array.from({ length: 50 }, (_, i) => 100 + i));
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a truncated PDU gets 03; the connection stays up', async () => {
    const { server, port } = await startTcpServer();
    const c = await RawClient.connect(port);
    try {
      c.write([0, 200, 0, 0, 0, 4, 1, 3, 0, 0]);
      assert.deepEqual(await c.pduFor(200), [0x83, 0x03]);
      assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
    } finally {
      c.close();
      await server.close();
    }
  });

  it('answers configured unit ids only; others (0 included) get silence', async () => {
    const { server, port } = await startTcpServer({ unitIds: [1, 5] });
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(5, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      c.write([0, 40, 0, 0, 0, 6, 2, 3, 0, 0, 0, 1]);
      c.write([0, 41, 0, 0, 0, 6, 0, 6, 0, 0, 0, 9]);
      c.write([0, 42, 0, 0, 0, 6, 255, 3, 0, 0, 0, 1]);
      assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] }, 'unit 0 on TCP is not a broadcast');
      assert.equal(await c.frameFor(40, 100), undefined);
      assert.equal(c.received.length, 2);
      assert.equal(server.counters().requests, 2);
    } finally {
      c.close();
      await server.close();
    }
  });
});

/** An RTU ADU for a request, and its decoded answer from raw bytes. */
const rtuAdu = (unitId: number, req: ModbusRequest): Buffer => encodeRequestAdu(rtu, unitId, 0, req);

describe('server RTU over TCP', () => {
  it('answers RTU frames with CRC, in request order even when a route is slow', async () => {
    const { server, port } = await startTcpServer({ routeTimeout: 1000 }, { type: 'rtu-tcp' });
    server.addRoute({ unitIds: [2] }, async () => {
      await sleep(80);
      return { values: [222] };
    });
    const c = await RawClient.connect(port, rtu);
    try {
      c.write(Buffer.concat([rtuAdu(2, { fc: 3, address: 0, quantity: 1 }), rtuAdu(1, { fc: 6, address: 3, value: 33 })]));
      assert.ok(await c.waitFor(() => c.rawBytes.length >= 7 + 8, 2000));
      const first = rtu.unwrap(c.rawBytes.subarray(0, 7));
      const second = rtu.unwrap(c.rawBytes.subarray(7, 15));
      assert.equal(first.unitId, 2);
      assert.deepEqual(decodeResponse(first.pdu), { fc: 3, values: [222] });
      assert.equal(second.unitId, 1);
      assert.deepEqual(decodeResponse(second.pdu), { fc: 6, address: 3, value: 33 });
    } finally {
      c.close();
      await server.close();
    }
  });

  it('unit 0 broadcasts: writes execute without an answer, reads neither', async () => {
    const { server, port } = await startTcpServer({}, { type: 'rtu-tcp' });
    const writes: number[] = [];
    server.on('write', (e) => writes.push(e.unitId));
    const c = await RawClient.connect(port, rtu);
    try {
      c.write(rtuAdu(0, { fc: 16, address: 10, values: [4, 5] }));
      c.write(rtuAdu(0, { fc: 3, address: 10, quantity: 2 }));
      await sleep(100);
      assert.equal(c.rawBytes.length, 0, 'no answer to a broadcast');
      assert.deepEqual(server.memory.get('holdingRegisters', 10, 2), [4, 5]);
      assert.deepEqual(writes, [0]);
      assert.equal(server.diagnostics.noResponses, 2);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('a bad CRC is silent and counted; the stream resynchronises on the next frame', async () => {
    const { server, port } = await startTcpServer({ unitIds: [1] }, { type: 'rtu-tcp' });
    const c = await RawClient.connect(port, rtu);
    try {
      const bad = rtuAdu(1, { fc: 3, address: 0, quantity: 1 });
      bad[bad.length - 1] ^= 0xff;
      c.write(bad);
      await sleep(100); // the garbled tail is dropped after a silence
      c.write(rtuAdu(7, { fc: 3, address: 0, quantity: 1 })); // another unit: silent
      c.write(rtuAdu(1, { fc: 4, address: 0, quantity: 1 }));
      assert.ok(await c.waitFor(() => c.rawBytes.length >= 7, 1000));
      await sleep(30);
      assert.equal(c.rawBytes.length, 7, 'one answer only');
      const f = rtu.unwrap(c.rawBytes);
      assert.deepEqual(decodeResponse(f.pdu), { fc: 4, values: [0] });
      assert.ok(server.counters().malformed >= 1);
      assert.ok(server.diagnostics.busCommErrors >= 1);
      assert.equal(c.closed, false);
      const crc = crc16(c.rawBytes, 0, 5);
      assert.equal(c.rawBytes.readUInt16LE(5), crc);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('answers an exception as an RTU exception ADU', async () => {
    const { server, port } = await startTcpServer({ memoryMap: {} }, { type: 'rtu-tcp' });
    const c = await RawClient.connect(port, rtu);
    try {
      c.write(rtuAdu(3, { fc: 1, address: 0, quantity: 1 }));
      assert.ok(await c.waitFor(() => c.rawBytes.length >= 5, 1000));
      const f = rtu.unwrap(c.rawBytes.subarray(0, 5));
      assert.equal(exceptionCodeOf(decodeResponse(f.pdu)), 2);
    } finally {
      c.close();
      await server.close();
    }
  });
});
