import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, launchBrowser } from './browser';
import { startNodeRed, type RunningNodeRed } from './node-red-process';

describe('editor in a real browser (npm start setup)', function () {
  this.timeout(120000);
  let nr: RunningNodeRed;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    nr = await startNodeRed();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette-container', { timeout: 60000 });
  });

  after(async () => {
    await browser?.close();
    await nr?.stop();
    if (nr) fs.rmSync(nr.userDir, { recursive: true, force: true });
  });

  it('loads the editor with the palette', async () => {
    await page.screenshot({ path: path.join(ARTIFACTS, 'editor.png') });
    const title = await page.title();
    assert.match(title, /Node-RED/);
  });

  it('shows every umodbus node in the modbus palette category', async () => {
    for (const type of ['umodbus-read', 'umodbus-write', 'umodbus-server-route']) {
      await page.waitForSelector(`#red-ui-palette-modbus .red-ui-palette-node[data-palette-type="${type}"]`, { timeout: 20000 });
    }
    const icons = await page.$$eval('#red-ui-palette-modbus .red-ui-palette-node[data-palette-type^="umodbus-"] .red-ui-palette-icon', (els) => els.map((e) => (e as HTMLElement).style.backgroundImage));
    assert.ok(icons.length >= 3 && icons.every((i) => /umodbus-/.test(i)), `icons: ${icons.join(', ')}`);
  });

  it('runs the demo flow: read nodes turn green with a value', async () => {
    await page.waitForSelector('.red-ui-flow-node-status-dot-green', { timeout: 30000 });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-flow.png') });
    const green = await page.$$('.red-ui-flow-node-status-dot-green');
    assert.ok(green.length >= 2, `green status dots: ${green.length}`);
  });
});
