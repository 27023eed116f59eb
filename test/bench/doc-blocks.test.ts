import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blockNames, endMarker, replaceBlock, startMarker } from '../../bench/lib/doc-blocks';
import { GENERATED_BLOCKS } from '../../bench/run';

const DOC = [
  '# Title',
  'prose before',
  startMarker('codec'),
  'old codec table',
  endMarker('codec'),
  'prose between',
  startMarker('client'),
  'old client table',
  endMarker('client'),
  'prose after',
  '',
].join('\n');

describe('BENCHMARKS.md generated blocks', () => {
  it('replaces only between the markers of the named block', () => {
    const out = replaceBlock(DOC, 'codec', 'NEW TABLE');
    assert.equal(out, DOC.replace('\nold codec table\n', '\n\nNEW TABLE\n\n'));
    assert.ok(out.includes('old client table'));
    assert.ok(out.startsWith('# Title\nprose before\n'));
    assert.ok(out.endsWith('prose between\n' + startMarker('client') + '\nold client table\n' + endMarker('client') + '\nprose after\n'));
  });

  it('is idempotent: the same body twice gives the same file', () => {
    const once = replaceBlock(DOC, 'client', 'table\n| a | b |\n');
    assert.equal(replaceBlock(once, 'client', 'table\n| a | b |\n'), once);
  });

  it('a body with $ and marker-like text is written as it is', () => {
    const body = "$& $1 $$ `<!-- bench:other:start -->`";
    assert.ok(replaceBlock(DOC, 'codec', body).includes(body));
  });

  it('refuses missing, repeated or reversed markers rather than guess', () => {
    assert.throws(() => replaceBlock(DOC, 'server', 'x'), /exactly one/);
    assert.throws(() => replaceBlock(DOC + startMarker('codec'), 'codec', 'x'), /exactly one/);
    assert.throws(() => replaceBlock(`${endMarker('x')}\n${startMarker('x')}`, 'x', 'y'), /before/);
  });

  it('lists the blocks of a document in order', () => {
    assert.deepEqual(blockNames(DOC), ['codec', 'client']);
  });

  it('BENCHMARKS.md has a block for every section npm run bench writes', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'BENCHMARKS.md'), 'utf8');
    for (const name of GENERATED_BLOCKS) {
      assert.doesNotThrow(() => replaceBlock(doc, name, 'x'), `block ${name}`);
    }
    assert.deepEqual(blockNames(doc).filter((n) => GENERATED_BLOCKS.includes(n)), GENERATED_BLOCKS);
  });
});
