/**
 * The umodbus-server node listening on UDP and on an ASCII serial line: our own client node
 * through a route and the memory map, and modbus-serial as a peer we did not write.
 */
import { strict as assert } from 'node:assert';
import ModbusRTU from 'modbus-serial';
import { allNodes, catchAll, collect, helper, node, onTab, serverLink, waitFor } from './helpers';
import { ptyPair, type PtyPair } from './real-io';

describe('umodbus-server over UDP and ASCII (real engines)', function () {
  this.timeout(20000);
  let pty: PtyPair | undefined;
  afterEach(async () => {
    await helper.unload();
    await pty?.close();
    pty = undefined;
  });

  /** Server, client, a route for FC 4 on unit 2, reads and a write, as the transport settings say. */
  function flow(server: Record<string, unknown>, client: Record<string, unknown>) {
    return onTab(
      { id: 's1', type: 'umodbus-server', unitIds: '1,2', memoryMap: '{"holdingRegisters":{"start":0,"size":10}}', replyTimeout: 1000, ...server },
      { id: 'c1', type: 'umodbus-client', timeout: 500, ...client },
      { id: 'rt', type: 'umodbus-server-route', server: 's1', unitIds: '2', functionCodes: '4', wires: [['flow']] },
      { id: 'flow', type: 'helper' },
      { id: 'w1', type: 'umodbus-write', client: 'c1', unitId: 1, fc: 16, address: 2, dataType: 'int32', wires: [['out']] },
      { id: 'r1', type: 'umodbus-read', client: 'c1', unitId: 1, fc: 3, address: 2, quantity: 1, dataType: 'int32', wires: [['out']] },
      { id: 'r2', type: 'umodbus-read', client: 'c1', unitId: 2, fc: 4, address: 0, quantity: 2, wires: [['out']] },
      { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
    );
  }

  async function exchange(): Promise<void> {
    node('flow').on('input', (m) => node('rt').receive({ ...(m as Record<string, unknown>), payload: [4, 2] }));
    const out = collect('out');
    const caught = collect('caught');
    node('w1').receive({ payload: -100000 });
    await waitFor(() => out.length === 1 || caught.length > 0, 'write', 5000);
    node('r1').receive({});
    node('r2').receive({});
    await waitFor(() => out.length === 3 || caught.length > 0, 'reads', 5000);
    assert.deepEqual(caught.map((m) => m.error), []);
    assert.equal(out[1].payload, -100000);
    assert.deepEqual(out[2].payload, [4, 2]);
  }

  it('UDP: the client node writes and reads through the memory map and a route; modbus-serial reads too', async () => {
    await helper.load(allNodes, flow({ transport: 'udp', host: '127.0.0.1', port: 0 }, { transport: 'udp', host: '127.0.0.1', port: 1 }));
    const bound = await serverLink('s1')?.bound;
    assert.ok(bound?.port, 'listening on a port');
    await helper.unload();
    // Port 0 was picked by the first deploy; deploy again with the client pointed at the port it got.
    await helper.load(allNodes, flow({ transport: 'udp', host: '127.0.0.1', port: bound.port }, { transport: 'udp', host: '127.0.0.1', port: bound.port }));
    assert.equal((await serverLink('s1')?.bound)?.port, bound.port);
    await exchange();
    const client = new ModbusRTU();
    await client.connectUDP('127.0.0.1', { port: bound.port });
    for (let i = 0; i < 100 && !client.isOpen; i++) await new Promise((r) => setTimeout(r, 10));
    try {
      client.setID(1);
      client.setTimeout(1000);
      assert.deepEqual((await client.readHoldingRegisters(2, 2)).data, [0xfffe, 0x7960]);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
  });

  it('ASCII: the client node writes and reads over a socat pty, through the memory map and a route', async () => {
    pty = await ptyPair();
    await helper.load(allNodes, flow(
      { transport: 'ascii', serialPath: pty.a, baudRate: 19200, dataBits: 7, parity: 'even' },
      { transport: 'ascii', serialPath: pty.b, baudRate: 19200, dataBits: 7, parity: 'even' },
    ));
    assert.equal((await serverLink('s1')?.bound)?.path, pty.a);
    await exchange();
  });
});
