/**
 * Serial line addressing, over RTU over TCP (the serial ADU on a socket; the serial listener
 * takes the same path): 248-255 are reserved, so a server answering every unit stays silent
 * there, and a broadcast does only what a broadcast may (FC 23 also reads, so it does nothing).
 * Answers on RTU over TCP come in request order: a silence shows as the next answer being the
 * next request's, with no sleep.
 */
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import { encodeRequestAdu, mbap, rtu, type ModbusRequest } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { rawSocket } from '../fixtures/mbap-socket';
import { waitFor } from '../fixtures/wait-for';

const READ_5: ModbusRequest = { fc: 3, address: 5, quantity: 1 };

/** Collects raw RTU answers (FC 3 with one register: 7 bytes each) from a socket. */
function answers(s: Socket): { unitId: number; fc: number; value: number }[] {
  const out: { unitId: number; fc: number; value: number }[] = [];
  let buf = Buffer.alloc(0);
  s.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 5) {
      const len = buf[1] & 0x80 ? 5 : 7;
      if (buf.length < len) break;
      out.push({ unitId: buf[0], fc: buf[1], value: len === 7 ? buf.readUInt16BE(3) : -buf[2] });
      buf = buf.subarray(len);
    }
  });
  return out;
}

describe('server: serial line addressing (RTU over TCP)', function () {
  this.timeout(10000);
  const closers: (() => unknown)[] = [];
  afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

  async function start(options: ConstructorParameters<typeof ModbusServer>[0], type: 'rtu-tcp' | 'tcp' = 'rtu-tcp'): Promise<{ server: ModbusServer; s: Socket }> {
    const server = new ModbusServer({ memoryMap: { holdingRegisters: { size: 10 } }, ...options });
    closers.push(() => server.close());
    const { port } = await server.listen({ type, host: '127.0.0.1', port: 0 });
    const s = await rawSocket(port ?? 0);
    closers.push(() => s.destroy());
    return { server, s };
  }

  it('answering every unit, 248-255 get silence and 1-247 an answer', async () => {
    const { server, s } = await start({});
    const got = answers(s);
    for (const unitId of [248, 255, 247]) s.write(encodeRequestAdu(rtu, unitId, 0, READ_5));
    await waitFor(() => got.length >= 1, 'an answer');
    assert.deepEqual(got.map((a) => a.unitId), [247], 'the first answer is unit 247\'s: 248 and 255 were silent');
    assert.equal(server.counters().requests, 1, 'reserved addresses are not requests to this server');
  });

  it('a reserved address listed in unitIds is answered', async () => {
    const { s } = await start({ unitIds: [1, 248] });
    const got = answers(s);
    s.write(encodeRequestAdu(rtu, 248, 0, READ_5));
    await waitFor(() => got.length >= 1, 'an answer');
    assert.equal(got[0].unitId, 248);
  });

  it('over MBAP every unit id is a plain value: 255 is answered', async () => {
    const { s } = await start({}, 'tcp');
    const answer = new Promise<Buffer>((resolve) => s.once('data', resolve));
    s.write(encodeRequestAdu(mbap, 255, 7, READ_5));
    const adu = await answer;
    assert.equal(adu[6], 255);
    assert.equal(adu[7], 3, 'a normal answer');
  });

  it('a broadcast FC 23 does nothing (it reads too); a broadcast FC 16 writes', async () => {
    const { s, server } = await start({});
    const got = answers(s);
    s.write(encodeRequestAdu(rtu, 0, 0, { fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 5, values: [99] }));
    s.write(encodeRequestAdu(rtu, 1, 0, READ_5));
    await waitFor(() => got.length >= 1, 'the read');
    assert.deepEqual(got[0], { unitId: 1, fc: 3, value: 0 }, 'FC 23 wrote nothing and answered nothing');
    s.write(encodeRequestAdu(rtu, 0, 0, { fc: 16, address: 5, values: [77] }));
    s.write(encodeRequestAdu(rtu, 1, 0, READ_5));
    await waitFor(() => got.length >= 2, 'the second read');
    assert.deepEqual(got[1], { unitId: 1, fc: 3, value: 77 });
    assert.deepEqual(server.memory.get('holdingRegisters', 5, 1), [77]);
  });
});
