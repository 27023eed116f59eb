/** `npx umodbus` after `npm install`: the package's bin entry is an executable script with a shebang. */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

describe('umodbus bin entry', () => {
  it('package.json names an executable node script that runs as a command by itself', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string>; files?: string[] };
    assert.equal(pkg.bin?.umodbus, 'dist/src/cli/main.js');
    assert.ok(pkg.files?.includes('dist/src'), 'the bin target is packed');
    const bin = path.join(ROOT, pkg.bin.umodbus);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    accessSync(bin, constants.X_OK);
    // Run the file itself, as npm's bin link does, not through `node`.
    const run = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      execFile(bin, args, { timeout: 10_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
    });
    const none = await run();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^usage: umodbus <read\|write\|serve>/);
    const help = await run('read', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--tcp HOST\[:PORT\][\s\S]*--rtu-tcp[\s\S]*--ascii PATH[\s\S]*--data-bits 7\|8[\s\S]*--stop-bits 1\|2/);
  });
});
