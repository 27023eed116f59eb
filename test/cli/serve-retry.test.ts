/**
 * `umodbus serve` keeps trying to listen, as the server node does: a port in use is tried again
 * with backoff until it is free; --no-retry exits 1 at the first failure instead.
 */
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { serve, type Serving } from './run';
import { ask, rawSocket } from '../fixtures/mbap-socket';

async function until(what: string, ok: () => boolean, run: Serving, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`${what}: stdout ${JSON.stringify(run.stdout)} stderr ${JSON.stringify(run.stderr)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A plain TCP server holding a port on 127.0.0.1, as another process would. */
function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.destroy());
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('umodbus serve: listen retry (CLI)', function () {
  this.timeout(20000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('a port in use is reported once, tried again, and served once it is free', async () => {
    const held = await holdPort();
    const run = serve(['--tcp', `127.0.0.1:${held.port}`]);
    children.push(run.child);
    await until('the in-use report', () => /cannot listen: .*EADDRINUSE.*\(retrying\)\n/.test(run.stderr), run, 5000);
    // Still trying after the first retry (1 s), and said so only once.
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(run.child.exitCode, null, 'still running');
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.match(/cannot listen/g)?.length, 1, run.stderr);
    await new Promise<void>((r) => held.server.close(() => r()));
    await until('the ready line', () => run.stdout.includes('\n'), run, 8000);
    assert.equal(run.stdout, `listening on tcp 127.0.0.1:${held.port}\n`);
    const s = await rawSocket(held.port);
    try {
      // FC 3, one register: the memory map answers.
      assert.deepEqual(await ask(s, [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]), [3, 2, 0, 0]);
    } finally {
      s.destroy();
    }
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  });

  it('--no-retry exits 1 at the first failure; a signal while retrying exits 0', async () => {
    const held = await holdPort();
    try {
      const once = serve(['--tcp', `127.0.0.1:${held.port}`, '--no-retry']);
      children.push(once.child);
      assert.equal(await once.exit, 1);
      assert.match(once.stderr, /cannot listen: .*EADDRINUSE/);
      assert.doesNotMatch(once.stderr, /retrying/);
      const waiting = serve(['--tcp', `127.0.0.1:${held.port}`]);
      children.push(waiting.child);
      await until('the in-use report', () => waiting.stderr.includes('retrying'), waiting, 5000);
      waiting.child.kill('SIGTERM');
      assert.equal(await waiting.exit, 0);
      assert.equal(waiting.stdout, '');
    } finally {
      held.server.close();
    }
  });
});
