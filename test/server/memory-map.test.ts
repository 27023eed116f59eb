import { strict as assert } from 'node:assert';
import type { MemoryWriteEvent } from '../../src/server';
import { ModbusServer } from '../../src/server';
import { RawClient, exceptionCodeOf, startTcpServer } from './helpers';

describe('server memory map over TCP', () => {
  let server: ModbusServer;
  let client: RawClient;
  const writes: MemoryWriteEvent[] = [];

  before(async () => {
    const s = await startTcpServer({
      memoryMap: {
        coils: { start: 10, values: [1, 0, 1, 1, 0, 0, 0, 1, 1] },
        discreteInputs: { start: 0, size: 16, values: [0, 1] },
        holdingRegisters: { start: 100, size: 20, values: [11, 22, 33] },
        inputRegisters: { start: 0, values: [7, 8, 9] },
      },
    });
    server = s.server;
    server.on('write', (e) => writes.push(e));
    client = await RawClient.connect(s.port);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('FC 1 reads coils from the section start', async () => {
    assert.deepEqual(await client.request(1, { fc: 1, address: 10, quantity: 9 }), {
      fc: 1, values: [true, false, true, true, false, false, false, true, true],
    });
  });

  it('FC 2 reads discrete inputs', async () => {
    assert.deepEqual(await client.request(1, { fc: 2, address: 0, quantity: 3 }), { fc: 2, values: [false, true, false] });
  });

  it('FC 3 and FC 4 read registers', async () => {
    assert.deepEqual(await client.request(1, { fc: 3, address: 100, quantity: 4 }), { fc: 3, values: [11, 22, 33, 0] });
    assert.deepEqual(await client.request(1, { fc: 4, address: 1, quantity: 2 }), { fc: 4, values: [8, 9] });
  });

  it('FC 5 writes one coil at its own address and emits write', async () => {
    writes.length = 0;
    assert.deepEqual(await client.request(3, { fc: 5, address: 11, value: true }), { fc: 5, address: 11, value: true });
    assert.deepEqual(server.memory.get('coils', 10, 3), [true, true, true]);
    assert.equal(writes.length, 1);
    assert.deepEqual({ ...writes[0], remote: undefined }, { unitId: 3, table: 'coils', address: 11, values: [true], remote: undefined });
    assert.equal((writes[0].remote as { address: string }).address, '127.0.0.1');
  });

  it('FC 6 writes one register and emits write at the register address (not x8)', async () => {
    writes.length = 0;
    assert.deepEqual(await client.request(1, { fc: 6, address: 105, value: 0xbeef }), { fc: 6, address: 105, value: 0xbeef });
    assert.deepEqual(server.memory.get('holdingRegisters', 105, 1), [0xbeef]);
    assert.deepEqual(writes.map((w) => [w.table, w.address, w.values]), [['holdingRegisters', 105, [0xbeef]]]);
  });

  it('FC 15 writes coils, FC 16 writes registers', async () => {
    writes.length = 0;
    assert.deepEqual(await client.request(1, { fc: 15, address: 12, values: [false, true, false] }), { fc: 15, address: 12, quantity: 3 });
    assert.deepEqual(server.memory.get('coils', 12, 3), [false, true, false]);
    assert.deepEqual(await client.request(1, { fc: 16, address: 110, values: [1, 2, 65535] }), { fc: 16, address: 110, quantity: 3 });
    assert.deepEqual(server.memory.get('holdingRegisters', 110, 3), [1, 2, 65535]);
    assert.deepEqual(writes.map((w) => [w.table, w.address, w.values.length]), [['coils', 12, 3], ['holdingRegisters', 110, 3]]);
  });

  it('FC 22 mask-writes a register as the spec computes it, and emits write with the result', async () => {
    server.memory.set('holdingRegisters', 101, [0x12]);
    writes.length = 0;
    // Spec example: current 0x12, AND 0xF2, OR 0x25 -> 0x17.
    assert.deepEqual(await client.request(1, { fc: 22, address: 101, andMask: 0xf2, orMask: 0x25 }), { fc: 22, address: 101, andMask: 0xf2, orMask: 0x25 });
    assert.deepEqual(server.memory.get('holdingRegisters', 101, 1), [0x17]);
    assert.deepEqual(writes.map((w) => [w.unitId, w.table, w.address, w.values]), [[1, 'holdingRegisters', 101, [0x17]]]);
  });

  it('FC 23 writes before it reads, and emits write at the write address only', async () => {
    writes.length = 0;
    const res = await client.request(1, { fc: 23, readAddress: 112, readQuantity: 3, writeAddress: 113, values: [5, 6] });
    assert.deepEqual(res, { fc: 23, values: [65535, 5, 6] });
    assert.deepEqual(writes.map((w) => [w.table, w.address, w.values]), [['holdingRegisters', 113, [5, 6]]]);
  });

  it('reads emit no write event; each write emits one, after the map holds the new values', async () => {
    writes.length = 0;
    const seenInMap: number[][] = [];
    const look = (e: MemoryWriteEvent): void => { seenInMap.push(server.memory.get('holdingRegisters', e.address, e.values.length) as number[]); };
    server.on('write', look);
    try {
      await client.request(1, { fc: 3, address: 100, quantity: 2 });
      await client.request(1, { fc: 1, address: 10, quantity: 2 });
      assert.equal(writes.length, 0);
      await client.request(1, { fc: 16, address: 114, values: [41, 42] });
      await client.request(1, { fc: 6, address: 116, value: 43 });
    } finally {
      server.off('write', look);
    }
    assert.deepEqual(writes.map((w) => w.address), [114, 116]);
    assert.deepEqual(seenInMap, [[41, 42], [43]]);
  });

  it('an address outside a section gets 02 and writes nothing', async () => {
    writes.length = 0;
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 1, address: 9, quantity: 1 })), 2);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 3, address: 118, quantity: 3 })), 2);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 4, address: 3, quantity: 1 })), 2);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 16, address: 119, values: [1, 2] })), 2);
    assert.equal(exceptionCodeOf(await client.request(1, { fc: 23, readAddress: 500, readQuantity: 1, writeAddress: 100, values: [9] })), 2);
    assert.deepEqual(server.memory.get('holdingRegisters', 100, 1), [11], 'FC 23 refused before writing');
    assert.equal(writes.length, 0);
  });

  it('answers in the spec order: 01 for an unknown code, 03 before 02', async () => {
    client.write([0, 77, 0, 0, 0, 2, 1, 0x41]); // FC 65
    const f = await client.frameFor(77);
    assert.deepEqual(f && [...f.subarray(7)], [0xc1, 0x01]);
    // Quantity 0 at an address outside every section: 03 wins over 02.
    client.write([0, 78, 0, 0, 0, 6, 1, 3, 0, 0, 0, 0]);
    const g = await client.frameFor(78);
    assert.deepEqual(g && [...g.subarray(7)], [0x83, 0x03]);
    // Quantity 126 running past 0xFFFF: still 03 first.
    client.write([0, 79, 0, 0, 0, 6, 1, 3, 0xff, 0xf0, 0, 126]);
    const h = await client.frameFor(79);
    assert.deepEqual(h && [...h.subarray(7)], [0x83, 0x03]);
    // A legal quantity outside the section: 02.
    client.write([0, 80, 0, 0, 0, 6, 1, 3, 0xff, 0xf0, 0, 1]);
    const i = await client.frameFor(80);
    assert.deepEqual(i && [...i.subarray(7)], [0x83, 0x02]);
  });

  it('flows read and write the map with get/set; errors outside a table', () => {
    server.memory.set('inputRegisters', 0, [-1, 3]);
    assert.deepEqual(server.memory.get('inputRegisters', 0, 2), [0xffff, 3]);
    assert.throws(() => server.memory.set('inputRegisters', 2, [1, 2]), RangeError);
    assert.throws(() => server.memory.get('coils', 0, 1), RangeError);
  });

  it('counts requests, responses and exceptions', () => {
    const c = server.counters();
    assert.ok(c.requests >= 15);
    assert.equal(c.requests, c.responses + c.exceptions);
    assert.equal(c.connections, 1);
  });
});

