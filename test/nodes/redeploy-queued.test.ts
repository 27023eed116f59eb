/**
 * "Every request gets exactly one reply or one error, on redeploy too": msgs a read and a write
 * node are still waiting on when the flow is redeployed end with done(err), EMODBUS_CLOSED, each
 * once, and nothing is sent for them.
 */
import { strict as assert } from 'node:assert';
import { allNodes, callsOf, collect, helper, node, onTab, waitFor } from './helpers';
import { freePort } from './real-io';

type N = Record<string, unknown> & { id: string; type: string };

describe('redeploy with msgs still waiting (real engines)', function () {
  this.timeout(20000);
  afterEach(async () => { await helper.unload(); });

  it('each waiting msg ends once with EMODBUS_CLOSED; none is sent', async () => {
    const port = await freePort();
    // A route nobody answers holds every request at the server until the redeploy.
    const flow: N[] = onTab(
      { id: 's1', type: 'umodbus-server', transport: 'tcp', host: '127.0.0.1', port, replyTimeout: 15000 },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '3,6', wires: [['held']] },
      { id: 'held', type: 'helper' },
      { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '127.0.0.1', port, timeout: 15000 },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']] },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 6, address: 0, dataType: 'uint16', byteOrder: 'ABCD', wires: [['out']] },
      { id: 'out', type: 'helper' },
    );
    await helper.load(allNodes, flow);
    const held = collect('held');
    const out = collect('out');
    const r1 = node('r1');
    const w1 = node('w1');
    for (let i = 0; i < 3; i++) r1.receive({ _msgid: `r${i}`, payload: {} });
    for (let i = 0; i < 2; i++) w1.receive({ _msgid: `w${i}`, payload: i });
    await waitFor(() => held.length >= 1, 'a request held at the route');

    await helper.setFlows(flow, 'full');

    const closedOf = (n: typeof r1): string[] => callsOf(n, 'error')
      .filter(([err]) => (err as { code?: string }).code === 'EMODBUS_CLOSED')
      .map(([, msg]) => (msg as { _msgid: string })._msgid);
    await waitFor(() => closedOf(r1).length + closedOf(w1).length === 5, 'five EMODBUS_CLOSED errors', 5000);
    assert.deepEqual(closedOf(r1).sort(), ['r0', 'r1', 'r2']);
    assert.deepEqual(closedOf(w1).sort(), ['w0', 'w1']);
    assert.equal(out.length, 0, 'nothing sent for a request that was not served');
    assert.equal(callsOf(r1, 'error').length + callsOf(w1, 'error').length, 5, 'one error each, no other');
  });
});
