import { strict as assert } from 'node:assert';
import { ModbusServer, type MemoryWriteEvent, type RouteReply } from '../../src/server';
import { RawClient, exceptionCodeOf, startTcpServer } from './helpers';

/** A route with `storeWrites`: what the flow acknowledges lands in the memory map, nothing else does. */
describe('server routes that store writes', () => {
  let server: ModbusServer;
  let client: RawClient;
  const writes: MemoryWriteEvent[] = [];
  /** What the route answers next; every request it saw. */
  let reply: RouteReply | Promise<RouteReply> = { ack: true };
  const seen: number[] = [];

  beforeEach(async () => {
    ({ server, port } = await startTcpServer({
      memoryMap: { coils: { start: 0, size: 16 }, holdingRegisters: { start: 0, size: 10 } },
    }));
    writes.length = 0;
    seen.length = 0;
    reply = { ack: true };
    server.on('write', (e) => writes.push(e));
    client = await RawClient.connect(port);
  });
  let port = 0;
  afterEach(async () => {
    client.close();
    await server.close();
  });

  function route(storeWrites: boolean, functionCodes = [5, 6, 15, 16, 22, 23]): void {
    server.addRoute({ functionCodes }, (ind) => {
      seen.push(ind.fc);
      if (ind.fc === 23 && typeof reply === 'object' && 'ack' in reply) return { values: [0xaaaa] };
      return reply;
    }, { storeWrites });
  }

  it('stores FC 5, 6, 15, 16, 22 and the write of 23 once acknowledged, with write events', async () => {
    route(true);
    assert.deepEqual(await client.request(1, { fc: 5, address: 3, value: true }), { fc: 5, address: 3, value: true });
    assert.deepEqual(await client.request(1, { fc: 6, address: 1, value: 0x1234 }), { fc: 6, address: 1, value: 0x1234 });
    assert.deepEqual(await client.request(1, { fc: 15, address: 8, values: [true, false, true] }), { fc: 15, address: 8, quantity: 3 });
    assert.deepEqual(await client.request(1, { fc: 16, address: 4, values: [7, 8] }), { fc: 16, address: 4, quantity: 2 });
    // (0x1234 AND 0x00F2) OR (0x0025 AND NOT 0x00F2) = 0x0035, the spec's own example.
    assert.deepEqual(await client.request(1, { fc: 22, address: 1, andMask: 0xf2, orMask: 0x25 }), { fc: 22, address: 1, andMask: 0xf2, orMask: 0x25 });
    // FC 23: the route answers the read; the write is stored.
    assert.deepEqual(await client.request(1, { fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 6, values: [99] }), { fc: 23, values: [0xaaaa] });
    assert.deepEqual(seen, [5, 6, 15, 16, 22, 23]);
    assert.deepEqual(server.memory.get('coils', 3, 1), [true]);
    assert.deepEqual(server.memory.get('coils', 8, 3), [true, false, true]);
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 8), [0, 0x12, 0, 0, 7, 8, 99, 0].map((v, i) => (i === 1 ? 0x35 : v)));
    assert.deepEqual(writes.map((w) => [w.unitId, w.table, w.address, w.values]), [
      [1, 'coils', 3, [true]], [1, 'holdingRegisters', 1, [0x1234]], [1, 'coils', 8, [true, false, true]],
      [1, 'holdingRegisters', 4, [7, 8]], [1, 'holdingRegisters', 1, [0x35]], [1, 'holdingRegisters', 6, [99]],
    ]);
    // Reads are not the route's here: the memory map answers them with what was stored.
    assert.deepEqual(await client.request(1, { fc: 3, address: 4, quantity: 3 }), { fc: 3, values: [7, 8, 99] });
  });

  it('without storeWrites the route sees the write and the map stays as it was (the old behaviour)', async () => {
    route(false);
    assert.deepEqual(await client.request(1, { fc: 6, address: 1, value: 5 }), { fc: 6, address: 1, value: 5 });
    assert.deepEqual(seen, [6]);
    assert.deepEqual(server.memory.get('holdingRegisters', 1, 1), [0]);
    assert.deepEqual(writes, []);
  });

  it('a write answered with an exception, silence, an error or too late is not stored', async () => {
    // A server with a short route timeout in place of the one beforeEach made (closed first).
    client.close();
    await server.close();
    server = new ModbusServer({ memoryMap: { holdingRegisters: { start: 0, size: 10 } }, routeTimeout: 50 });
    const a = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    client = await RawClient.connect(a.port ?? 0);
    server.on('write', (e) => writes.push(e));
    server.on('error', () => undefined);
    route(true);
    reply = { exception: 3 };
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 6, address: 1, value: 5 })), 3);
    const failed = Promise.reject(new Error('flow failed'));
    failed.catch(() => undefined);
    reply = failed;
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 6, address: 2, value: 5 })), 4);
    reply = new Promise(() => undefined);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 16, address: 3, values: [5, 5] })), 4);
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 5), [0, 0, 0, 0, 0]);
    assert.deepEqual(writes, []);
  });

  it('an acknowledged write outside the map is answered 02 and stores nothing', async () => {
    route(true);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 16, address: 9, values: [1, 2] })), 2);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 5, address: 16, value: true })), 2);
    assert.deepEqual(seen, [16, 5]);
    assert.deepEqual(server.memory.get('holdingRegisters', 9, 1), [0]);
    assert.deepEqual(writes, []);
  });
});