describe('server memory map per unit', () => {
  it('uses a unit map, falls back to "*", and answers 02 where a unit has no table', async () => {
    const { server, port } = await startTcpServer({
      memoryMap: {
        units: {
          '1': { holdingRegisters: { values: [1] } },
          '0': { holdingRegisters: { values: [100] } },
          '*': { holdingRegisters: { values: [42] }, coils: { values: [1] } },
        },
      },
    });
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [1] });
      assert.deepEqual(await c.request(0, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [100] }, 'unit 0 is a real unit on TCP');
      assert.deepEqual(await c.request(9, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [42] });
      assert.equal(exceptionCodeOf(await c.request(1, { fc: 1, address: 0, quantity: 1 })), 2);
      assert.deepEqual(await c.request(200, { fc: 1, address: 0, quantity: 1 }), { fc: 1, values: [true] });
      assert.deepEqual(server.memory.get('holdingRegisters', 0, 1, 1), [1]);
      assert.deepEqual(server.memory.get('holdingRegisters', 0, 1), [42]);
    } finally {
      c.close();
      await server.close();
    }
  });

  it('without a map config every table spans 0..65535', async () => {
    const { server, port } = await startTcpServer();
    const c = await RawClient.connect(port);
    try {
      assert.deepEqual(await c.request(1, { fc: 16, address: 65533, values: [1, 2, 3] }), { fc: 16, address: 65533, quantity: 3 });
      assert.deepEqual(await c.request(1, { fc: 3, address: 65533, quantity: 3 }), { fc: 3, values: [1, 2, 3] });
      assert.deepEqual(await c.request(1, { fc: 2, address: 65535, quantity: 1 }), { fc: 2, values: [false] });
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('server memory map atomicity', () => {
  it('a read never sees part of a concurrent multi-register write, from other connections', async () => {
    const { server, port } = await startTcpServer({ memoryMap: { holdingRegisters: { size: 123 } } });
    const writers = await Promise.all(Array.from({ length: 4 }, () => RawClient.connect(port)));
    const reader = await RawClient.connect(port);
    const torn: (number[] | boolean[])[] = [];
    try {
      const writing = writers.map(async (w, k) => {
        for (let i = 0; i < 25; i++) await w.request(1, { fc: 16, address: 0, values: new Array<number>(123).fill(k * 100 + i + 1) });
      });
      const reading = (async () => {
        for (let i = 0; i < 60; i++) {
          const r = await reader.request(1, { fc: 3, address: 0, quantity: 123 });
          if ('exception' in r || r.fc !== 3) throw new Error('read refused');
          if (new Set<number | boolean>(r.values).size !== 1) torn.push(r.values);
        }
      })();
      await Promise.all([...writing, reading]);
      assert.deepEqual(torn, []);
      assert.equal(new Set<number | boolean>(server.memory.get('holdingRegisters', 0, 123)).size, 1);
    } finally {
      [...writers, reader].forEach((c) => c.close());
      await server.close();
    }
  });
});
