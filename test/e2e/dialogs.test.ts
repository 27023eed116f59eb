/**
 * Every umodbus node's edit dialog in a real browser, on the demo flow `npm start` deploys: the
 * dialog opens with the node's values in its fields (and the fields of other function codes or
 * transports hidden), the help sidebar shows that node's help, and an out-of-range value is
 * flagged in the field and, after Done, on the node.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './browser';
import { cancelAll, editNode, helpFor, keepFailure, nodeOnWorkspace, openEditor, topTray, type EditorSession } from './editor-page';

interface DialogCase {
  type: string;
  /** Palette label, which is also the help sidebar's title. */
  title: string;
  open: (page: Page) => Promise<void>;
  /** Field id -> the value the demo flow gives it; `null` only checks it is shown. */
  shown: Record<string, string | null>;
  hidden: string[];
  helpPhrase: string;
}

function cases(demoPort: number): DialogCase[] {
  const readDialog = (page: Page): Promise<void> => editNode(page, 'd0-r1', '#node-input-unitId');
  const routeDialog = (page: Page): Promise<void> => editNode(page, 'd2-rt1', '#node-input-functionCodes');
  // The pencil beside the config select opens the config node's dialog above its user's.
  const viaPencil = (parent: (page: Page) => Promise<void>, button: string, field: string) => async (page: Page): Promise<void> => {
    await parent(page);
    await page.click(button);
    await page.waitForSelector(field, { state: 'visible', timeout: 10000 });
  };
  return [
    {
      type: 'umodbus-read', title: 'modbus read', open: readDialog,
      shown: { '#node-input-client': null, '#node-input-unitId': '1', '#node-input-fc': '3', '#node-input-address': '0', '#node-input-quantity': '2', '#node-input-dataType': 'float32', '#node-input-byteOrder': 'ABCD', '#node-input-pollInterval': null },
      hidden: ['#node-input-fileNumber', '#node-input-deviceIdCode', '#node-input-objectId'],
      helpPhrase: 'Reads from a Modbus device with any read function code',
    },
    {
      type: 'umodbus-write', title: 'modbus write', open: (page) => editNode(page, 'd1-w1', '#node-input-unitId'),
      shown: { '#node-input-client': null, '#node-input-unitId': '1', '#node-input-fc': '15', '#node-input-address': '0' },
      hidden: ['#node-input-dataType', '#node-input-fileNumber', '#node-input-readAddress'],
      helpPhrase: 'Unit id 0 broadcasts the write to every device',
    },
    {
      type: 'umodbus-server-route', title: 'modbus route', open: routeDialog,
      shown: { '#node-input-server': null, '#node-input-unitIds': '', '#node-input-functionCodes': '3', '#node-input-addressStart': '100', '#node-input-addressEnd': '109', '#node-input-dataType': null },
      hidden: [],
      helpPhrase: 'Each request waits for its reply with its own timer',
    },
    {
      type: 'umodbus-client', title: 'modbus client', open: viaPencil(readDialog, '#node-input-btn-client-edit', '#node-config-input-transport'),
      shown: { '#node-config-input-transport': 'tcp', '#node-config-input-host': '127.0.0.1', '#node-config-input-port': String(demoPort), '#node-config-input-timeout': '1000', '#node-config-input-maxInFlight': null },
      hidden: ['#node-config-input-serialPath', '#node-config-input-baudRate', '#node-config-input-turnaround', '#node-config-input-interFrameDelay'],
      helpPhrase: 'The connection opens when the first read or write node starts',
    },
    {
      type: 'umodbus-server', title: 'modbus server', open: viaPencil(routeDialog, '#node-input-btn-server-edit', '#node-config-input-transport'),
      shown: { '#node-config-input-transport': 'tcp', '#node-config-umodbus-server-bind': 'local', '#node-config-input-port': String(demoPort), '#node-config-input-replyTimeout': '1000', '#node-config-input-unitIds': '', '#node-config-input-vendorName': 'umodbus' },
      // 127.0.0.1 is a choice of the listen select, not typed in (server-dialog.test.ts).
      hidden: ['#node-config-input-host', '#node-config-input-serialPath', '#node-config-input-baudRate', '#node-config-input-interFrameDelay'],
      helpPhrase: 'requests no route takes are answered from the memory map',
    },
  ];
}

