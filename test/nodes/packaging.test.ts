/**
 * Loader rules and i18n wiring: package.json points at built files with the editor .html,
 * locales and icons beside them, every i18n key the editor or the status uses exists in en-US
 * and de, and Node-RED's own registry loads the package.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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

  it('Node-RED\'s registry finds the node set, its icons and examples', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const localfilesystem = require(join(require.resolve('@node-red/registry/package.json'), '..', 'lib', 'localfilesystem.js')) as {
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
    assert.ok(readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).length >= 6, 'every example ships');
  });
});
