/**
 * The editor's function code lists are browser JS that cannot import the codec, so this checks
 * them against the codec's function code table (issue 14 item 2): the read and write nodes'
 * FCS arrays, their <select> options (each labelled in every locale), the route node's routable list,
 * and the editor's ADDRESS_TABLES (the table each function code addresses).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { FUNCTION_CODE_DESCRIPTORS, ROUTABLE_FUNCTION_CODES, functionCodesWhere, writesData } from '../../src/codec';

const root = join(__dirname, '..', '..', '..');
const read = (...p: string[]): string => readFileSync(join(root, ...p), 'utf8');
const sorted = (s: Iterable<number>): number[] => [...s].sort((a, b) => a - b);

/** The numbers of a JS array literal that follows `prefix` in `text`. */
function arrayAfter(text: string, prefix: RegExp, what: string): number[] {
  const m = new RegExp(prefix.source + String.raw`\s*\[([^\]]*)\]`).exec(text);
  assert.ok(m, `${what}: no list found`);
  return m[1].split(',').map((s) => Number(s.trim()));
}

/** The option values of the function code <select> of a node's edit dialog. */
function selectOptions(html: string, type: string): number[] {
  const m = /<select id="node-input-fc"[^>]*>([\s\S]*?)<\/select>/.exec(html);
  assert.ok(m, `${type}: no function code select`);
  return [...m[1].matchAll(/<option value="(\d+)" data-i18n="([^"]+)"/g)].map(([, v, key]) => {
    assert.equal(key, `${type}.fc.${v}`);
    return Number(v);
  });
}

/** The fc labels of every locale of a node (they label every function code, not only the node's). */
function localeKeys(type: string): [string, number[]][] {
  return readdirSync(join(root, 'nodes', 'locales')).map((lang) => {
    const json = JSON.parse(read('nodes', 'locales', lang, `${type}.json`)) as Record<string, { fc?: Record<string, unknown> }>;
    return [lang, sorted(Object.keys(json[type].fc ?? {}).map(Number))];
  });
}

/** Check one node's lists against `expected`. */
function checkNode(type: string, expected: number[]): void {
  const html = read('nodes', `${type}.html`);
  assert.deepEqual(arrayAfter(html, /var FCS =/, `${type} FCS`), expected, `${type}.html FCS`);
  assert.deepEqual(selectOptions(html, type), expected, `${type}.html <select> options`);
  for (const [lang, keys] of localeKeys(type)) {
    const missing = expected.filter((fc) => !keys.includes(fc));
    assert.deepEqual(missing, [], `${lang}/${type}.json lacks fc labels for these`);
  }
}

describe('editor function code lists match the codec table', () => {
  it('umodbus-read offers every read', () => {
    checkNode('umodbus-read', functionCodesWhere((d) => d.access === 'read'));
  });

  it('umodbus-write offers every write', () => {
    checkNode('umodbus-write', functionCodesWhere(writesData));
  });

  it('umodbus-server-route accepts every routable function code', () => {
    const html = read('nodes', 'umodbus-server-route.html');
    assert.deepEqual(arrayAfter(html, /functionCodes:\s*\{[^}]*E\.intListOf\(/, 'route functionCodes'), sorted(ROUTABLE_FUNCTION_CODES));
  });

  it("the editor's ADDRESS_TABLES give each function code's table", () => {
    const m = /var ADDRESS_TABLES = (\{[\s\S]*?\});/.exec(read('resources', 'umodbus-editor.js'));
    assert.ok(m, 'no ADDRESS_TABLES in resources/umodbus-editor.js');
    const tables = runInNewContext(`(${m[1]})`) as Record<string, string>;
    const expected: Record<string, string> = {};
    for (const d of FUNCTION_CODE_DESCRIPTORS) if (d.table !== undefined) expected[String(d.fc)] = d.table;
    assert.deepEqual({ ...tables }, expected);
  });
});
