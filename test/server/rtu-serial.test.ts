import { strict as assert } from 'node:assert';
import { encodeRequestAdu, rtu, type ModbusRequest } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { exceptionCodeOf, sleep } from './helpers';
import { RawSerialClient, ptyPair, type PtyPair } from './pty';

describe('server RTU on a serial line (socat pty pair)', function () {
  this.timeout(10000);
  let pty: PtyPair;
  let server: ModbusServer;
  let client: RawSerialClient;

  before(async () => {
    pty = await ptyPair();
    server = new ModbusServer({ unitIds: [1, 2], identity: { vendorName: 'ACME' }, routeTimeout: 100, timeoutReply: 11 });
    server.addRoute({ unitIds: [2], functionCodes: [6] }, () => {
      throw new Error('handler failed');
    });
    server.addRoute({ unitIds: [2], functionCodes: [16] }, () => new Promise(() => undefined));
    server.on('error', () => undefined);
    server.addRoute({ functionCodes: [20] }, () => ({ values: [7, 8] }));
    server.addRoute({ functionCodes: [21] }, () => ({ ack: true }));
    server.addRoute({ functionCodes: [24] }, () => ({ values: [1, 2, 3] }));
    const a = await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
    assert.equal(a.path, pty.a);
    client = await RawSerialClient.open(pty.b, 38400);
  });
  after(async () => {
    await client?.close();
    await server?.close();
    await pty?.close();
  });

  // The client's deframer checks every answer's CRC, so each answered case also proves the seal.
  const cases: [string, ModbusRequest, unknown][] = [
    ['FC 5', { fc: 5, address: 3, value: true }, { fc: 5, address: 3, value: true }],
    ['FC 1', { fc: 1, address: 2, quantity: 3 }, { fc: 1, values: [false, true, false] }],
    ['FC 2', { fc: 2, address: 0, quantity: 2 }, { fc: 2, values: [false, false] }],
    ['FC 15', { fc: 15, address: 10, values: [true, true, false, true] }, { fc: 15, address: 10, quantity: 4 }],
    ['FC 6', { fc: 6, address: 1, value: 0x1234 }, { fc: 6, address: 1, value: 0x1234 }],
    ['FC 16', { fc: 16, address: 2, values: [5, 6] }, { fc: 16, address: 2, quantity: 2 }],
    ['FC 3', { fc: 3, address: 0, quantity: 4 }, { fc: 3, values: [0, 0x1234, 5, 6] }],
    ['FC 4', { fc: 4, address: 0, quantity: 2 }, { fc: 4, values: [0, 0] }],
    ['FC 22', { fc: 22, address: 1, andMask: 0x00ff, orMask: 0xab00 }, { fc: 22, address: 1, andMask: 0x00ff, orMask: 0xab00 }],
    ['FC 23', { fc: 23, readAddress: 0, readQuantity: 3, writeAddress: 0, values: [9] }, { fc: 23, values: [9, 0xab34, 5] }],
    ['FC 7', { fc: 7 }, { fc: 7, status: 0 }],
    ['FC 8/00', { fc: 8, subFunction: 0, data: [0xbeef] }, { fc: 8, subFunction: 0, data: [0xbeef] }],
    ['FC 11', { fc: 11 }, { fc: 11, status: 0, eventCount: 12 }],
    ['FC 20', { fc: 20, references: [{ fileNumber: 1, recordNumber: 0, recordLength: 2 }] }, { fc: 20, records: [[7, 8]] }],
    ['FC 21', { fc: 21, records: [{ fileNumber: 1, recordNumber: 0, values: [1] }] }, { fc: 21, records: [{ fileNumber: 1, recordNumber: 0, values: [1] }] }],
    ['FC 24', { fc: 24, address: 0 }, { fc: 24, values: [1, 2, 3] }],
  ];
  for (const [name, req, expected] of cases) {
    it(`${name} is answered`, async () => {
      assert.deepEqual(await client.request(1, req), expected);
    });
  }

  it('FC 12, FC 17 and FC 43 are answered', async () => {
    const log = await client.request(2, { fc: 12 });
    assert.ok(!('exception' in log) && log.fc === 12 && log.events.length > 0);
    const id = await client.request(2, { fc: 17 });
    assert.ok(!('exception' in id) && id.fc === 17 && id.runIndicator);
    const dev = await client.request(2, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0 });
    assert.ok(!('exception' in dev) && dev.fc === 0x2b);
    assert.equal(dev.objects[0].value, 'ACME');
  });

  it('exceptions 01, 03 and 02 go out as RTU exception frames', async () => {
    const n = client.frames.length;
    await client.write(rtu.seal(Buffer.from([0, 0x41, 0, 0]), 1, 0));
    assert.ok(await client.waitFrames(n + 1));
    assert.deepEqual([...client.frames[n].pdu], [0xc1, 0x01]);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 4, objectId: 0x44 })), 2);
    const bad = [0, 3, 0, 0, 0, 0, 0, 0]; // FC 3, quantity 0
    await client.write(rtu.seal(Buffer.from(bad), 1, 0));
    assert.ok(await client.waitFrames(n + 3));
    assert.deepEqual([...client.frames[n + 2].pdu], [0x83, 0x03]);
  });

  it('a failing route gets 04 and a route past its timeout 0B, on the line', async () => {
    assert.equal(exceptionCodeOf(await client.request(2, { fc: 6, address: 0, value: 1 })), 4);
    assert.equal(exceptionCodeOf(await client.request(2, { fc: 16, address: 0, values: [1] })), 11);
    assert.equal(server.counters().routeTimeouts, 1);
  });

  it('other unit ids and bad CRCs get silence; bad CRCs are counted', async () => {
    const errorsBefore = server.lineDiagnostics(pty.a)?.busCommErrors ?? -1;
    const n = client.frames.length;
    await client.write(encodeRequestAdu(rtu, 3, 0, { fc: 3, address: 0, quantity: 1 }));
    const bad = encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 1 });
    bad[bad.length - 2] ^= 0x55;
    await sleep(80);
    await client.write(bad);
    await sleep(150);
    assert.equal(client.frames.length, n, 'nothing answered');
    assert.equal(server.lineDiagnostics(pty.a)?.busCommErrors, errorsBefore + 1, 'counted on that line');
    // The line recovers for the next good frame.
    assert.deepEqual(await client.request(1, { fc: 4, address: 0, quantity: 1 }), { fc: 4, values: [0] });
  });

  it('unit 0 broadcast: a write executes with no reply, a read does nothing', async () => {
    const n = client.frames.length;
    const writes: number[] = [];
    const onWrite = (e: { unitId: number }): void => { writes.push(e.unitId); };
    server.on('write', onWrite);
    await client.write(encodeRequestAdu(rtu, 0, 0, { fc: 6, address: 40, value: 4040 }));
    await sleep(60);
    await client.write(encodeRequestAdu(rtu, 0, 0, { fc: 3, address: 40, quantity: 1 }));
    await sleep(100);
    server.off('write', onWrite);
    assert.equal(client.frames.length, n, 'no reply to a broadcast');
    assert.deepEqual(server.memory.get('holdingRegisters', 40, 1), [4040]);
    assert.deepEqual(writes, [0]);
  });
});

