/**
 * The umodbus-client dialog's port picker in a real Chromium against a real Node-RED: the
 * search button fills the serial path's suggestions from the admin endpoint, marking ports the
 * Node-RED user cannot open; with none it says so.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { listSerialPorts } from '../../src/nodes/common/serial-ports';
import { startNodeRed, type RunningNodeRed } from './node-red-child';

describe('umodbus-client port picker in a real browser', function () {
  this.timeout(120000);
  let nr: RunningNodeRed | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  let userDir: string;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'umodbus-nodes-picker-'));
    nr = await startNodeRed(userDir);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette-container', { timeout: 60000 });
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    rmSync(userDir, { recursive: true, force: true });
  });

  it('lists the machine\'s serial ports as suggestions for the serial path', async () => {
    await page.evaluate(() => (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig('', 'umodbus-client', '_ADD_'));
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    await page.selectOption('#node-config-input-transport', 'rtu');
    await page.waitForSelector('#node-config-umodbus-client-ports', { state: 'visible' });
    assert.equal(await page.isVisible('#node-config-input-host'), false, 'TCP fields hide for a serial transport');
    await page.click('#node-config-umodbus-client-ports');
    const ports = await listSerialPorts();
    if (ports.length > 0) {
      await page.waitForFunction((n) => document.querySelectorAll('#node-config-umodbus-client-portlist option').length === n, ports.length, { timeout: 10000 });
      const options = await page.$$eval('#node-config-umodbus-client-portlist option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
      assert.deepEqual(options.map((o) => o.value), ports.map((p) => p.path));
      for (const [i, p] of ports.entries()) assert.equal(options[i].label.includes('no access'), !(p.readable && p.writable), options[i].label);
    } else {
      await page.waitForFunction(() => document.getElementById('node-config-umodbus-client-porttip')?.textContent === 'no serial ports found', undefined, { timeout: 10000 });
    }
    const tip = await page.textContent('#node-config-umodbus-client-porttip');
    assert.notEqual(tip, 'could not list serial ports');
  });
});
