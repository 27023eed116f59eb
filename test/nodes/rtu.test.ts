/** One flow over a real serial line: a socat pty pair with an RTU server on one end and an RTU client on the other. */
import { strict as assert } from 'node:assert';
import { ptyPair as restartablePty } from '../server/pty';
import { allNodes, catchAll, collect, helper, node, onTab, statusArgs, waitFor } from './helpers';
import { ptyPair, type PtyPair } from './real-io';

describe('RTU flow over a socat pty (real engines)', function () {
  this.timeout(20000);
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await helper.unload();
    await pty?.close();
    pty = undefined;
  });

  it('writes, reads from the memory map and from a route, and times out on a unit nobody serves', async () => {
    pty = await ptyPair();
    await helper.load(allNodes, onTab(
      { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: pty.a, baudRate: 19200, parity: 'even', unitIds: '1,2', memoryMap: '{"holdingRegisters":{"start":0,"size":10}}', replyTimeout: 1000 },
      { id: 'c1', type: 'umodbus-client', transport: 'rtu', serialPath: pty.b, baudRate: 19200, parity: 'even', timeout: 300 },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', unitIds: '2', functionCodes: '4', wires: [['flow']] },
      { id: 'flow', type: 'helper' },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 16, address: 2, dataType: 'int32', wires: [['out']] },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 2, quantity: 1, dataType: 'int32', wires: [['out']] },
      { id: 'r2', type: 'umodbus-read', client: 'c1', unitId: 2, fc: 4, address: 0, quantity: 2, wires: [['out']] },
      { id: 'r9', type: 'umodbus-read', client: 'c1', unitId: 9, fc: 3, address: 0, quantity: 1, wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    ));
    node('flow').on('input', (m) => node('rt').receive({ ...(m as Record<string, unknown>), payload: [4, 2] }));
    const out = collect('out');
    const caught = collect('caught');
    node('w1').receive({ payload: -100000 });
    await waitFor(() => out.length === 1, 'write', 5000);
    node('r1').receive({});
    node('r2').receive({});
    node('r9').receive({});
    await waitFor(() => out.length === 3 && caught.length === 1, 'reads and the timeout', 5000);
    assert.equal(out[1].payload, -100000);
    assert.deepEqual(out[2].payload, [4, 2]);
    assert.equal((out[1].modbus as { connection: { path: string } }).connection.path, pty.b);
    assert.equal((caught[0].error as { cause: { kind: string } }).cause.kind, 'timeout');
  });

  it('a serial line that goes away turns the route red, and green again once the server has it back', async () => {
    let line = await restartablePty();
    try {
      await helper.load(allNodes, onTab(
        { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: line.a, baudRate: 19200, memoryMap: '{"holdingRegisters":{"start":0,"size":10}}' },
        { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '4', wires: [[]] },
      ));
      const last = (): Record<string, unknown> | undefined => statusArgs(node('rt')).at(-1);
      const path = line.a;
      await waitFor(() => last()?.text === path && last()?.fill === 'green', 'listening');
      await line.close(); // the adapter unplugged
      await waitFor(() => last()?.text === '@umodbus/node-red/umodbus-client:umodbus.status.line-lost' && last()?.fill === 'red', 'line lost', 5000);
      line = await restartablePty(line.base); // and plugged in again
      await waitFor(() => last()?.text === path && last()?.fill === 'green', 'listening again', 8000);
    } finally {
      await helper.unload();
      await line.close();
    }
  });

  it('a serial line that is not there at deploy (an adapter plugged in later) is opened once it appears', async () => {
    const gone = await restartablePty();
    await gone.close(); // its paths exist no more
    let line: Awaited<ReturnType<typeof restartablePty>> | undefined;
    try {
      await helper.load(allNodes, onTab(
        { id: 's1', type: 'umodbus-server', transport: 'rtu', serialPath: gone.a, baudRate: 19200 },
        { id: 'rt', type: 'umodbus-server-route', server: 's1', functionCodes: '4', wires: [[]] },
      ));
      const last = (): Record<string, unknown> | undefined => statusArgs(node('rt')).at(-1);
      await waitFor(() => last()?.fill === 'red', 'failed to open', 5000);
      line = await restartablePty(gone.base);
      await waitFor(() => last()?.text === gone.a && last()?.fill === 'green', 'listening once the line is there', 8000);
    } finally {
      await helper.unload();
      await line?.close();
    }
  });
});
