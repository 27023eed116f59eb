/**
 * Issue 15, item 6 in a real browser: every file in examples/ imported into one Node-RED beside
 * the `npm start` demo flow and deployed with the Deploy button. No port clash, no "unused
 * configuration nodes" warning, no red status, and every example's read nodes green with the
 * values they read on its debug nodes' status. One screenshot per example.
 *
 * The files' own ports are mapped to free ones (distinct ports stay distinct, a shared port stays
 * shared, so a clash in the files is still a clash here), and example 05's serial paths to a socat
 * pty pair: other test runs on this machine may hold the real ports and /tmp/ttyA.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS } from './browser';
import { editNode, cancelAll, keepFailure, openEditor, openImport, type EditorSession } from './editor-page';
import { REPO, freePort } from './node-red-process';
import { ptyPair, type PtyPair } from '../nodes/real-io';
import { testPki } from '../fixtures/certs';

type N = Record<string, unknown> & { id: string; type: string; z?: string; wires?: string[][] };
const EXAMPLES = path.join(REPO, 'examples');

interface Example { file: string; tab: string; nodes: N[] }

async function allExamples(pty: PtyPair): Promise<Example[]> {
  const ports = new Map<number, number>();
  const out: Example[] = [];
  for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()) {
    const tab = `e2e-tab-${file.slice(0, 2)}`;
    const nodes = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as N[];
    for (const n of nodes) {
      if (n.z !== undefined) n.z = tab;
      if ((n.type === 'umodbus-server' || n.type === 'umodbus-client') && typeof n.port === 'number') {
        if (!ports.has(n.port)) ports.set(n.port, await freePort());
        n.port = ports.get(n.port);
      }
      if (n.serialPath === '/tmp/ttyA') n.serialPath = pty.a;
      if (n.serialPath === '/tmp/ttyB') n.serialPath = pty.b;
      // Example 08's instructions make its certificates in /tmp/umodbus-tls; the fixture's have the same names.
      if (n.type === 'tls-config') {
        for (const k of ['cert', 'key', 'ca']) if (typeof n[k] === 'string') n[k] = (n[k] as string).replace('/tmp/umodbus-tls/', `${testPki().dir}/`);
      }
    }
    out.push({ file, tab, nodes: [{ id: tab, type: 'tab', label: file.replace(/\.json$/, ''), disabled: false, info: '' }, ...nodes] });
  }
  return out;
}

describe('all examples imported together and deployed, in a real browser', function () {
  this.timeout(180000);
  let s: EditorSession;
  let pty: PtyPair | undefined;
  let examples: Example[] = [];

  before(async () => {
    s = await openEditor();
    pty = await ptyPair();
    examples = await allExamples(pty);
  });
  after(async () => {
    await s?.close();
    await pty?.close();
  });
  afterEach(async function () { await keepFailure(this.currentTest, s?.page); });

  it('imports every example file, deploys without an unused-config warning, and every server listens', async () => {
    const { page, nr } = s;
    assert.ok(examples.length >= 6, `${examples.length} examples`);
    await openImport(page, 'clipboard');
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(examples.flatMap((e) => e.nodes)));
    await page.press('#red-ui-clipboard-dialog-import-text', 'End');
    await page.locator('#red-ui-clipboard-dialog-ok').click({ timeout: 10000 });
    await page.waitForSelector('#red-ui-clipboard-dialog-ok', { state: 'hidden', timeout: 10000 });
    const conflict = page.locator('.red-ui-notification', { hasText: 'already exist in your workspace' });
    assert.equal(await conflict.count(), 0, 'no import-conflict prompt');

    // The import makes the workspace dirty a moment later; a click before that deploys nothing,
    // and the button's 'disabled' would then be the state before the deploy, not after it.
    await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)', { timeout: 10000 });
    await page.click('#red-ui-header-button-deploy');
    // A deploy the editor has doubts about stops at a notification instead of deploying.
    const warning = page.locator('.red-ui-notification', { hasText: /unused configuration nodes|not properly configured|unknown node types/ });
    const outcome = await Promise.race([
      page.waitForSelector('#red-ui-header-button-deploy.disabled', { timeout: 30000 }).then(() => 'deployed'),
      warning.first().waitFor({ timeout: 30000 }).then(() => 'warning'),
    ]);
    if (outcome === 'warning') assert.fail(`deploy warned: ${await warning.first().innerText()}`);
    assert.equal(await warning.count(), 0);

    const res = await fetch(`${nr.url}flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    const { flows } = (await res.json()) as { flows: N[] };
    const deployed = new Set(flows.map((n) => n.id));
    for (const e of examples) for (const n of e.nodes) assert.ok(deployed.has(n.id), `${e.file}: ${n.id} deployed`);
    assert.ok(deployed.has('d0-r1'), 'the demo flow is still there');
  });

  it('each example: no red status, read nodes green, and its debug nodes show the values read', async () => {
    const { page, nr } = s;
    for (const e of examples) {
      await page.evaluate((tab) => (globalThis as unknown as { RED: { workspaces: { show(id: string): void } } }).RED.workspaces.show(tab), e.tab);
      const reads = e.nodes.filter((n) => n.type === 'umodbus-read');
      assert.ok(reads.length > 0, `${e.file} has read nodes`);
      for (const r of reads) {
        await page.waitForSelector(`[id="${r.id}"] .red-ui-flow-node-status-dot-green`, { timeout: 30000 });
        // The debug node each read feeds shows what it read as its status.
        for (const d of (r.wires ?? []).flat()) {
          const debug = e.nodes.find((n) => n.id === d && n.type === 'debug');
          if (!debug) continue;
          await page.waitForFunction((id) => (document.querySelector(`[id="${id}"] .red-ui-flow-node-status-label`)?.textContent ?? '').trim() !== '', d, { timeout: 30000 });
        }
      }
      for (const n of e.nodes.filter((x) => x.type.startsWith('umodbus-') && x.z !== undefined)) {
        const red = page.locator(`[id="${n.id}"] .red-ui-flow-node-status-dot-red, [id="${n.id}"] .red-ui-flow-node-status-ring-red`);
        assert.equal(await red.count(), 0, `${e.file}: ${n.id} shows a red status: ${await page.locator(`[id="${n.id}"] .red-ui-flow-node-status-label`).textContent()}`);
      }
      // The import and deploy notifications would cover the top of the flow.
      await page.evaluate(() => document.querySelectorAll('.red-ui-notification').forEach((n) => n.remove()));
      await page.screenshot({ path: path.join(ARTIFACTS, `examples-together-${e.file.slice(0, 2)}.png`) });
    }
    assert.doesNotMatch(nr.output(), /EADDRINUSE|address already in use/i);
  });

  it('07: the SCADA write comes out of the route node and is stored: the setpoint reads back 55', async () => {
    const { page } = s;
    await page.evaluate(() => (globalThis as unknown as { RED: { workspaces: { show(id: string): void } } }).RED.workspaces.show('e2e-tab-07'));
    await page.locator('[id="ex07-d4"] .red-ui-flow-node-status-label', { hasText: /^\s*55\s*$/ }).waitFor({ timeout: 30000 });
    await page.locator('[id="ex07-d1"] .red-ui-flow-node-status-label', { hasText: 'fc: 6' }).waitFor({ timeout: 30000 });
    // The route node has two outputs: requests, and memory-map results.
    assert.equal(await page.locator('[id="ex07-rt1"] .red-ui-flow-port-output').count(), 2);
    await editNode(page, 'ex07-rt1', '#node-input-storeWrites');
    assert.equal(await page.locator('#node-input-storeWrites').isChecked(), true, 'the dialog shows "store writes" on');
    assert.equal(await page.locator('#node-input-functionCodes').inputValue(), '5,6,15,16');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-route-store-writes.png') });
    await cancelAll(page);
  });
});
