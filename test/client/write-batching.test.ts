import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { ModbusClient } from '../../src/client';

/**
 * How requests reach a TCP socket: a lone request (nothing else on the wire) is written at once,
 * and a burst sent in one turn of the event loop still leaves in at most two writes (the first
 * alone, the rest held together), so pipelining keeps its batches.
 */
interface Counting { server: net.Server; port: number; sockets: Set<net.Socket> }

/** A bare MBAP server answering FC 3 with register a = a. */
async function fc3Server(): Promise<Counting> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.setNoDelay(true);
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 12) {
        const address = buf.readUInt16BE(8);
        const quantity = buf.readUInt16BE(10);
        const res = Buffer.alloc(9 + 2 * quantity);
        buf.copy(res, 0, 0, 4);
        res.writeUInt16BE(3 + 2 * quantity, 4);
        res[6] = buf[6];
        res[7] = 3;
        res[8] = 2 * quantity;
        for (let i = 0; i < quantity; i++) res.writeUInt16BE((address + i) & 0xffff, 9 + 2 * i);
        s.write(res);
        buf = buf.subarray(12);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { server, port: a !== null && typeof a === 'object' ? a.port : 0, sockets };
}

/**
 * Counts the writes the client's socket hands to the kernel: node's Socket#_writeGeneric takes
 * every write and writev (an internal of node:net, so the tests skip where it is missing). The
 * server above reads in the same process, after the client's turn, so its reads cannot tell.
 */
type WriteGeneric = (this: net.Socket, ...args: unknown[]) => unknown;
const proto = net.Socket.prototype as unknown as { _writeGeneric?: WriteGeneric };

describe('client writes on TCP: lone requests at once, bursts batched', () => {
  let srv: Counting;
  let client: ModbusClient | undefined;
  const original = proto._writeGeneric;
  let writes = 0;

  beforeEach(async function () {
    if (typeof original !== 'function') this.skip();
    srv = await fc3Server();
    writes = 0;
    proto._writeGeneric = function (this: net.Socket, ...args: unknown[]): unknown {
      if (this.remotePort === srv.port) writes++;
      return original!.apply(this, args);
    };
  });
  afterEach(async () => {
    proto._writeGeneric = original;
    if (!srv) return;
    await client?.close();
    client = undefined;
    for (const s of srv.sockets) s.destroy();
    await new Promise<void>((resolve) => srv.server.close(() => resolve()));
  });

  it('16 requests made in one tick leave in at most two socket writes, all answered in order', async () => {
    const c = (client = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port: srv.port }, maxInFlight: 16, timeout: 2000 }));
    await c.connect();
    const all = Array.from({ length: 16 }, (_, i) => c.readHoldingRegisters(1, 100 + i, 2));
    const got = await Promise.all(all);
    got.forEach((r, i) => assert.deepEqual(r.values, [100 + i, 101 + i]));
    assert.ok(writes >= 1 && writes <= 2, `16 requests took ${writes} socket writes`);
  });

  it('sequential requests each go out alone and are answered, 200 in a row', async () => {
    const c = (client = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port: srv.port }, maxInFlight: 16, timeout: 2000 }));
    await c.connect();
    for (let i = 0; i < 200; i++) {
      const before = writes;
      const answer = c.readHoldingRegisters(1, i, 1);
      // Written before request() returns: no tick spent holding it for a batch.
      assert.equal(writes, before + 1, `request ${i} was not written at once`);
      assert.deepEqual((await answer).values, [i]);
    }
    assert.equal(writes, 200);
    const k = c.counters();
    assert.equal(k.settled, 200);
    assert.equal(k.settleRepeats, 0);
  });
});
