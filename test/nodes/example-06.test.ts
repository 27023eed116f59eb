/**
 * Example 06 (issue 15, item 6), as Import > Examples gives it, on the real engines: its two
 * embedded servers on free ports in place of 5026 and 5028, and 5029 on a port where nothing
 * listens. The injects move the link and steer the poll.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allNodes, collect, helper, node, statusArgs, waitFor } from './helpers';
import { freePort } from './real-io';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = (file: string): unknown => require(join(require.resolve('@node-red/nodes/package.json'), '..', 'core', file));
const coreNodes = [core('common/20-inject.js'), core('common/90-comment.js')];

type N = Record<string, unknown> & { id: string; type: string };
const FILE = join(__dirname, '..', '..', '..', 'examples', '06 Switch the link at runtime.json');

describe('example 06: switch the link at runtime (real engines)', function () {
  this.timeout(20000);
  afterEach(async () => { await helper.unload(); });

  it('reads site A, switches to site B and to a site that refuses, and stops the poll', async () => {
    const ports = new Map([[5026, await freePort()], [5028, await freePort()], [5029, await freePort()]]);
    const raw = readFileSync(FILE, 'utf8').replace(/(\\?"port\\?"\s*:\s*)(502[6-9])/g, (_m, key: string, p: string) => `${key}${ports.get(Number(p))}`);
    const nodes = JSON.parse(raw) as N[];
    assert.ok(nodes.every((n) => n.id.startsWith('ex06-switch-')), 'ids of its own');
    const flow: N[] = [{ id: 'umodbus-example', type: 'tab', label: '06' }, ...nodes.map((n) => (n.type === 'debug' ? { id: n.id, type: 'helper', z: n.z } : n))];
    await helper.load([...coreNodes, ...allNodes], flow);
    const out = collect('ex06-switch-d1');
    await waitFor(() => out.length >= 1, 'the first poll, on site A', 8000);
    assert.deepEqual(out[0].payload, [111, 112]);

    node('ex06-switch-i2').receive({});
    await waitFor(() => out.some((m) => JSON.stringify(m.payload) === '[221,222]'), 'site B', 8000);
    const b = ports.get(5028);
    await waitFor(() => statusArgs(node('ex06-switch-r1')).some((s) => s.fill === 'green' && s.text === `127.0.0.1:${b}`), 'status names site B', 5000);

    node('ex06-switch-i3').receive({});
    const c = ports.get(5029);
    await waitFor(() => statusArgs(node('ex06-switch-r1')).some((s) => s.fill === 'red' && s.text === `refused by 127.0.0.1:${c}`), 'refused by site C', 8000);

    node('ex06-switch-i4').receive({});
    await waitFor(() => statusArgs(node('ex06-switch-r1')).at(-1)?.text === 'stopped', 'stopped', 5000);
  });
});
