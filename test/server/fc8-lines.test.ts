/**
 * Issue 13 item 2: FC 8 is a serial-line function. Listen-only mode and the counters belong to
 * one serial line; over TCP no client may silence the server or clear its counters for others;
 * and FC 8 can be switched off.
 */
import { strict as assert } from 'node:assert';
import { encodeRequestAdu, rtu } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { RawClient, exceptionCodeOf, sleep } from './helpers';
import { RawSerialClient, ptyPair, type PtyPair } from './pty';

const diag = (subFunction: number, data: number[] = [0]) => ({ fc: 0x08 as const, subFunction, data });
const read = { fc: 3 as const, address: 0, quantity: 1 };

describe('FC 8 over TCP cannot change the server for other clients', function () {
  this.timeout(10000);
  let server: ModbusServer;
  let a: RawClient;
  let b: RawClient;

  beforeEach(async () => {
    server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [1, 2, 3] } } });
    const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    a = await RawClient.connect(port ?? 0);
    b = await RawClient.connect(port ?? 0);
  });
  afterEach(async () => {
    a.close();
    b.close();
    await server.close();
  });

  it('8/04 (force listen only) gets exception 01; the server goes on answering every client and unit', async () => {
    a.write([0, 1, 0, 0, 0, 6, 1, 8, 0, 4, 0, 0]);
    assert.deepEqual(await a.pduFor(1, 1000), [0x88, 0x01]);
    assert.equal(server.diagnostics.listenOnly, false);
    assert.deepEqual(await b.request(1, read), { fc: 3, values: [1] }, 'another client is answered');
    assert.deepEqual(await b.request(7, read), { fc: 3, values: [1] }, 'and another unit');
    assert.deepEqual(await a.request(1, read, 50), { fc: 3, values: [1] }, 'and the sender too');
  });

  it('8/01, 8/03, 8/0A and 8/14 get 01 and leave the shared counters and delimiter alone', async () => {
    await b.request(1, read);
    await b.request(1, read);
    const before = server.diagnostics.busMessages;
    assert.ok(before >= 2);
    for (const [sub, data] of [[0x0a, 0], [0x01, 0xff00], [0x01, 0], [0x03, 0x3b00], [0x14, 0]]) {
      assert.equal(exceptionCodeOf(await a.request(1, diag(sub, [data]))), 1, `sub-function ${sub}`);
    }
    assert.ok(server.diagnostics.busMessages >= before + 5, 'the counters were not cleared');
    assert.equal(server.diagnostics.asciiDelimiter, 0x0a, 'the delimiter did not change');
    // Echo and the counters stay readable over TCP.
    assert.deepEqual(await a.request(1, diag(0, [0x1234])), { fc: 8, subFunction: 0, data: [0x1234] });
    const count = await a.request(1, diag(0x0b));
    assert.ok(!('exception' in count) && count.fc === 8 && count.data[0] >= before + 6);
  });

  it('8/04 with a bad data length is still 01: the function is refused before its data is checked', async () => {
    a.write([0, 2, 0, 0, 0, 5, 1, 8, 0, 4, 0]);
    assert.deepEqual(await a.pduFor(2, 1000), [0x88, 0x01]);
  });

  it('RTU over TCP is TCP too: 8/04 gets 01', async () => {
    const s = new ModbusServer();
    const { port } = await s.listen({ type: 'rtu-tcp', host: '127.0.0.1', port: 0 });
    const c = await RawClient.connect(port ?? 0, rtu);
    try {
      c.write(encodeRequestAdu(rtu, 1, 0, diag(4)));
      assert.ok(await c.waitFor(() => c.rawBytes.length >= 5, 1000), 'an answer came');
      assert.deepEqual([...c.rawBytes.subarray(1, 3)], [0x88, 0x01]);
      assert.equal(s.diagnostics.listenOnly, false);
    } finally {
      c.close();
      await s.close();
    }
  });
});

