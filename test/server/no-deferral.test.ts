/**
 * "Never defer a request with setTimeout(..., 0)": modbus-serial's ServerTCP does, and the 1 ms
 * timer clamp caps it near 1,000 requests per second per connection. These pin that ours answers
 * the map in the same turn as the request arrives.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Frame, mbap, rtu } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import type { Link } from '../../src/server/link';
import { RawClient, startTcpServer } from './helpers';

/** The TypeScript sources under src/server (the tests run from dist/test/server). */
function serverSources(dir = resolve(__dirname, '../../../src/server')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...serverSources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('server: no deferral of requests', () => {
  // One exception, marked `deferral-ok` on its line: a connection that has had its turn of frames
  // (framesPerTurn) yields with setImmediate so other connections are read (issue 13, fairness).
  // A request that arrives alone in its chunk is never deferred; the third test pins that.
  it('src/server has no setTimeout(..., 0), setImmediate or queueMicrotask (but the marked fairness yield)', () => {
    const files = serverSources();
    assert.ok(files.length >= 10, `found only ${files.length} sources`);
    const offences: string[] = [];
    for (const f of files) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (line.includes('deferral-ok')) return;
        if (/setTimeout\([^;]*,\s*0\s*\)|setImmediate\(|queueMicrotask\(/.test(line)) offences.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(offences, []);
  });

  it('every request the server answers itself is answered synchronously, on both framings', () => {
    const server = new ModbusServer({ identity: { vendorName: 'ACME' } });
    const pdus = [
      [1, 0, 0, 0, 1], [2, 0, 0, 0, 1], [3, 0, 0, 0, 1], [4, 0, 0, 0, 1], [5, 0, 0, 0xff, 0], [6, 0, 0, 0, 1],
      [7], [8, 0, 0, 0x12, 0x34], [11], [12], [15, 0, 0, 0, 1, 1, 1], [16, 0, 0, 0, 1, 2, 0, 1], [17],
      [20, 7, 6, 0, 1, 0, 0, 0, 1], [22, 0, 0, 0, 0xff, 0, 0], [23, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 1], [24, 0, 0], [43, 14, 1, 0], [65],
    ];
    for (const framing of [mbap, rtu]) {
      const link: Link = { framing, broadcast: framing === rtu, remote: { address: '127.0.0.1', port: 1 } };
      for (const pdu of pdus) {
        const answer = server.handleFrame(Frame.of(1, 7, Buffer.from(pdu)), link);
        assert.ok(answer instanceof Buffer, `FC ${pdu[0]} over ${framing.name}: ${String(answer)}`);
      }
    }
  });

  it('400 sequential requests on one connection take well under 1 ms each (the timer clamp)', async () => {
    const { server, port } = await startTcpServer();
    const c = await RawClient.connect(port);
    try {
      await c.request(1, { fc: 3, address: 0, quantity: 10 }); // warm up
      const t0 = performance.now();
      for (let i = 0; i < 400; i++) await c.request(1, { fc: 3, address: 0, quantity: 10 });
      const took = performance.now() - t0;
      assert.ok(took < 400, `400 requests took ${took.toFixed(0)} ms`);
    } finally {
      c.close();
      await server.close();
    }
  });
});
