/**
 * Issue 15 in the editor, in a real Chromium against a real Node-RED: the client's "Allow
 * msg.connection" box, the read node's "split large reads" box (shown for FC 1-4, and a
 * quantity above one request valid only with it), and the status words as the editor draws
 * them ("refused by 127.0.0.1:<port>" survives the editor's attempt to translate it).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { startNodeRed, type RunningNodeRed } from './node-red-child';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };
type Red = {
  RED: {
    editor: { edit(n: unknown): void; editConfig(n: string, t: string, id: string): void };
    nodes: { node(id: string): (Record<string, unknown> & { valid?: boolean }) | null };
  };
};

function flows(closedPort: number): N[] {
  const at = (n: N, i: number): N => ({ z: 'tab', x: 150 + 220 * i, y: 100, wires: [[]], ...n });
  return [
    { id: 'tab', type: 'tab', label: 'issue 15' },
    // Nothing listens on closedPort: the read node's status shows the refusal in words.
    { id: 'c15', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: closedPort, reconnectMin: 500, reconnectMax: 500 },
    {
      id: 'c15-spare', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: closedPort, serialPath: '', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1,
      interFrameDelay: '', timeout: 1000, retries: 0, maxInFlight: 1, queueLimit: 1000, reconnectMin: 100, reconnectMax: 10000, turnaround: 100, version: 1,
    },
    at({ id: 'r15-refused', type: 'umodbus-read', client: 'c15', unitId: 1, fc: 3, address: 0, quantity: 1 }, 0),
    at({ id: 'r15-split', type: 'umodbus-read', client: 'c15', unitId: 1, fc: 3, address: 0, quantity: 300, splitReads: true }, 1),
    at({ id: 'r15-nosplit', type: 'umodbus-read', client: 'c15', unitId: 1, fc: 3, address: 0, quantity: 300 }, 2),
  ];
}

describe('editor: issue 15 settings and status words in a real browser', function () {
  this.timeout(120000);
  let nr: RunningNodeRed | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  let userDir: string;
  let closedPort: number;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'umodbus-nodes-editor15-'));
    closedPort = await freePort();
    nr = await startNodeRed(userDir, {}, flows(closedPort));
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette-container', { timeout: 60000 });
    await page.waitForSelector('[id="r15-refused"]', { timeout: 30000 });
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    rmSync(userDir, { recursive: true, force: true });
  });

  it('draws the refused link in words, host and port whole', async () => {
    const want = `refused by 127.0.0.1:${closedPort}`;
    await page.waitForFunction((text) => document.querySelector('[id="r15-refused"] .red-ui-flow-node-status-label')?.textContent === text, want, { timeout: 15000 });
  });

  it('the client dialog has "Allow msg.connection", off for a new client, and saves it', async () => {
    await page.evaluate(() => (window as unknown as Red).RED.editor.editConfig('', 'umodbus-client', '_ADD_'));
    await page.waitForSelector('#node-config-input-allowConnection', { state: 'visible' });
    assert.equal(await page.isChecked('#node-config-input-allowConnection'), false, 'off by default');
    assert.match(await page.textContent('label[for="node-config-input-allowConnection"]') ?? '', /Allow msg\.connection/);
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });

    await page.evaluate(() => (window as unknown as Red).RED.editor.editConfig('', 'umodbus-client', 'c15-spare'));
    await page.waitForSelector('#node-config-input-allowConnection', { state: 'visible' });
    await page.check('#node-config-input-allowConnection');
    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });
    const saved = await page.evaluate(() => (window as unknown as Red).RED.nodes.node('c15-spare')?.allowConnection);
    assert.equal(saved, true);
  });

  it('the read dialog shows "split large reads" for FC 1-4 only; 300 registers are valid with it and invalid without', async () => {
    const valid = await page.evaluate(() => ['r15-split', 'r15-nosplit'].map((id) => (window as unknown as Red).RED.nodes.node(id)?.valid));
    assert.deepEqual(valid, [true, false]);
    const triangle = await page.evaluate(() => ['r15-split', 'r15-nosplit'].map((id) => {
      const t = document.getElementById(id)?.querySelector('.red-ui-flow-node-error');
      return !!t && !t.classList.contains('hide');
    }));
    assert.deepEqual(triangle, [false, true]);

    await page.evaluate(() => { const r = (window as unknown as Red).RED; r.editor.edit(r.nodes.node('r15-nosplit')); });
    await page.waitForSelector('#node-input-splitReads', { state: 'visible' });
    assert.equal(await page.isChecked('#node-input-splitReads'), false);
    assert.match(await page.textContent('label[for="node-input-splitReads"]') ?? '', /Split large reads/);
    await page.selectOption('#node-input-fc', '7');
    assert.equal(await page.isVisible('#node-input-splitReads'), false, 'hidden for FC 7');
    await page.selectOption('#node-input-fc', '1');
    assert.equal(await page.isVisible('#node-input-splitReads'), true, 'shown for FC 1');
    await page.selectOption('#node-input-fc', '3');
    await page.check('#node-input-splitReads');
    await page.click('#node-dialog-ok');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });
    const after = await page.evaluate(() => { const n = (window as unknown as Red).RED.nodes.node('r15-nosplit'); return [n?.splitReads, n?.valid]; });
    assert.deepEqual(after, [true, true], 'ticked, 300 registers are valid');
  });
});
