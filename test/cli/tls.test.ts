/** Issue 17: `umodbus serve --tls` and `umodbus read|write --tls --ca --cert --key`, end to end. */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPki, type Credentials, type TestPki } from '../fixtures/certs';
import { MAIN, umodbus } from './run';

describe('umodbus --tls (Modbus/TCP Security)', function () {
  this.timeout(20000);
  let pki: TestPki;
  let child: ChildProcess | undefined;
  let port = 0;
  let stderr = '';

  before(async () => {
    pki = testPki();
    const map = join(pki.dir, 'cli-map.json');
    writeFileSync(map, JSON.stringify({ holdingRegisters: { values: [5, 6, 7] }, access: { read: ['Operator', 'Viewer'], write: ['Operator'] } }));
    child = spawn(process.execPath, [MAIN, 'serve', '--tcp', '127.0.0.1:0', '--tls', '--ca', pki.caFile,
      '--cert', pki.server.certFile, '--key', pki.server.keyFile, '--map', map], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no ready line: ${stderr}`)), 10000);
      child?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.split('\n')[0]);
        }
      });
    });
    const m = /^listening on tls 127\.0\.0\.1:(\d+)$/.exec(line);
    assert.ok(m, line);
    port = Number(m[1]);
  });
  after(() => { child?.kill('SIGTERM'); });

  const as = (who: Credentials, ca = pki.caFile): string[] => ['--tcp', `127.0.0.1:${port}`, '--tls', '--ca', ca, '--cert', who.certFile, '--key', who.keyFile];

  it('reads and writes with an Operator certificate', async () => {
    const w = await umodbus('write', ...as(pki.operator), '--fc', '6', '--address', '1', '60');
    assert.equal(w.code, 0, w.stderr);
    const r = await umodbus('read', ...as(pki.operator), '--fc', '3', '--quantity', '3', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { values: number[] }).values, [5, 60, 7]);
  });

  it('a Viewer may read but its write gets exception 01 (exit 3)', async () => {
    const r = await umodbus('read', ...as(pki.viewer), '--fc', '3');
    assert.equal(r.code, 0, r.stderr);
    const w = await umodbus('write', ...as(pki.viewer), '--fc', '6', '--address', '2', '1');
    assert.equal(w.code, 3, w.stderr);
    assert.match(w.stderr, /exception 1 \(ILLEGAL FUNCTION\)/);
  });

  it('a certificate from another CA is refused with EMODBUS_TLS (exit 5); the server says why and serves on', async () => {
    const r = await umodbus('read', ...as(pki.stranger), '--fc', '3');
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /EMODBUS_TLS/);
    assert.match(stderr, /TLS client.*refused/);
    const ok = await umodbus('read', ...as(pki.operator), '--fc', '3');
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('an expired certificate is refused (exit 5)', async () => {
    const r = await umodbus('read', ...as(pki.expired), '--fc', '3');
    assert.equal(r.code, 5, r.stderr);
    assert.match(stderr, /CERT_HAS_EXPIRED/);
  });

  it('usage: --tls needs all three files, goes with --tcp only, and files without --tls are a mistake', async () => {
    const a = await umodbus('read', '--tcp', `127.0.0.1:${port}`, '--tls', '--ca', pki.caFile);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--tls needs --cert/);
    const b = await umodbus('read', '--rtu-tcp', `127.0.0.1:${port}`, '--tls', '--ca', pki.caFile, '--cert', pki.operator.certFile, '--key', pki.operator.keyFile);
    assert.equal(b.code, 2);
    const c = await umodbus('read', '--tcp', `127.0.0.1:${port}`, '--ca', pki.caFile);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--ca applies with --tls only/);
    const help = await umodbus('read', '--help');
    assert.match(help.stdout, /--tls/);
  });
});
