/**
 * Loader rules and i18n wiring: package.json points at built files with the editor .html,
 * locales and icons beside them, every i18n key the editor or the status uses exists in en-US
 * and de, and Node-RED's own registry loads the package. Then the package as published: the
 * tarball of `npm pack`, installed by npm into a fresh Node-RED user directory, loads there.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fromNodeRed, nodeRedDir, nodeRedVersion } from './node-red-runtime';
import { startNodeRed, type RunningNodeRed } from './node-red-child';
import { freePort } from './real-io';
import { helper } from './helpers';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
const TYPES = ['umodbus-client', 'umodbus-server', 'umodbus-read', 'umodbus-write', 'umodbus-server-route'];

function lookup(catalog: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), catalog);
}

function catalog(lang: string, type: string): unknown {
  return JSON.parse(readFileSync(join(root, 'dist', 'src', 'nodes', 'locales', lang, `${type}.json`), 'utf8'));
}

describe('nodes: packaging and i18n', () => {
  it('package.json maps every node type to a built file with its html, locales and icon beside it', () => {
    assert.deepEqual(Object.keys(pkg['node-red'].nodes).sort(), [...TYPES].sort());
    for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.equal(file, `dist/src/nodes/${type}.js`);
      assert.ok(existsSync(join(root, file)), file);
      const html = readFileSync(join(root, 'dist', 'src', 'nodes', `${type}.html`), 'utf8');
      assert.match(html, new RegExp(`registerType\\('${type}'`));
      assert.match(html, new RegExp(`data-template-name="${type}"`));
      assert.match(html, new RegExp(`data-help-name="${type}"`));
      for (const lang of ['en-US', 'de']) assert.ok(existsSync(join(root, 'dist', 'src', 'nodes', 'locales', lang, `${type}.json`)), `${lang}/${type}`);
      assert.ok(existsSync(join(root, 'dist', 'src', 'nodes', 'icons', `${type}.svg`)), `icon for ${type}`);
      if (type !== 'umodbus-client' && type !== 'umodbus-server') assert.match(html, /category: 'modbus'/);
    }
  });

  it('every data-i18n and this._ key of the editor exists in en-US and de', () => {
    for (const type of TYPES) {
      const html = readFileSync(join(root, 'nodes', `${type}.html`), 'utf8');
      const keys = new Set<string>();
      for (const m of html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)) keys.add(m[1]);
      for (const m of html.matchAll(/_\('([^']+)'\)/g)) keys.add(m[1]);
      assert.ok(keys.size > 5, `${type} uses i18n`);
      for (const key of keys) {
        for (const lang of ['en-US', 'de']) assert.equal(typeof lookup(catalog(lang, type), key), 'string', `${lang} ${type}: ${key}`);
      }
    }
  });

  it('the de catalogs have exactly the keys of the en-US ones', () => {
    const keys = (o: unknown, at = ''): string[] => Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${at}${k}.`) : [`${at}${k}`]));
    for (const type of TYPES) assert.deepEqual(keys(catalog('de', type)).sort(), keys(catalog('en-US', type)).sort(), type);
  });

  it('every status key the runtime uses exists in the shared catalog', () => {
    const kinds = ['config', 'listening', 'timeout', 'queue-full', 'bad-msg', 'closed', 'connection-lost', 'unit-unavailable', 'connect-failed', 'broadcast-read', 'skipped', 'error', 'no-config', 'line-lost'];
    for (const lang of ['en-US', 'de']) {
      for (const k of kinds) assert.equal(typeof lookup(catalog(lang, 'umodbus-client'), `umodbus.status.${k}`), 'string', `${lang} ${k}`);
    }
  });

  it(`the test helper drives the Node-RED under test (${nodeRedVersion}), not whichever node-red resolves first`, () => {
    // The helper loads the dev dependency when it is constructed; helpers.ts's init must replace it.
    const red = (helper as unknown as { _RED: { version(): string } })._RED;
    assert.match(red.version(), new RegExp(`^${nodeRedVersion.replace(/\./g, '\\.')}(-git)?$`));
    assert.equal(dirname(fromNodeRed('@node-red/runtime/package.json')).startsWith(join(nodeRedDir, '..')), true);
  });

  it('Node-RED\'s registry finds the node set, its icons and examples', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const localfilesystem = require(join(fromNodeRed('@node-red/registry/package.json'), '..', 'lib', 'localfilesystem.js')) as {
      init(settings: Record<string, unknown>): void;
      getNodeFiles(disableNodePathScan: boolean): Record<string, { nodes: Record<string, { file: string }>; icons: { path: string; icons: string[] }[]; examples?: { path: string }; resources?: { path: string } }>;
    };
    // Scan the checkout the way `nodesDir` in settings.js would; no core nodes, no user dir.
    localfilesystem.init({ coreNodesDir: '', nodesDir: [root] });
    const found = localfilesystem.getNodeFiles(false)['@umodbus/node-red'];
    assert.ok(found, 'the package is a Node-RED module');
    assert.deepEqual(Object.keys(found.nodes).sort(), [...TYPES].sort());
    assert.equal(found.examples?.path, join(root, 'examples'));
    // The editor code every .html loads from resources/@umodbus/node-red/; npm must ship it.
    assert.equal(found.resources?.path, join(root, 'resources'));
    assert.ok(existsSync(join(root, 'resources', 'umodbus-editor.js')));
    assert.ok((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files.includes('resources'), 'package.json files ships resources/');
    for (const type of TYPES) assert.match(readFileSync(join(root, 'nodes', `${type}.html`), 'utf8'), /^<script type="text\/javascript" src="resources\/@umodbus\/node-red\/umodbus-editor.js"><\/script>/, type);
    assert.deepEqual(found.icons.flatMap((i) => i.icons).sort(), TYPES.map((t) => `${t}.svg`).sort());
    assert.ok(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).length >= 7, 'every example ships');
  });
});

describe('nodes: the tarball npm would publish, installed into a fresh user directory', function () {
  // npm fetches serialport and its dependencies from the registry (or its cache): the one network use.
  this.timeout(240000);
  let dir = '';
  let userDir = '';
  let installed = '';
  let installLog = '';
  let published: { scripts?: Record<string, string> } = {};
  let red: RunningNodeRed | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'umodbus-tarball-'));
    // --ignore-scripts: prepack would rebuild dist/ (rm -rf first) under these running tests;
    // `npm test` has just built it.
    const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as { filename: string }[];
    const tarball = join(dir, packed[0].filename);
    assert.ok(existsSync(tarball), tarball);
    // A user directory as Node-RED's install script leaves it: a package.json, nothing installed.
    userDir = join(dir, 'user');
    mkdirSync(userDir);
    writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }));
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: userDir, encoding: 'utf8' });
    installLog = `${npm.stdout}${npm.stderr}`;
    assert.equal(npm.status, 0, installLog);
    installed = join(userDir, 'node_modules', '@umodbus', 'node-red');
    published = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as typeof published;
  });

  after(async () => {
    await red?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no install-time script, so npm has nothing of ours to run or flag (scripts/ is not shipped)', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(published.scripts?.[hook], undefined, `the published package.json has no ${hook} script`);
    assert.ok(!existsSync(join(installed, 'scripts')), 'scripts/ is not in the tarball');
    // npm 11 lists the install scripts it did not run; serialport's binding may be listed, we may not.
    assert.doesNotMatch(installLog, /@umodbus\/node-red@[^\s]* \(/, installLog);
  });

  it('brings serialport\'s prebuilt bindings for a Raspberry Pi (linux-arm, linux-arm64), and the one for this machine loads', () => {
    const serialportDir = dirname(require.resolve('serialport/package.json', { paths: [installed] }));
    const bindingsDir = dirname(require.resolve('@serialport/bindings-cpp/package.json', { paths: [serialportDir] }));
    assert.ok(bindingsDir.startsWith(userDir), `${bindingsDir} is the user directory's own`);
    const prebuilds = join(bindingsDir, 'prebuilds');
    // node-gyp-build picks prebuilds/<platform>-<arch>/ and the file tagged with the ARM version:
    // armv6 (Pi Zero, Pi 1), armv7 (32-bit Raspberry Pi OS on Pi 2 to 5), armv8 (64-bit).
    const want = {
      'linux-arm': ['@serialport+bindings-cpp.armv6.glibc.node', '@serialport+bindings-cpp.armv7.glibc.node'],
      'linux-arm64': ['@serialport+bindings-cpp.armv8.glibc.node'],
      'linux-x64': ['@serialport+bindings-cpp.glibc.node'],
    };
    for (const [platform, files] of Object.entries(want)) {
      const have = existsSync(join(prebuilds, platform)) ? readdirSync(join(prebuilds, platform)) : [];
      for (const f of files) assert.ok(have.includes(f), `${platform}/${f} in ${have.join(', ')}`);
    }
    // No compiler ran (npm did not run the binding's install script): the prebuild itself loads and lists ports.
    assert.ok(!existsSync(join(bindingsDir, 'build')), 'nothing was compiled');
    const listed = execFileSync(process.execPath, ['-e', "require('serialport').SerialPort.list().then((l) => console.log(JSON.stringify(l)))"], { cwd: installed, encoding: 'utf8' });
    assert.ok(Array.isArray(JSON.parse(listed)), listed);
  });

  it(`Node-RED (${nodeRedVersion}) loads the five nodes from the user directory, and the installed example 01 reads its values`, async () => {
    const exampleFile = readdirSync(join(installed, 'examples')).find((f) => f.startsWith('01 '));
    assert.ok(exampleFile, 'example 01 is installed');
    const port = await freePort();
    const example = (JSON.parse(readFileSync(join(installed, 'examples', exampleFile), 'utf8')) as Record<string, unknown>[])
      .map((n) => (n.port === 5021 ? { ...n, port } : n)) // example 01's own server and its client
      .map((n) => (n.type === 'debug' ? { ...n, console: true } : n));
    const tab = { id: example.find((n) => typeof n.z === 'string')?.z, type: 'tab', label: 'example 01' };
    // nodesDir: [] so only the user directory's node_modules holds @umodbus/node-red; debug to console at info.
    red = await startNodeRed(userDir, { nodesDir: [], logging: { console: { level: 'info', metrics: false, audit: false } } }, [tab, ...example]);
    assert.match(red.log(), new RegExp(`Node-RED version: v${nodeRedVersion.replace(/\./g, '\\.')}\\b`), 'the Node-RED under test started');
    assert.match(red.log(), new RegExp(`Node\\.js  version: ${process.version.replace(/\./g, '\\.')}\\b`), 'on the Node.js running the tests');
    const sets = (await (await fetch(`${red.url}/nodes`, { headers: { Accept: 'application/json' } })).json()) as { module: string; types: string[]; enabled: boolean; err?: unknown; version?: string }[];
    const ours = sets.filter((s) => s.module === '@umodbus/node-red');
    assert.deepEqual(ours.flatMap((s) => s.types).sort(), [...TYPES].sort(), JSON.stringify(sets.map((s) => s.module)));
    for (const set of ours) {
      assert.equal(set.enabled, true);
      assert.equal(set.err, undefined, JSON.stringify(set.err));
    }
    // The debug node of example 01 prints the two float32 values the example's own server holds.
    const until = Date.now() + 20000;
    while (!/\[debug:values\][^[]*\[\s*21\.5,\s*-3\.25\s*\]/.test(red.log())) {
      if (Date.now() > until) throw new Error(`no values read:\n${red.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
