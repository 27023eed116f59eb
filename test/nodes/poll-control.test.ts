/**
 * Issue 15, items 2, 4 and 5 on a scripted engine: msg.poll starts, stops and re-times a read
 * node's poll; a poll that keeps failing the same way is one error per outage; the last failure
 * stays on the status, in words, until a request succeeds.
 */
import { strict as assert } from 'node:assert';
import { ModbusExceptionError } from '../../src/codec';
import { ConnectError } from '../../src/transport';
import { allNodes, callsOf, catchAll, collect, delay, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { useFakeEngines } from './fake-engines';

const refused = (): Error => new ConnectError('tcp 10.0.0.5:502', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:502'), { code: 'ECONNREFUSED' }));

describe('umodbus-read poll control, outages and status words (scripted engine)', () => {
  let fakes: ReturnType<typeof useFakeEngines>;
  beforeEach(() => { fakes = useFakeEngines(); });
  afterEach(async () => {
    await helper.unload();
    fakes.restore();
  });

  const flow = (read: Record<string, unknown>): ReturnType<typeof onTab> => onTab(
    { id: 'c1', type: 'umodbus-client', transport: 'tcp', host: '10.0.0.5', port: 502 },
    { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 0, quantity: 1, wires: [['out']], ...read },
    { id: 'out', type: 'helper' },
    catchAll('catch', 'caught'),
    { id: 'caught', type: 'helper' },
  );

  it('msg.poll = false stops the poll without a read, shows "stopped"; a number re-times and starts it; true resumes', async () => {
    fakes.setHandler(async () => ({ fc: 3, values: [7] }));
    await helper.load(allNodes, flow({ pollInterval: '40' }));
    const out = collect('out');
    await waitFor(() => out.length >= 2, 'two polls');
    node('r1').receive({ poll: false, payload: 'stop' });
    await waitFor(() => statusArgs(node('r1')).at(-1)?.text === 'stopped', 'the stopped status');
    const stoppedAt = fakes.clients[0].requests.length;
    await delay(200);
    assert.equal(fakes.clients[0].requests.length, stoppedAt, 'no read after msg.poll = false, and none for the msg itself');
    assert.equal(statusArgs(node('r1')).at(-1)?.text, 'stopped');
    node('r1').receive({ poll: 500 });
    await waitFor(() => fakes.clients[0].requests.length === stoppedAt + 1, 'msg.poll = 500 polls at once');
    await delay(200);
    assert.equal(fakes.clients[0].requests.length, stoppedAt + 1, 'then every 500 ms, not every 40');
    assert.notEqual(statusArgs(node('r1')).at(-1)?.text, 'stopped');
    node('r1').receive({ poll: false });
    node('r1').receive({ poll: true });
    await waitFor(() => fakes.clients[0].requests.length === stoppedAt + 2, 'msg.poll = true resumes at the interval');
  });

  it('a bad msg.poll, or true with no interval, goes to a Catch node as EMODBUS_BAD_MSG', async () => {
    await helper.load(allNodes, flow({}));
    const caught = collect('caught');
    node('r1').receive({ poll: 'soon' });
    node('r1').receive({ poll: true });
    await waitFor(() => caught.length === 2, 'two errors');
    for (const m of caught) assert.equal((m.error as { code: string }).code, 'EMODBUS_BAD_MSG');
    assert.equal(fakes.clients[0].requests.length, 0);
  });

  it('a link that stays down is one error, not one per poll; the first poll back carries recovered and the count', async () => {
    let down = true;
    fakes.setHandler(async () => {
      if (down) throw refused();
      return { fc: 3, values: [1] };
    });
    await helper.load(allNodes, flow({ pollInterval: '20' }));
    const out = collect('out');
    const caught = collect('caught');
    await waitFor(() => fakes.clients[0].requests.length >= 10, 'ten polls while down');
    const errors = callsOf(node('r1'), 'error');
    assert.equal(errors.length, 1, 'one error for the outage');
    assert.equal((errors[0][0] as { code: string }).code, 'EMODBUS_CONNECT');
    // The first poll went out at deploy, perhaps before the Catch listener here: count from now.
    caught.length = 0;
    assert.deepEqual(statusArgs(node('r1')).at(-1), { fill: 'yellow', shape: 'ring', text: 'refused by 10.0.0.5:502' });
    // A msg a user sends during the outage still gets its own error.
    node('r1').receive({ _mine: 1 });
    await waitFor(() => caught.length === 1, 'the user msg is caught');
    assert.equal(caught[0]._mine, 1);
    down = false;
    await waitFor(() => out.length >= 1, 'a poll after the link is back');
    const modbus = out[0].modbus as { recovered?: boolean; pollsWhileDown: number };
    assert.equal(modbus.recovered, true);
    assert.ok(modbus.pollsWhileDown >= 9, `polls during the outage counted: ${modbus.pollsWhileDown}`);
    assert.equal(statusArgs(node('r1')).at(-1)?.fill, 'green', 'a success clears the failure');
    await waitFor(() => out.length >= 2, 'the next poll');
    assert.equal((out[1].modbus as { recovered?: boolean }).recovered, undefined, 'recovered only once');
    down = true;
    await waitFor(() => caught.length === 2, 'the next outage is reported again');
  });

  it('an exception stays on the status in yellow while the link reports connected, until a request succeeds', async () => {
    let answer: 'exception' | 'ok' = 'exception';
    fakes.setHandler(async () => {
      if (answer === 'exception') throw new ModbusExceptionError(3, 2);
      return { fc: 3, values: [1] };
    });
    await helper.load(allNodes, flow({}));
    const caught = collect('caught');
    const out = collect('out');
    node('r1').receive({});
    await waitFor(() => caught.length === 1, 'exception caught');
    const failure = { fill: 'yellow', shape: 'ring', text: 'exception 02 illegal data address' };
    assert.deepEqual(statusArgs(node('r1')).at(-1), failure);
    fakes.clients[0].setState('connected');
    await delay(20);
    assert.deepEqual(statusArgs(node('r1')).at(-1), failure, 'a green "connected" does not hide it');
    const cause = (caught[0].error as { cause: object }).cause;
    assert.notEqual(String(cause), '[object Object]', 'the debug sidebar shows `cause + ""`');
    assert.match(String(cause), /EMODBUS_EXCEPTION.*exception 02 ILLEGAL DATA ADDRESS/);
    answer = 'ok';
    node('r1').receive({});
    await waitFor(() => out.length === 1, 'a read succeeds');
    assert.deepEqual(statusArgs(node('r1')).at(-1), { fill: 'green', shape: 'dot', text: 'node-red:common.status.connected' });
  });
});
