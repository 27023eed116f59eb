import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decodeResponse, mbap, rtu, Frame } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import type { Link } from '../../src/server/link';
import { RawClient, startTcpServer } from './helpers';

const FCS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43, 0, 9, 65, 0x7f, 0x80, 0x83, 0xff];

/** A PDU that starts with a function code worth trying, then anything. */
const pduArb = fc.tuple(fc.constantFrom(...FCS), fc.uint8Array({ maxLength: 252 })).map(([f, rest]) => Buffer.from([f, ...rest]));

describe('server fuzz', () => {
  it('any PDU gets silence or a well-formed answer with its own function code; nothing throws', () => {
    const server = new ModbusServer({ memoryMap: { coils: { size: 100 }, holdingRegisters: { start: 10, size: 50 } } });
    server.addRoute({ unitIds: [9] }, (ind) => (ind.quantity === 1 ? { values: [1] } : { ack: true }));
    let answered = 0;
    for (const framing of [mbap, rtu]) {
      const link: Link = { framing, broadcast: framing === rtu, remote: { address: '127.0.0.1', port: 1 } };
      fc.assert(fc.property(pduArb, fc.constantFrom(0, 1, 9, 255), (pdu, unitId) => {
        server.diagnostics.listenOnly = false; // a random FC 8/04 must not silence the rest
        const frame = Frame.of(unitId, 0x1234, pdu);
        const answer = server.handleFrame(frame, link);
        assert.ok(!(answer instanceof Promise), 'no route here is asynchronous');
        if (answer === null) return;
        answered++;
        const back = framing.unwrap(answer);
        assert.equal(back.unitId, unitId);
        if (framing === mbap) assert.equal(back.transactionId, 0x1234);
        const res = decodeResponse(back.pdu);
        assert.equal(res.fc, pdu[0] & 0x7f);
      }), { numRuns: 1500 });
    }
    assert.ok(answered > 1500, `only ${answered} of 3000 answered`);
  });

  it('random bytes on one TCP connection never disturb another', async function () {
    this.timeout(10000);
    const { server, port } = await startTcpServer();
    const good = await RawClient.connect(port);
    try {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const bad = await RawClient.connect(port);
        bad.write(Buffer.from(bytes));
        await bad.waitFor(() => bad.closed || bad.received.length > 0, 30);
        bad.close();
        assert.deepEqual(await good.request(1, { fc: 3, address: 0, quantity: 1 }), { fc: 3, values: [0] });
      }), { numRuns: 60 });
    } finally {
      good.close();
      await server.close();
    }
  });
});
