import { strict as assert } from 'node:assert';
import type { ReadDeviceIdentificationResponse } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { RawClient, exceptionCodeOf, startTcpServer } from './helpers';

/** FC 8 request for a sub-function with one data word (0 unless given). */
const diag = (subFunction: number, data: number[] = [0]) => ({ fc: 0x08 as const, subFunction, data });

describe('server diagnostics and serial-line function codes (over TCP)', () => {
  let server: ModbusServer;
  let c: RawClient;

  beforeEach(async () => {
    const s = await startTcpServer({ memoryMap: { holdingRegisters: { values: [1, 2, 3] } } });
    server = s.server;
    server.addRoute({ unitIds: [6], functionCodes: [3] }, () => ({ exception: 6 }));
    server.addRoute({ unitIds: [7], functionCodes: [3] }, () => ({ exception: 7 }));
    server.addRoute({ unitIds: [9], functionCodes: [3] }, () => 'silent');
    c = await RawClient.connect(s.port);
  });
  afterEach(async () => {
    c.close();
    await server.close();
  });

  it('FC 7 reports the exception status byte', async () => {
    assert.deepEqual(await c.request(1, { fc: 7 }), { fc: 7, status: 0 });
    server.exceptionStatus = 0x6d;
    assert.deepEqual(await c.request(1, { fc: 7 }), { fc: 7, status: 0x6d });
  });

  it('FC 8/00 echoes the query data', async () => {
    assert.deepEqual(await c.request(1, diag(0, [0xa537, 0x1234])), { fc: 8, subFunction: 0, data: [0xa537, 0x1234] });
  });

  it('FC 8 counters: bus, server, exception, no response, NAK, busy, overrun, readable over TCP', async () => {
    await c.request(1, { fc: 3, address: 0, quantity: 1 });
    await c.request(1, { fc: 3, address: 50, quantity: 1 }); // 02
    await c.request(6, { fc: 3, address: 0, quantity: 1 }); // 06 busy
    await c.request(7, { fc: 3, address: 0, quantity: 1 }); // 07 NAK
    c.write([0, 99, 0, 0, 0, 6, 9, 3, 0, 0, 0, 1]); // silent
    assert.equal(await c.frameFor(99, 100), undefined);
    // Five requests so far; each count request counts itself as it arrives.
    assert.deepEqual((await c.request(1, diag(0x0b))).valueOf(), { fc: 8, subFunction: 0x0b, data: [6] });
    assert.deepEqual(await c.request(1, diag(0x0e)), { fc: 8, subFunction: 0x0e, data: [7] });
    assert.deepEqual(await c.request(1, diag(0x0d)), { fc: 8, subFunction: 0x0d, data: [3] });
    assert.deepEqual(await c.request(1, diag(0x0f)), { fc: 8, subFunction: 0x0f, data: [1] });
    assert.deepEqual(await c.request(1, diag(0x10)), { fc: 8, subFunction: 0x10, data: [1] });
    assert.deepEqual(await c.request(1, diag(0x11)), { fc: 8, subFunction: 0x11, data: [1] });
    assert.deepEqual(await c.request(1, diag(0x12)), { fc: 8, subFunction: 0x12, data: [0] });
    assert.deepEqual(await c.request(1, diag(0x0c)), { fc: 8, subFunction: 0x0c, data: [0] });
    assert.deepEqual(await c.request(1, diag(0x02)), { fc: 8, subFunction: 0x02, data: [0] });
    // Over TCP they are read-only: clearing them (0A, 14) and the delimiter (03) are a serial
    // line's, and get 01 here (fc8-lines.test.ts has them on serial lines).
    assert.equal(exceptionCodeOf(await c.request(1, diag(0x0a))), 1);
    assert.equal(exceptionCodeOf(await c.request(1, diag(0x14))), 1);
    assert.equal(exceptionCodeOf(await c.request(1, diag(0x03, [0x0d00]))), 1);
    assert.equal(server.diagnostics.asciiDelimiter, 0x0a);
    assert.deepEqual(await c.request(1, diag(0x0d)), { fc: 8, subFunction: 0x0d, data: [6] });
  });

  it('FC 8 with an unknown sub-function gets 01, and with bad data 03', async () => {
    c.write([0, 5, 0, 0, 0, 6, 1, 8, 0, 0x13, 0, 0]);
    assert.deepEqual(await c.pduFor(5), [0x88, 0x01]);
    c.write([0, 6, 0, 0, 0, 6, 1, 8, 0, 0x0b, 0, 1]);
    assert.deepEqual(await c.pduFor(6), [0x88, 0x03]);
    // The function is checked before its data: an unknown sub-function with an odd byte is still 01.
    c.write([0, 7, 0, 0, 0, 5, 1, 8, 0, 0x13, 0]);
    assert.deepEqual(await c.pduFor(7), [0x88, 0x01]);
  });

  it('FC 8/04 over TCP gets 01: listen only mode is a serial line\'s (fc8-lines.test.ts)', async () => {
    c.write([0, 10, 0, 0, 0, 6, 1, 8, 0, 4, 0, 0]);
    assert.deepEqual(await c.pduFor(10), [0x88, 0x01]);
    assert.equal(server.diagnostics.listenOnly, false);
    assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [1] });
  });

  it('FC 11 counts completed requests, not exceptions nor FC 11/12 themselves', async () => {
    assert.deepEqual(await c.request(1, { fc: 11 }), { fc: 11, status: 0, eventCount: 0 });
    await c.request(1, { fc: 3, address: 0, quantity: 1 });
    await c.request(1, { fc: 6, address: 0, value: 5 });
    await c.request(1, { fc: 3, address: 90, quantity: 1 }); // exception: not counted
    assert.deepEqual(await c.request(1, { fc: 11 }), { fc: 11, status: 0, eventCount: 2 });
  });

  it('FC 12 returns status, counts and events most recent first', async () => {
    await c.request(1, { fc: 3, address: 0, quantity: 1 });
    await c.request(1, { fc: 3, address: 90, quantity: 1 }); // 02: read exception send event
    const res = await c.request(1, { fc: 12 });
    assert.ok(!('exception' in res) && res.fc === 12);
    if (res.fc !== 12) return;
    assert.equal(res.status, 0);
    assert.equal(res.eventCount, 1);
    assert.equal(res.messageCount, 3);
    // receive(FC 12), send(02 exception: 0x41), receive, send(normal: 0x40), receive.
    assert.deepEqual(res.events, [0x80, 0x41, 0x80, 0x40, 0x80]);
  });

  it('FC 17 reports the server id, run indicator and identity text', async () => {
    const res = await c.request(1, { fc: 17 });
    assert.ok(!('exception' in res) && res.fc === 17);
    if (res.fc !== 17) return;
    assert.deepEqual(res.serverId, [1]);
    assert.equal(res.runIndicator, true);
    assert.equal(Buffer.from(res.additionalData).toString('latin1'), 'umodbus node-red 0.1');
  });

  it('FC 20, 21 and 24 without a route answer 02', async () => {
    assert.equal(exceptionCodeOf(await c.request(1, { fc: 20, references: [{ fileNumber: 1, recordNumber: 0, recordLength: 2 }] })), 2);
    assert.equal(exceptionCodeOf(await c.request(1, { fc: 21, records: [{ fileNumber: 1, recordNumber: 0, values: [1] }] })), 2);
    assert.equal(exceptionCodeOf(await c.request(1, { fc: 24, address: 5 })), 2);
  });

  it('FC 20, 21 and 24 through routes', async () => {
    const files = new Map<string, number>();
    server.addRoute({ functionCodes: [21] }, (ind) => {
      if (ind.request.fc !== 21) return { exception: 4 };
      for (const r of ind.request.records) r.values.forEach((v, i) => files.set(`${r.fileNumber}/${r.recordNumber + i}`, v));
      return { ack: true };
    });
    server.addRoute({ functionCodes: [20] }, (ind) => {
      if (ind.request.fc !== 20) return { exception: 4 };
      return { values: ind.request.references.flatMap((r) => Array.from({ length: r.recordLength }, (_, i) => files.get(`${r.fileNumber}/${r.recordNumber + i}`) ?? 0)) };
    });
    server.addRoute({ functionCodes: [24], addressRange: { start: 0x4de, end: 0x4de } }, () => ({ values: [0x1b8, 0x1284] }));
    const w = { fc: 21 as const, records: [{ fileNumber: 4, recordNumber: 7, values: [0x6af, 0x4be, 0x100d] }] };
    assert.deepEqual(await c.request(1, w), { fc: 21, records: w.records });
    assert.deepEqual(await c.request(1, { fc: 20, references: [{ fileNumber: 4, recordNumber: 8, recordLength: 2 }, { fileNumber: 4, recordNumber: 7, recordLength: 1 }] }),
      { fc: 20, records: [[0x4be, 0x100d], [0x6af]] });
    assert.deepEqual(await c.request(1, { fc: 24, address: 0x4de }), { fc: 24, values: [0x1b8, 0x1284] });
    assert.equal(exceptionCodeOf(await c.request(1, { fc: 24, address: 0x4df })), 2);
  });
});

