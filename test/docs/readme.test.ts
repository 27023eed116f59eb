/**
 * The README's library example is real code: it type-checks under --strict against the package's
 * built declarations, and it runs (as a plain user's script would, through the package root
 * export), prints what its comments say, and exits on its own, so nothing it opened stays open.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..', '..');

/** The first ```ts block under the README heading `heading`. */
function snippetUnder(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, `a ts block under "${heading}"`);
  return block[1];
}

describe('README library example', function () {
  this.timeout(30000);
  const code = snippetUnder('## Use it as a TypeScript library');
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'umodbus-readme-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  it('imports from the package root only', () => {
    const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(imports)], ['@umodbus/node-red']);
  });

  it('type-checks under --strict against the built declarations', () => {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code);
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10, lib: ['lib.es2022.d.ts'], types: ['node'], typeRoots: [join(root, 'node_modules', '@types')],
      baseUrl: root, paths: { '@umodbus/node-red': [join(root, 'dist', 'src', 'index.d.ts')] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  it('runs: reads floats from the map and values from the route, writes, gets exception 02, and exits', () => {
    const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText
      .replace(/require\("@umodbus\/node-red"\)/g, JSON.stringify(join(root, 'dist', 'src', 'index.js')).replace(/^/, 'require(').replace(/$/, ')'));
    const file = join(dir, 'example.js');
    writeFileSync(file, js);
    // The timeout fails the test if a socket or timer the example opened keeps the process alive.
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 15000 });
    assert.deepEqual(out.trim().split('\n'), [
      '[ 21.5, -3.25 ]',
      '[ 1020, 1030, 1040 ]',
      'written holdingRegisters 5 [ 7 ]',
      'exception 2 ILLEGAL DATA ADDRESS',
    ]);
  });
});
