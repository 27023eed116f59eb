import { strict as assert } from 'node:assert';
import { allNodes, callsOf, catchAll, collect, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { useFakeEngines, type FakeClient } from './fake-engines';

describe('umodbus-client (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  const client = (over: Record<string, unknown> = {}): Record<string, unknown> & { id: string; type: string } =>
    ({ id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '10.0.0.5', port: '1502', ...over });
  const read = (id: string): Record<string, unknown> & { id: string; type: string } =>
    ({ id, type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [[]] });

  it('maps every TCP option to the engine', async () => {
    await helper.load(allNodes, onTab(client({ timeout: '250', retries: '2', maxInFlight: '4', queueLimit: '7', reconnectMin: '50', reconnectMax: '900', turnaround: '30' }), read('r1')));
    assert.equal(fakes.clients.length, 1);
    assert.deepEqual(fakes.clients[0].options, {
      transport: { type: 'tcp', host: '10.0.0.5', port: 1502 },
      timeout: 250, retries: 2, maxInFlight: 4, queueLimit: 7, reconnect: { minDelay: 50, maxDelay: 900 }, turnaroundDelay: 30,
    });
  });

  it('maps serial options for RTU and ASCII, and RTU over TCP', async () => {
    await helper.load(allNodes, onTab(
      client({ transport: 'rtu', serialPath: '/dev/ttyX', baudRate: '19200', dataBits: '7', parity: 'even', stopBits: '2', interFrameDelay: '0' }), read('r1'),
      { id: 'c2', type: 'umodbus-client', transport: 'ascii', serialPath: '/dev/ttyY', baudRate: 9600, parity: 'odd' },
      { id: 'r2', type: 'umodbus-read', client: 'c2', wires: [[]] },
      { id: 'c3', type: 'umodbus-client', transport: 'rtu-tcp', host: 'gw', port: 4001 },
      { id: 'r3', type: 'umodbus-read', client: 'c3', wires: [[]] },
    ));
    const byPath = (t: FakeClient['options']['transport']): string => ('path' in t ? t.path : t.host);
    const transports = fakes.clients.map((c) => c.options.transport).sort((a, b) => byPath(a).localeCompare(byPath(b)));
    assert.deepEqual(transports, [
      // The inter-frame delay as typed, 0 included; missing keeps the spec's t3.5 (no key at all).
      { type: 'rtu', path: '/dev/ttyX', baudRate: 19200, dataBits: 7, parity: 'even', stopBits: 2, interFrameDelay: 0 },
      { type: 'ascii', path: '/dev/ttyY', baudRate: 9600, dataBits: 8, parity: 'odd', stopBits: 1 },
      { type: 'rtu-tcp', host: 'gw', port: 4001 },
    ]);
  });

  it('opens with the first user only and fans status out to every user', async () => {
    await helper.load(allNodes, onTab(client(), read('r1'), read('r2'), { id: 'w1', type: 'umodbus-write', client: 'c1', wires: [[]] }));
    assert.equal(fakes.clients.length, 1, 'one engine for three users');
    fakes.clients[0].setState('disconnected', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
    await waitFor(() => ['r1', 'r2', 'w1'].every((id) => statusArgs(node(id)).at(-1)?.fill === 'red'), 'red on every user');
    for (const id of ['r1', 'r2', 'w1']) {
      assert.deepEqual(statusArgs(node(id)).at(-1), { fill: 'red', shape: 'ring', text: 'refused by 10.0.0.5:1502' }, id);
    }
    fakes.clients[0].setState('connecting');
    fakes.clients[0].setState('connected');
    await waitFor(() => ['r1', 'r2', 'w1'].every((id) => statusArgs(node(id)).at(-1)?.fill === 'green'), 'green on every user');
    for (const id of ['r1', 'r2', 'w1']) {
      const seen = statusArgs(node(id));
      assert.deepEqual(seen.at(-2), { fill: 'yellow', shape: 'ring', text: 'node-red:common.status.connecting' }, id);
      assert.deepEqual(seen.at(-1), { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' }, id);
    }
  });

  it('keeps the connection when one user is removed and closes it with the last', async () => {
    const flow = onTab(client(), read('r1'), read('r2'));
    await helper.load(allNodes, flow);
    const engine = fakes.clients[0];
    await helper.setFlows(flow.filter((n) => n.id !== 'r2'), 'nodes');
    assert.equal(engine.closed, false, 'removing one user keeps the link');
    assert.equal(fakes.clients.length, 1);
    node('r1').receive({});
    await waitFor(() => engine.requests.length === 1, 'r1 still reads');
    await helper.setFlows(flow.filter((n) => n.id !== 'r2' && n.id !== 'r1'), 'nodes');
    await waitFor(() => engine.closed, 'the last user closes the link');
  });

  it('finishes close within about 2 s even when the engine hangs', async () => {
    await helper.load(allNodes, onTab(client(), read('r1')));
    fakes.clients[0].close = () => new Promise<void>(() => undefined);
    const started = Date.now();
    await helper.unload();
    const took = Date.now() - started;
    assert.ok(took >= 1900 && took < 3000, `close took ${took} ms`);
  });

  it('a flow node without its config node says so, and its input msgs reach a Catch node', async () => {
    await helper.load(allNodes, onTab(
      { id: 'r1', type: 'umodbus-read', client: 'missing', wires: [[]] },
      { id: 'w1', type: 'umodbus-write', client: 'missing', wires: [[]] },
      { id: 'rt1', type: 'umodbus-server-route', server: 'missing', wires: [[]] },
      catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    const caught = collect('caught');
    for (const id of ['r1', 'w1', 'rt1']) {
      assert.deepEqual(statusArgs(node(id)).at(-1), { fill: 'red', shape: 'ring', text: '@umodbus/node-red/umodbus-client:umodbus.status.no-config' }, id);
      assert.ok(callsOf(node(id), 'error').length >= 1, id);
      node(id).receive({ payload: 1, _tag: id });
    }
    await waitFor(() => caught.length === 3, 'three refused msgs');
    for (const m of caught) {
      const error = m.error as { code: string; cause: { kind: string }; message: string };
      assert.deepEqual([error.code, error.cause.kind], ['EMODBUS_CONFIG', 'config'], String(m._tag));
      assert.match(error.message, /no umodbus-(client|server) configured/);
    }
  });

  it('a route node with an invalid filter refuses its input msgs to a Catch node', async () => {
    await helper.load(allNodes, onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port: 5020 },
      { id: 'rt1', type: 'umodbus-server-route', server: 's1', unitIds: '1,x', wires: [[]] },
      // FC 8 is the server's own (diagnostics): no route may take it.
      { id: 'rt2', type: 'umodbus-server-route', server: 's1', functionCodes: '3,8', wires: [[]] },
      catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    const caught = collect('caught');
    node('rt1').receive({ payload: 1 });
    node('rt2').receive({ payload: 2 });
    await waitFor(() => caught.length === 2, 'refused msgs');
    const messages = caught.map((m) => (m.error as { message: string }).message);
    assert.ok(messages.some((t) => /invalid settings: "x" is not a number/.test(t)), messages.join('; '));
    assert.ok(messages.some((t) => /invalid settings: function code 8 cannot be routed/.test(t)), messages.join('; '));
    assert.equal(fakes.servers[0].routes.length, 0, 'no route was added');
  });

  it('serves the serial port list on the admin endpoint', async () => {
    await helper.load(allNodes, onTab(client()));
    const res = await helper.request().get('/umodbus/serialports').expect(200);
    assert.ok(Array.isArray(res.body));
    for (const p of res.body as Record<string, unknown>[]) {
      assert.equal(typeof p.path, 'string');
      assert.equal(typeof p.readable, 'boolean');
      assert.equal(typeof p.writable, 'boolean');
    }
  });
});
