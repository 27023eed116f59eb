/**
 * Issue 17 in the runtime: umodbus-client and umodbus-server on "TCP + TLS", their certificates
 * from Node-RED's own tls-config node (keys in its credentials), a route that sees the client's
 * role and limits writes to Operator, and the refusals as a Catch node sees them.
 */
import { strict as assert } from 'node:assert';
import tlsNode from '@node-red/nodes/core/network/05-tls.js';
import { testPki, type TestPki } from '../fixtures/certs';
import { allNodes, catchAll, collect, helper, node, onTab, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };
/** The part of Node-RED's runtime nodes API this test deploys through (the test helper keeps it). */
interface RedNodes {
  setFlows(config: N[], credentials: undefined, type: 'full'): Promise<unknown>;
  getFlows(): { flows: unknown[] };
}
type Caught = { error: { code: string; message: string }; payload?: unknown };

const tlsConfig = (id: string): N => ({ id, type: 'tls-config', cert: '', key: '', ca: '', verifyservercert: true, servername: '' });

describe('TCP + TLS in the nodes (tls-config, roles)', function () {
  this.timeout(20000);
  let pki: TestPki;
  let port: number;
  before(() => { pki = testPki(); });
  beforeEach(async () => { port = await freePort(); });
  afterEach(async () => { await helper.unload(); });

  function flow(clientTls: string): N[] {
    // Config nodes (no position): onTab would place the tls-config nodes on the tab as flow nodes.
    const tls = [tlsConfig('tls-server'), tlsConfig('tls-op'), tlsConfig('tls-viewer'), tlsConfig('tls-stranger')];
    return [...tls, ...onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tls', tls: 'tls-server', host: '127.0.0.1', port, replyTimeout: 2000,
        memoryMap: '{"holdingRegisters":{"start":0,"size":10},"access":{"write":["Operator"]}}' },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3,6', addressStart: '100', addressEnd: '199', writeRoles: 'Operator', wires: [['held']] },
      { id: 'held', type: 'helper' },
      { id: 'c1', type: 'umodbus-client', transport: 'tls', tls: clientTls, host: '127.0.0.1', port, timeout: 2000, reconnectMin: 5000, reconnectMax: 5000 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 2, wires: [['out']] },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 0, dataType: 'uint16', byteOrder: 'ABCD', wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    )];
  }

  const credentials = (p: TestPki): Record<string, Record<string, string>> => ({
    'tls-server': { cadata: p.ca, certdata: p.server.cert, keydata: p.server.key },
    'tls-op': { cadata: p.ca, certdata: p.operator.cert, keydata: p.operator.key },
    'tls-viewer': { cadata: p.ca, certdata: p.viewer.cert, keydata: p.viewer.key },
    'tls-stranger': { cadata: p.ca, certdata: p.stranger.cert, keydata: p.stranger.key },
  });

  it('an Operator reads and writes; the route gets msg.modbus.role', async () => {
    await helper.load([tlsNode, ...allNodes], flow('tls-op'), credentials(pki));
    const out = collect('out');
    const held = collect('held');
    held.length = 0;
    node('w1').receive({ payload: 42 });
    await waitFor(() => out.length === 1, 'write done', 5000);
    node('r1').receive({});
    await waitFor(() => out.length === 2, 'read done', 5000);
    assert.deepEqual(out[1].payload, [42, 0]);
    node('r1').receive({ payload: { address: 150, quantity: 1 } });
    await waitFor(() => held.length === 1, 'route msg', 5000);
    assert.equal((held[0].modbus as { role?: string }).role, 'Operator');
  });

  it('keys stay in the tls-config credentials: a deploy carrying them saves flows that hold no key, certificate or CA', async () => {
    await helper.load([tlsNode, ...allNodes], flow('tls-op'), credentials(pki));
    // Deploy as the editor does: the tls-config nodes carry their uploaded PEMs in `credentials`.
    const creds = credentials(pki);
    const deployed = flow('tls-op').map((n) => (creds[n.id] ? { ...n, credentials: creds[n.id] } : n));
    const nodes = (helper as unknown as { _redNodes: RedNodes })._redNodes;
    await nodes.setFlows(deployed, undefined, 'full');
    await waitFor(() => helper.getNode('out') !== null && helper.getNode('r1') !== null, 'the redeployed flow started');
    const out = collect('out');
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'read done after the deploy (the key was there to use)', 5000);
    const saved = JSON.stringify(nodes.getFlows().flows);
    assert.match(saved, /"umodbus-client"/, 'the flows are there');
    assert.doesNotMatch(saved, /PRIVATE KEY|BEGIN CERTIFICATE/);
    for (const pem of [pki.server.key, pki.operator.key, pki.ca, pki.operator.cert]) {
      assert.ok(!saved.includes(pem.split('\n')[1]), 'a line of a PEM is in the flows');
    }
  });

  it('a Viewer\'s write gets exception 01 at the Catch node; its reads go on', async () => {
    await helper.load([tlsNode, ...allNodes], flow('tls-viewer'), credentials(pki));
    const out = collect('out');
    const caught = collect('caught') as unknown as Caught[];
    node('w1').receive({ payload: 7 });
    await waitFor(() => caught.length === 1, 'write refused', 5000);
    assert.equal(caught[0].error.code, 'EMODBUS_EXCEPTION');
    assert.match(caught[0].error.message, /exception 1 \(ILLEGAL FUNCTION\)/);
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'read done', 5000);
  });

  it('a client certificate from another CA: the read fails with EMODBUS_TLS', async () => {
    await helper.load([tlsNode, ...allNodes], flow('tls-stranger'), credentials(pki));
    const caught = collect('caught') as unknown as Caught[];
    node('r1').receive({});
    await waitFor(() => caught.length === 1, 'read refused', 5000);
    assert.equal(caught[0].error.code, 'EMODBUS_TLS', caught[0].error.message);
  });

  it('TCP + TLS without a tls-config node is a config error, said at deploy', async () => {
    await helper.load([tlsNode, ...allNodes], onTab(
      { id: 'c1', type: 'umodbus-client', transport: 'tls', host: '127.0.0.1', port },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    const caught = collect('caught') as unknown as Caught[];
    node('r1').receive({});
    await waitFor(() => caught.length === 1, 'read refused', 5000);
    assert.equal(caught[0].error.code, 'EMODBUS_CONFIG');
  });
});