describe('FC 8 on serial lines acts on that line only (socat pty pairs)', function () {
  this.timeout(15000);
  let one: PtyPair;
  let two: PtyPair;
  let server: ModbusServer;
  let lineOne: RawSerialClient;
  let lineTwo: RawSerialClient;
  let tcp: RawClient;

  before(async () => {
    one = await ptyPair();
    two = await ptyPair();
    server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [5, 6] } } });
    await server.listen({ type: 'rtu', path: one.a, baudRate: 38400 });
    await server.listen({ type: 'rtu', path: two.a, baudRate: 38400 });
    const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    lineOne = await RawSerialClient.open(one.b, 38400);
    lineTwo = await RawSerialClient.open(two.b, 38400);
    tcp = await RawClient.connect(port ?? 0);
  });
  after(async () => {
    tcp?.close();
    await lineOne?.close();
    await lineTwo?.close();
    await server?.close();
    await one?.close();
    await two?.close();
  });

  it('8/04 on one line silences that line, not the other line nor TCP; 8/01 there restarts it', async () => {
    const n = lineOne.frames.length;
    await lineOne.write(encodeRequestAdu(rtu, 1, 0, diag(4)));
    await sleep(80);
    assert.equal(server.lineDiagnostics(one.a)?.listenOnly, true);
    await lineOne.write(encodeRequestAdu(rtu, 1, 0, { fc: 6, address: 0, value: 77 }));
    await sleep(120);
    assert.equal(lineOne.frames.length, n, 'nothing answered on the silenced line');
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 1), [5], 'and its write not executed');

    assert.equal(server.lineDiagnostics(two.a)?.listenOnly, false);
    assert.deepEqual(await lineTwo.request(1, read), { fc: 3, values: [5] }, 'the other line answers');
    assert.deepEqual(await tcp.request(1, read), { fc: 3, values: [5] }, 'TCP answers');
    assert.equal(server.diagnostics.listenOnly, false);

    await lineOne.write(encodeRequestAdu(rtu, 1, 0, diag(1)));
    await sleep(120);
    assert.equal(lineOne.frames.length, n, 'a restart from listen only is not answered');
    assert.equal(server.lineDiagnostics(one.a)?.listenOnly, false);
    assert.deepEqual(await lineOne.request(1, read), { fc: 3, values: [5] });
  });

  it('8/0A clears that line\'s counters only; each line counts its own traffic', async () => {
    await lineTwo.request(1, read);
    await tcp.request(1, read);
    const tcpBefore = server.diagnostics.busMessages;
    const twoBefore = server.lineDiagnostics(two.a)?.busMessages ?? 0;
    assert.ok(tcpBefore > 0 && twoBefore > 0);
    assert.deepEqual(await lineOne.request(1, diag(0x0a)), { fc: 8, subFunction: 0x0a, data: [0] });
    assert.deepEqual(await lineOne.request(1, diag(0x0e)), { fc: 8, subFunction: 0x0e, data: [1] }, 'cleared, then this request');
    assert.equal(server.lineDiagnostics(two.a)?.busMessages, twoBefore, 'the other line kept its count');
    assert.equal(server.diagnostics.busMessages, tcpBefore, 'TCP kept its count');
    assert.deepEqual(await lineTwo.request(1, diag(0x03, [0x3b00])), { fc: 8, subFunction: 3, data: [0x3b00] });
    assert.equal(server.lineDiagnostics(two.a)?.asciiDelimiter, 0x3b);
    assert.equal(server.lineDiagnostics(one.a)?.asciiDelimiter, 0x0a);
  });
});

describe('fc8: false switches FC 8 off', function () {
  this.timeout(10000);

  it('answers every FC 8 with 01, on TCP and on a serial line, and nothing enters listen only', async () => {
    const pty = await ptyPair();
    const server = new ModbusServer({ fc8: false });
    let tcp: RawClient | undefined;
    let line: RawSerialClient | undefined;
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
      const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
      tcp = await RawClient.connect(port ?? 0);
      line = await RawSerialClient.open(pty.b, 38400);
      assert.equal(exceptionCodeOf(await tcp.request(1, diag(0, [1]))), 1, 'echo over TCP');
      assert.equal(exceptionCodeOf(await tcp.request(1, diag(0x0b))), 1, 'a counter over TCP');
      tcp.write([0, 9, 0, 0, 0, 4, 1, 8, 0, 0]);
      assert.deepEqual(await tcp.pduFor(9, 1000), [0x88, 0x01], 'a short FC 8 is 01, not 03');
      assert.equal(exceptionCodeOf(await line.request(1, diag(4))), 1, 'listen only on the line');
      assert.equal(server.lineDiagnostics(pty.a)?.listenOnly, false);
      assert.equal(exceptionCodeOf(await line.request(1, diag(0, [1]))), 1, 'echo on the line');
      assert.deepEqual(await line.request(1, read), { fc: 3, values: [0] }, 'the rest is served');
      assert.deepEqual(await tcp.request(1, { fc: 11 }), { fc: 11, status: 0, eventCount: 0 }, 'FC 11 stays (the read went over the line, which counts its own)');
      assert.deepEqual(await line.request(1, { fc: 11 }), { fc: 11, status: 0, eventCount: 1 });
    } finally {
      tcp?.close();
      await line?.close();
      await server.close();
      await pty.close();
    }
  });
});
