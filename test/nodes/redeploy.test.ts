/**
 * Redeploy the same flows 50 times while a client polls, over TCP and over a serial pty.
 * Afterwards none of ours is left: no sockets, servers or timers (the process's active
 * handles), no open file descriptors on the pty, no extra listeners on process or on
 * Node-RED's runtime events; the server port binds again at once, and the pty reopens.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readlinkSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { allNodes, collect, delay, helper, onTab, waitFor, serverLink } from './helpers';
import { canBind, freePort, handleCounts, ptyPair, type PtyPair } from './real-io';
import { fromNodeRed } from './node-red-runtime';

type N = Record<string, unknown> & { id: string; type: string };

// Node-RED's runtime event bus (RED.events): the emitter nodes and the runtime share.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeEvents = (require(fromNodeRed('@node-red/util')) as { events: NodeJS.EventEmitter }).events;

/** Handle kinds our nodes can create (sockets, servers, timers, pipes); others belong to mocha or stdio. */
const OURS = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'TTYWrap', 'FSReqCallback', 'ProcessWrap'];

interface Snapshot {
  handles: Record<string, number>;
  /** File descriptors of this process open on the given paths (the pty ends). */
  fds: number;
  listeners: Record<string, number>;
}

function fdsOn(paths: string[]): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (paths.includes(readlinkSync(`/proc/self/fd/${fd}`))) n++;
    } catch { /* closed while listing */ }
  }
  return n;
}

function listeners(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, emitter] of [['process', process], ['RED.events', runtimeEvents]] as const) {
    for (const e of emitter.eventNames()) out[`${name}:${String(e)}`] = emitter.listenerCount(e);
  }
  return out;
}

function snapshot(paths: string[]): Snapshot {
  const all = handleCounts();
  return { handles: Object.fromEntries(OURS.map((k) => [k, all[k] ?? 0])), fds: fdsOn(paths), listeners: listeners() };
}

/** Closed sockets and fds leave on later turns of the loop: wait a bounded while for the counts to fall back. */
async function settled(baseline: Snapshot, paths: string[]): Promise<Snapshot> {
  let now = snapshot(paths);
  const above = (s: Snapshot): boolean => OURS.some((k) => s.handles[k] > baseline.handles[k]) || s.fds > baseline.fds;
  for (let i = 0; i < 100 && above(now); i++) {
    await delay(20);
    now = snapshot(paths);
  }
  return now;
}

function assertNoLeak(after: Snapshot, baseline: Snapshot): void {
  // Other suites' timers may expire meanwhile, so fewer is fine; one more of anything is a leak.
  for (const k of OURS) assert.ok(after.handles[k] <= baseline.handles[k], `${k}: ${after.handles[k]} after 50 deploys, ${baseline.handles[k]} before`);
  assert.equal(after.fds, baseline.fds, 'file descriptors on the pty');
  for (const [k, n] of Object.entries(after.listeners)) assert.ok(n <= (baseline.listeners[k] ?? 0), `${k}: ${n} listeners after, ${baseline.listeners[k] ?? 0} before`);
}

/**
 * Warm up once (Node-RED's own lasting timers and listeners go into the baseline, and a
 * per-deploy leak shows 50 times over), then deploy `flow` 50 times, each time waiting for a
 * poll answer so every deploy has to work, not just survive.
 */
async function deploy50(flow: N[], want: unknown, paths: string[]): Promise<{ baseline: Snapshot; after: Snapshot }> {
  await helper.load(allNodes, flow);
  await helper.unload();
  const baseline = await settled(snapshot(paths), paths);
  await helper.load(allNodes, flow);
  for (let i = 0; i < 50; i++) {
    await helper.setFlows(flow, 'full');
    const out = collect('out');
    await waitFor(() => out.length > 0, `a poll answer after deploy ${i + 1}`, 5000);
    assert.equal(out[0].payload, want, `deploy ${i + 1}`);
  }
  await helper.unload();
  return { baseline, after: await settled(baseline, paths) };
}

describe('redeploy (real engines)', function () {
  this.timeout(180000);
  afterEach(async () => { await helper.unload(); });

  it('deploys a TCP server, a route and a polling client 50 times without leaking, and releases the port', async () => {
    const port = await freePort();
    const flow: N[] = onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{"holdingRegisters":{"start":0,"values":[42]}}' },
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 500, reconnectMin: 10, reconnectMax: 50 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 10, wires: [['out']] },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 1, wires: [[]] },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '4', wires: [[]] },
      { id: 'out', type: 'helper' },
    );
    const { baseline, after } = await deploy50(flow, 42, []);
    assertNoLeak(after, baseline);
    assert.equal(await canBind(port), true, 'the server port binds again at once');
  });

  it('redeploying, disabling and removing one read node leaves another polling on the same connection', async () => {
    const port = await freePort();
    const base: N[] = onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{"holdingRegisters":{"start":0,"values":[5,6]}}' },
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 500 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 20, wires: [['out']] },
      { id: 'r2', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 1, quantity: 1, pollInterval: 20, wires: [['out2']] },
      { id: 'out', type: 'helper' }, { id: 'out2', type: 'helper' },
    );
    const edit = (change: (n: N) => N | undefined): N[] => base.map((n) => (n.id === 'r2' ? change(n) : n)).filter((n): n is N => n !== undefined);
    await helper.load(allNodes, base);
    const out = collect('out');
    await waitFor(() => out.length > 0, 'r1 polls', 5000);
    const server = serverLink('s1');
    assert.equal(server?.counters()?.connections, 1);
    for (const [what, flow] of [
      ['r2 changed', edit((n) => ({ ...n, address: 0 }))],
      ['r2 disabled', edit((n) => ({ ...n, d: true }))],
      ['r2 removed', edit(() => undefined)],
    ] as const) {
      await helper.setFlows(flow, 'nodes');
      const before = out.length;
      await waitFor(() => out.length >= before + 5, `r1 keeps polling after ${what}`, 5000);
      assert.equal(server?.counters()?.connections, 1, `${what}: still the one connection`);
      assert.ok(out.slice(before).every((m) => m.payload === 5), what);
    }
  });

  describe('over a serial pty', () => {
    let pty: PtyPair | undefined;
    afterEach(async () => { await pty?.close(); pty = undefined; });

    it('deploys an RTU server and a polling client 50 times without leaking; the pty opens again afterwards', async () => {
      pty = await ptyPair();
      const flow: N[] = onTab(
        { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: pty.a, baudRate: 115200, memoryMap: '{"holdingRegisters":{"start":0,"values":[7]}}' },
        { id: 'c1', type: 'umodbus-client', transport: 'rtu', serialPath: pty.b, baudRate: 115200, timeout: 500, reconnectMin: 10, reconnectMax: 50 },
        { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, pollInterval: 20, wires: [['out']] },
        { id: 'out', type: 'helper' },
      );
      const paths = [pty.a, pty.b];
      const { baseline, after } = await deploy50(flow, 7, paths);
      assert.equal(baseline.fds, 0, 'nothing holds the pty before');
      assertNoLeak(after, baseline);
      for (const path of paths) {
        const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
        await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
        assert.equal(fdsOn([path]), 1, `${path} opens again`);
        await new Promise<void>((resolve) => port.close(() => resolve()));
      }
    });
  });
});
