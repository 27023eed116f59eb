import { strict as assert } from 'node:assert';
import { decodeRequest, encodeRequestAdu, mbap } from '../../src/codec';

describe('codec smoke', () => {
  it('round-trips the spec FC 3 request through MBAP', () => {
    const adu = encodeRequestAdu(mbap, 0x11, 1, { fc: 3, address: 0x6b, quantity: 3 });
    assert.equal(adu.toString('hex'), '0001000000061103006b0003');
    const frame = mbap.unwrap(adu);
    assert.deepEqual(decodeRequest(frame.pdu), { fc: 3, address: 0x6b, quantity: 3 });
  });
});