describe('server RTU timing and release', function () {
  this.timeout(10000);

  it('waits t3.5 of line silence before answering (1200 baud: 29 ms)', async () => {
    const pty = await ptyPair();
    const server = new ModbusServer();
    const client = await RawSerialClient.open(pty.b, 1200);
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 1200 });
      const gaps: number[] = [];
      for (let i = 0; i < 3; i++) {
        const n = client.frames.length;
        const sent = await client.write(encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 1 }));
        assert.ok(await client.waitFrames(n + 1));
        gaps.push(client.frames[n].at - sent);
      }
      assert.ok(gaps.every((g) => g >= 27), `answers came ${gaps.map((g) => g.toFixed(1)).join(', ')} ms after the request`);
    } finally {
      await client.close();
      await server.close();
      await pty.close();
    }
  });

  it('answers fast above 19200 baud (1.75 ms), and close() releases the line for an immediate reopen', async () => {
    const pty = await ptyPair();
    const client = await RawSerialClient.open(pty.b, 115200);
    try {
      const first = new ModbusServer();
      await first.listen({ type: 'rtu', path: pty.a, baudRate: 115200 });
      const sent = await client.write(encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 1 }));
      assert.ok(await client.waitFrames(1));
      assert.ok(client.frames[0].at - sent < 25, `answer took ${(client.frames[0].at - sent).toFixed(1)} ms`);
      await first.close();
      const second = new ModbusServer({ memoryMap: { holdingRegisters: { values: [77] } } });
      await second.listen({ type: 'rtu', path: pty.a, baudRate: 115200 });
      try {
        assert.deepEqual(await client.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [77] });
      } finally {
        await second.close();
      }
    } finally {
      await client.close();
      await pty.close();
    }
  });

  it('a route answer overtaken by the next request on the line is dropped, not sent into it', async () => {
    const pty = await ptyPair();
    const server = new ModbusServer({ routeTimeout: 2000 });
    server.addRoute({ functionCodes: [3] }, async () => {
      await sleep(120);
      return { values: [333] };
    });
    const client = await RawSerialClient.open(pty.b, 38400);
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
      await client.write(encodeRequestAdu(rtu, 1, 0, { fc: 3, address: 0, quantity: 1 }));
      await sleep(40); // the master gives up and moves on
      assert.deepEqual(await client.request(1, { fc: 4, address: 0, quantity: 1 }), { fc: 4, values: [0] });
      await sleep(150);
      assert.equal(client.frames.length, 1, 'the slow answer was dropped');
      // Without a newer request, a slow answer is sent.
      assert.deepEqual(await client.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [333] });
    } finally {
      await client.close();
      await server.close();
      await pty.close();
    }
  });

  it('a line that goes away is reported on error, and close() still resolves', async () => {
    const pty = await ptyPair();
    const server = new ModbusServer();
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 9600 });
      await pty.close(); // socat exits: both ptys vanish under the server
      for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(10);
      assert.equal(errors.length, 1);
    } finally {
      await server.close();
    }
  });

  it('listen() rejects when the serial port cannot be opened', async () => {
    const server = new ModbusServer();
    await assert.rejects(server.listen({ type: 'rtu', path: '/tmp/umodbus-no-such-port', baudRate: 9600 }));
    await server.close();
  });
});
