/**
 * `umodbus serve` and issue 13: --no-fc8 switches FC 8 off, FC 8/04 over TCP silences nobody,
 * the map file takes the spec's majorMinorRevision, and EACCES on a port below 1024 says what to do.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readyLine, serve, type Serving } from './run';
import { ask, rawSocket } from '../fixtures/mbap-socket';

async function readyPort(run: Serving, ms = 5000): Promise<number> {
  const line = await readyLine(run, ms);
  const m = /:(\d+)$/.exec(line);
  assert.ok(m, line);
  return Number(m[1]);
}

describe('umodbus serve: FC 8, identity names and privileged ports (CLI)', function () {
  this.timeout(20000);
  let dir: string;
  const runs: Serving[] = [];
  const sockets: Socket[] = [];
  before(() => { dir = mkdtempSync(join(tmpdir(), 'umodbus-serve-fc8-')); });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    for (const r of runs.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
      await r.exit;
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('FC 8/04 over TCP gets 01 and the server keeps answering; --no-fc8 answers even the echo with 01', async () => {
    const on = serve(['--tcp', '127.0.0.1:0']);
    const off = serve(['--tcp', '127.0.0.1:0', '--no-fc8']);
    runs.push(on, off);
    const a = await rawSocket(await readyPort(on));
    const b = await rawSocket(await readyPort(off));
    sockets.push(a, b);
    assert.deepEqual(await ask(a, [0, 1, 0, 0, 0, 6, 1, 8, 0, 4, 0, 0]), [0x88, 0x01]);
    assert.deepEqual(await ask(a, [0, 2, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1]), [3, 2, 0, 0], 'still answering');
    assert.deepEqual(await ask(a, [0, 3, 0, 0, 0, 6, 1, 8, 0, 0, 0xab, 0xcd]), [8, 0, 0, 0xab, 0xcd], 'echo with FC 8 on');
    assert.deepEqual(await ask(b, [0, 3, 0, 0, 0, 6, 1, 8, 0, 0, 0xab, 0xcd]), [0x88, 0x01], 'echo with --no-fc8');
  });

  it('--map takes identity.majorMinorRevision, the name FC 43/14 outputs', async () => {
    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ identity: { vendorName: 'V', productCode: 'P', majorMinorRevision: '4.2' } }));
    const run = serve(['--tcp', '127.0.0.1:0', '--map', map]);
    runs.push(run);
    const s = await rawSocket(await readyPort(run));
    sockets.push(s);
    // FC 43/14, individual access (04) to object 02: the revision.
    const pdu = await ask(s, [0, 1, 0, 0, 0, 5, 1, 0x2b, 0x0e, 4, 2]);
    assert.ok(pdu);
    assert.equal(Buffer.from(pdu.slice(-3)).toString('latin1'), '4.2');
  });

  it('EACCES on port 502 says that a port below 1024 needs privileges and what to do', async function () {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
    if (!(start > 502)) this.skip();
    const run = serve(['--tcp', '127.0.0.1:502'], process.getuid?.() === 0);
    runs.push(run);
    assert.equal(await run.exit, 1);
    assert.match(run.stderr, /cannot listen: .*EACCES.*a port below 1024 needs privileges: use a port of 1024 or more, e\.g\. 5020, or give Node\.js the capability once with sudo setcap 'cap_net_bind_service=\+ep'/);
  });
});
