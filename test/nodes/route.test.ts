import { strict as assert } from 'node:assert';
import { valuesToRegisters } from '../../src/codec';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

describe('umodbus-server and umodbus-server-route (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  const server = (over: Record<string, unknown> = {}): Record<string, unknown> & { id: string; type: string } =>
    ({ id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port: 5020, replyTimeout: 300, timeoutReply: '6', ...over });
  const route = (id: string, over: Record<string, unknown> = {}): Record<string, unknown> & { id: string; type: string } =>
    ({ id, type: 'umodbus-server-route', server: 's1', unitIds: '1-3', functionCodes: '3,16', addressStart: '100', addressEnd: '199', wires: [['out']], ...over });
  const flow = (...nodes: (Record<string, unknown> & { id: string; type: string })[]): ReturnType<typeof onTab> =>
    onTab(server(), ...nodes, { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' });

  it('maps every server option to the engine and listens without route nodes', async () => {
    await helper.load(allNodes, onTab(server({
      unitIds: '1, 5-6', maxConnections: '3', idleTimeout: '5000', memoryMap: '{"holdingRegisters":{"start":0,"values":[1,2]},"identity":{"vendorName":"Map"}}',
      vendorName: 'ACME', productCode: 'P1', revision: '1.2', vendorUrl: 'http://x', productName: 'Sim', modelName: 'M', userApplicationName: 'App', serverId: '9',
    })));
    const s = fakes.servers[0];
    assert.deepEqual(s.listenedWith, { type: 'tcp', host: '127.0.0.1', port: 5020, maxConnections: 3, connectionPolicy: 'close-oldest-idle', idleTimeout: 5000 });
    assert.deepEqual(s.options, {
      unitIds: [1, 5, 6],
      memoryMap: { holdingRegisters: { start: 0, size: 2, values: [1, 2] }, identity: { vendorName: 'Map' } },
      identity: { vendorName: 'ACME', productCode: 'P1', revision: '1.2', vendorUrl: 'http://x', productName: 'Sim', modelName: 'M', userApplicationName: 'App', serverId: 9 },
      timeoutReply: 6,
      fc8: true,
      routeTimeout: 300,
    });
  });

  it('listens on a serial line or RTU over TCP', async () => {
    await helper.load(allNodes, onTab(
      server({ transport: 'rtu', serialPath: '/dev/ttyS9', baudRate: 19200, parity: 'even' }),
      { id: 's2', type: 'umodbus-server', transport: 'rtu-tcp', host: '0.0.0.0', port: 0, timeoutReply: 'silent' },
    ));
    const listens = fakes.servers.map((s) => s.listenedWith);
    assert.deepEqual(listens.find((l) => l?.type === 'rtu'), { type: 'rtu', path: '/dev/ttyS9', baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 });
    assert.deepEqual(listens.find((l) => l?.type === 'rtu-tcp'), { type: 'rtu-tcp', host: '0.0.0.0', port: 0, maxConnections: 32, connectionPolicy: 'close-oldest-idle', idleTimeout: 60000 });
    assert.equal(fakes.servers.find((s) => s.listenedWith?.type === 'rtu-tcp')?.options.timeoutReply, 'silent');
  });

  it('passes the route filter to the engine and shows the listening status', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    assert.deepEqual(fakes.servers[0].routes[0].filter, { unitIds: [1, 2, 3], functionCodes: [3, 16], addressRange: { start: 100, end: 199 } });
    await waitFor(() => statusArgs(node('rt1')).some((s) => s.text === '127.0.0.1:5020'), 'listening status');
  });

  it('sends one msg per request with plain correlation data; a reply to another route node on the server answers it', async () => {
    await helper.load(allNodes, flow(route('rt1', { dataType: 'float32', byteOrder: 'CDAB' }), route('rt2', { unitIds: '9', wires: [[]] })));
    const out = collect('out');
    const answer = fakes.servers[0].indicate(2, { fc: 3, address: 100, quantity: 4 });
    await waitFor(() => out.length === 1, 'request msg');
    const msg = out[0];
    assert.deepEqual(msg.payload, { unitId: 2, fc: 3, address: 100, quantity: 4 });
    const modbus = msg.modbus as Record<string, unknown>;
    assert.deepEqual(JSON.parse(JSON.stringify(modbus)), modbus, 'clone-safe');
    assert.equal(modbus.server, 's1');
    assert.equal(modbus.route, 'rt1');
    assert.deepEqual(modbus.remote, { address: '127.0.0.1', port: 50000 });
    node('rt2').receive({ ...msg, payload: [1.5, -3] });
    assert.deepEqual(await answer, { values: valuesToRegisters([1.5, -3], 'float32', 'CDAB') }, 'encoded with the sending route node\'s data type');
  });

  it('writes arrive decoded and any payload acknowledges; the first reply wins and a later one warns', async () => {
    await helper.load(allNodes, flow(route('rt1', { dataType: 'int32' })));
    const out = collect('out');
    const answer = fakes.servers[0].indicate(1, { fc: 16, address: 150, values: valuesToRegisters([-5, 70000], 'int32') });
    await waitFor(() => out.length === 1, 'request msg');
    assert.deepEqual(out[0].payload, { unitId: 1, fc: 16, address: 150, quantity: 4, value: [-5, 70000] });
    node('rt1').receive({ ...out[0], payload: true });
    node('rt1').receive({ ...out[0], payload: { exception: 3 } });
    assert.deepEqual(await answer, { ack: true });
    await waitFor(() => callsOf(node('rt1'), 'warn').length === 1, 'late reply warning');
  });

  it('an exception in the reply is sent as that exception', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const out = collect('out');
    const answer = fakes.servers[0].indicate(1, { fc: 3, address: 100, quantity: 1 });
    await waitFor(() => out.length === 1, 'request msg');
    node('rt1').receive({ ...out[0], payload: { exception: 2 } });
    assert.deepEqual(await answer, { exception: 2 });
  });

  it('no reply in time sends the server\'s timeout exception and raises an error a Catch node sees', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const out = collect('out');
    const caught = collect('caught');
    const started = Date.now();
    const answer = await fakes.servers[0].indicate(3, { fc: 3, address: 120, quantity: 2 });
    assert.deepEqual(answer, { exception: 6 });
    assert.ok(Date.now() - started >= 280, 'waited for the reply timeout');
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal((caught[0].error as { code: string }).code, 'EMODBUS_TIMEOUT');
    assert.deepEqual(caught[0].modbus, out[0].modbus, 'the error carries the request msg');
  });

  it('a reply with the wrong number of values answers exception 04 and raises a bad msg error', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const out = collect('out');
    const caught = collect('caught');
    const answer = fakes.servers[0].indicate(1, { fc: 3, address: 100, quantity: 3 });
    await waitFor(() => out.length === 1, 'request msg');
    node('rt1').receive({ ...out[0], payload: [1, 2] });
    assert.deepEqual(await answer, { exception: 4 });
    await waitFor(() => caught.length === 1, 'catch');
    assert.equal((caught[0].error as { code: string }).code, 'EMODBUS_BAD_MSG');
  });

  it('a reply without msg.modbus, or for another server, is a bad msg', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const caught = collect('caught');
    node('rt1').receive({ payload: 1 });
    node('rt1').receive({ payload: 1, modbus: { server: 'other', id: 'r1' } });
    await waitFor(() => caught.length === 2, 'catch');
    for (const m of caught) assert.equal((m.error as { code: string }).code, 'EMODBUS_BAD_MSG');
  });

  it('requests outside every filter fall through to the memory map', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const server = fakes.servers[0];
    assert.equal(await server.indicate(4, { fc: 3, address: 100, quantity: 1 }), 'map', 'unit id');
    assert.equal(await server.indicate(1, { fc: 4, address: 100, quantity: 1 }), 'map', 'function code');
    assert.equal(await server.indicate(1, { fc: 3, address: 199, quantity: 2 }), 'map', 'address range');
  });

  it('finishes close within about 2 s even when the server engine hangs', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    fakes.servers[0].close = () => new Promise<void>(() => undefined);
    const started = Date.now();
    await helper.unload();
    const took = Date.now() - started;
    assert.ok(took >= 1900 && took < 3000, `close took ${took} ms`);
  });

  it('closing clears every pending timer, answering with the timeout reply, and releases the server', async () => {
    await helper.load(allNodes, flow(route('rt1')));
    const out = collect('out');
    const server = fakes.servers[0];
    const answers = [server.indicate(1, { fc: 3, address: 100, quantity: 1 }), server.indicate(2, { fc: 3, address: 101, quantity: 1 })];
    await waitFor(() => out.length === 2, 'request msgs');
    await helper.unload();
    assert.deepEqual(await Promise.all(answers), [{ exception: 6 }, { exception: 6 }]);
    assert.equal(server.closed, true);
    assert.equal(server.routes.length, 0, 'the route was removed');
  });
});
