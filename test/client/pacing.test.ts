/**
 * Serial bus timing, checked on an in-memory medium at a slow baud rate where the gaps are
 * long enough to measure: the 3.5-character silence before every frame, the broadcast
 * turnaround, and the request's own transmission time added to its timeout.
 */
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { decodeRequest, encodeResponseAdu, rtu, type ModbusRequest, type UnknownRequest } from '../../src/codec';
import { ModbusClient, TimeoutError } from '../../src/client';
import type { Connection, ConnectionHandlers, Medium } from '../../src/transport';

/** A bus that answers every request at once (or not at all) and records when frames went out. */
class MemoryBus implements Medium {
  readonly framing = rtu;
  readonly target = 'memory bus';
  readonly multiplexed = false;
  readonly datagram = false;
  readonly charTime: number;
  readonly interFrameSilence: number;
  readonly writes: { at: number; unitId: number }[] = [];
  readonly answers: number[] = [];
  answer: (unitId: number, req: ModbusRequest | UnknownRequest) => boolean = () => true;

  constructor(baud: number) {
    this.charTime = (11 * 1000) / baud;
    this.interFrameSilence = baud > 19200 ? 1.75 : 3.5 * this.charTime;
  }

  open(h: ConnectionHandlers): Promise<Connection> {
    return Promise.resolve({
      write: (data: Buffer): void => {
        const f = rtu.unwrap(data);
        this.writes.push({ at: performance.now(), unitId: f.unitId });
        const req = decodeRequest(f.pdu);
        if (f.unitId === 0 || !this.answer(f.unitId, req)) return;
        setImmediate(() => {
          this.answers.push(performance.now());
          h.data(encodeResponseAdu(rtu, f.unitId, 0, { fc: 3, values: [7] }));
        });
      },
      close: () => Promise.resolve(),
    });
  }
}

describe('serial bus pacing', () => {
  it('keeps 3.5 characters of silence between a response and the next request (1200 baud: 32 ms)', async () => {
    const bus = new MemoryBus(1200);
    const c = new ModbusClient({ transport: { type: 'rtu', path: '-', baudRate: 1200 }, timeout: 1000 }, bus);
    try {
      await Promise.all([1, 2, 3, 4].map((u) => c.readHoldingRegisters(u, 0, 1)));
      for (let i = 1; i < bus.writes.length; i++) {
        const gap = bus.writes[i].at - bus.answers[i - 1];
        assert.ok(gap >= bus.interFrameSilence - 0.5, `gap ${gap.toFixed(2)} ms < ${bus.interFrameSilence.toFixed(2)} ms`);
      }
    } finally {
      await c.close();
    }
  });

  it('waits the turnaround delay after a broadcast', async () => {
    const bus = new MemoryBus(115200);
    const c = new ModbusClient({ transport: { type: 'rtu', path: '-', baudRate: 115200 }, turnaroundDelay: 60 }, bus);
    try {
      await c.writeSingleRegister(0, 0, 1);
      await c.readHoldingRegisters(1, 0, 1);
      assert.ok(bus.writes[1].at - bus.writes[0].at >= 59.5, `${bus.writes[1].at - bus.writes[0].at} ms`);
    } finally {
      await c.close();
    }
  });

  it('adds the request\'s transmission time to its timeout (8 bytes at 300 baud: 293 ms)', async () => {
    const bus = new MemoryBus(300);
    bus.answer = () => false;
    const c = new ModbusClient({ transport: { type: 'rtu', path: '-', baudRate: 300 }, timeout: 50 }, bus);
    try {
      const t0 = performance.now();
      await assert.rejects(c.readHoldingRegisters(1, 0, 1), TimeoutError);
      const took = performance.now() - t0;
      assert.ok(took >= 50 + 8 * bus.charTime - 1 && took < 1000, `took ${took} ms`);
    } finally {
      await c.close();
    }
  });
});
