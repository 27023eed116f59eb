/**
 * Every example in examples/ is loaded as Import > Examples would give it and run against the
 * real engines: the port is swapped for a free one, serial paths for a socat pty pair, and debug
 * nodes for helper nodes the test can watch.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allNodes, callsOf, collect, helper, node, waitFor } from './helpers';
import { freePort, ptyPair, type PtyPair, enginesPresent } from './real-io';
import { fromNodeRed } from './node-red-runtime';

// Core nodes the examples use, loaded from the Node-RED that runs the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = (file: string): unknown => require(join(fromNodeRed('@node-red/nodes/package.json'), '..', 'core', file));
const coreNodes = [core('common/20-inject.js'), core('common/90-comment.js'), core('function/10-function.js')];

type N = Record<string, unknown> & { id: string; type: string };
const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

function example(name: string, port: number, pty?: PtyPair): N[] {
  const nodes = JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as N[];
  const tabs = new Set(nodes.map((n) => n.z).filter((z): z is string => typeof z === 'string'));
  const swapped = nodes.map((n): N => {
    const m: N = { ...n };
    if (m.type === 'debug') return { id: m.id, type: 'helper', z: m.z, x: m.x, y: m.y };
    if (m.port === 5020) m.port = port;
    if (pty && m.serialPath === '/tmp/ttyA') m.serialPath = pty.a;
    if (pty && m.serialPath === '/tmp/ttyB') m.serialPath = pty.b;
    return m;
  });
  return [...[...tabs].map((id): N => ({ id, type: 'tab', label: name })), ...swapped];
}

describe('examples: node ids', () => {
  // Import > Examples keeps the file's ids: an id already in the workspace (another example, or
  // the demo flow `npm start` deploys) brings up Node-RED's import-conflict prompt.
  it('no two examples, and no example and the demo flow, share a node id', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
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

describe('examples (real engines)', function () {
  this.timeout(20000);
  before(function () { if (!enginesPresent()) this.skip(); });
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await helper.unload();
    await pty?.close();
    pty = undefined;
  });

  it('every example file is a flow with a comment node and only known node types', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 6, `${files.length} examples`);
    const known = new Set(['comment', 'inject', 'debug', 'function', 'umodbus-client', 'umodbus-server', 'umodbus-read', 'umodbus-write', 'umodbus-server-route']);
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

  it('02 writes coils and reads them back', async () => {
    const out = await run('02 Write coils', 'ex02-d1', 1);
    assert.deepEqual(out[0].payload, [true, false, true]);
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

  it('05 reads three RTU unit ids over one serial line', async () => {
    const out = await run('05 Several RTU unit ids on one serial port', 'ex05-d1', 3, true);
    assert.deepEqual(out.map((m) => (m.modbus as { unitId: number }).unitId).sort(), [1, 2, 3]);
    for (const m of out) assert.deepEqual(m.payload, [11, 12]);
  });
});
