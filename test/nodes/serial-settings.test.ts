/** Serial line settings of the client and server config nodes, as deploy turns them into engine options. */
import { strict as assert } from 'node:assert';
import { clientOptionsFrom } from '../../src/nodes/common/client-options';
import { serverOptionsFrom } from '../../src/nodes/common/server-options';

describe('nodes: serial line settings', () => {
  const line = { serialPath: '/dev/ttyUSB0', baudRate: '19200', dataBits: '8', parity: 'even', stopBits: '1' };

  it('an empty inter-frame delay keeps the spec rule; a number, 0 included, replaces it', () => {
    const blank = clientOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: '' }).transport;
    assert.deepEqual(blank, { type: 'rtu', path: '/dev/ttyUSB0', baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 });
    assert.equal((clientOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: '0' }).transport as { interFrameDelay?: number }).interFrameDelay, 0);
    assert.equal((clientOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: 0.5 }).transport as { interFrameDelay?: number }).interFrameDelay, 0.5);
    assert.equal('interFrameDelay' in clientOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: '  ' }).transport, false, 'spaces are blank, not 0');
    const listen = serverOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: '2.5' }).listen;
    assert.deepEqual(listen, { type: 'rtu', path: '/dev/ttyUSB0', baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1, interFrameDelay: 2.5 });
  });

  it('an inter-frame delay that is not a number in 0..1000 ms is refused at deploy, naming the setting', () => {
    // ASCII frames by its delimiters and ignores the setting, so a leftover value cannot fail its deploy.
    assert.equal('interFrameDelay' in clientOptionsFrom({ transport: 'ascii', ...line, interFrameDelay: 'x' }).transport, false);
    for (const bad of ['x', '-1', '1001', 'NaN']) {
      assert.throws(() => clientOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: bad }), /inter-frame delay/, bad);
      assert.throws(() => serverOptionsFrom({ transport: 'rtu', ...line, interFrameDelay: bad }), /inter-frame delay/, bad);
    }
  });
});
