/**
 * "Never defer a request with setTimeout(..., 0)": modbus-serial's ServerTCP does, and the 1 ms
 * timer clamp caps it near 1,000 requests per second per connection. A lint rule (eslint.config.mjs)
 * keeps such deferrals out of the sources; these pin the rule and that ours answers the map in the
 * same turn as the request arrives.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { Frame, mbap, rtu } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import type { Link } from '../../src/server/link';
import { RawClient, startTcpServer } from './helpers';

describe('server: no deferral of requests', () => {
  it('the lint config refuses a zero-delay timer in src, and setImmediate or queueMicrotask in src/server', async () => {
    // `npm run lint` runs the rule over the tree; this pins the rule itself, so dropping it fails here.
    const eslint = new ESLint({ cwd: resolve(__dirname, '../../..') });
    const code = 'export function f(g: () => void): void {\n  setTimeout(g, 0);\n  setTimeout(g);\n  setTimeout(g, 5);\n  setImmediate(g);\n  queueMicrotask(g);\n}\n';
    const flagged = async (filePath: string): Promise<number[]> => {
      const [result] = await eslint.lintText(code, { filePath });
      return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
    };
    assert.deepEqual(await flagged('src/server/listeners/probe.ts'), [2, 3, 5, 6]);
    assert.deepEqual(await flagged('src/client/probe.ts'), [2, 3]);
    assert.deepEqual(await flagged('test/probe.ts'), []);
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
