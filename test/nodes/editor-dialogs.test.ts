/**
 * The editor side in a real Chromium against a real Node-RED: red triangles on nodes with
 * invalid settings (and every validate function of every type, bad and good values), the
 * 40001-style hint beside 0-based addresses that follows the function code, the client and
 * server dialogs showing the rows of the chosen transport, the serial port picker, and the German
 * help and catalogs as Node-RED serves them to a German editor.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { listSerialPorts } from '../../src/nodes/common/serial-ports';
import { startNodeRed, type RunningNodeRed } from './node-red-child';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

/** Nodes whose settings are fine, and nodes each with one bad setting (or a bad config node). */
function flows(port: number): N[] {
  const at = (n: N, i: number): N => ({ z: 'tab', x: 150 + 200 * (i % 4), y: 80 + 80 * Math.floor(i / 4), wires: [[]], ...n });
  const flowNodes: N[] = [
    { id: 'r-good', type: 'umodbus-read', client: 'c-good', unitId: 1, fc: 3, address: 0, quantity: 1 },
    { id: 'w-good', type: 'umodbus-write', client: 'c-good', unitId: 0, fc: 6, address: 0 },
    { id: 'rt-good', type: 'umodbus-server-route', server: 's-good', unitIds: '1-3', functionCodes: '3,16', addressStart: '', addressEnd: '' },
    { id: 'r-typed', type: 'umodbus-read', client: 'c-good', unitId: 1, fc: 3, address: 0, quantity: 1, dataType: 'float32', byteOrder: 'CDAB' },
    { id: 'w-typed', type: 'umodbus-write', client: 'c-good', unitId: 1, fc: 16, address: 0, dataType: 'int64', byteOrder: 'BADC' },
    { id: 'rt-typed', type: 'umodbus-server-route', server: 's-good', functionCodes: '3', dataType: 'string', byteOrder: 'DCBA' },
    { id: 'r-unit', type: 'umodbus-read', client: 'c-good', unitId: 256, fc: 3, address: 0, quantity: 1 },
    { id: 'r-qty', type: 'umodbus-read', client: 'c-good', unitId: 1, fc: 3, address: 0, quantity: 0 },
    { id: 'r-cfg', type: 'umodbus-read', client: 'c-bad', unitId: 1, fc: 3, address: 0, quantity: 1 },
    { id: 'r-none', type: 'umodbus-read', client: '', unitId: 1, fc: 3, address: 0, quantity: 1 },
    { id: 'w-fc', type: 'umodbus-write', client: 'c-good', unitId: 1, fc: 3, address: 0 },
    { id: 'rt-ids', type: 'umodbus-server-route', server: 's-good', unitIds: '1,x', functionCodes: '3' },
    { id: 'rt-range', type: 'umodbus-server-route', server: 's-good', functionCodes: '3', addressStart: 100, addressEnd: 50 },
  ];
  return [
    { id: 'tab', type: 'tab', label: 'validation' },
    { id: 'c-good', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 1000, reconnectMin: 1000, reconnectMax: 1000 },
    { id: 'c-bad', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port: 70000 },
    // No node uses it, so it never connects: the transport test edits and saves it. Every setting
    // is spelled out, as in an export: a dialog saves a missing one as blank, which is invalid.
    {
      id: 'c-spare', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, serialPath: '', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1,
      interFrameDelay: '', timeout: 1000, retries: 0, maxInFlight: 1, queueLimit: 1000, reconnectMin: 100, reconnectMax: 10000, turnaround: 100, version: 1,
    },
    { id: 's-good', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{}' },
    ...flowNodes.map(at),
  ];
}
const INVALID = ['r-unit', 'r-qty', 'r-cfg', 'r-none', 'w-fc', 'rt-ids', 'rt-range'];
const VALID = ['r-good', 'w-good', 'rt-good', 'r-typed', 'w-typed', 'rt-typed'];

/** [type, field, other settings, bad values, good values]: what each validate function must say. */
const VALIDATION: [string, string, Record<string, unknown>, unknown[], unknown[]][] = [
  ['umodbus-client', 'host', { transport: 'tcp' }, ['', ' '], ['plc-1', '10.0.0.5']],
  ['umodbus-client', 'host', { transport: 'rtu' }, [], ['']],
  ['umodbus-client', 'port', { transport: 'tcp' }, [0, 70000, 'x', ''], [1, 502, '65535']],
  ['umodbus-client', 'serialPath', { transport: 'rtu' }, ['', ' '], ['/dev/ttyUSB0']],
  ['umodbus-client', 'serialPath', { transport: 'ascii' }, [''], ['COM3']],
  ['umodbus-client', 'serialPath', { transport: 'tcp' }, [], ['']],
  ['umodbus-client', 'baudRate', {}, ['fast', 0], [9600, '115200']],
  ['umodbus-client', 'dataBits', {}, [6, 9], [7, 8]],
  ['umodbus-client', 'stopBits', {}, [0, 3], [1, 2]],
  ['umodbus-client', 'timeout', {}, [0, -1, 1.5], [1, 1000]],
  ['umodbus-client', 'retries', {}, [-1, 11], [0, 3]],
  ['umodbus-client', 'maxInFlight', {}, [0, 256], [1, 16]],
  ['umodbus-client', 'queueLimit', {}, [0], [1, 1000]],
  ['umodbus-client', 'reconnectMin', {}, [-1], [0, 100]],
  ['umodbus-client', 'reconnectMax', { reconnectMin: 500 }, [100, -1], [500, 10000]],
  ['umodbus-client', 'turnaround', {}, [-1, 10001], [0, 100]],
  ['umodbus-client', 'interFrameDelay', { transport: 'rtu' }, [-0.1, 1000.5, 'x', ' ', '1,5', 'NaN', 'Infinity'], ['', 0, '0', 0.5, '1.75', 1000, '1000']],
  // ASCII ignores the delay but the runtime still checks it, so the editor does too.
  ['umodbus-client', 'interFrameDelay', { transport: 'ascii' }, [-1, 'x'], ['', 0, 2.5]],
  ['umodbus-client', 'interFrameDelay', { transport: 'tcp' }, [], ['x', -1]],
  ['umodbus-client', 'interFrameDelay', { transport: 'udp' }, [], ['x']],
  ['umodbus-client', 'host', { transport: 'udp' }, ['', ' '], ['plc-1', '10.0.0.5']],
  ['umodbus-client', 'port', { transport: 'udp' }, [0, 70000, ''], [502, '1502']],
  ['umodbus-client', 'serialPath', { transport: 'udp' }, [], ['']],
  ['umodbus-server', 'host', { transport: 'tcp' }, [''], ['0.0.0.0']],
  ['umodbus-server', 'port', { transport: 'tcp' }, [-1, 65536], [0, 5020]],
  ['umodbus-server', 'serialPath', { transport: 'rtu' }, [''], ['/dev/ttyS1']],
  ['umodbus-server', 'interFrameDelay', { transport: 'rtu' }, [-1, 1001, 'abc', ' '], ['', 0, '0', '0.25', 3.5, 1000]],
  ['umodbus-server', 'interFrameDelay', { transport: 'tcp' }, [], ['abc']],
  ['umodbus-server', 'interFrameDelay', { transport: 'rtu-tcp' }, [], [-1]],
  ['umodbus-server', 'unitIds', {}, ['1,x', '256', '5-3', '-1'], ['', '1', '1, 5-6', '0-255']],
  ['umodbus-server', 'maxConnections', {}, [0], [1, 32]],
  ['umodbus-server', 'idleTimeout', {}, [-1], [0, 60000]],
  ['umodbus-server', 'memoryMap', {}, ['{', '[1]', 'null', '3'], ['', '{}', '{"holdingRegisters":{"start":0,"size":10}}']],
  ['umodbus-server', 'serverId', {}, [256, 'x'], ['', 0, 9]],
  ['umodbus-server', 'replyTimeout', {}, [0], [1, 1000]],
  ['umodbus-read', 'unitId', {}, [-1, 0, 256, 'one', ''], [1, 255]],
  ['umodbus-read', 'fc', {}, [5, 6, 99], [1, 2, 3, 4, 7, 11, 12, 17, 20, 24, 43]],
  ['umodbus-read', 'address', {}, [-1, 65536, 1.5], [0, 65535]],
  ['umodbus-read', 'address', { fc: 20 }, [10000], [0, 9999]],
  ['umodbus-read', 'quantity', { fc: 3 }, [0, 126], [1, 125]],
  ['umodbus-read', 'quantity', { fc: 4, dataType: 'float32' }, [63], [1, 62]],
  ['umodbus-read', 'quantity', { fc: 3, dataType: 'float64' }, [32], [31]],
  ['umodbus-read', 'quantity', { fc: 1 }, [0, 2001], [1, 2000]],
  ['umodbus-read', 'quantity', { fc: 20, address: 9990 }, [11], [10]],
  ['umodbus-read', 'quantity', { fc: 7 }, [], [0, '']],
  ['umodbus-read', 'dataType', {}, ['float', ''], ['uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'int64', 'uint64', 'string', 'bool']],
  ['umodbus-read', 'byteOrder', {}, ['ABDC', ''], ['ABCD', 'CDAB', 'BADC', 'DCBA']],
  ['umodbus-read', 'fileNumber', { fc: 20 }, [0, 65536], [1, 65535]],
  ['umodbus-read', 'fileNumber', { fc: 3 }, [], [0]],
  ['umodbus-read', 'deviceIdCode', { fc: 43 }, [0, 5], [1, 4]],
  ['umodbus-read', 'objectId', { fc: 43 }, [256], [0, 255]],
  ['umodbus-read', 'pollInterval', {}, [-1, 'x'], ['', 0, 1000]],
  ['umodbus-write', 'unitId', {}, [256], [0, 247]],
  ['umodbus-write', 'unitId', { fc: 23 }, [0], [1]],
  ['umodbus-write', 'fc', {}, [3, 4, 24], [5, 6, 15, 16, 21, 22, 23]],
  ['umodbus-write', 'address', {}, [65536], [0]],
  ['umodbus-write', 'dataType', {}, ['word'], ['float32']],
  ['umodbus-write', 'byteOrder', {}, ['x'], ['CDAB']],
  ['umodbus-write', 'fileNumber', { fc: 21 }, [0], [1]],
  ['umodbus-write', 'readAddress', { fc: 23 }, [65536], [0]],
  ['umodbus-write', 'readQuantity', { fc: 23 }, [0, 126], [1, 125]],
  ['umodbus-write', 'readQuantity', { fc: 23, dataType: 'int32' }, [63], [62]],
  ['umodbus-write', 'readQuantity', { fc: 6 }, [], [0]],
  ['umodbus-server-route', 'unitIds', {}, ['300', 'a'], ['', '0', '1-3, 7']],
  ['umodbus-server-route', 'functionCodes', {}, ['128', '3;16', '0', '8', '10-12', '3,11'], ['', '3,16', '1-4', '7,17,43', '20-24']],
  ['umodbus-server-route', 'addressStart', {}, [65536, -1], ['', 0, 100]],
  ['umodbus-server-route', 'addressEnd', { addressStart: 100 }, [50, 65536], ['', 100, 150]],
  ['umodbus-server-route', 'dataType', {}, ['x'], ['int32']],
  ['umodbus-server-route', 'byteOrder', {}, ['x'], ['DCBA']],
];

describe('editor dialogs in a real browser', function () {
  this.timeout(120000);
  let nr: RunningNodeRed | undefined;
  let browser: { context: BrowserContext; close: () => Promise<void> } | undefined;
  let page: Page;
  let userDir: string;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), 'umodbus-nodes-editor-'));
    nr = await startNodeRed(userDir, {}, flows(await freePort()));
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(nr.url);
    await page.waitForSelector('#red-ui-palette-container', { timeout: 60000 });
    await page.waitForSelector('[id="r-good"]', { timeout: 30000 });
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    rmSync(userDir, { recursive: true, force: true });
  });

  it('shows a red triangle on each node with an invalid setting or config node, and none on the others', async () => {
    const shown = await page.evaluate((ids) => ids.map((id) => {
      const triangle = document.getElementById(id)?.querySelector('.red-ui-flow-node-error');
      return [id, !!triangle && !triangle.classList.contains('hide')];
    }), [...INVALID, ...VALID]);
    const why = await page.evaluate((ids) => ids.map((id) => [id, (window as unknown as { RED: { nodes: { node(i: string): { validationErrors?: string[] } } } }).RED.nodes.node(id).validationErrors]), [...INVALID, ...VALID]);
    assert.deepEqual(Object.fromEntries(shown), Object.fromEntries([...INVALID.map((id) => [id, true]), ...VALID.map((id) => [id, false])]), JSON.stringify(why));
  });

  it('every validate function refuses the bad values and takes the good ones', async () => {
    const wrong = await page.evaluate((table) => {
      type Def = { defaults: Record<string, { validate?: (this: unknown, v: unknown, opt?: unknown) => unknown }> };
      const red = (window as unknown as { RED: { nodes: { getType(t: string): Def } } }).RED;
      const out: string[] = [];
      for (const [type, field, others, bad, good] of table) {
        const def = red.nodes.getType(type).defaults[field];
        if (!def.validate) { out.push(`${type}.${field} has no validate`); continue; }
        const ctx: Record<string, unknown> = {};
        for (const [k, d] of Object.entries(red.nodes.getType(type).defaults)) ctx[k] = (d as { value?: unknown }).value;
        Object.assign(ctx, others);
        for (const v of bad) if (def.validate.call(ctx, v, {}) === true) out.push(`${type}.${field} took ${JSON.stringify(v)} with ${JSON.stringify(others)}`);
        for (const v of good) if (def.validate.call(ctx, v, {}) !== true) out.push(`${type}.${field} refused ${JSON.stringify(v)} with ${JSON.stringify(others)}`);
      }
      // A setting missing from an imported flow takes the runtime's default; only a serial path has none.
      for (const type of ['umodbus-client', 'umodbus-server', 'umodbus-read', 'umodbus-write', 'umodbus-server-route']) {
        const defaults = red.nodes.getType(type).defaults;
        const ctx: Record<string, unknown> = {};
        for (const [k, d] of Object.entries(defaults)) ctx[k] = (d as { value?: unknown }).value;
        for (const [field, def] of Object.entries(defaults)) if (def.validate && def.validate.call(ctx, undefined, {}) !== true) out.push(`${type}.${field} refused a missing value`);
        if (defaults.serialPath?.validate?.call({ ...ctx, transport: 'rtu' }, undefined, {}) === true) out.push(`${type}.serialPath took a missing value for RTU`);
      }
      return out;
    }, VALIDATION);
    assert.deepEqual(wrong, []);
  });

  it('every example imports into the editor with no red triangle', async () => {
    const dir = join(__dirname, '..', '..', '..', 'examples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const flow = readFileSync(join(dir, file), 'utf8');
      const invalid = await page.evaluate((json) => {
        type EditorNode = { id: string; type: string; valid?: boolean; validationErrors?: string[] };
        const red = (window as unknown as { RED: { nodes: { import(j: string, o: unknown): { nodes: EditorNode[] }; node(id: string): EditorNode | null; eachConfig(cb: (n: EditorNode) => void): void } } }).RED;
        const result = red.nodes.import(json, { generateIds: true, addFlow: true });
        const bad = result.nodes.filter((n) => n.valid === false).map((n) => `${n.type}: ${(n.validationErrors ?? []).join(',')}`);
        const types = result.nodes.map((n) => n.type);
        return { bad, types };
      }, flow);
      assert.deepEqual(invalid.bad, [], file);
      assert.ok(invalid.types.some((t) => t.startsWith('umodbus-')), `${file} imported our nodes: ${invalid.types.join(', ')}`);
    }
  });

  it('the read, write and route dialogs hint at the numbering of the table the function code addresses', async () => {
    const visibleTips = (): Promise<string[]> => page.$$eval('.red-ui-tray .form-tips', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.textContent ?? ''));
    const coil = /coil 00001 is address 0/;
    const discrete = /discrete input 10001 is address 0/;
    const input = /input register 30001 is address 0/;
    const holding = /holding register 40001 is address 0/;
    const any = /coil 00001, discrete input 10001, input register 30001 and holding register 40001 are each address 0/;
    const other = /what a device manual numbers from 1 is one less here/;
    // [node, the tip its saved settings give, then [fc field value, tip (null: none, no address)] after each change]
    const cases: [string, RegExp, [string, RegExp | null][]][] = [
      ['r-good', holding, [['1', coil], ['2', discrete], ['4', input], ['7', null], ['3', holding], ['20', other]]],
      ['w-good', holding, [['5', coil], ['15', coil], ['16', holding], ['22', holding], ['21', other]]],
      ['rt-good', holding, [['1', coil], ['1,5,15', coil], ['2', discrete], ['4', input], ['1-4', any], ['', any], ['20', other], ['3,20', any], ['6, 23', holding]]],
    ];
    for (const [id, saved, changes] of cases) {
      await page.evaluate((nodeId) => {
        const red = (window as unknown as { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } }).RED;
        red.editor.edit(red.nodes.node(nodeId));
      }, id);
      await page.waitForSelector('.red-ui-tray .form-tips', { state: 'visible' });
      const shown = async (want: RegExp | null, what: string): Promise<void> => {
        const tips = await visibleTips();
        assert.equal(tips.filter((t) => /0-based as on the wire/.test(t)).length, want ? 1 : 0, `${id} ${what}: address tips in ${tips.join(' | ')}`);
        if (want) assert.ok(tips.some((t) => want.test(t)), `${id} ${what}: ${want} in ${tips.join(' | ')}`);
      };
      await shown(saved, 'as saved');
      for (const [fc, want] of changes) {
        if (id === 'rt-good') await page.fill('#node-input-functionCodes', fc);
        else await page.selectOption('#node-input-fc', fc);
        await shown(want, `FC ${JSON.stringify(fc)}`);
      }
      await page.click('#node-dialog-cancel');
      await page.waitForSelector('.red-ui-tray', { state: 'detached' });
    }
  });

  it('the data type and byte order selects show the node\'s values and save the new ones', async () => {
    const cases: [string, string, string, string, string][] = [
      ['r-typed', 'float32', 'CDAB', 'int32', 'DCBA'], ['w-typed', 'int64', 'BADC', 'uint16', 'ABCD'], ['rt-typed', 'string', 'DCBA', 'float64', 'CDAB'],
    ];
    for (const [id, type, order, newType, newOrder] of cases) {
      await page.evaluate((nodeId) => {
        const red = (window as unknown as { RED: { editor: { edit(n: unknown): void }; nodes: { node(id: string): unknown } } }).RED;
        red.editor.edit(red.nodes.node(nodeId));
      }, id);
      await page.waitForSelector('#node-input-dataType', { state: 'attached' });
      const shown = await page.evaluate(() => ({
        type: (document.getElementById('node-input-dataType') as HTMLSelectElement).value,
        order: (document.getElementById('node-input-byteOrder') as HTMLSelectElement).value,
        types: Array.from((document.getElementById('node-input-dataType') as HTMLSelectElement).options).map((o) => o.value),
        orderLabels: Array.from((document.getElementById('node-input-byteOrder') as HTMLSelectElement).options).map((o) => o.textContent),
      }));
      assert.deepEqual([shown.type, shown.order], [type, order], id);
      assert.deepEqual(shown.types, ['uint16', 'int16', 'uint32', 'int32', 'float32', 'float64', 'int64', 'uint64', 'string', 'bool']);
      assert.equal(shown.orderLabels.length, 4);
      assert.ok(shown.orderLabels.every((l) => /^(ABCD|CDAB|BADC|DCBA) \(/.test(l ?? '')), `translated labels: ${shown.orderLabels.join(', ')}`);
      await page.selectOption('#node-input-dataType', newType);
      await page.selectOption('#node-input-byteOrder', newOrder);
      await page.click('#node-dialog-ok');
      await page.waitForSelector('.red-ui-tray', { state: 'detached' });
      const saved = await page.evaluate((nodeId) => {
        const n = (window as unknown as { RED: { nodes: { node(id: string): { dataType: string; byteOrder: string } } } }).RED.nodes.node(nodeId);
        return [n.dataType, n.byteOrder];
      }, id);
      assert.deepEqual(saved, [newType, newOrder], id);
    }
  });

  it('the client and server dialogs show the rows of the chosen transport: host and port for UDP, the inter-frame delay for RTU only', async () => {
    const fields = ['host', 'port', 'serialPath', 'baudRate', 'parity', 'stopBits', 'turnaround', 'interFrameDelay', 'tls'];
    const visible = async (): Promise<Record<string, boolean>> => Object.fromEntries(await Promise.all(fields.map(async (f) => [f, await page.isVisible(`#node-config-input-${f}`)] as const)));
    const on = (...names: string[]): Record<string, boolean> => Object.fromEntries(fields.map((f) => [f, names.includes(f)]));
    const serial = ['serialPath', 'baudRate', 'parity', 'stopBits'];

    await page.evaluate(() => (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig('', 'umodbus-client', '_ADD_'));
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    const options = await page.$$eval('#node-config-input-transport option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    assert.deepEqual(Object.fromEntries(options), { tcp: 'Modbus TCP', rtu: 'RTU (serial)', 'rtu-tcp': 'RTU over TCP', tls: 'TCP + TLS (Modbus/TCP Security)', udp: 'Modbus UDP', ascii: 'ASCII (serial)' });
    const client: [string, Record<string, boolean>][] = [
      ['udp', on('host', 'port')], ['rtu', on(...serial, 'turnaround', 'interFrameDelay')], ['tcp', on('host', 'port')],
      ['ascii', on(...serial, 'turnaround')], ['rtu-tcp', on('host', 'port')], ['udp', on('host', 'port')], ['tls', on('host', 'port', 'tls')],
    ];
    for (const [transport, want] of client) {
      await page.selectOption('#node-config-input-transport', transport);
      assert.deepEqual(await visible(), want, `client ${transport}`);
    }
    // TCP + TLS follows Modbus/TCP Security's port 802 while the port is the plain default.
    assert.equal(await page.inputValue('#node-config-input-port'), '802');
    await page.selectOption('#node-config-input-transport', 'tcp');
    assert.equal(await page.inputValue('#node-config-input-port'), '502');
    await page.selectOption('#node-config-input-transport', 'rtu');
    assert.match(await page.textContent('#node-config-umodbus-client-delaytip') ?? '', /3\.5 characters, 1\.75 ms above 19200 baud/);
    assert.equal(await page.getAttribute('#node-config-input-interFrameDelay', 'placeholder'), 'spec t3.5');
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });

    await page.evaluate(() => (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig('', 'umodbus-server', '_ADD_'));
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    // A server has no turnaround field, so it is never visible. Its host is typed only for "another
    // address": the listen select (127.0.0.1 by default) stands for it.
    for (const [transport, want] of [['rtu', on(...serial, 'interFrameDelay')], ['tcp', on('port')], ['rtu-tcp', on('port')], ['tls', on('port', 'tls')]] as const) {
      await page.selectOption('#node-config-input-transport', transport);
      assert.deepEqual(await visible(), want, `server ${transport}`);
      assert.equal(await page.isVisible('#node-config-umodbus-server-bind'), transport !== 'rtu', `server ${transport} listen select`);
    }
    await page.selectOption('#node-config-input-transport', 'rtu');
    assert.match(await page.textContent('#node-config-umodbus-server-delaytip') ?? '', /3\.5 characters, 1\.75 ms above 19200 baud/);
    await page.click('#node-config-dialog-cancel');
    await page.waitForSelector('.red-ui-tray', { state: 'detached' });

    // Saved as typed (0 is a value); a delay left behind on a transport that hides it is blanked.
    type Saved = { transport: string; host: string; port: string | number; interFrameDelay?: string };
    const editSpare = (): Promise<void> => page.evaluate(() => (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig('', 'umodbus-client', 'c-spare'));
    const saved = (): Promise<Saved> => page.evaluate(() => {
      const n = (window as unknown as { RED: { nodes: { node(id: string): Saved } } }).RED.nodes.node('c-spare');
      return { transport: n.transport, host: n.host, port: n.port, interFrameDelay: n.interFrameDelay };
    });
    const done = async (): Promise<void> => {
      await page.click('#node-config-dialog-ok');
      await page.waitForSelector('.red-ui-tray', { state: 'detached' });
    };
    await editSpare();
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    await page.selectOption('#node-config-input-transport', 'rtu');
    await page.fill('#node-config-input-serialPath', '/dev/ttyUSB9');
    await page.fill('#node-config-input-interFrameDelay', '0');
    await done();
    assert.deepEqual([(await saved()).transport, (await saved()).interFrameDelay], ['rtu', '0']);
    await editSpare();
    await page.waitForSelector('#node-config-input-interFrameDelay', { state: 'visible' });
    assert.equal(await page.inputValue('#node-config-input-interFrameDelay'), '0');
    await page.fill('#node-config-input-interFrameDelay', 'x');
    await page.selectOption('#node-config-input-transport', 'ascii');
    await done();
    assert.deepEqual([(await saved()).transport, (await saved()).interFrameDelay], ['ascii', '']);
    await editSpare();
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    await page.selectOption('#node-config-input-transport', 'udp');
    await page.fill('#node-config-input-host', '127.0.0.2');
    await page.fill('#node-config-input-port', '1502');
    await done();
    const udp = await saved();
    assert.deepEqual([udp.transport, udp.host, String(udp.port)], ['udp', '127.0.0.2', '1502']);
    const check = await page.evaluate(() => {
      const n = (window as unknown as { RED: { nodes: { node(id: string): { valid?: boolean; validationErrors?: string[] } } } }).RED.nodes.node('c-spare');
      return { valid: n.valid, errors: n.validationErrors };
    });
    assert.notEqual(check.valid, false, `a UDP client with host and port is valid: ${JSON.stringify(check.errors)}`);
  });

  it('lists the machine\'s serial ports as suggestions for the serial path', async () => {
    await page.evaluate(() => (window as unknown as { RED: { editor: { editConfig(n: string, t: string, id: string): void } } }).RED.editor.editConfig('', 'umodbus-client', '_ADD_'));
    await page.waitForSelector('#node-config-input-transport', { state: 'visible' });
    await page.selectOption('#node-config-input-transport', 'rtu');
    await page.waitForSelector('#node-config-umodbus-client-ports', { state: 'visible' });
    assert.equal(await page.isVisible('#node-config-input-host'), false, 'TCP fields hide for a serial transport');
    // Ports come and go while the list is made (a pty of another process on this machine), so the
    // editor's list is checked against the machine's before and after it: it shows every port
    // that was there throughout, and nothing that was never there
    // (but a pty that came and went in between).
    const before = await listSerialPorts();
    await page.click('#node-config-umodbus-client-ports');
    await page.waitForFunction(() => document.querySelectorAll('#node-config-umodbus-client-portlist option').length > 0
      || document.getElementById('node-config-umodbus-client-porttip')?.textContent === 'no serial ports found', undefined, { timeout: 10000 });
    const after = await listSerialPorts();
    const options = await page.$$eval('#node-config-umodbus-client-portlist option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));
    const ever = new Map([...before, ...after].map((p) => [p.path, p]));
    const throughout = before.filter((p) => after.some((q) => q.path === p.path)).map((p) => p.path);
    if (ever.size === 0) {
      assert.equal(await page.textContent('#node-config-umodbus-client-porttip'), 'no serial ports found');
    } else {
      for (const path of throughout) assert.ok(options.some((o) => o.value === path), `${path} is listed`);
      for (const o of options) {
        const p = ever.get(o.value);
        if (!p && o.value.startsWith('/dev/pts/')) continue; // a pty that came and went in between
        assert.ok(p, `${o.value} is a port of this machine`);
        assert.equal(o.label.includes('no access'), !(p.readable && p.writable), o.label);
      }
    }
    assert.notEqual(await page.textContent('#node-config-umodbus-client-porttip'), 'could not list serial ports');
  });

  it('serves the German help and catalogs to a German editor, and the English ones otherwise', async () => {
    const nodesHtml = async (lang: string): Promise<string> => (await fetch(`${nr!.url}/nodes`, { headers: { accept: 'text/html', 'accept-language': lang } })).text();
    const de = await nodesHtml('de');
    const en = await nodesHtml('en-US');
    assert.match(de, /Liest mit jedem Lese-Funktionscode/);
    assert.match(de, /Schreibt mit jedem Schreib-Funktionscode/);
    assert.match(de, /Gibt Anfragen, die ein <code>umodbus-server<\/code> empfängt/);
    assert.match(de, /Ein Modbus-Server \(Slave\)/);
    assert.match(de, /Eine Modbus-Client-Verbindung/);
    assert.doesNotMatch(de, /Reads from a Modbus device/);
    assert.match(en, /Reads from a Modbus device/);
    assert.doesNotMatch(en, /Liest mit jedem/);
    const catalog = async (type: string, lang: string): Promise<Record<string, { paletteLabel: string }>> =>
      (await fetch(`${nr!.url}/locales/@umodbus/node-red/${type}?lng=${lang}`)).json() as Promise<Record<string, { paletteLabel: string }>>;
    assert.equal((await catalog('umodbus-read', 'de'))['umodbus-read'].paletteLabel, 'Modbus lesen');
    assert.equal((await catalog('umodbus-read', 'en-US'))['umodbus-read'].paletteLabel, 'modbus read');
    const addressTips = async (type: string): Promise<Record<string, string>> =>
      ((await catalog(type, 'de'))[type] as unknown as { tip: { address: Record<string, string> } }).tip.address;
    assert.match((await addressTips('umodbus-write')).coils, /^Adressen zählen ab 0 .*Coil 00001 ist Adresse 0/);
    assert.match((await addressTips('umodbus-read')).inputRegisters, /Input-Register 30001 ist Adresse 0/);
    assert.match((await addressTips('umodbus-server-route')).discreteInputs, /Discrete Input 10001 ist Adresse 0/);
  });
});