describe('editor dialogs in a real browser', function () {
  this.timeout(120000);
  let s: EditorSession;

  before(async () => { s = await openEditor(); });
  after(async () => { await s?.close(); });
  afterEach(async function () { await keepFailure(this.currentTest, s?.page); });
  afterEach(async () => { if (s) await cancelAll(s.page); });

  // Built lazily: the demo port is only known once Node-RED runs.
  for (const type of ['umodbus-read', 'umodbus-write', 'umodbus-server-route', 'umodbus-client', 'umodbus-server']) {
    it(`opens the ${type} dialog with its fields and its help`, async () => {
      const c = cases(s.nr.demoPort).find((x) => x.type === type);
      assert.ok(c);
      const { page } = s;
      await c.open(page);
      const tray = topTray(page);
      for (const [field, value] of Object.entries(c.shown)) {
        assert.equal(await tray.locator(field).isVisible(), true, `${field} is shown`);
        if (value !== null) assert.equal(await tray.locator(field).inputValue(), value, field);
      }
      for (const field of c.hidden) assert.equal(await tray.locator(field).isVisible(), false, `${field} is hidden`);
      const help = await helpFor(page, c.title);
      assert.ok(help.includes(c.helpPhrase), `help of ${type} says "${c.helpPhrase}":\n${help}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `dialog-${type}.png`) });
    });
  }

  it('the server dialog shows the memory map in a code editor', async () => {
    await cases(s.nr.demoPort).find((x) => x.type === 'umodbus-server')?.open(s.page);
    // Node-RED 4 edits code with Monaco; older settings may pick ace.
    const map = topTray(s.page).locator('#node-config-umodbus-server-map').locator('.monaco-editor .view-lines, .ace_content').first();
    await map.waitFor({ state: 'visible', timeout: 10000 });
    assert.match((await map.innerText()).replace(/\u00a0/g, ' '), /"holdingRegisters"/);
  });

  it('a read node dragged from the palette opens with its defaults, wants a client, and is valid once one is picked', async () => {
    const { page } = s;
    type Red = { nodes: { eachNode(cb: (n: { id: string; type: string }) => void): void; node(id: string): { valid: boolean; client: string } } };
    const readIds = (): Promise<string[]> => page.evaluate(() => {
      const ids: string[] = [];
      (globalThis as unknown as { RED: Red }).RED.nodes.eachNode((n) => { if (n.type === 'umodbus-read') ids.push(n.id); });
      return ids;
    });
    const before = await readIds();
    // An empty stretch of the demo tab, between the coil row and the route row.
    await page.locator('#red-ui-palette-modbus .red-ui-palette-node[data-palette-type="umodbus-read"]').dragTo(page.locator('#red-ui-workspace-chart'), { targetPosition: { x: 700, y: 500 } });
    await page.waitForFunction((known) => {
      let found = false;
      (globalThis as unknown as { RED: Red }).RED.nodes.eachNode((n) => { if (n.type === 'umodbus-read' && !known.includes(n.id)) found = true; });
      return found;
    }, before, { timeout: 10000 });
    const added = (await readIds()).filter((id) => !before.includes(id));
    assert.equal(added.length, 1, 'one new read node');
    const id = added[0];
    const badge = nodeOnWorkspace(page, id).locator('.red-ui-flow-node-error');
    assert.equal(await badge.evaluate((e) => e.classList.contains('hide')), false, 'no client yet: flagged');

    await editNode(page, id, '#node-input-unitId');
    const defaults = { '#node-input-unitId': '1', '#node-input-fc': '3', '#node-input-address': '0', '#node-input-quantity': '1', '#node-input-dataType': 'uint16', '#node-input-pollInterval': '0' };
    for (const [field, value] of Object.entries(defaults)) assert.equal(await page.locator(field).inputValue(), value, field);
    // Node-RED leaves a new node's config select at "none"; the client is required, so it is flagged.
    await page.waitForSelector('#node-input-client.input-error', { timeout: 5000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-umodbus-read-new.png') });
    await page.selectOption('#node-input-client', 'demo-client');
    await page.waitForSelector('#node-input-client:not(.input-error)', { timeout: 5000 });
    await page.click('#node-dialog-ok');
    await page.waitForSelector('.red-ui-editor .red-ui-tray', { state: 'detached', timeout: 10000 });
    await page.waitForFunction((nid) => document.querySelector(`[id="${nid}"] .red-ui-flow-node-error`)?.classList.contains('hide'), id, { timeout: 10000 });
    const saved = await page.evaluate((nid) => {
      const n = (globalThis as unknown as { RED: Red }).RED.nodes.node(nid);
      return { client: n.client, valid: n.valid };
    }, id);
    assert.equal(saved.client, 'demo-client');
    assert.equal(saved.valid, true);
  });

  it('flags what the runtime would refuse: a read of unit 0, more float32 values than 125 registers hold', async () => {
    const { page } = s;
    await editNode(page, 'd0-r1', '#node-input-unitId'); // the demo's float32 read
    const hasError = (id: string): Promise<boolean> => page.locator(id).evaluate((e) => e.classList.contains('input-error'));
    const set = async (id: string, v: string): Promise<void> => {
      await page.fill(id, v);
      await page.press(id, 'Tab');
    };
    await set('#node-input-unitId', '0');
    await set('#node-input-quantity', '63'); // 126 registers
    await page.waitForSelector('#node-input-unitId.input-error', { timeout: 5000 });
    await page.waitForSelector('#node-input-quantity.input-error', { timeout: 5000 });
    await set('#node-input-unitId', '1');
    await set('#node-input-quantity', '62'); // 124 registers
    await page.waitForSelector('#node-input-quantity:not(.input-error)', { timeout: 5000 });
    assert.equal(await hasError('#node-input-unitId'), false);
    await page.click('#node-dialog-cancel');
    await page.waitForSelector('.red-ui-editor .red-ui-tray', { state: 'detached', timeout: 10000 });
  });

  it('flags an out-of-range unit id and address in the dialog and, after Done, on the node', async () => {
    const { page } = s;
    const badgeHidden = (): Promise<boolean> => page.locator('#d0-r1 .red-ui-flow-node-error').evaluate((e) => e.classList.contains('hide'));
    assert.equal(await badgeHidden(), true, 'the demo read node starts valid');
    await editNode(page, 'd0-r1', '#node-input-unitId');
    const hasError = (id: string): Promise<boolean> => page.locator(id).evaluate((e) => e.classList.contains('input-error'));
    assert.equal(await hasError('#node-input-unitId'), false);

    await page.fill('#node-input-unitId', '256');
    await page.press('#node-input-unitId', 'Tab');
    await page.fill('#node-input-address', '65536');
    await page.press('#node-input-address', 'Tab');
    await page.waitForSelector('#node-input-unitId.input-error', { timeout: 5000 });
    await page.waitForSelector('#node-input-address.input-error', { timeout: 5000 });
    assert.equal(await hasError('#node-input-quantity'), false, 'a valid field stays unflagged');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-invalid.png') });

    await page.click('#node-dialog-ok');
    await page.waitForSelector('.red-ui-editor .red-ui-tray', { state: 'detached', timeout: 10000 });
    await page.waitForSelector('#d0-r1 .red-ui-flow-node-error:not(.hide)', { state: 'visible', timeout: 10000 });
    const node = await page.evaluate(() => {
      const red = (globalThis as unknown as { RED: { nodes: { node(id: string): { valid: boolean; validationErrors?: string[] } } } }).RED;
      const n = red.nodes.node('d0-r1');
      return { valid: n.valid, errors: n.validationErrors ?? [] };
    });
    assert.equal(node.valid, false);
    assert.deepEqual([...node.errors].sort(), ['address', 'unitId']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'node-invalid.png') });
  });
});
