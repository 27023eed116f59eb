/**
 * The server dialog's abuse settings in a real browser (issue 13): where it listens is a choice,
 * 127.0.0.1 by default; 0.0.0.0 is picked explicitly and a line says what it exposes; the
 * connection policy and the FC 8 switch are there with their defaults and are saved.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ARTIFACTS } from './browser';
import { cancelAll, editNode, keepFailure, openEditor, topTray, type EditorSession } from './editor-page';

describe('server dialog: listen address, connection policy and FC 8 in a real browser', function () {
  this.timeout(120000);
  let s: EditorSession;

  before(async () => { s = await openEditor(); });
  after(async () => { await s?.close(); });
  afterEach(async function () { await keepFailure(this.currentTest, s?.page); });
  afterEach(async () => { if (s) await cancelAll(s.page); });

  it('127.0.0.1 by default; 0.0.0.0 is an explicit choice with its warning line; policy and FC 8 saved', async () => {
    const { page } = s;
    await editNode(page, 'd2-rt1', '#node-input-functionCodes');
    await page.click('#node-input-btn-server-edit');
    await page.waitForSelector('#node-config-umodbus-server-bind', { state: 'visible', timeout: 10000 });
    const tray = topTray(page);
    const visible = (sel: string): Promise<boolean> => tray.locator(sel).isVisible();

    assert.equal(await tray.locator('#node-config-umodbus-server-bind').inputValue(), 'local');
    assert.equal(await visible('#node-config-umodbus-server-bindlocal'), true, 'the this-computer-only line shows');
    assert.equal(await visible('#node-config-umodbus-server-bindany'), false, 'no every-interface warning');
    assert.equal(await visible('#node-config-input-host'), false, 'no free text for a named choice');
    assert.equal(await tray.locator('#node-config-input-connectionPolicy').inputValue(), 'close-oldest-idle');
    assert.equal(await tray.locator('#node-config-input-idleTimeout').inputValue(), '60000');
    assert.equal(await tray.locator('#node-config-input-fc8').isChecked(), true);

    await page.selectOption('#node-config-umodbus-server-bind', 'any');
    assert.equal(await visible('#node-config-umodbus-server-bindany'), true, 'the warning line shows');
    assert.match(await tray.locator('#node-config-umodbus-server-bindany').innerText(), /Every network interface: any host .* read and write .* no authentication/);
    assert.equal(await visible('#node-config-umodbus-server-bindlocal'), false);
    await page.selectOption('#node-config-umodbus-server-bind', 'other');
    assert.equal(await visible('#node-config-input-host'), true, 'another address is typed in');
    await page.fill('#node-config-input-host', '127.0.0.2');
    await page.selectOption('#node-config-umodbus-server-bind', 'any');
    await page.selectOption('#node-config-input-connectionPolicy', 'refuse');
    await tray.locator('#node-config-input-fc8').uncheck();
    await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-umodbus-server-bind-any.png') });

    await page.click('#node-config-dialog-ok');
    await page.waitForSelector('#node-config-umodbus-server-bind', { state: 'detached', timeout: 10000 });
    const saved = await page.evaluate(() => {
      const red = (globalThis as unknown as { RED: { nodes: { node(id: string): Record<string, unknown> } } }).RED;
      const n = red.nodes.node('demo-server');
      return { host: n.host, connectionPolicy: n.connectionPolicy, fc8: n.fc8 };
    });
    assert.deepEqual(saved, { host: '0.0.0.0', connectionPolicy: 'refuse', fc8: false });
  });
});
