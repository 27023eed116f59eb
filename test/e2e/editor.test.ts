/**
 * The editor that `npm start` serves, in a real browser: the palette shows our nodes with their
 * icons, and the demo flow runs, its read nodes green and its debug nodes showing the values read.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ARTIFACTS } from './browser';
import { keepFailure, openEditor, type EditorSession } from './editor-page';

describe('editor in a real browser (npm start setup)', function () {
  this.timeout(120000);
  let s: EditorSession;

  before(async () => { s = await openEditor(); });
  after(async () => { await s?.close(); });
  afterEach(async function () { await keepFailure(this.currentTest, s?.page); });

  it('loads the editor with the palette', async () => {
    await s.page.screenshot({ path: path.join(ARTIFACTS, 'editor.png') });
    assert.match(await s.page.title(), /Node-RED/);
  });

  it('shows every umodbus node in the modbus palette category', async () => {
    const { page } = s;
    for (const type of ['umodbus-read', 'umodbus-write', 'umodbus-server-route']) {
      await page.waitForSelector(`#red-ui-palette-modbus .red-ui-palette-node[data-palette-type="${type}"]`, { timeout: 20000 });
    }
    const icons = await page.$$eval('#red-ui-palette-modbus .red-ui-palette-node[data-palette-type^="umodbus-"] .red-ui-palette-icon', (els) => els.map((e) => (e as HTMLElement).style.backgroundImage));
    assert.ok(icons.length >= 3 && icons.every((i) => /umodbus-/.test(i)), `icons: ${icons.join(', ')}`);
  });

  it('runs the demo flow: read nodes turn green and the debug nodes show the values read', async () => {
    const { page } = s;
    // Each debug node shows its last payload as its status: these are the demo server's values.
    const shown = { 'd0-d1': '21.5, -3.25', 'd0-d2': '-123456', 'd1-d1': 'true, false, true', 'd2-d1': '1020, 1030, 1040' };
    for (const [id, text] of Object.entries(shown)) {
      await page.locator(`#${id} .red-ui-flow-node-status-label`, { hasText: text }).waitFor({ timeout: 30000 });
    }
    for (const id of ['d0-r1', 'd0-r2', 'd1-w1', 'd1-r1', 'd2-r1', 'd2-rt1']) {
      await page.waitForSelector(`#${id} .red-ui-flow-node-status-dot-green`, { timeout: 20000 });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-flow.png') });
  });
});