describe('server device identification (FC 43/14)', () => {
  const ask = (c: RawClient, readDeviceIdCode: 1 | 2 | 3 | 4, objectId: number) =>
    c.request(1, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode, objectId }) as Promise<ReadDeviceIdentificationResponse>;

  it('serves basic, regular, extended and individual access, and defaults the basic objects', async () => {
    const { server, port } = await startTcpServer({
      identity: { vendorName: 'ACME', productCode: 'P-1', revision: 'v2', productName: 'Widget', extended: { '0x80': 'x', '129': 'y' } },
    });
    const c = await RawClient.connect(port);
    try {
      const basic = await ask(c, 1, 0);
      assert.equal(basic.conformityLevel, 0x83);
      assert.equal(basic.moreFollows, false);
      assert.deepEqual(basic.objects, [{ id: 0, value: 'ACME' }, { id: 1, value: 'P-1' }, { id: 2, value: 'v2' }]);
      assert.deepEqual((await ask(c, 2, 0)).objects.map((o) => o.id), [0, 1, 2, 4]);
      assert.deepEqual((await ask(c, 3, 0)).objects.map((o) => [o.id, o.value]), [[0, 'ACME'], [1, 'P-1'], [2, 'v2'], [4, 'Widget'], [0x80, 'x'], [0x81, 'y']]);
      assert.deepEqual((await ask(c, 4, 0x81)).objects, [{ id: 0x81, value: 'y' }]);
      assert.deepEqual((await ask(c, 2, 1)).objects.map((o) => o.id), [1, 2, 4], 'a stream starts at the object id asked');
      assert.deepEqual((await ask(c, 1, 0x50)).objects.map((o) => o.id), [0, 1, 2], 'an unknown start restarts at 0');
      assert.equal(exceptionCodeOf(await ask(c, 4, 0x05)), 2, 'individual access to a missing object gets 02');
      c.write([0, 44, 0, 0, 0, 5, 1, 0x2b, 0x0e, 5, 0]);
      assert.deepEqual(await c.pduFor(44), [0xab, 0x03], 'read device id code 5 gets 03');
      c.write([0, 45, 0, 0, 0, 5, 1, 0x2b, 0x0d, 1, 0]);
      assert.deepEqual(await c.pduFor(45), [0xab, 0x01], 'an MEI type other than 14 gets 01');
    } finally {
      c.close();
      await server.close();
    }
    const plain = new ModbusServer();
    assert.equal(plain.identity.conformityLevel, 0x81);
  });

  it('streams objects that do not fit one response with more-follows', async () => {
    const long = (ch: string): string => ch.repeat(100);
    const { server, port } = await startTcpServer({
      identity: { vendorName: long('a'), productCode: long('b'), revision: long('c'), vendorUrl: long('d'), productName: long('e') },
    });
    const c = await RawClient.connect(port);
    try {
      const seen: number[] = [];
      let next = 0;
      for (let i = 0; i < 5; i++) {
        const r = await ask(c, 2, next);
        seen.push(...r.objects.map((o) => o.id));
        assert.ok(r.objects.every((o) => o.value.length === 100));
        if (!r.moreFollows) break;
        assert.equal(r.nextObjectId, seen[seen.length - 1] + 1);
        next = r.nextObjectId;
      }
      assert.deepEqual(seen, [0, 1, 2, 3, 4]);
      const first = await ask(c, 2, 0);
      assert.equal(first.moreFollows, true);
      assert.equal(first.objects.length, 2);
    } finally {
      c.close();
      await server.close();
    }
  });
});
