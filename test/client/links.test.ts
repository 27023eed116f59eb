/** RTU over TCP (serial gateways) and MBAP over UDP. */
import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
import { decodeRequest, mbap, rtu } from '../../src/codec';
import { ModbusClient, TimeoutError } from '../../src/client';
import { FakeServer, Memory, defaultReply } from './fixtures/fake-server';
import { leakedSince, resources, until } from './fixtures/leaks';

describe('ModbusClient over RTU over TCP', () => {
  let server: FakeServer;
  let client: ModbusClient | undefined;
  beforeEach(async () => {
    server = await new FakeServer(rtu).start();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  function gatewayClient(extra: Partial<ConstructorParameters<typeof ModbusClient>[0]> = {}): ModbusClient {
    return new ModbusClient({ transport: { type: 'rtu-tcp', host: '127.0.0.1', port: server.port }, timeout: 200, maxInFlight: 8, ...extra });
  }

  it('reads and writes with RTU frames on the socket, one request at a time even with maxInFlight 8', async () => {
    const c = (client = gatewayClient());
    let open = 0;
    let peak = 0;
    server.onIndication = (ind) => {
      peak = Math.max(peak, ++open);
      setTimeout(() => { open--; ind.answer(); }, 3);
    };
    const rs = await Promise.all([1, 2, 3, 4, 5].map((a) => c.readHoldingRegisters(a, a, 1)));
    assert.deepEqual(rs.map((r) => r.values[0]), [10, 20, 30, 40, 50]);
    assert.equal(peak, 1);
    assert.deepEqual(await c.writeMultipleRegisters(9, 0, [5, 6]), { fc: 16, address: 0, quantity: 2 });
    assert.deepEqual(server.seen.map((s) => s.unitId), [1, 2, 3, 4, 5, 9]);
  });

  it('drops a late answer to a timed-out request instead of taking it for the next one', async () => {
    const c = (client = gatewayClient({ timeout: 80 }));
    const held: (() => void)[] = [];
    server.onIndication = (ind) => {
      if (ind.unitId === 1) held.push(() => ind.answer());
      else { held.shift()?.(); setTimeout(() => ind.answer(), 10); }
    };
    await assert.rejects(c.readHoldingRegisters(1, 4, 1), TimeoutError);
    // Unit 2's request is on the wire when unit 1's stale answer arrives: a different unit, dropped.
    assert.deepEqual((await c.readHoldingRegisters(2, 5, 1)).values, [50]);
    assert.equal(c.counters().droppedFrames, 1);
  });
});

/** An MBAP-over-UDP server on 127.0.0.1. */
class UdpServer {
  readonly memory = new Memory();
  readonly socket = dgram.createSocket('udp4');
  onDatagram: (msg: Buffer, reply: (b: Buffer) => void) => void = (msg, reply) => {
    const f = mbap.unwrap(msg);
    reply(defaultReply(mbap, this.memory, f.unitId, f.transactionId, decodeRequest(f.pdu)));
  };
  port = 0;
  async start(): Promise<this> {
    this.socket.on('message', (msg, rinfo) => this.onDatagram(msg, (b) => this.socket.send(b, rinfo.port, rinfo.address)));
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', () => resolve()));
    this.port = this.socket.address().port;
    return this;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

describe('ModbusClient over UDP', () => {
  let server: UdpServer;
  let client: ModbusClient | undefined;
  beforeEach(async () => {
    server = await new UdpServer().start();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  it('reads and writes, pipelined, matched by transaction id; leaves nothing behind', async () => {
    const before = await resources();
    const c = (client = new ModbusClient({ transport: { type: 'udp', host: '127.0.0.1', port: server.port }, maxInFlight: 4 }));
    const rs = await Promise.all([0, 1, 2, 3, 4, 5].map((a) => c.readHoldingRegisters(1, a, 1)));
    assert.deepEqual(rs.map((r) => r.values[0]), [0, 10, 20, 30, 40, 50]);
    assert.deepEqual(await c.writeSingleCoil(1, 2, true), { fc: 5, address: 2, value: true });
    await c.close();
    client = undefined;
    assert.deepEqual(await leakedSince(before), {});
  });

  it('a garbage or lost datagram costs that request, not the link', async () => {
    const c = (client = new ModbusClient({ transport: { type: 'udp', host: '127.0.0.1', port: server.port }, timeout: 100 }));
    const normal = server.onDatagram;
    server.onDatagram = (_msg, reply) => reply(Buffer.from('not modbus at all'));
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
    server.onDatagram = () => {};
    await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
    server.onDatagram = normal;
    assert.deepEqual((await c.readHoldingRegisters(1, 3, 1)).values, [30]);
    assert.equal(c.state, 'connected');
    assert.equal(c.counters().droppedFrames, 1);
    await until(() => c.counters().timeouts === 2, 100, 'two timeouts');
  });
});

describe('ModbusClient over UDP to a port with nothing behind it', () => {
  it('takes each ICMP "port unreachable" as a lost link and reconnects, leaving no socket behind per attempt', async () => {
    // A port that was just free: the kernel answers datagrams to it with ICMP port unreachable.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const udpSockets = (): number => process.getActiveResourcesInfo().filter((k) => /udp/i.test(k)).length;
    const before = await resources();
    const c = new ModbusClient({ transport: { type: 'udp', host: '127.0.0.1', port }, reconnect: { minDelay: 1, maxDelay: 5 }, timeout: 50 });
    let lost = 0;
    c.on('state', (s: string) => { if (s === 'disconnected') lost++; });
    try {
      for (let i = 0; i < 20; i++) await c.readHoldingRegisters(1, 0, 1).catch(() => undefined);
      assert.ok(lost >= 5, `the refusals were taken as lost links (${lost})`);
      assert.ok(udpSockets() - (before.get('UDPWRAP') ?? 0) <= 1, `${udpSockets()} UDP sockets open after ${lost} lost links`);
    } finally {
      await c.close();
    }
    assert.deepEqual(await leakedSince(before), {});
  });
});

describe('late answers on a bus (no transaction ids)', () => {
  let server: FakeServer;
  let client: ModbusClient | undefined;
  beforeEach(async () => {
    server = await new FakeServer(rtu).start();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  it('keeps a unit quiet after its timeout, so its late answer is dropped, not taken for the next request', async () => {
    const c = (client = new ModbusClient({ transport: { type: 'rtu-tcp', host: '127.0.0.1', port: server.port }, timeout: 100 }));
    let first = true;
    server.onIndication = (ind) => {
      if (first) {
        first = false;
        setTimeout(() => ind.answer(), 150); // 1.5 timeouts late
      } else {
        ind.answer();
      }
    };
    const late = c.readHoldingRegisters(1, 4, 1);
    const next = c.readHoldingRegisters(1, 5, 1); // same unit, same function code, same size
    await assert.rejects(late, TimeoutError);
    assert.deepEqual((await next).values, [50]);
    assert.equal(c.counters().droppedFrames, 1);
  });

  it('lets other units use the bus while one is quiet', async () => {
    const c = (client = new ModbusClient({ transport: { type: 'rtu-tcp', host: '127.0.0.1', port: server.port }, timeout: 100 }));
    server.onIndication = (ind) => { if (ind.unitId !== 1) ind.answer(); };
    const dead = c.readHoldingRegisters(1, 0, 1).catch((e: Error) => e);
    assert.ok((await dead) instanceof TimeoutError);
    const t0 = Date.now();
    const again = c.readHoldingRegisters(1, 0, 1).catch((e: Error) => e);
    assert.deepEqual((await c.readHoldingRegisters(2, 3, 1)).values, [30]);
    assert.ok(Date.now() - t0 < 80, 'unit 2 went first');
    assert.ok((await again) instanceof TimeoutError);
  });
});
