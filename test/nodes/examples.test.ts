/**
 * Every example in examples/ is loaded as Import > Examples would give it and run against the
 * real engines: the port is swapped for a free one, serial paths for a socat pty pair, and debug
 * nodes for helper nodes the test can watch.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allNodes, callsOf, collect, helper, node, waitFor } from './helpers';
import { freePort, ptyPair, type PtyPair } from './real-io';
import { fromNodeRed } from './node-red-runtime';
import { testPki } from '../fixtures/certs';

// Core nodes the examples use, loaded from the Node-RED that runs the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = (file: string): unknown => require(join(fromNodeRed('@node-red/nodes/package.json'), '..', 'core', file));
const coreNodes = [core('common/20-inject.js'), core('common/90-comment.js'), core('function/10-function.js'), core('common/25-catch.js'), core('network/05-tls.js')];

/** Where example 08's instructions make its certificates; the tests use the fixture's, of the same names. */
const EXAMPLE_PKI = '/tmp/umodbus-tls/';

type N = Record<string, unknown> & { id: string; type: string };
const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const exampleFiles = (): string[] => readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
const readExample = (f: string): N[] => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as N[];

function example(name: string, port: number, pty?: PtyPair): N[] {
  const nodes = JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as N[];
  const tabs = new Set(nodes.map((n) => n.z).filter((z): z is string => typeof z === 'string'));
  const swapped = nodes.map((n): N => {
    const m: N = { ...n };
    if (m.type === 'debug') return { id: m.id, type: 'helper', z: m.z, x: m.x, y: m.y };
    if (m.type === 'umodbus-client' || m.type === 'umodbus-server') m.port = port;
    if (pty && m.serialPath === '/tmp/ttyA') m.serialPath = pty.a;
    if (pty && m.serialPath === '/tmp/ttyB') m.serialPath = pty.b;
    if (m.type === 'tls-config') {
      for (const k of ['cert', 'key', 'ca']) if (typeof m[k] === 'string') m[k] = (m[k] as string).replace(EXAMPLE_PKI, `${testPki().dir}/`);
    }
    return m;
  });
  return [...[...tabs].map((id): N => ({ id, type: 'tab', label: name })), ...swapped];
}

describe('examples: node ids', () => {
  // Import > Examples keeps the file's ids: an id already in the workspace (another example, or
  // the demo flow `npm start` deploys) brings up Node-RED's import-conflict prompt.
  it('no two examples, and no example and the demo flow, share a node id', () => {
    const files = exampleFiles();
    assert.ok(files.length >= 6, `${files.length} examples`);
    const owner = new Map<string, string>();
    const demo = join(EXAMPLES, '..', 'scripts', 'demo-flow.json');
    const clashes: string[] = [];
    for (const [name, path] of [['demo flow', demo] as const, ...files.map((f) => [f, join(EXAMPLES, f)] as const)]) {
      const nodes = JSON.parse(readFileSync(path, 'utf8')) as N[];
      assert.ok(nodes.length > 3, `${name} has nodes`);
      for (const n of nodes) {
        const first = owner.get(n.id);
        if (first !== undefined) clashes.push(`${n.id}: ${first} and ${name}`);
        else owner.set(n.id, name);
      }
    }
    assert.deepEqual(clashes, []);
    // Each example's ids carry its number, so a new example cannot take another's by accident.
    for (const f of files) {
      const nodes = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as N[];
      for (const n of nodes) assert.ok(n.id.startsWith(`ex${f.slice(0, 2)}-`), `${f}: ${n.id}`);
    }
  });
});

