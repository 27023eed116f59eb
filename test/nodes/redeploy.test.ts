/**
 * Redeploy the same flows 50 times while a client polls: afterwards no sockets, servers or
 * timers of ours are left, the server port binds again at once, and a serial pty reopens.
 */
import { strict as assert } from 'node:assert';
import { SerialPort } from 'serialport';
import { allNodes, collect, delay, helper, onTab, waitFor } from './helpers';
import { canBind, freePort, handleCounts, ptyPair, type PtyPair, enginesPresent } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

/** Handles that may legitimately differ (mocha's own timer, stdio pipes). */
const OURS = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'TTYWrap', 'FSReqCallback', 'ProcessWrap'];

function ourHandles(): Record<string, number> {
  const all = handleCounts();
  return Object.fromEntries(OURS.map((k) => [k, all[k] ?? 0]));
}

async function settled(baseline: Record<string, number>): Promise<Record<string, number>> {
  // Closed sockets leave the handle list on the next turns of the loop; give them a bounded while.
  let now = ourHandles();
  for (let i = 0; i < 100 && OURS.some((k) => now[k] > baseline[k]); i++) {
    await delay(20);
    now = ourHandles();
  }
  return now;
}

describe('redeploy (real engines)', function () {
  this.timeout(120000);
  before(function () { if (!enginesPresent()) this.skip(); });
  afterEach(async () => { await helper.unload(); });

  it('deploys a TCP server + polling client 50 times without leaking and releases the port', async () => {
    const port = await freePort();
    const flow: N[] = onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{"holdingRegisters":{"start":0,"values":[42]}}' },
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 500, reconnectMin: 10, reconnectMax: 50 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 10, wires: [['out']] },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '4', wires: [[]] },
      { id: 'out', type: 'helper' },
    );
    // Warm up once so Node-RED's own lasting timers are in the baseline; a per-deploy leak shows 50 times over.
    await helper.load(allNodes, flow);
    await helper.unload();
    const baseline = await settled(ourHandles());
    await helper.load(allNodes, flow);
    let answered = 0;
    for (let i = 0; i < 50; i++) {
      await helper.setFlows(flow, 'full');
      const out = collect('out');
      // Every deploy must work, not just survive: wait for one poll answer each time.
      await waitFor(() => out.length > 0, `a poll answer after deploy ${i + 1}`, 5000);
      assert.equal(out[0].payload, 42);
      answered++;
    }
    await helper.unload();
    assert.equal(answered, 50);
    const after = await settled(baseline);
    // Other suites' timers may expire meanwhile, so fewer is fine; one more of anything is a leak.
    for (const k of OURS) assert.ok(after[k] <= baseline[k], `${k}: ${after[k]} after 50 deploys, ${baseline[k]} before`);
    assert.equal(await canBind(port), true, 'the server port binds again at once');
  });

  describe('over a serial pty', () => {
    let pty: PtyPair | undefined;
    afterEach(async () => { await pty?.close(); pty = undefined; });

    it('redeploys an RTU server and client 20 times; the pty opens again afterwards', async () => {
      pty = await ptyPair();
      const flow: N[] = onTab(
        { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: pty.a, baudRate: 38400, memoryMap: '{"holdingRegisters":{"start":0,"values":[7]}}' },
        { id: 'c1', type: 'umodbus-client', transport: 'rtu', serialPath: pty.b, baudRate: 38400, timeout: 500 },
        { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 20, wires: [['out']] },
        { id: 'out', type: 'helper' },
      );
      await helper.load(allNodes, flow);
      for (let i = 0; i < 20; i++) {
        await helper.setFlows(flow, 'full');
        const out = collect('out');
        await waitFor(() => out.length > 0, `a poll answer after deploy ${i + 1}`, 5000);
        assert.equal(out[0].payload, 7);
      }
      await helper.unload();
      for (const path of [pty.a, pty.b]) {
        const port = new SerialPort({ path, baudRate: 38400, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
    });
  });
});
