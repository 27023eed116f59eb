/**
 * The RTU inter-frame silence t3.5: the spec's rule by default, a configured value when set, and
 * both the client's bus and the server's serial listener keep whichever applies.
 */
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { ascii, rtu } from '../../src/codec';
import { ModbusClient } from '../../src/client';
import { ModbusServer } from '../../src/server';
import { SerialMedium, characterTime, rtuInterFrameDelay } from '../../src/transport/serial';
import { ptyPair } from './pty';

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
}

describe('RTU inter-frame delay (t3.5)', function () {
  this.timeout(15000);

  it('follows the serial line spec unless set: 3.5 characters, fixed 1.75 ms above 19200 baud', () => {
    assert.equal(characterTime({ baudRate: 9600 }), 10 / 9.6); // 8N1: 10 bits a character
    near(characterTime({ baudRate: 9600, parity: 'even' }), 11 / 9.6);
    near(characterTime({ baudRate: 9600, dataBits: 7, parity: 'odd', stopBits: 2 }), 11 / 9.6);
    near(rtuInterFrameDelay({ baudRate: 9600 }), (3.5 * 10) / 9.6);
    near(rtuInterFrameDelay({ baudRate: 19200, parity: 'odd' }), (3.5 * 11) / 19.2);
    near(rtuInterFrameDelay({ baudRate: 38400 }), 1.75);
    near(rtuInterFrameDelay({ baudRate: 115200, interFrameDelay: 0.05 }), 0.05);
    assert.equal(rtuInterFrameDelay({ baudRate: 1200, interFrameDelay: 0 }), 0, '0 is a value, not "unset"');
    assert.equal(new SerialMedium({ path: '-', baudRate: 1200, interFrameDelay: 2 }, rtu).interFrameSilence, 2);
    assert.equal(new SerialMedium({ path: '-', baudRate: 1200, interFrameDelay: 2 }, ascii).interFrameSilence, 0, 'ASCII frames by its delimiters');
  });

  /** `reads` sequential FC 3 reads from a client to a server over one pty pair at 1200 baud; ms each. */
  async function readTimes(interFrameDelay: number | undefined, reads: number): Promise<number[]> {
    const pty = await ptyPair();
    const server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [1, 2, 3] } } });
    const client = new ModbusClient({ transport: { type: 'rtu', path: pty.b, baudRate: 1200, interFrameDelay }, timeout: 2000 });
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 1200, interFrameDelay });
      await client.readHoldingRegisters(1, 0, 3); // opens the port
      const times: number[] = [];
      for (let i = 0; i < reads; i++) {
        const t0 = performance.now();
        const res = await client.readHoldingRegisters(1, 0, 3);
        times.push(performance.now() - t0);
        assert.deepEqual(res.values, [1, 2, 3]);
      }
      return times;
    } finally {
      await client.close();
      await server.close();
      await pty.close();
    }
  }

  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

  it('client and server keep the spec silence at 1200 baud by default (29 ms each), or a configured one instead', async () => {
    const spec = await readTimes(undefined, 5);
    // Each read waits out two silences: the server's before it answers, the client's before its next request.
    assert.ok(spec.every((t) => t >= 56), `spec silences: reads took ${spec.map((t) => t.toFixed(1)).join(', ')} ms`);
    const set = await readTimes(1, 9);
    // Two 1 ms silences instead of two 29 ms ones; compared with the run above, not with a clock, so a loaded machine's scheduling delays cancel out.
    assert.ok(median(set) < median(spec) - 40, `1 ms silences: reads took ${set.map((t) => t.toFixed(1)).join(', ')} ms, spec ${median(spec).toFixed(1)} ms`);
  });
});
