/**
 * Flows brought in through the editor's Import dialog, in a real browser: pasted JSON that is
 * deployed with the Deploy button and then polls a server of its own, and the examples from
 * Import > Examples, listed under the package's name, side by side in one workspace.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS } from './browser';
import { confirmImportToNewFlow, keepFailure, openEditor, openImport, type EditorSession } from './editor-page';
import { REPO, freePort } from './node-red-process';

interface FlowNode { id: string; type: string; z?: string; port?: number; client?: string }

/**
 * A server on `port` with two holding registers, a read node polling them, and a debug node
 * showing the value as its status. Every property is spelled out, as in an export: the editor
 * does not fill in defaults on import and would flag a missing one.
 */
function pastedFlow(port: number): object[] {
  const serial = { serialPath: '', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };
  return [
    { id: 'imp-server', type: 'umodbus-server', name: 'imported server', transport: 'tcp', host: '127.0.0.1', port, ...serial, unitIds: '', maxConnections: 32,
      idleTimeout: 0, memoryMap: JSON.stringify({ holdingRegisters: { start: 0, values: [4242, 17] } }), vendorName: '', productCode: '', revision: '',
      vendorUrl: '', productName: '', modelName: '', userApplicationName: '', serverId: '', replyTimeout: 1000, timeoutReply: '4', version: 1 },
    { id: 'imp-client', type: 'umodbus-client', name: 'imported client', transport: 'tcp', host: '127.0.0.1', port, ...serial, timeout: 1000, retries: 0,
      maxInFlight: 1, queueLimit: 1000, reconnectMin: 100, reconnectMax: 1000, turnaround: 100, version: 1 },
    { id: 'imp-read', type: 'umodbus-read', name: 'imported read', client: 'imp-client', unitId: 1, fc: 3, address: 0, quantity: 2, dataType: 'uint16',
      byteOrder: 'ABCD', fileNumber: 1, deviceIdCode: 1, objectId: 0, pollInterval: 500, version: 1, x: 160, y: 80, wires: [['imp-debug']] },
    { id: 'imp-debug', type: 'debug', name: 'imported value', active: true, tosidebar: true, console: false, tostatus: true, complete: 'payload',
      targetType: 'msg', statusVal: 'payload', statusType: 'auto', x: 400, y: 80, wires: [] },
  ];
}

