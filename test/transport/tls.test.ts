/**
 * Issue 17: Modbus/TCP Security. Real TLS on 127.0.0.1 with certificates openssl makes here
 * (test/fixtures/certs.ts): mutual authentication, the role from the certificate, authorisation
 * by role, every refusal with its documented code, and pymodbus's TLS client and server.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { ModbusExceptionError, type ModbusError } from '../../src/codec';
import { ModbusClient } from '../../src/client';
import { ModbusServer, type ServerOptions } from '../../src/server';
import { ReportThrottle } from '../../src/server/report-throttle';
import { TLS_REPORT_INTERVAL_MS } from '../../src/server/server';
import { ConnectError, MODBUS_TLS_PORT, TlsError, roleFromCertificate } from '../../src/transport';
import { encodeOid, findExtension, ROLE_OID } from '../../src/transport/x509-role';
import { testPki, type Credentials, type TestPki } from '../fixtures/certs';
import { delay, waitFor } from '../fixtures/wait-for';

const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'pymodbus-tls.py');

function der(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

/** A TLS server on 127.0.0.1:0 whose errors are kept, not thrown. */
async function tlsServer(pki: TestPki, options: ServerOptions = {}): Promise<{ server: ModbusServer; port: number; errors: Error[] }> {
  const server = new ModbusServer(options);
  const errors: Error[] = [];
  server.on('error', (e) => errors.push(e));
  const a = await server.listen({ type: 'tls', host: '127.0.0.1', port: 0, tls: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key } });
  return { server, port: a.port ?? 0, errors };
}

function tlsClient(port: number, ca: string, who?: Credentials): ModbusClient {
  return new ModbusClient({
    transport: { type: 'tls', host: '127.0.0.1', port, tls: { ca, ...(who ? { cert: who.cert, key: who.key } : {}) } },
    reconnect: { minDelay: 2000, maxDelay: 2000 },
  });
}

async function refusal(p: Promise<unknown>): Promise<ModbusError> {
  try {
    await p;
  } catch (e) {
    return e as ModbusError;
  }
  assert.fail('expected a refusal');
}

describe('Modbus/TCP Security: the role extension', () => {
  let pki: TestPki;
  before(() => { pki = testPki(); });

  it('encodes the role OID as DER', () => {
    assert.equal(encodeOid(ROLE_OID).toString('hex'), '2b060104018389 0c862201'.replace(' ', ''));
  });

  it('reads the role openssl wrote as ASN1:UTF8String, and none where there is none', () => {
    assert.equal(roleFromCertificate(der(pki.operator.cert)), 'Operator');
    assert.equal(roleFromCertificate(der(pki.viewer.cert)), 'Viewer');
    assert.equal(roleFromCertificate(der(pki.noRole.cert)), undefined);
    assert.equal(roleFromCertificate(der(pki.server.cert)), undefined);
    assert.equal(findExtension(der(pki.operator.cert))?.[0], 0x0c, 'the value is a UTF8String');
  });

  it('never throws on malformed DER: every truncation, and bounded random corruption', () => {
    const good = der(pki.operator.cert);
    for (let n = 0; n < good.length; n++) assert.equal(roleFromCertificate(good.subarray(0, n)), undefined, `truncated to ${n}`);
    let seed = 17;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let i = 0; i < 2000; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 3; k++) bad[rand() % bad.length] = rand() & 0xff;
      const r = roleFromCertificate(bad);
      assert.ok(r === undefined || typeof r === 'string');
    }
    assert.equal(roleFromCertificate(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])), undefined, 'a length past the end');
    assert.equal(roleFromCertificate(Buffer.from([0x30, 0x80, 0x00, 0x00])), undefined, 'indefinite length');
  });
});