describe('examples: side by side in one Node-RED (issue 15, item 6)', () => {
  // Every example may be imported into one workspace and deployed: each needs its own port, no
  // config node the editor calls unused, and room for its status labels.
  it('each example listens and connects on a port of its own, none on the demo flow\'s 5020', () => {
    const owner = new Map<number, string>();
    for (const f of exampleFiles()) {
      const ports = new Set(readExample(f).filter((n) => (n.type === 'umodbus-server' || n.type === 'umodbus-client') && n.transport !== 'rtu').map((n) => Number(n.port)));
      for (const p of ports) {
        assert.notEqual(p, 5020, `${f} uses the demo flow's port`);
        assert.equal(owner.get(p), undefined, `${f} and ${owner.get(p)} both use port ${p}`);
        owner.set(p, f);
      }
    }
    assert.ok(owner.size >= 5);
  });

  it('every config node is used by a flow node of its example (no "unused configuration nodes" warning)', () => {
    for (const f of exampleFiles()) {
      const nodes = readExample(f);
      const used = new Set(nodes.flatMap((n) => [n.client, n.server]).filter((v): v is string => typeof v === 'string'));
      for (const n of nodes.filter((c) => c.type === 'umodbus-client')) assert.ok(used.has(n.id), `${f}: ${n.id} is unused`);
    }
  });

  it('the server config node declares hasUsers: false, so a server without route nodes is not "unused"', () => {
    // It listens as soon as it is deployed (example 06's two sites have no route node).
    const html = readFileSync(join(__dirname, '..', '..', '..', 'nodes', 'umodbus-server.html'), 'utf8');
    assert.match(html, /registerType\('umodbus-server',\s*\{[^]*?hasUsers:\s*false/);
  });

  it('nodes that show a status have a free row under them (no status label over the next node)', () => {
    const shows = (n: N): boolean => n.type.startsWith('umodbus-') || (n.type === 'debug' && n.tostatus === true);
    for (const f of exampleFiles()) {
      const placed = readExample(f).filter((n) => typeof n.x === 'number' && typeof n.y === 'number' && n.type !== 'comment');
      for (const a of placed.filter(shows)) {
        for (const b of placed) {
          if (a === b) continue;
          const dx = Math.abs(Number(a.x) - Number(b.x));
          const dy = Number(b.y) - Number(a.y);
          // A status label hangs about 25 px under its node and runs right; a node below within 50 px is in its way.
          assert.ok(!(dx < 180 && dy >= 0 && dy < 50), `${f}: the status of ${a.id} runs into ${b.id}`);
        }
      }
    }
  });
});

describe('examples (real engines)', function () {
  this.timeout(20000);
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await helper.unload();
    await pty?.close();
    pty = undefined;
  });

  it('every example file is a flow with a comment node and only known node types', () => {
    const files = exampleFiles();
    assert.ok(files.length >= 6, `${files.length} examples`);
    const known = new Set(['comment', 'inject', 'debug', 'function', 'catch', 'tls-config', 'umodbus-client', 'umodbus-server', 'umodbus-read', 'umodbus-write', 'umodbus-server-route']);
    for (const f of files) {
      const nodes = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as N[];
      assert.ok(nodes.some((n) => n.type === 'comment'), `${f} has a comment`);
      for (const n of nodes) assert.ok(known.has(n.type), `${f}: ${n.type}`);
    }
  });

  async function run(name: string, debugId: string, count: number, withPty = false): Promise<Record<string, unknown>[]> {
    const port = await freePort();
    if (withPty) pty = await ptyPair();
    await helper.load([...coreNodes, ...allNodes], example(name, port, pty));
    const out = collect(debugId);
    await waitFor(() => out.length >= count, `${count} msgs at ${debugId}`, 10000);
    return out;
  }

  it('01 reads two float32 values', async () => {
    const out = await run('01 Read holding registers as float32', 'ex01-d1', 1);
    assert.deepEqual(out[0].payload, [21.5, -3.25]);
  });

  it('01 sets a new value into its simulator by msg.memory', async () => {
    const out = await run('01 Read holding registers as float32', 'ex01-d1', 1);
    const set = collect('ex01-d2');
    node('ex01-i2').receive({});
    await waitFor(() => set.length === 1, 'the set result');
    assert.equal(set[0].payload, 22.75);
    node('ex01-i1').receive({});
    await waitFor(() => out.some((m) => Array.isArray(m.payload) && m.payload[0] === 22.75), 'the new value read');
  });

  it('02 writes coils and reads them back; the device side sees the write and stores it', async () => {
    const port = await freePort();
    await helper.load([...coreNodes, ...allNodes], example('02 Write coils', port));
    const out = collect('ex02-d1');
    const written = collect('ex02-d2');
    await waitFor(() => out.length >= 1, 'the read back', 10000);
    assert.deepEqual(out[0].payload, [true, false, true]);
    assert.deepEqual(written.map((m) => m.payload), [{ unitId: 1, fc: 15, address: 0, quantity: 3, value: [true, false, true] }]);
    assert.equal(callsOf(node('ex02-rt1'), 'error').length, 0);
  });

  it('03 answers from the flow', async () => {
    const out = await run('03 Server answered from the flow', 'ex03-d1', 1);
    assert.deepEqual(out[0].payload, [1020, 1030, 1040]);
    assert.equal(callsOf(node('ex03-rt1'), 'error').length, 0);
  });

  it('04 simulates a device from its memory map', async () => {
    const out = await run('04 Memory-map simulator', 'ex04-d1', 3);
    const by = (fc: number): unknown => out.find((m) => (m.modbus as { fc: number }).fc === fc)?.payload;
    assert.deepEqual(by(3), [100, 200, 300, 400]);
    assert.deepEqual(by(4), [-1, 12]);
    assert.deepEqual(by(43), { vendorName: 'umodbus', productCode: 'SIM-1', majorMinorRevision: '1.0' });
  });

  it('07 mirrors a PLC: values set by the flow are read by SCADA, a SCADA write comes out and is stored', async () => {
    const port = await freePort();
    await helper.load([...coreNodes, ...allNodes], example('07 Mirror a PLC memory map', port));
    const temperature = collect('ex07-d2');
    const status = collect('ex07-d3');
    const setpoint = collect('ex07-d4');
    const writes = collect('ex07-d1');
    // The first polls may come before the first PLC cycle: the map starts at zero.
    await waitFor(() => temperature.some((m) => m.payload !== 0) && status.some((m) => (m.payload as boolean[])[0]), 'SCADA reads the PLC values', 10000);
    const t = temperature.find((m) => m.payload !== 0)?.payload as number;
    assert.ok(t >= 17.5 && t <= 22.5, `temperature ${t}`);
    await waitFor(() => writes.length === 1, 'the SCADA write at the route', 10000);
    assert.deepEqual(writes[0].payload, { unitId: 1, fc: 6, address: 0, quantity: 1, value: 55 });
    await waitFor(() => setpoint.some((m) => m.payload === 55), 'the stored setpoint read back', 10000);
    assert.equal(setpoint[0].payload, 50, 'the map\'s initial setpoint before the write');
    assert.equal(callsOf(node('ex07-rt1'), 'error').length, 0);
  });

  it('08 TLS with roles: the Operator writes and reads back, the Viewer reads, and its write is refused with 01', async () => {
    const out = await run('08 Modbus TCP Security with roles', 'ex08-d1', 1);
    assert.deepEqual(out[0].payload, [1234, 0]);
    const viewer = collect('ex08-d2');
    await waitFor(() => viewer.length === 1, 'the viewer read', 5000);
    assert.deepEqual(viewer[0].payload, [1234, 0]);
    const refused = collect('ex08-d3');
    node('ex08-i3').receive({});
    await waitFor(() => refused.length === 1, 'the refusal', 5000);
    assert.equal((refused[0].error as { code: string }).code, 'EMODBUS_EXCEPTION');
    assert.match((refused[0].error as { message: string }).message, /exception 1 \(ILLEGAL FUNCTION\)/);
  });

  it('05 reads three RTU unit ids over one serial line', async () => {
    const out = await run('05 Several RTU unit ids on one serial port', 'ex05-d1', 3, true);
    assert.deepEqual(out.map((m) => (m.modbus as { unitId: number }).unitId).sort(), [1, 2, 3]);
    for (const m of out) assert.deepEqual(m.payload, [11, 12]);
  });
});
