/**
 * The RTU inter-frame silence t3.5: the spec's rule by default, a configured value when set, and
 * both the client's bus and the server's serial listener keep whichever applies.
 */
import { strict as assert } from 'node:assert';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { ascii, encodeResponseAdu, rtu } from '../../src/codec';
import { ModbusClient } from '../../src/client';
import { ModbusServer } from '../../src/server';
import { SerialMedium, characterTime, rtuInterFrameDelay } from '../../src/transport/serial';
import { until } from '../client/fixtures/leaks';
import { RawSerialClient, ptyPair } from './pty';

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

  /**
   * Node's timers count whole ms of a loop clock that only moves when the loop wakes, so with
   * other I/O waking the loop a 2 ms timer can fire after little more than 1 ms. Loopback
   * ping-pong in this process stands in for a busy Node-RED; a bounded number of exchanges.
   */
  async function withBusyLoop<T>(work: () => Promise<T>): Promise<T> {
    const peers: Socket[] = [];
    const echo = createServer((s) => {
      peers.push(s);
      s.on('error', () => undefined); // the reset when the far end is destroyed below
      s.on('data', (d) => s.write(d));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const sock = connect((echo.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let left = 2_000_000;
    sock.on('data', () => { if (--left > 0) sock.write('x'); });
    sock.write('x');
    try {
      return await work();
    } finally {
      left = 0;
      sock.destroy();
      for (const p of peers) p.destroy();
      await new Promise<void>((r) => echo.close(() => r()));
    }
  }

  it('the server never answers sooner than t3.5 after the request, however busy its event loop (115200 baud: 1.75 ms)', async () => {
    const pty = await ptyPair();
    const server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [1, 2, 3] } } });
    const requestAt: number[] = [];
    // The 'request' event fires in the tick the server takes the bytes in, just after it notes their
    // time. A GC pause or a preemption between the two makes one gap look short; the bug made many.
    server.on('request', () => requestAt.push(performance.now()));
    await server.listen({ type: 'rtu', path: pty.a, baudRate: 115200 });
    const dev = await RawSerialClient.open(pty.b, 115200);
    try {
      await withBusyLoop(async () => {
        for (let i = 0; i < 300; i++) await dev.request(1, { fc: 0x03, address: 0, quantity: 3 });
      });
      assert.equal(dev.frames.length, 300);
      const gaps = dev.frames.map((f, i) => f.at - requestAt[i]);
      const short = gaps.filter((g) => g < 1.75).sort((a, b) => a - b);
      assert.ok(short.length < 4, `${short.length} of 300 answers came sooner than 1.75 ms after their request: ${short.map((g) => g.toFixed(3)).join(', ')} ms`);
    } finally {
      await dev.close();
      await server.close();
      await pty.close();
    }
  });

  /**
   * A device on the far end of a pty that we drive byte by byte; it notes when each request came in
   * and, with `answer`, answers each at once (noting the time just before the write).
   */
  async function rawDevice(path: string, answer = false): Promise<{ port: SerialPort; requests: { unitId: number; at: number }[]; answeredAt: number[]; close(): Promise<void> }> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const deframer = rtu.createDeframer('indication');
    const requests: { unitId: number; at: number }[] = [];
    const answeredAt: number[] = [];
    port.on('data', (chunk: Buffer) => {
      deframer.push(chunk);
      for (let r = deframer.next(); r.type !== 'incomplete'; r = deframer.next()) {
        if (r.type !== 'frame') continue;
        requests.push({ unitId: r.frame.unitId, at: performance.now() });
        if (!answer) continue;
        answeredAt.push(performance.now()); // before the write: the client cannot see the answer sooner
        port.write(encodeResponseAdu(rtu, r.frame.unitId, 0, { fc: 0x03, values: [7] }));
      }
    });
    return { port, requests, answeredAt, close: () => new Promise<void>((resolve) => port.close(() => resolve())) };
  }

  it('the client never sends its next request sooner than t3.5 after a response, however busy its event loop', async () => {
    const pty = await ptyPair();
    const dev = await rawDevice(pty.a, true);
    const client = new ModbusClient({ transport: { type: 'rtu', path: pty.b, baudRate: 115200 }, timeout: 2000 });
    try {
      await withBusyLoop(async () => {
        // Many at once, so each request is sent as soon as the client lets itself.
        await Promise.all(Array.from({ length: 150 }, () => client.readHoldingRegisters(1, 0, 1)));
      });
      assert.equal(dev.requests.length, 150);
      const gaps = dev.requests.slice(1).map((r, i) => r.at - dev.answeredAt[i]);
      const min = Math.min(...gaps);
      assert.ok(min >= 1.75, `sent ${min.toFixed(3)} ms after an answer (${gaps.filter((g) => g < 1.75).length} of 149 under 1.75 ms)`);
    } finally {
      await client.close();
      await dev.close();
      await pty.close();
    }
  });

  it('after a timeout the client waits for t3.5 after the last byte on the line, not after the timeout', async () => {
    const pty = await ptyPair();
    const dev = await rawDevice(pty.a);
    // A 50 ms silence, so that only a 50 ms stall of this process could open a gap in the bytes below.
    const client = new ModbusClient({ transport: { type: 'rtu', path: pty.b, baudRate: 115200, interFrameDelay: 50 }, timeout: 100 });
    try {
      await client.readHoldingRegisters(3, 0, 1).catch(() => undefined); // opens the port (unit 3 is never asked again)
      // Unit 1 is asked and the line stays busy past the client's timeout: a byte every 2 ms for
      // 300 ms, never a gap as long as t3.5 (another device talking, or a very slow answer).
      let lastByteAt = 0;
      const talking = new Promise<void>((resolve) => {
        let n = 0;
        const tick = setInterval(() => {
          dev.port.write(Buffer.from([0xff]));
          lastByteAt = performance.now();
          if (++n >= 150) {
            clearInterval(tick);
            resolve();
          }
        }, 2);
      });
      const first = client.readHoldingRegisters(1, 0, 1).catch((e: unknown) => e);
      // Unit 2 is not kept quiet by unit 1's timeout: only the line's silence holds it back.
      const second = client.readHoldingRegisters(2, 0, 1).catch(() => undefined);
      await talking;
      await first;
      await until(() => dev.requests.length >= 3, 2000);
      const at = dev.requests[2].at;
      assert.equal(dev.requests[2].unitId, 2);
      assert.ok(at >= lastByteAt + 50, `unit 2 was asked ${(lastByteAt - at).toFixed(1)} ms before the line fell silent`);
      await second;
    } finally {
      await client.close();
      await dev.close();
      await pty.close();
    }
  });

  it('a broadcast turnaround shorter than a quiet unit\'s wait is not held up by it', async () => {
    const pty = await ptyPair();
    const dev = await rawDevice(pty.a);
    const client = new ModbusClient({ transport: { type: 'rtu', path: pty.b, baudRate: 115200 }, timeout: 200, turnaroundDelay: 20 });
    try {
      await client.readHoldingRegisters(3, 0, 1).catch(() => undefined); // opens the port (unit 3 is never asked again)
      // Unit 1 never answers: after its timeout it is kept quiet for another 200 ms, with work waiting.
      const a = client.readHoldingRegisters(1, 0, 1).catch(() => undefined);
      const b = client.readHoldingRegisters(1, 0, 1).catch(() => undefined);
      await until(() => dev.requests.length >= 2, 1000);
      await new Promise((r) => setTimeout(r, 230)); // unit 1 timed out, now quiet until about 400 ms
      const broadcast = client.writeSingleRegister(0, 0, 1);
      const c = client.readHoldingRegisters(2, 0, 1).catch(() => undefined);
      await broadcast;
      await until(() => dev.requests.some((r, i) => i >= 2 && r.unitId === 2), 1000);
      const bAt = dev.requests.find((r, i) => i >= 2 && r.unitId === 0)?.at ?? NaN;
      const cAt = dev.requests.find((r, i) => i >= 2 && r.unitId === 2)?.at ?? NaN;
      // 20 ms of turnaround after the broadcast, not the ~170 ms left of unit 1's quiet spell.
      assert.ok(cAt - bAt < 100, `unit 2 waited ${(cAt - bAt).toFixed(1)} ms after the broadcast`);
      await Promise.all([a, b, c]);
    } finally {
      await client.close();
      await dev.close();
      await pty.close();
    }
  });
});
