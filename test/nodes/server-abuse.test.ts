/**
 * Issue 13, the server node under abuse: its defaults (127.0.0.1, close the oldest idle
 * connection, a non-zero idle timeout), FC 8 switched off from the node, and a memory map
 * checked by the CLI's parser, refused with EMODBUS_CONFIG on every route msg. Real engines on
 * 127.0.0.1 unless a test says otherwise.
 */
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, statusArgs, waitFor, serverLink } from './helpers';
import { useFakeEngines } from './fake-engines';
import { serverOptionsFrom } from '../../src/nodes/common/server-options';
import { freePort } from './real-io';
import { ask, rawSocket } from '../fixtures/mbap-socket';


const READ_HR0 = [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1];

describe('umodbus-server node defaults under abuse (real engines)', function () {
  this.timeout(20000);
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await helper.unload();
  });

  it('binds 127.0.0.1 when no host is set, and defaults to close-oldest-idle with a 60 s idle timeout', async () => {
    const port = await freePort();
    // No host, policy or idle timeout: what a flow saved before these settings existed gets.
    await helper.load(allNodes, onTab({ id: 's1', type: 'umodbus-server', transport: 'tcp', port }));
    const link = serverLink('s1');
    const bound = await link?.bound;
    assert.equal(bound?.host, '127.0.0.1');
    assert.deepEqual(link?.options.listen, { type: 'tcp', host: '127.0.0.1', port, maxConnections: 32, connectionPolicy: 'close-oldest-idle', idleTimeout: 60000 });
  });

  it('32 idle sockets do not lock a client out: with the node\'s defaults the 33rd connection is answered', async () => {
    const port = await freePort();
    await helper.load(allNodes, onTab({ id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap: '{"holdingRegisters":{"values":[42]}}' }));
    await serverLink('s1')?.bound;
    for (let i = 0; i < 32; i++) sockets.push(await rawSocket(port));
    await waitFor(() => serverLink('s1')?.counters()?.connections === 32, '32 connections held', 3000);
    const late = await rawSocket(port);
    sockets.push(late);
    assert.deepEqual(await ask(late, READ_HR0), [3, 2, 0, 42], 'the newcomer is served');
    assert.equal(serverLink('s1')?.counters()?.refusedConnections, 0);
    assert.equal(sockets[0].destroyed || (await new Promise((r) => { sockets[0].once('close', () => r(true)); setTimeout(() => r(false), 1000); })), true, 'the oldest idle one made room');
  });

  it('FC 8 over TCP: 8/04 gets 01 by default; with the box cleared every FC 8 gets 01', async () => {
    const [on, off] = [await freePort(), await freePort()];
    await helper.load(allNodes, onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port: on },
      { id: 's2', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port: off, fc8: false },
    ));
    await serverLink('s1')?.bound;
    await serverLink('s2')?.bound;
    const a = await rawSocket(on);
    const b = await rawSocket(off);
    sockets.push(a, b);
    assert.deepEqual(await ask(a, [0, 1, 0, 0, 0, 6, 1, 8, 0, 4, 0, 0]), [0x88, 0x01], 'listen only refused over TCP');
    assert.deepEqual(await ask(a, READ_HR0), [3, 2, 0, 0], 'and the server still answers');
    assert.deepEqual(await ask(a, [0, 2, 0, 0, 0, 6, 1, 8, 0, 0, 0x12, 0x34]), [8, 0, 0, 0x12, 0x34], 'echo is answered');
    assert.deepEqual(await ask(b, [0, 2, 0, 0, 0, 6, 1, 8, 0, 0, 0x12, 0x34]), [0x88, 0x01], 'FC 8 off: echo gets 01');
  });
});

describe('umodbus-server node memory map checked like `serve --map`', function () {
  this.timeout(20000);
  afterEach(async () => { await helper.unload(); });

  const cases: [string, string, RegExp][] = [
    ['an unknown key', '{"holdingRegister":{"size":2}}', /memory map: holdingRegister: is not a map field/],
    ['a __proto__ key', '{"holdingRegisters":{"size":2},"__proto__":{"coils":{"size":1}}}', /memory map: __proto__: is not allowed/],
    ['a constructor key', '{"units":{"1":{"constructor":{}}}}', /memory map: units\.1\.constructor: is not allowed/],
    ['a size past the address space', '{"coils":{"start":65535,"size":2}}', /memory map: coils\.size: start 65535 \+ size 2 runs past/],
    ['more values than its size', '{"inputRegisters":{"size":1,"values":[1,2]}}', /memory map: inputRegisters\.values: has 2 values, more than size 1/],
  ];
  for (const [what, memoryMap, message] of cases) {
    it(`${what}: the server does not start; its route shows bad config and fails each msg with EMODBUS_CONFIG`, async () => {
      const port = await freePort();
      await helper.load(allNodes, onTab(
        { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, memoryMap },
        { id: 'rt', type: 'umodbus-server-route', server: 's1', wires: [[]] },
        catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
      ));
      assert.equal(serverLink('s1'), undefined, 'no server runs');
      const errors = callsOf(node('s1'), 'error').map((a) => String(a[0]));
      assert.ok(errors.some((e) => message.test(e)), `the server logs the field: ${errors.join(' | ')}`);
      const status = statusArgs(node('rt')).at(-1);
      assert.equal(status?.fill, 'red');
      assert.match(String(status?.text), /umodbus\.status\.config$/);
      const caught = collect('caught');
      node('rt').receive({ payload: 1, modbus: { server: 's1', id: '1' } });
      await waitFor(() => caught.length === 1, 'the msg reaches the Catch node');
      const err = caught[0].error as { code: string; message: string };
      assert.equal(err.code, 'EMODBUS_CONFIG');
      assert.match(err.message, message);
    });
  }

  it('the spec\'s identity name majorMinorRevision is taken from the node\'s map too', () => {
    const o = serverOptionsFrom({ memoryMap: '{"identity":{"vendorName":"V","majorMinorRevision":"1.2"}}' });
    assert.deepEqual(o.server.identity, { vendorName: 'V', revision: '1.2' });
  });
});

describe('umodbus-server node: every interface is an explicit choice (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  it('0.0.0.0 is kept when the flow chooses it, and logs a warning at deploy; 127.0.0.1 does not', async () => {
    await helper.load(allNodes, onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '0.0.0.0', port: 5020 },
      { id: 's2', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port: 5021 },
    ));
    assert.deepEqual(fakes.servers.map((s) => s.listenedWith && 'host' in s.listenedWith ? s.listenedWith.host : undefined).sort(), ['0.0.0.0', '127.0.0.1']);
    assert.equal(callsOf(node('s1'), 'warn').length, 1);
    assert.match(String(callsOf(node('s1'), 'warn')[0][0]), /any-host/);
    assert.equal(callsOf(node('s2'), 'warn').length, 0);
  });
});
