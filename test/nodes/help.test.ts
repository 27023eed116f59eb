/**
 * The help of every node type, in en-US (the .html) and de (locales/de/<type>.html, which
 * Node-RED loads for German editors): the Inputs / Outputs / Details / References sections, the
 * same documented properties in both languages, and every msg property the nodes really read or
 * write, taken from live msgs of real flows, named in the help.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../src/nodes/common/errors';
import { READ_OVERRIDES } from '../../src/nodes/common/read-request';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { freePort } from './real-io';

const root = join(__dirname, '..', '..', '..');
const TYPES = ['umodbus-client', 'umodbus-server', 'umodbus-read', 'umodbus-write', 'umodbus-server-route'];
const FLOW_TYPES = ['umodbus-read', 'umodbus-write', 'umodbus-server-route'];
const SECTIONS = { en: ['Inputs', 'Outputs', 'Details', 'References'], de: ['Eingaben', 'Ausgaben', 'Details', 'Referenzen'] };

function help(type: string, lang: 'en' | 'de'): string {
  const file = lang === 'en' ? join(root, 'nodes', `${type}.html`) : join(root, 'nodes', 'locales', 'de', `${type}.html`);
  const m = new RegExp(`<script type="text/html" data-help-name="${type}">([\\s\\S]*?)</script>`).exec(readFileSync(file, 'utf8'));
  assert.ok(m, `${lang} help for ${type}`);
  return m[1];
}

/** Every name the help sets in <code>, and every msg property named in a <dt>. */
function documented(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/<code>([^<]+)<\/code>/g)) for (const part of m[1].split(/[^A-Za-z0-9_-]+/)) if (part) names.add(part);
  for (const m of text.matchAll(/<dt[^>]*>\s*([A-Za-z]+) <span class="property-type">/g)) names.add(m[1]);
  return names;
}

describe('nodes: help in en-US and de', () => {
  it('every type has its help in both languages, flow nodes with Inputs, Outputs, Details and References', () => {
    for (const type of TYPES) {
      for (const lang of ['en', 'de'] as const) {
        const sections = [...help(type, lang).matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
        const want = FLOW_TYPES.includes(type) ? SECTIONS[lang] : SECTIONS[lang].slice(2);
        assert.deepEqual(sections, want, `${lang} ${type}`);
        assert.match(help(type, lang), /^\s*<p>[^]+?<\/p>/, `${lang} ${type} starts with a one-line summary`);
      }
    }
  });

  it('the de help documents the same properties as the en help', () => {
    for (const type of TYPES) assert.deepEqual([...documented(help(type, 'de'))].sort(), [...documented(help(type, 'en'))].sort(), type);
  });

  it('the msg.payload overrides of umodbus-read are documented', () => {
    for (const lang of ['en', 'de'] as const) for (const key of READ_OVERRIDES) assert.ok(documented(help('umodbus-read', lang)).has(key), `${lang}: ${key}`);
  });

  describe('every msg property the nodes write is documented (live msgs, real engines)', function () {
    this.timeout(20000);
    afterEach(async () => { await helper.unload(); });

    /** Keys of `obj`, and one level into plain-object values (msg.modbus.connection.host). */
    function keys(obj: Record<string, unknown>): string[] {
      return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && k !== 'request' && k !== 'response' ? [k, ...Object.keys(v)] : [k]));
    }
    function assertDocumented(type: string, what: string, names: string[]): void {
      for (const lang of ['en', 'de'] as const) {
        const docs = documented(help(type, lang));
        const missing = names.filter((n) => !docs.has(n));
        assert.deepEqual(missing, [], `${lang} ${type}: ${what} not in the help`);
      }
    }

    it('read, write and route outputs, and the error a Catch node gets', async () => {
      const port = await freePort();
      await helper.load(allNodes, onTab(
        { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{"holdingRegisters":{"start":0,"size":10}}' },
        { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port },
        { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '4', wires: [['flow']] }, { id: 'flow', type: 'helper' },
        { id: 'r1', type: 'umodbus-read', client: 'c1', fc: 3, address: 0, quantity: 2, wires: [['out']] },
        { id: 'p1', type: 'umodbus-read', client: 'c1', name: 'poller', fc: 3, address: 0, quantity: 1, pollInterval: 60000, wires: [['polled']] },
        { id: 'r4', type: 'umodbus-read', client: 'c1', fc: 4, address: 0, quantity: 1, wires: [['out']] },
        { id: 'w1', type: 'umodbus-write', client: 'c1', fc: 16, address: 0, wires: [['out']] },
        { id: 'out', type: 'helper' }, { id: 'polled', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
      ));
      const out = collect('out');
      const flow = collect('flow');
      const caught = collect('caught');
      const polled = collect('polled');
      node('flow').on('input', (m) => node('rt').receive({ ...(m as Record<string, unknown>), payload: [1] }));
      node('r1').receive({});
      node('w1').receive({ payload: [1, 2] });
      node('r4').receive({});
      node('w1').receive({ payload: { value: 1, address: 500 } });
      await waitFor(() => out.length === 3 && flow.length === 1 && caught.length === 1 && polled.length === 1, 'msgs', 5000);
      const byFc = (fc: number): Record<string, unknown> => out.find((m) => (m.modbus as { fc: number }).fc === fc)!;
      assertDocumented('umodbus-read', 'msg.modbus', keys(byFc(3).modbus as Record<string, unknown>));
      assertDocumented('umodbus-read', 'a poll msg', Object.keys(polled[0]).filter((k) => k !== '_msgid'));
      assert.equal(polled[0].topic, 'poller');
      assertDocumented('umodbus-write', 'msg.modbus', keys(byFc(16).modbus as Record<string, unknown>));
      assertDocumented('umodbus-server-route', 'msg.modbus', keys(flow[0].modbus as Record<string, unknown>).filter((k) => k !== 'address' && k !== 'port'));
      assertDocumented('umodbus-server-route', 'msg.payload', Object.keys(flow[0].payload as Record<string, unknown>));
      assertDocumented('umodbus-server-route', 'the msg', Object.keys(flow[0]).filter((k) => k !== '_msgid'));
      const error = caught[0].error as { code: string; cause: Record<string, unknown> };
      for (const type of FLOW_TYPES) assertDocumented(type, 'msg.error', ['code', 'cause', 'kind']);
      assertDocumented('umodbus-write', 'msg.error.cause', Object.keys(error.cause));
      assertDocumented('umodbus-read', 'msg.error.cause', Object.keys(describeError(Object.assign(new Error('x'), { name: 'ModbusExceptionError', exceptionCode: 2, exceptionName: 'X', functionCode: 3 }))));
    });
  });
});