describe('editor import in a real browser', function () {
  this.timeout(120000);
  let s: EditorSession;

  before(async () => { s = await openEditor(); });
  after(async () => { await s?.close(); });
  afterEach(async function () { await keepFailure(this.currentTest, s?.page); });

  it('imports pasted JSON, deploys it with the Deploy button, and its read node turns green with a value', async () => {
    const { page, nr } = s;
    const port = await freePort();
    await openImport(page, 'clipboard');
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(pastedFlow(port)));
    // The dialog validates the text on keyup, as when a user pastes or types.
    await page.press('#red-ui-clipboard-dialog-import-text', 'End');
    await confirmImportToNewFlow(page);
    await page.waitForSelector('#imp-read .red-ui-flow-node', { state: 'visible', timeout: 10000 });
    assert.equal(await page.locator('#imp-read .red-ui-flow-node-status-dot-green').count(), 0, 'not deployed yet: no status');
    assert.equal(await page.locator('#imp-read .red-ui-flow-node-error').evaluate((e) => e.classList.contains('hide')), true, 'imported as valid');

    // The import makes the workspace dirty a moment later; a click before that deploys nothing,
    // and the button's 'disabled' would then be the state before the deploy, not after it.
    await page.waitForSelector('#red-ui-header-button-deploy:not(.disabled)', { timeout: 10000 });
    await page.click('#red-ui-header-button-deploy');
    await page.waitForSelector('#red-ui-header-button-deploy.disabled', { timeout: 20000 });
    await page.waitForSelector('#imp-read .red-ui-flow-node-status-dot-green', { timeout: 20000 });
    const value = page.locator('#imp-debug .red-ui-flow-node-status-label');
    await page.waitForFunction(() => /4242/.test(document.querySelector('#imp-debug .red-ui-flow-node-status-label')?.textContent ?? ''), undefined, { timeout: 20000 });
    assert.match(await value.textContent() ?? '', /4242,\s*17/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'imported-flow.png') });

    const res = await fetch(`${nr.url}flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    assert.equal(res.status, 200);
    const { flows } = (await res.json()) as { flows: FlowNode[] };
    const byId = new Map(flows.map((n) => [n.id, n]));
    const read = byId.get('imp-read');
    assert.equal(read?.type, 'umodbus-read');
    assert.equal(read?.client, 'imp-client');
    assert.ok(read?.z && byId.get(read.z)?.type === 'tab' && read.z !== 'demo-tab', 'deployed on a flow tab of its own');
    assert.equal(byId.get('imp-server')?.port, port);
    assert.equal(byId.get('imp-client')?.port, port);
    assert.ok(byId.has('d0-r1'), 'the demo flow is still deployed beside it');
  });

  it('imports an example from Import > Examples, listed under @umodbus/node-red', async () => {
    const { page } = s;
    await openImport(page, 'examples');
    const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    const pkg = tree.locator('.red-ui-treeList-label', { hasText: /^\s*@umodbus\/node-red\s*$/ });
    await pkg.waitFor({ state: 'visible', timeout: 10000 });
    await pkg.click();
    const examples = tree.locator('.red-ui-treeList-label', { hasText: /^\s*0\d / });
    await examples.first().waitFor({ state: 'visible', timeout: 10000 });
    // Every file in examples/, by its name (this picks up examples added later).
    const files = readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    assert.ok(files.includes('07 Mirror a PLC memory map'));
    assert.deepEqual((await examples.allInnerTexts()).map((t) => t.trim()).sort(), files);
    await examples.filter({ hasText: '03 Server answered from the flow' }).click();
    await page.screenshot({ path: path.join(ARTIFACTS, 'import-examples.png') });
    await confirmImportToNewFlow(page);

    for (const id of ['ex03-c1', 'ex03-rt1', 'ex03-fn1', 'ex03-i1', 'ex03-r1', 'ex03-d1']) {
      await page.waitForSelector(`#${id} .red-ui-flow-node`, { state: 'visible', timeout: 10000 });
    }
    const imported = await page.evaluate(() => {
      const red = (globalThis as unknown as { RED: { nodes: { node(id: string): { type: string; z?: string; server?: string } | null }; workspaces: { active(): string } } }).RED;
      return { route: red.nodes.node('ex03-rt1'), server: red.nodes.node('ex03-server'), active: red.workspaces.active() };
    });
    assert.equal(imported.route?.type, 'umodbus-server-route');
    assert.equal(imported.route?.z, imported.active, 'on the workspace shown');
    assert.equal(imported.route?.server, 'ex03-server');
    assert.equal(imported.server?.type, 'umodbus-server');
    await page.screenshot({ path: path.join(ARTIFACTS, 'example-imported.png') });
  });

  it('imports every other example into the same workspace with no import-conflict prompt, each wired to its own config nodes', async () => {
    const { page } = s;
    // Runs after the test above: example 03 is on the workspace shown.
    assert.equal(await page.evaluate(() => !!(globalThis as unknown as { RED: { nodes: { node(id: string): unknown } } }).RED.nodes.node('ex03-rt1')), true, 'example 03 is there');
    const conflict = page.locator('.red-ui-notification', { hasText: 'already exist in your workspace' });
    const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
    if (!chart) throw new Error('no workspace');
    const cases: [string, string, string][] = [
      ['01 Read holding registers as float32', 'ex01-r1', 'ex01-client'], ['02 Write coils', 'ex02-w1', 'ex02-client'],
      ['04 Memory-map simulator', 'ex04-r3', 'ex04-client'], ['05 Several RTU unit ids on one serial port', 'ex05-r2', 'ex05-client'],
      ['06 Switch the link at runtime', 'ex06-switch-r1', 'ex06-switch-client'],
      ['07 Mirror a PLC memory map', 'ex07-r1', 'ex07-client'],
    ];
    for (const [i, [title, flowNode, client]] of cases.entries()) {
      await openImport(page, 'examples');
      const tree = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
      const example = tree.locator('.red-ui-treeList-label', { hasText: title });
      // The package folder may still be open from the last import.
      if (!(await example.isVisible())) await tree.locator('.red-ui-treeList-label', { hasText: /^\s*@umodbus\/node-red\s*$/ }).click();
      await example.click();
      await page.click('#red-ui-clipboard-dialog-import-opt-current');
      await page.locator('#red-ui-clipboard-dialog-ok').click({ timeout: 10000 });
      await page.waitForSelector('#red-ui-clipboard-dialog-ok', { state: 'hidden', timeout: 10000 });
      // The imported nodes hang on the pointer until a click drops them; put each example lower down.
      await page.mouse.move(chart.x + 150 + 40 * i, chart.y + 150 + 120 * i);
      await page.mouse.click(chart.x + 150 + 40 * i, chart.y + 150 + 120 * i);
      await page.waitForSelector(`[id="${flowNode}"] .red-ui-flow-node`, { state: 'visible', timeout: 10000 });
      assert.equal(await conflict.count(), 0, `${title}: no import-conflict prompt`);
      const got = await page.evaluate(([id, cfg]) => {
        const red = (globalThis as unknown as { RED: { nodes: { node(i: string): { type: string; z?: string; client?: string } | null }; workspaces: { active(): string } } }).RED;
        const n = red.nodes.node(id);
        return { node: n && { type: n.type, z: n.z, client: n.client }, config: red.nodes.node(cfg)?.type, active: red.workspaces.active() };
      }, [flowNode, client] as const);
      assert.equal(got.node?.client, client, `${title}: its read or write node uses its own client`);
      assert.equal(got.config, 'umodbus-client');
      assert.equal(got.node?.z, got.active, `${title}: on the workspace shown`);
    }
    const kept = await page.evaluate(() => (globalThis as unknown as { RED: { nodes: { node(id: string): { server?: string } | null } } }).RED.nodes.node('ex03-rt1')?.server);
    assert.equal(kept, 'ex03-server', 'example 03 is untouched');
    await page.screenshot({ path: path.join(ARTIFACTS, 'examples-side-by-side.png') });
  });
});
