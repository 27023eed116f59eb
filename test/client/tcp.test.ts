import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { CodecError, ModbusExceptionError, encodeResponseAdu, mbap, rtu } from '../../src/codec';
import {
  BroadcastReadError, ConnectError, ConnectionClosedError, ConnectionLostError, ModbusClient, QueueFullError, TimeoutError,
  UnitUnavailableError,
} from '../../src/client';
import type { ConfirmationFor } from '../../src/client';
import type { ResponseFor, WriteSingleRegisterRequest } from '../../src/codec';
import { FakeServer } from './fixtures/fake-server';

type IsNever<T> = [T] extends [never] ? true : false;
import { delay, leakedSince, outcome, resources, until } from './fixtures/leaks';

export function tcpClient(port: number, extra: Partial<ConstructorParameters<typeof ModbusClient>[0]> = {}): ModbusClient {
  return new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port }, timeout: 300, reconnect: { minDelay: 20, maxDelay: 100 }, ...extra });
}

describe('ModbusClient over TCP', () => {
  let server: FakeServer;
  let client: ModbusClient | undefined;

  beforeEach(async () => {
    server = await new FakeServer().start();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  it('reads and writes FC 1-6, 15, 16, 22, 23 with typed methods', async () => {
    const c = (client = tcpClient(server.port));
    assert.equal(c.target, `tcp 127.0.0.1:${server.port}`);
    assert.equal(c.state, 'idle');
    assert.deepEqual((await c.readHoldingRegisters(1, 2, 3)).values, [20, 30, 40]);
    assert.deepEqual((await c.readInputRegisters(1, 0, 2)).values, [1000, 1001]);
    assert.deepEqual((await c.readDiscreteInputs(1, 0, 4)).values, [true, false, false, true]);
    assert.deepEqual(await c.writeSingleCoil(1, 5, true), { fc: 5, address: 5, value: true });
    assert.deepEqual((await c.readCoils(1, 4, 3)).values, [false, true, false]);
    assert.deepEqual(await c.writeSingleRegister(1, 7, 0xbeef), { fc: 6, address: 7, value: 0xbeef });
    assert.deepEqual(await c.writeMultipleCoils(1, 10, [true, true, false, true]), { fc: 15, address: 10, quantity: 4 });
    assert.deepEqual((await c.readCoils(1, 10, 4)).values, [true, true, false, true]);
    assert.deepEqual(await c.writeMultipleRegisters(1, 20, [1, 2, 3]), { fc: 16, address: 20, quantity: 3 });
    assert.deepEqual((await c.readHoldingRegisters(1, 20, 3)).values, [1, 2, 3]);
    await c.maskWriteRegister(1, 20, 0x00f2, 0x0025);
    assert.deepEqual((await c.readWriteMultipleRegisters(1, 20, 1, 21, [9])).values, [(1 & 0xf2) | (0x25 & ~0xf2 & 0xffff)]);
    assert.equal(server.memory.holding[21], 9);
    const n = c.counters();
    assert.equal(n.requests, 12);
    assert.equal(n.responses, 12);
    assert.equal(n.timeouts, 0);
    assert.ok(n.bytesIn > 0 && n.bytesOut > 0);
  });

  it('types request() by the request literal: reads get their response, broadcastable writes may be undefined', async () => {
    const c = (client = tcpClient(server.port));
    // These do not compile if ResponseFor/ConfirmationFor regress (never would be assignable to anything).
    const fc3IsTyped: IsNever<ResponseFor<{ fc: 3 }>> = false;
    const fc6IsTyped: IsNever<Exclude<ConfirmationFor<WriteSingleRegisterRequest>, undefined>> = false;
    assert.equal(fc3IsTyped || fc6IsTyped, false);
    const regs: { values: number[] } = await c.request(1, { fc: 0x03, address: 2, quantity: 2 });
    assert.deepEqual(regs.values, [20, 30]);
    const ack: { fc: number } | undefined = await c.request(1, { fc: 0x06, address: 7, value: 5 });
    assert.deepEqual(ack, { fc: 6, address: 7, value: 5 });
    const none = await c.request(0, { fc: 0x06, address: 7, value: 6 });
    assert.equal(none, undefined);
  });

  it('serves every other function code the codec knows through its typed method', async () => {
    const c = (client = tcpClient(server.port));
    assert.deepEqual(await c.readExceptionStatus(1), { fc: 7, status: 0x6d });
    assert.deepEqual(await c.diagnostics(1, 0, [0xa537]), { fc: 8, subFunction: 0, data: [0xa537] });
    assert.deepEqual(await c.getCommEventCounter(1), { fc: 0x0b, status: 0, eventCount: 0x108 });
    assert.deepEqual(await c.getCommEventLog(1), { fc: 0x0c, status: 0, eventCount: 0x108, messageCount: 0x121, events: [0x20, 0x00] });
    assert.deepEqual(await c.reportServerId(1), { fc: 0x11, serverId: [0x42], runIndicator: true, additionalData: [1, 2] });
    assert.deepEqual(await c.writeFileRecord(1, [{ fileNumber: 4, recordNumber: 7, values: [0x6af, 0x4be] }]),
      { fc: 0x15, records: [{ fileNumber: 4, recordNumber: 7, values: [0x6af, 0x4be] }] });
    assert.deepEqual(await c.readFileRecord(1, [{ fileNumber: 4, recordNumber: 7, recordLength: 2 }]), { fc: 0x14, records: [[0x6af, 0x4be]] });
    assert.deepEqual(await c.readFifoQueue(1, 7), { fc: 0x18, values: [0x6af, 0x4be, 90] });
    const id = await c.readDeviceIdentification(1);
    assert.deepEqual(id.objects.map((o) => o.value), ['umodbus', 'fake', '0.1']);
    assert.equal(c.counters().responses, 9);
  });

  it('rejects an exception response with ModbusExceptionError and its code', async () => {
    const c = (client = tcpClient(server.port));
    await assert.rejects(c.readHoldingRegisters(1, 99, 5), (e: unknown) => e instanceof ModbusExceptionError && e.exceptionCode === 2 && e.functionCode === 3);
    await assert.rejects(c.request(1, { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0 }).then(() => c.readHoldingRegisters(1, 0, 200)),
      (e: unknown) => e instanceof CodecError && e.reason === 'limit');
    server.onIndication = (ind) => ind.exception(6);
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), (e: unknown) => e instanceof ModbusExceptionError && e.exceptionCode === 6 && /SERVER DEVICE BUSY/.test(e.message));
    assert.equal(c.counters().exceptions, 2);
  });

  it('keeps unit id 0 as broadcast: writes resolve undefined, reads are refused', async () => {
    const c = (client = tcpClient(server.port));
    server.onIndication = () => {}; // a broadcast is never answered
    assert.equal(await c.writeSingleRegister(0, 1, 5), undefined);
    await assert.rejects(c.readHoldingRegisters(0, 0, 1), BroadcastReadError);
    await assert.rejects(c.readWriteMultipleRegisters(0, 0, 1, 0, [1]), BroadcastReadError);
    await until(() => server.seen.length === 1, 1000, 'the broadcast');
    assert.deepEqual(server.seen[0], { unitId: 0, transactionId: server.seen[0].transactionId, fc: 6 });
  });

  it('a broadcast followed at once by close() still goes out (its promise said it was sent)', async () => {
    for (const framing of [mbap, rtu]) {
      const gateway = await new FakeServer(framing).start();
      gateway.onIndication = () => {};
      const type = framing === mbap ? 'tcp' : 'rtu-tcp';
      const c = new ModbusClient({ transport: { type, host: '127.0.0.1', port: gateway.port } });
      try {
        assert.equal(await c.writeMultipleRegisters(0, 3, [1, 2]), undefined);
        await c.close();
        await until(() => gateway.seen.length === 1, 1000, `the ${type} broadcast at the server`);
        assert.deepEqual(gateway.seen.map((x) => [x.unitId, x.fc]), [[0, 16]]);
      } finally {
        await c.close();
        await gateway.stop();
      }
    }
  });

  it('times out a request the server never answers, then still works, leaving nothing behind', async () => {
    const before = await resources();
    const c = (client = tcpClient(server.port, { timeout: 100 }));
    let ignore = true;
    server.onIndication = (ind) => { if (!ignore) ind.answer(); };
    const t0 = Date.now();
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), (e: unknown) => e instanceof TimeoutError && e.code === 'EMODBUS_TIMEOUT');
    const took = Date.now() - t0;
    assert.ok(took >= 95 && took < 1000, `timeout took ${took} ms`);
    ignore = false;
    assert.deepEqual((await c.readHoldingRegisters(1, 1, 1)).values, [10]);
    assert.equal(c.counters().timeouts, 1);
    await c.close();
    assert.deepEqual(await leakedSince(before), {});
  });

  it('a server that accepts and never answers: every pipelined request times out exactly once, nothing leaks', async () => {
    const before = await resources();
    const c = (client = tcpClient(server.port, { timeout: 80, maxInFlight: 4, unitBackoff: false }));
    server.onIndication = () => {};
    const errors: string[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.readHoldingRegisters(1, i, 1).then(
      () => { errors.push('ok'); },
      (e: Error & { code?: string }) => { errors.push(e.code ?? e.name); },
    )));
    assert.deepEqual(new Set(errors), new Set(['EMODBUS_TIMEOUT']));
    assert.equal(server.seen.length, 10, 'all ten went on the wire, four at a time');
    assert.deepEqual(c.pending, { queued: 0, inFlight: 0 });
    assert.equal(c.counters().timeouts, 10);
    assert.equal(c.counters().settled, 10);
    await delay(100);
    // A promise settles once by nature; the engine's own settle path is what could run twice.
    assert.equal(c.counters().settled, 10);
    assert.equal(c.counters().settleRepeats, 0, 'no second outcome reached the settle path later');
    await c.close();
    client = undefined;
    assert.deepEqual(await leakedSince(before), {});
  });

  it('drops a late response and never hands it to the next request', async () => {
    const c = (client = tcpClient(server.port, { timeout: 80 }));
    const held: (() => void)[] = [];
    server.onIndication = (ind) => {
      if (ind.req.fc === 3 && 'address' in ind.req && ind.req.address === 1) held.push(() => ind.answer());
      else ind.answer();
    };
    await assert.rejects(c.readHoldingRegisters(1, 1, 1), TimeoutError);
    // The next request is on the wire when the stale answer arrives.
    server.onIndication = (ind) => {
      held.shift()?.();
      setTimeout(() => ind.answer(), 20);
    };
    assert.deepEqual((await c.readHoldingRegisters(1, 5, 2)).values, [50, 60]);
    assert.equal(c.counters().droppedFrames, 1);
  });

  it('ignores answers with a wrong transaction id or unit id', async () => {
    const c = (client = tcpClient(server.port, { timeout: 150 }));
    server.onIndication = (ind) => ind.reply({ fc: 3, values: [1] }, { transactionId: (ind.transactionId + 1) & 0xffff });
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
    server.onIndication = (ind) => ind.reply({ fc: 3, values: [1] }, { unitId: 9 });
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
    assert.equal(c.counters().droppedFrames, 2);
    assert.equal(c.counters().responses, 0);
  });

  it('throws away a connection that sends garbage, fails what was on the wire and reconnects', async () => {
    const c = (client = tcpClient(server.port));
    let garble = true;
    server.onIndication = (ind) => {
      if (garble) ind.socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
      else ind.answer();
    };
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), ConnectionLostError);
    garble = false;
    await until(() => c.state === 'connected', 2000, 'reconnect');
    assert.deepEqual((await c.readHoldingRegisters(1, 3, 1)).values, [30]);
    const n = c.counters();
    assert.equal(n.droppedFrames, 1);
    assert.equal(n.reconnects, 1);
  });

  it('matches pipelined responses that come back out of order (maxInFlight 4)', async () => {
    const c = (client = tcpClient(server.port, { maxInFlight: 4 }));
    const held: (() => void)[] = [];
    server.onIndication = (ind) => {
      held.push(() => ind.answer());
      if (held.length === 4) for (const f of held.reverse()) f();
    };
    const got = await Promise.all([0, 1, 2, 3].map((a) => c.readHoldingRegisters(1, a, 1)));
    assert.deepEqual(got.map((r) => r.values[0]), [0, 10, 20, 30]);
    const tids = server.seen.map((s) => s.transactionId);
    assert.equal(new Set(tids).size, 4);
  });

  it('connects lazily by default, sets TCP_NODELAY and keep-alive, and keeps one request in flight by default', async () => {
    const calls: string[] = [];
    const proto = net.Socket.prototype;
    const { setNoDelay, setKeepAlive } = proto;
    proto.setNoDelay = function (this: net.Socket, noDelay?: boolean) { calls.push(`nodelay:${String(noDelay)}`); return setNoDelay.call(this, noDelay); };
    proto.setKeepAlive = function (this: net.Socket, enable?: boolean, delay?: number) { calls.push(`keepalive:${String(enable)}`); return setKeepAlive.call(this, enable, delay); };
    try {
      const c = (client = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port: server.port }, timeout: 1000 }));
      await delay(50);
      assert.equal(server.sockets.size, 0, 'no connection before the first request');
      assert.equal(c.state, 'idle');
      let open = 0;
      let peak = 0;
      server.onIndication = (ind) => {
        peak = Math.max(peak, ++open);
        setTimeout(() => { open--; ind.answer(); }, 3);
      };
      await Promise.all([0, 1, 2, 3, 4].map((a) => c.readHoldingRegisters(1, a, 1)));
      assert.equal(peak, 1);
      assert.equal(server.sockets.size, 1);
      assert.deepEqual(calls, ['nodelay:true', 'keepalive:true']);
    } finally {
      proto.setNoDelay = setNoDelay;
      proto.setKeepAlive = setKeepAlive;
    }
  });

  it('never has more than maxInFlight requests on the wire', async () => {
    const c = (client = tcpClient(server.port, { maxInFlight: 3 }));
    let open = 0;
    let peak = 0;
    server.onIndication = (ind) => {
      open++;
      peak = Math.max(peak, open);
      setTimeout(() => { open--; ind.answer(); }, 5);
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.readHoldingRegisters(1, i, 1)));
    assert.equal(peak, 3);
  });

  it('wraps transaction ids at 0xFFFF', async () => {
    const c = (client = tcpClient(server.port));
    (c as unknown as { nextTid: number }).nextTid = 0xfffe;
    for (let i = 0; i < 3; i++) await c.readHoldingRegisters(1, i, 1);
    assert.deepEqual(server.seen.map((s) => s.transactionId), [0xffff, 0, 1]);
  });

  it('refuses at once when the queue is full', async () => {
    const c = (client = tcpClient(server.port, { queueLimit: 2, timeout: 100 }));
    server.onIndication = () => {};
    await c.connect();
    const first = outcome(c.readHoldingRegisters(1, 0, 1)); // goes on the wire
    const queued = [outcome(c.readHoldingRegisters(1, 0, 1)), outcome(c.readHoldingRegisters(1, 0, 1))];
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), (e: unknown) => e instanceof QueueFullError && e.code === 'EMODBUS_QUEUE_FULL');
    await c.close();
    for (const r of await Promise.all([first, ...queued])) assert.ok(!r.ok && r.error instanceof ConnectionClosedError);
  });

  it('retries reads after a timeout but not writes, by default', async () => {
    const c = (client = tcpClient(server.port, { timeout: 60, retries: 1 }));
    let n = 0;
    server.onIndication = (ind) => { if (n++ % 2 === 1) ind.answer(); };
    assert.deepEqual((await c.readHoldingRegisters(1, 2, 1)).values, [20]);
    assert.equal(c.counters().retries, 1);
    n = 0;
    await assert.rejects(c.writeSingleRegister(1, 2, 7), TimeoutError);
    assert.equal(c.counters().retries, 1);
    assert.equal(c.counters().timeouts, 2);
  });

  it('backs off a unit that keeps timing out, without holding up another unit', async () => {
    const c = (client = tcpClient(server.port, { timeout: 150, unitBackoff: { threshold: 2, minDelay: 400, maxDelay: 1000 } }));
    server.onIndication = (ind) => { if (ind.unitId !== 2) ind.answer(); };
    await assert.rejects(c.readHoldingRegisters(2, 0, 1), TimeoutError);
    await assert.rejects(c.readHoldingRegisters(2, 0, 1), TimeoutError);
    const t0 = Date.now();
    await assert.rejects(c.readHoldingRegisters(2, 0, 1), (e: unknown) => e instanceof UnitUnavailableError && e.unitId === 2);
    assert.ok(Date.now() - t0 < 100, 'refused without waiting for a timeout');
    assert.deepEqual((await c.readHoldingRegisters(1, 0, 1)).values, [0]);
    assert.equal(server.seen.filter((s) => s.unitId === 2).length, 2);
    await delay(420);
    // The backoff is over: the next request probes the unit again.
    server.onIndication = (ind) => ind.answer();
    assert.deepEqual((await c.readHoldingRegisters(2, 1, 1)).values, [10]);
  });

  it('fails fast with ConnectError when nothing listens', async () => {
    const port = server.port;
    await server.stop();
    const c = (client = tcpClient(port));
    const t0 = Date.now();
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), (e: unknown) => e instanceof ConnectError && e.code === 'EMODBUS_CONNECT' && /ECONNREFUSED/.test(e.message));
    // Backing off between attempts: the next request is refused at once, not queued.
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), ConnectError);
    assert.ok(Date.now() - t0 < 500);
    server = await new FakeServer().start(port);
    await until(() => c.state === 'connected', 2000, 'reconnect');
    assert.deepEqual((await c.readHoldingRegisters(1, 1, 1)).values, [10]);
  });

  it('resumes reads after the server restarts mid-poll; each pending request gets exactly one error', async () => {
    const c = (client = tcpClient(server.port, { maxInFlight: 4, timeout: 500 }));
    const port = server.port;
    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    await c.readHoldingRegisters(1, 0, 1);
    server.onIndication = () => {}; // hold everything, then drop the server
    const settled: string[] = [];
    const pending = Array.from({ length: 6 }, (_, i) => c.readHoldingRegisters(1, i, 1).then(
      () => { settled.push('ok'); },
      (e: Error) => { settled.push((e as ConnectionLostError).code); },
    ));
    await until(() => server.seen.length === 5, 1000, 'four in flight');
    await server.stop();
    server = await new FakeServer().start(port);
    await Promise.all(pending);
    // Four were on the wire and are lost; the two queued went out after the reconnect.
    assert.deepEqual(settled.filter((s) => s === 'EMODBUS_CONNECTION_LOST').length, 4);
    assert.deepEqual(settled.filter((s) => s === 'ok').length, 2);
    assert.equal(settled.length, 6);
    assert.deepEqual((await c.readHoldingRegisters(1, 2, 1)).values, [20]);
    assert.ok(states.includes('disconnected') && states.lastIndexOf('connected') > states.indexOf('disconnected'));
    assert.equal(c.counters().reconnects, 1);
  });

  it('close() ends everything within 2 s and leaves no handle, timer or listener', async () => {
    const before = await resources();
    const c = (client = tcpClient(server.port, { timeout: 5000, connect: 'eager' }));
    server.onIndication = () => {};
    await until(() => c.state === 'connected', 1000, 'eager connect');
    const p = outcome(c.readHoldingRegisters(1, 0, 1));
    const q = outcome(c.readHoldingRegisters(1, 0, 1));
    const t0 = Date.now();
    await c.close();
    assert.ok(Date.now() - t0 < 2000);
    for (const r of await Promise.all([p, q])) assert.ok(!r.ok && r.error instanceof ConnectionClosedError && r.error.code === 'EMODBUS_CLOSED');
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), ConnectionClosedError);
    assert.equal(c.state, 'closed');
    assert.deepEqual(await leakedSince(before), {});
  });

  it('close() removes every listener it added: on the socket, the transport and the process', async () => {
    const c = (client = tcpClient(server.port));
    const processEvents = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM'] as const;
    const processBefore = processEvents.map((e) => process.listenerCount(e));
    await c.readHoldingRegisters(1, 0, 1);
    type Emitter = { listenerCount(e: string): number; eventNames(): (string | symbol)[] };
    const inner = c as unknown as { transport: Emitter & { conn?: { socket: Emitter } } };
    const socket = inner.transport.conn?.socket;
    assert.ok(socket, 'a live socket while connected');
    assert.ok(socket.listenerCount('close') > 0 && inner.transport.listenerCount('data') > 0, 'the listeners this test looks for exist');
    await c.close();
    assert.deepEqual(socket.eventNames(), []);
    assert.deepEqual(inner.transport.eventNames(), []);
    assert.deepEqual(processEvents.map((e) => process.listenerCount(e)), processBefore);
  });

  it('counts bytes in and out exactly as they go on the wire', async () => {
    const c = (client = tcpClient(server.port));
    await c.readHoldingRegisters(1, 0, 3); // 12 out (MBAP 7 + PDU 5), 15 in (7 + fc, count, 6)
    assert.deepEqual([c.counters().bytesOut, c.counters().bytesIn], [12, 15]);
    await assert.rejects(c.readHoldingRegisters(1, 99, 5), ModbusExceptionError); // 12 out, 9 in
    await c.writeMultipleRegisters(1, 0, [1, 2]); // 7 + 10 out, 7 + 5 in
    const n = c.counters();
    assert.deepEqual([n.bytesOut, n.bytesIn], [12 + 12 + 17, 15 + 9 + 12]);
    assert.deepEqual([n.requests, n.responses, n.exceptions], [3, 3, 1]);
  });

  it('retries writes only when writeRetries says so; per-call retries override both', async () => {
    const c = (client = tcpClient(server.port, { timeout: 60, writeRetries: 1, unitBackoff: false }));
    let n = 0;
    server.onIndication = (ind) => { if (n++ % 2 === 1) ind.answer(); };
    assert.deepEqual(await c.writeSingleRegister(1, 3, 33), { fc: 6, address: 3, value: 33 });
    assert.equal(c.counters().retries, 1);
    assert.deepEqual(server.seen.map((s) => s.fc), [6, 6]);
    n = 0;
    await assert.rejects(c.writeSingleRegister(1, 3, 34, { retries: 0 }), TimeoutError);
    n = 0;
    await assert.rejects(c.readHoldingRegisters(1, 3, 1, { retries: 0 }), TimeoutError);
    assert.equal(c.counters().retries, 1);
    n = 0;
    assert.deepEqual((await c.readHoldingRegisters(1, 3, 1, { retries: 2 })).values, [33]);
    assert.equal(c.counters().retries, 2);
  });

  it('close() during a reconnect backoff cancels it', async () => {
    const before = await resources();
    const port = server.port;
    await server.stop();
    const c = (client = tcpClient(port, { reconnect: { minDelay: 5000, maxDelay: 5000 } }));
    await assert.rejects(c.connect(), ConnectError);
    await c.close();
    assert.deepEqual(await leakedSince(before), {});
  });

  it('emits connecting, connected, disconnected and error, each with state', async () => {
    const c = (client = tcpClient(server.port));
    const seen: string[] = [];
    c.on('state', (s, e) => seen.push(`state:${s}${e ? '!' : ''}`));
    c.on('connecting', () => seen.push('connecting'));
    c.on('connected', () => seen.push('connected'));
    c.on('disconnected', (e) => seen.push(`disconnected:${e?.message ?? ''}`));
    const errors: Error[] = [];
    c.on('error', (e) => { if (e) errors.push(e); });
    await c.readHoldingRegisters(1, 0, 1);
    server.dropAll();
    await until(() => seen.includes('disconnected:connection closed by the server'), 1000, 'disconnected');
    await until(() => seen.filter((s) => s === 'connected').length === 2, 2000, 'reconnected');
    await c.close();
    assert.deepEqual(seen, [
      'state:connecting', 'connecting', 'state:connected', 'connected',
      'state:disconnected!', 'disconnected:connection closed by the server',
      'state:connecting', 'connecting', 'state:connected', 'connected', 'state:closed',
    ]);
    assert.equal(errors.length, 1);
  });

  it('flush() rejects what is queued, not what is on the wire', async () => {
    const c = (client = tcpClient(server.port));
    await c.connect();
    const held: (() => void)[] = [];
    server.onIndication = (ind) => held.push(() => ind.answer());
    const onWire = c.readHoldingRegisters(1, 4, 1);
    const queued = [outcome(c.readHoldingRegisters(1, 0, 1)), outcome(c.writeSingleRegister(2, 0, 1))];
    await until(() => held.length === 1, 1000, 'one request on the wire');
    assert.deepEqual(c.pending, { queued: 2, inFlight: 1 });
    assert.equal(c.flush(), 2);
    for (const r of await Promise.all(queued)) assert.ok(!r.ok && r.error.name === 'RequestFlushedError' && (r.error as { code?: string }).code === 'EMODBUS_FLUSHED');
    held[0]();
    assert.deepEqual((await onWire).values, [40]);
    assert.deepEqual(c.pending, { queued: 0, inFlight: 0 });
  });

  it('counts a stray response with no request as dropped', async () => {
    const c = (client = tcpClient(server.port));
    await c.readHoldingRegisters(1, 0, 1);
    for (const s of server.sockets) s.write(encodeResponseAdu(mbap, 1, 4242, { fc: 3, values: [1] }));
    await until(() => c.counters().droppedFrames === 1, 1000, 'the stray frame');
  });
});
