/**
 * The transport's listening side on its own: createListener picks the medium, TCP accept takes
 * another socket server (TLS here, as Modbus/TCP Security will), and a serial slave's start()
 * failing leaves nothing trying behind the caller's back. The sink is the real server engine.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { encodeRequestAdu, mbap } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { SerialSlaveListener, TcpAcceptListener, UdpListener, createListener, staleGap } from '../../src/transport';
import { leakedSince, resources } from '../client/fixtures/leaks';

describe('transport: listening side', function () {
  this.timeout(20000);

  it('createListener picks the medium from the options', () => {
    const server = new ModbusServer();
    assert.ok(createListener({ type: 'tcp', host: '127.0.0.1', port: 0 }, server) instanceof TcpAcceptListener);
    assert.ok(createListener({ type: 'rtu-tcp', host: '127.0.0.1', port: 0 }, server) instanceof TcpAcceptListener);
    assert.ok(createListener({ type: 'udp', host: '127.0.0.1', port: 0 }, server) instanceof UdpListener);
    assert.ok(createListener({ type: 'rtu', path: '/nonexistent', baudRate: 9600 }, server) instanceof SerialSlaveListener);
    assert.ok(createListener({ type: 'ascii', path: '/nonexistent', baudRate: 9600 }, server) instanceof SerialSlaveListener);
  });

  it('partial frames go stale after 50 ms (or 4 x t3.5) on RTU, after a second on ASCII', () => {
    assert.equal(staleGap('rtu', 1.75), 50);
    assert.equal(staleGap('rtu', 32), 128);
    assert.equal(staleGap('ascii', 0), 1000);
  });

  it('TCP accept over a tls.Server: the same listener, limits and answers, on TLS sockets', async function () {
    if (!existsSync('/usr/bin/openssl')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'umodbus-tls-'));
    try {
      execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 15000 });
      const key = readFileSync(join(dir, 'key.pem'));
      const cert = readFileSync(join(dir, 'cert.pem'));
      const server = new ModbusServer({ memoryMap: { holdingRegisters: { values: [7, 8] } } });
      const listener = new TcpAcceptListener(server, { type: 'tcp', host: '127.0.0.1', port: 0, maxConnections: 1, connectionPolicy: 'refuse' },
        (onSocket) => tls.createServer({ key, cert }, onSocket));
      await listener.start();
      const port = listener.address.port ?? 0;
      const open = (): Promise<tls.TLSSocket> => new Promise((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, ca: cert, checkServerIdentity: () => undefined }, () => resolve(s));
        s.once('error', reject);
      });
      const a = await open();
      try {
        const answer = new Promise<Buffer>((resolve) => a.once('data', resolve));
        a.write(encodeRequestAdu(mbap, 1, 9, { fc: 3, address: 0, quantity: 2 }));
        assert.deepEqual([...(await answer)], [0, 9, 0, 0, 0, 7, 1, 3, 4, 0, 7, 0, 8]);
        assert.equal(server.counters().connections, 1);
        // maxConnections 1 with 'refuse' holds for TLS clients too.
        const b = await open().catch(() => undefined);
        await new Promise<void>((resolve) => (b && !b.destroyed ? b.once('close', () => resolve()) : resolve()));
        assert.equal(server.counters().refusedConnections, 1);
      } finally {
        a.destroy();
        await listener.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a serial slave whose line cannot be opened rejects with the port\'s own error and does not keep trying', async () => {
    const server = new ModbusServer();
    const states: string[] = [];
    server.on('line', (e) => states.push(e.state));
    const before = await resources();
    const listener = new SerialSlaveListener(server, { path: '/tmp/umodbus-no-such-line', baudRate: 9600 });
    await assert.rejects(listener.start(), (e: Error) => !/cannot connect/.test(e.message) && /no such file|cannot open|ENOENT/i.test(e.message));
    // No reopen timer (the transport's backoff would arm one) and no port left behind.
    assert.deepEqual(await leakedSince(before, 200), {});
    await new Promise((r) => setTimeout(r, 700)); // past the first reopen delay (500 ms)
    assert.deepEqual(states, []);
    await listener.close(); // harmless after a failed start
  });
});
