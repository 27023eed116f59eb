/**
 * The Node-RED the tests run against. By default the dev dependency (Node-RED 4.1, the pair
 * Node 20 + Node-RED 4.1); UMODBUS_NODE_RED names the directory of another installed `node-red`
 * package, which scripts/second-runtime.sh sets to the Node-RED 5 it installed, so the same suites
 * run on the pair Node 22 + Node-RED 5. Everything the tests take from Node-RED (the runtime the
 * test helper drives, red.js for child processes, @node-red/* internals) comes from here, never from
 * a bare require.resolve that would silently find the dev dependency instead.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = join(__dirname, '..', '..', '..');

export const nodeRedDir = process.env.UMODBUS_NODE_RED
  ? resolve(process.env.UMODBUS_NODE_RED)
  : dirname(require.resolve('node-red/package.json', { paths: [root] }));

const nodeRedPkg = JSON.parse(readFileSync(join(nodeRedDir, 'package.json'), 'utf8')) as { name: string; version: string; main: string; engines?: { node?: string } };
if (nodeRedPkg.name !== 'node-red') throw new Error(`UMODBUS_NODE_RED=${nodeRedDir} is not a node-red package`);

export const nodeRedVersion = nodeRedPkg.version;
export const nodeRedEngines = nodeRedPkg.engines?.node ?? '';

/** The runtime module (what `require('node-red')` gives), for node-red-node-test-helper's init. */
export const nodeRedMain = join(nodeRedDir, nodeRedPkg.main);

/** red.js, the command line entry that `node-red` runs. */
export const nodeRedCli = join(nodeRedDir, 'red.js');

/** Resolve a module as this Node-RED resolves it: @node-red/nodes, @node-red/registry, semver... */
export function fromNodeRed(id: string): string {
  return require.resolve(id, { paths: [nodeRedDir] });
}
