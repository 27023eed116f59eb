/**
 * Every umodbus-server option, shown by what a real client sees over 127.0.0.1 with the real
 * engines. route.test.ts shows the same options reach the engine unchanged.
 */
import { strict as assert } from 'node:assert';
import type { Socket } from 'node:net';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor, serverLink } from './helpers';
import { freePort } from './real-io';
import { rawSocket } from '../fixtures/mbap-socket';

type N = Record<string, unknown> & { id: string; type: string };
type Caught = { error: { code: string; cause: { kind: string; exceptionCode?: number } }; _tag?: string };

const tail: N[] = [{ id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' }];

function closed(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) { resolve(true); return; }
    const timer = setTimeout(() => resolve(false), ms);
    s.once('close', () => { clearTimeout(timer); resolve(true); });
  });
}

describe('umodbus-server options seen by a client (real engines)', function () {
  this.timeout(20000);
  let port: number;
  const sockets: Socket[] = [];
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await helper.unload();
  });

  const server = (over: Record<string, unknown> = {}): N => ({ id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, ...over });
  const client = (over: Record<string, unknown> = {}): N => ({ id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 300, ...over });
  const read = (id: string, over: Record<string, unknown> = {}): N => ({ id, type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...over });

  it('unit ids: served units answer, others get silence (a client timeout)', async () => {
    await helper.load(allNodes, onTab(server({ unitIds: '1, 5-6', memoryMap: '{"holdingRegisters":{"start":0,"values":[3]}}' }),
      client(), read('r1'), ...tail));
    const out = collect('out');
    const caught = collect('caught') as unknown as Caught[];
    for (const unitId of [1, 2, 5, 6, 7]) node('r1').receive({ payload: { unitId }, _tag: String(unitId) });
    await waitFor(() => out.length + caught.length === 5, 'five outcomes', 5000);
    assert.deepEqual(out.map((m) => (m.modbus as { unitId: number }).unitId).sort(), [1, 5, 6]);
    assert.deepEqual(caught.map((m) => [m._tag, m.error.cause.kind]).sort(), [['2', 'timeout'], ['7', 'timeout']]);
  });

  it('max connections with the refuse policy: the connection past the limit is refused and counted', async () => {
    await helper.load(allNodes, onTab(server({ maxConnections: 2, connectionPolicy: 'refuse' })));
    const link = serverLink('s1');
    await link?.bound;
    for (let i = 0; i < 3; i++) sockets.push(await rawSocket(port));
    assert.equal(await closed(sockets[2], 2000), true, 'the third connection is closed');
    assert.equal(await closed(sockets[0], 200), false, 'the first two stay');
    assert.equal(await closed(sockets[1], 10), false);
    assert.equal(link?.counters()?.refusedConnections, 1);
  });

  it('idle timeout: a quiet connection is closed after it; 0 keeps it', async () => {
    const other = await freePort();
    await helper.load(allNodes, onTab(server({ idleTimeout: 300 }), { ...server({ idleTimeout: 0 }), id: 's2', port: other }));
    await serverLink('s1')?.bound;
    await serverLink('s2')?.bound;
    const started = Date.now();
    const quiet = await rawSocket(port);
    const kept = await rawSocket(other);
    sockets.push(quiet, kept);
    assert.equal(await closed(quiet, 3000), true);
    const took = Date.now() - started;
    assert.ok(took >= 280 && took < 2000, `closed after ${took} ms`);
    assert.equal(await closed(kept, 300), false, 'idleTimeout 0 never closes');
  });

  it('memory map: sizes bound each table and initial values are served', async () => {
    const map = {
      coils: { start: 0, values: [1, 0, 1] },
      discreteInputs: { start: 5, values: [true, true] },
      holdingRegisters: { start: 10, size: 4, values: [1, 2] },
      inputRegisters: { start: 0, values: [9, -1] },
    };
    await helper.load(allNodes, onTab(server({ memoryMap: JSON.stringify(map) }), client(),
      read('coils', { fc: 1, address: 0, quantity: 3 }),
      read('inputs', { fc: 2, address: 5, quantity: 2 }),
      read('holding', { fc: 3, address: 10, quantity: 4 }),
      read('iregs', { fc: 4, address: 0, quantity: 2, dataType: 'int16' }),
      read('past', { fc: 3, address: 13, quantity: 2 }),
      read('below', { fc: 2, address: 4, quantity: 1 }),
      ...tail));
    const out = collect('out');
    const caught = collect('caught') as unknown as Caught[];
    for (const id of ['coils', 'inputs', 'holding', 'iregs', 'past', 'below']) node(id).receive({ _tag: id });
    await waitFor(() => out.length === 4 && caught.length === 2, 'four reads and two exceptions', 5000);
    const by = (fc: number): unknown => out.find((m) => (m.modbus as { fc: number }).fc === fc)?.payload;
    assert.deepEqual(by(1), [true, false, true]);
    assert.deepEqual(by(2), [true, true]);
    assert.deepEqual(by(3), [1, 2, 0, 0], 'size 4: the rest are zero');
    assert.deepEqual(by(4), [9, -1]);
    for (const m of caught) assert.equal(m.error.cause.exceptionCode, 2, `${m._tag}: ILLEGAL DATA ADDRESS outside the table`);
  });

  it('identity: FC 17 gives the server id and FC 43/14 every object of each level', async () => {
    await helper.load(allNodes, onTab(server({
      serverId: 9, vendorName: 'ACME', productCode: 'P-1', revision: '2.3', vendorUrl: 'http://acme.example', productName: 'Pump', modelName: 'PX', userApplicationName: 'Line 4',
    }), client(), read('f17', { fc: 17 }), read('basic', { fc: 43, deviceIdCode: 1 }), read('regular', { fc: 43, deviceIdCode: 2 }),
    read('one', { fc: 43, deviceIdCode: 4, objectId: 5 }), ...tail));
    const out = collect('out');
    for (const id of ['f17', 'basic', 'regular', 'one']) node(id).receive({ topic: id });
    await waitFor(() => out.length === 4, 'four identity reads', 5000);
    const by = (topic: string): unknown => out.find((m) => m.topic === topic)?.payload;
    assert.deepEqual(by('f17'), { serverId: [9], runIndicator: true, additionalData: [...Buffer.from('ACME P-1 2.3', 'latin1')] });
    assert.deepEqual(by('basic'), { vendorName: 'ACME', productCode: 'P-1', majorMinorRevision: '2.3' });
    assert.deepEqual(by('regular'), {
      vendorName: 'ACME', productCode: 'P-1', majorMinorRevision: '2.3', vendorUrl: 'http://acme.example', productName: 'Pump', modelName: 'PX', userApplicationName: 'Line 4',
    });
    assert.deepEqual(by('one'), { modelName: 'PX' });
  });

  for (const [timeoutReply, expect] of [['11', 'exception 11'], ['4', 'exception 4'], ['silent', 'a client timeout']] as const) {
    it(`reply timeout with timeout reply ${timeoutReply}: the client gets ${expect} after the reply timeout`, async () => {
      await helper.load(allNodes, onTab(server({ replyTimeout: 300, timeoutReply }), client({ timeout: timeoutReply === 'silent' ? 800 : 3000 }),
        { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3', wires: [[]] },
        read('r1'), ...tail));
      const caught = collect('caught') as unknown as Caught[];
      const started = Date.now();
      node('r1').receive({ _tag: 'client' });
      await waitFor(() => caught.some((m) => m._tag === 'client'), 'the client gives up', 5000);
      const took = Date.now() - started;
      const cause = caught.find((m) => m._tag === 'client')!.error.cause;
      if (timeoutReply === 'silent') {
        assert.equal(cause.kind, 'timeout');
        assert.ok(took >= 780, `the client waited its own timeout: ${took} ms`);
      } else {
        assert.deepEqual([cause.kind, cause.exceptionCode], ['exception', Number(timeoutReply)]);
        assert.ok(took >= 280 && took < 2500, `the exception came after the 300 ms reply timeout: ${took} ms`);
      }
      assert.ok(caught.some((m) => m._tag !== 'client' && m.error.cause.kind === 'timeout'), 'the route node raised its timeout too');
    });
  }

  it('RTU over TCP: a server and a client speaking RTU frames over a socket', async () => {
    await helper.load(allNodes, onTab(server({ transport: 'rtu-tcp', memoryMap: '{"holdingRegisters":{"start":0,"values":[1234]}}' }),
      client({ transport: 'rtu-tcp' }), read('r1'), ...tail));
    const out = collect('out');
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'read over RTU/TCP', 5000);
    assert.equal(out[0].payload, 1234);
    assert.equal((out[0].modbus as { connection: { type: string } }).connection.type, 'rtu-tcp');
  });
});