describe('Modbus/TCP Security: client and server over TLS', function () {
  this.timeout(30000);
  let pki: TestPki;
  const closers: (() => Promise<unknown>)[] = [];
  before(() => { pki = testPki(); });
  afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

  it('port 802 is the default the package names', () => {
    assert.equal(MODBUS_TLS_PORT, 802);
  });

  it('reads and writes with mutual authentication; the route sees the role from the certificate', async () => {
    const { server, port } = await tlsServer(pki, { memoryMap: { holdingRegisters: { values: [1, 2, 3] } } });
    closers.push(() => server.close());
    const roles: (string | undefined)[] = [];
    server.addRoute({ functionCodes: [3], addressRange: { start: 100, end: 199 } }, (ind) => {
      roles.push(ind.role);
      return { values: [7] };
    });
    const op = tlsClient(port, pki.ca, pki.operator);
    closers.push(() => op.close());
    assert.deepEqual((await op.readHoldingRegisters(1, 0, 3)).values, [1, 2, 3]);
    await op.writeMultipleRegisters(1, 0, [9, 8]);
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 2), [9, 8]);
    assert.deepEqual((await op.readHoldingRegisters(1, 100, 1)).values, [7]);
    const plain = tlsClient(port, pki.ca, pki.noRole);
    closers.push(() => plain.close());
    await plain.readHoldingRegisters(1, 150, 1);
    assert.deepEqual(roles, ['Operator', undefined]);
    assert.equal(server.counters().connections, 2);
  });

  it('the memory map says who may write: a Viewer gets exception 01, reads on, nothing written', async () => {
    const { server, port } = await tlsServer(pki, {
      memoryMap: { holdingRegisters: { values: [1, 2, 3] }, access: { read: ['Operator', 'Viewer'], write: ['Operator'] } },
    });
    closers.push(() => server.close());
    const viewer = tlsClient(port, pki.ca, pki.viewer);
    const noRole = tlsClient(port, pki.ca, pki.noRole);
    closers.push(() => viewer.close(), () => noRole.close());
    assert.deepEqual((await viewer.readHoldingRegisters(1, 0, 3)).values, [1, 2, 3]);
    const e = await refusal(viewer.writeSingleRegister(1, 0, 99));
    assert.ok(e instanceof ModbusExceptionError && e.exceptionCode === 1, String(e));
    const rw = await refusal(viewer.readWriteMultipleRegisters(1, 0, 1, 0, [5]));
    assert.ok(rw instanceof ModbusExceptionError && rw.exceptionCode === 1, 'FC 23 writes too');
    const n = await refusal(noRole.readHoldingRegisters(1, 0, 1));
    assert.ok(n instanceof ModbusExceptionError && n.exceptionCode === 1, 'no role, no read when read is listed');
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 1), [1]);
    assert.equal(server.counters().accessDenied, 3);
    assert.deepEqual((await viewer.readHoldingRegisters(1, 0, 1)).values, [1], 'the connection stays up');
  });

  it('a route filter says who may write: 01 and the handler is never called', async () => {
    const { server, port } = await tlsServer(pki);
    closers.push(() => server.close());
    let called = 0;
    server.addRoute({ functionCodes: [6, 3], access: { write: ['Operator'] } }, (ind) => {
      called++;
      return ind.fc === 3 ? { values: [42] } : { ack: true };
    });
    const viewer = tlsClient(port, pki.ca, pki.viewer);
    const op = tlsClient(port, pki.ca, pki.operator);
    closers.push(() => viewer.close(), () => op.close());
    const e = await refusal(viewer.writeSingleRegister(1, 4, 1));
    assert.ok(e instanceof ModbusExceptionError && e.exceptionCode === 1);
    assert.equal(called, 0);
    assert.deepEqual((await viewer.readHoldingRegisters(1, 4, 1)).values, [42]);
    await op.writeSingleRegister(1, 4, 1);
    assert.equal(called, 2);
  });

  describe('refusals: each with EMODBUS_TLS, and nothing lost on the connection that stays up', () => {
    const cases: { name: string; who: (p: TestPki) => Credentials | undefined; ca?: (p: TestPki) => string; serverSees: RegExp | undefined }[] = [
      { name: 'a client certificate from a CA the server does not trust', who: (p) => p.stranger, serverSees: /UNABLE_TO_VERIFY|unknown ca|verif/i },
      { name: 'an expired client certificate', who: (p) => p.expired, serverSees: /CERT_HAS_EXPIRED/ },
      { name: 'no client certificate', who: () => undefined, serverSees: /certificate/i },
      { name: 'a server certificate from a CA the client does not trust', who: (p) => p.operator, ca: (p) => p.otherCa, serverSees: undefined },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const { server, port, errors } = await tlsServer(pki, { memoryMap: { holdingRegisters: { size: 100 } } });
        closers.push(() => server.close());
        const good = tlsClient(port, pki.ca, pki.operator);
        closers.push(() => good.close());
        await good.readHoldingRegisters(1, 0, 1);
        // The good client keeps writing while the bad one is refused: every write is answered.
        let stop = false;
        let written = 0;
        const load = (async () => {
          for (let i = 0; !stop && i < 5000; i++) {
            await good.writeSingleRegister(1, i % 100, i);
            written++;
          }
        })();
        const bad = tlsClient(port, c.ca ? c.ca(pki) : pki.ca, c.who(pki));
        const e = await refusal(bad.readHoldingRegisters(1, 0, 1));
        await bad.close();
        stop = true;
        await load;
        assert.ok(e instanceof ConnectError, String(e));
        assert.equal(e.code, 'EMODBUS_TLS', e.message);
        assert.equal(e.kind, 'connect-failed');
        assert.ok(e.cause instanceof TlsError);
        assert.ok(written > 0);
        assert.equal(good.counters().reconnects, 0, 'the good connection never dropped');
        assert.equal(good.counters().settled, good.counters().responses, 'every request of the good client answered');
        if (c.serverSees) {
          assert.equal(server.counters().tlsRefused, 1);
          assert.equal(errors.length, 1);
          assert.equal((errors[0] as ModbusError).code, 'EMODBUS_TLS');
          assert.match(errors[0].message, c.serverSees);
        } else {
          assert.ok(server.counters().tlsRefused <= 1, 'the server sees the client hang up in its handshake');
        }
        assert.equal(server.counters().connections, 1, 'only the good client reached the Modbus layer');
        assert.equal(server.counters().requests, written + 1);
      });
    }

    it('a client that speaks plain Modbus TCP to the TLS port never reaches the Modbus layer', async () => {
      const { server, port, errors } = await tlsServer(pki);
      closers.push(() => server.close());
      const plain = new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port }, timeout: 500, reconnect: { minDelay: 2000 } });
      closers.push(() => plain.close());
      await refusal(plain.readHoldingRegisters(1, 0, 1));
      assert.equal(server.counters().requests, 0);
      assert.equal(server.counters().connections, 0);
      assert.equal((errors[0] as ModbusError | undefined)?.code, 'EMODBUS_TLS');
    });
  });

  describe('a flood of handshakes or refusals hurts only itself', () => {
    const closers: (() => unknown)[] = [];
    afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

    /** A TCP socket to `port` that never starts its handshake; resolves once connected. */
    function silent(port: number): Promise<Socket> {
      return new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
        closers.push(() => s.destroy());
      });
    }

    it('a socket still in its handshake holds a place under maxConnections', async () => {
      const server = new ModbusServer({ memoryMap: { holdingRegisters: { size: 10 } } });
      server.on('error', () => undefined);
      closers.push(() => server.close());
      const { port } = await server.listen({
        type: 'tls', host: '127.0.0.1', port: 0, maxConnections: 2, connectionPolicy: 'refuse',
        tls: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key },
      });
      const held = [await silent(port ?? 0), await silent(port ?? 0)];
      const third = await silent(port ?? 0);
      await new Promise<void>((resolve) => third.once('close', () => resolve()));
      await waitFor(() => server.counters().refusedConnections === 1, 'the third socket refused');
      assert.equal(server.counters().tlsRefused, 0, 'turned away before its handshake: not a TLS refusal');
      // The two that held their places go; a verified client gets in.
      for (const s of held) s.destroy();
      // Their closes reach the server a moment later; the client retries every 100 ms until then.
      const client = new ModbusClient({
        transport: { type: 'tls', host: '127.0.0.1', port: port ?? 0, tls: { ca: pki.ca, cert: pki.operator.cert, key: pki.operator.key } },
        reconnect: { minDelay: 100, maxDelay: 100 },
      });
      closers.push(() => client.close());
      let values: number[] | undefined;
      for (let attempt = 0; attempt < 30 && !values; attempt++) {
        try { values = (await client.readHoldingRegisters(1, 0, 2)).values; } catch { await delay(100); }
      }
      assert.deepEqual(values, [0, 0]);
      assert.equal(server.counters().connections, 1);
    });

    it('a flood of handshakes cannot close a verified client (close-oldest-idle makes room only for verified newcomers)', async () => {
      const server = new ModbusServer({ memoryMap: { holdingRegisters: { size: 10 } } });
      server.on('error', () => undefined);
      closers.push(() => server.close());
      const { port } = await server.listen({
        type: 'tls', host: '127.0.0.1', port: 0, maxConnections: 1,
        tls: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key },
      });
      const client = tlsClient(port ?? 0, pki.ca, pki.operator);
      closers.push(() => client.close());
      assert.deepEqual((await client.readHoldingRegisters(1, 0, 1)).values, [0]);
      await silent(port ?? 0); // admitted: one handshake beside the full connections
      const turnedAway = await silent(port ?? 0);
      await new Promise<void>((resolve) => turnedAway.once('close', () => resolve()));
      await waitFor(() => server.counters().refusedConnections === 1, 'the second handshake refused');
      assert.deepEqual((await client.readHoldingRegisters(1, 0, 1)).values, [0]);
      assert.equal(server.counters().connections, 1, 'the verified client kept its connection');
      assert.equal(server.counters().tlsRefused, 0);
    });

    it('every refused handshake is counted, but one reason is reported at most once per interval', async () => {
      const { server, port, errors } = await tlsServer(pki);
      closers.push(() => server.close());
      for (let i = 0; i < 3; i++) {
        const s = await silent(port);
        s.write('not a TLS hello\r\n\r\n');
        await new Promise<void>((resolve) => s.once('close', () => resolve()));
      }
      await waitFor(() => server.counters().tlsRefused === 3, 'three refusals counted');
      assert.equal(errors.length, 1, errors.map((e) => e.message).join('; '));
      assert.equal((errors[0] as ModbusError).code, 'EMODBUS_TLS');
    });

    it('the throttle tells a new reason at once, and the next report of a reason how many it held back', () => {
      const t = new ReportThrottle(TLS_REPORT_INTERVAL_MS, 2);
      assert.equal(t.pass('A', 1000), 0);
      assert.equal(t.pass('A', 1001), undefined);
      assert.equal(t.pass('B', 1002), 0, 'another reason goes out at once');
      assert.equal(t.pass('A', 1000 + TLS_REPORT_INTERVAL_MS - 1), undefined);
      assert.equal(t.pass('A', 1000 + TLS_REPORT_INTERVAL_MS), 2);
      assert.equal(t.pass('A', 1000 + 2 * TLS_REPORT_INTERVAL_MS), 0);
      // Bounded: a third reason forgets the oldest (B), which then goes out at once again.
      assert.equal(t.pass('C', 1001 + 2 * TLS_REPORT_INTERVAL_MS), 0);
      assert.equal(t.pass('B', 1002 + 2 * TLS_REPORT_INTERVAL_MS), 0);
    });
  });

  describe('interop with pymodbus (Debian python3-pymodbus) over TLS', () => {
    const kids: ChildProcessWithoutNullStreams[] = [];
    afterEach(() => { for (const k of kids.splice(0)) k.kill(); });

    function python(args: string[]): ChildProcessWithoutNullStreams {
      const kid = spawn(PYTHON, [PY_SCRIPT, ...args]);
      kids.push(kid);
      return kid;
    }

    function firstLine(kid: ChildProcessWithoutNullStreams): Promise<string> {
      return new Promise((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`pymodbus said nothing in time: ${err}`)), 15000);
        kid.stderr.on('data', (d: Buffer) => { err += d.toString(); });
        kid.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) {
            clearTimeout(timer);
            resolve(out.slice(0, nl));
          }
        });
        kid.once('exit', (code) => {
          clearTimeout(timer);
          if (!out.includes('\n')) reject(new Error(`pymodbus exited ${code}: ${err}`));
        });
      });
    }

    it('pymodbus TLS client against our server: reads, writes, and its role is Operator', async () => {
      const { server, port } = await tlsServer(pki, { memoryMap: { holdingRegisters: { size: 10, values: [11, 12, 13] }, access: { write: ['Operator'] } } });
      closers.push(() => server.close());
      const roles: (string | undefined)[] = [];
      server.addRoute({ functionCodes: [6] }, (ind) => { roles.push(ind.role); return { ack: true }; }, { storeWrites: true });
      const out = JSON.parse(await firstLine(python(['client', String(port), pki.caFile, pki.operator.certFile, pki.operator.keyFile]))) as Record<string, unknown>;
      assert.deepEqual(out, { connected: true, read: [11, 12, 13], write: 'ok', readBack: [555] });
      assert.deepEqual(roles, ['Operator']);
    });

    it('pymodbus TLS client with a Viewer certificate: its write gets exception 01', async () => {
      const { server, port } = await tlsServer(pki, { memoryMap: { holdingRegisters: { size: 10, values: [11, 12, 13] }, access: { write: ['Operator'] } } });
      closers.push(() => server.close());
      const out = JSON.parse(await firstLine(python(['client', String(port), pki.caFile, pki.viewer.certFile, pki.viewer.keyFile]))) as Record<string, unknown>;
      assert.deepEqual(out, { connected: true, read: [11, 12, 13], write: { exception: 1 }, readBack: [0] });
    });

    it('our client against pymodbus\'s TLS server', async () => {
      const kid = python(['server', pki.caFile, pki.server.certFile, pki.server.keyFile]);
      const port = Number(await firstLine(kid));
      const op = tlsClient(port, pki.ca, pki.operator);
      closers.push(() => op.close());
      assert.deepEqual((await op.readHoldingRegisters(1, 0, 3)).values, [100, 101, 102]);
      await op.writeSingleRegister(1, 5, 555);
      assert.deepEqual((await op.readHoldingRegisters(1, 5, 1)).values, [555]);
    });

    it('pymodbus\'s TLS server refuses our client without a certificate: EMODBUS_TLS', async () => {
      const kid = python(['server', pki.caFile, pki.server.certFile, pki.server.keyFile]);
      const port = Number(await firstLine(kid));
      const anon = tlsClient(port, pki.ca);
      const e = await refusal(anon.readHoldingRegisters(1, 0, 1));
      await anon.close();
      assert.equal(e.code, 'EMODBUS_TLS', e.message);
    });
  });
});
