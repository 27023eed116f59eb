/**
 * The umodbus-client's UDP transport in a flow, against a peer we control byte by byte (the server
 * node over UDP is in server-ascii-udp.test.ts): the peer
 * is a small MBAP-over-UDP server on 127.0.0.1 that answers with the codec's own ADU encoder:
 * FC 3 with values made from the request's address, an exception for other function codes, and
 * silence for unit 9 (a lost datagram).
 */
import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
import { decodeRequest, encodeExceptionAdu, encodeResponseAdu, mbap, type ModbusRequest, type UnknownRequest } from '../../src/codec';
import { allNodes, catchAll, collect, helper, node, onTab, statusArgs, waitFor } from './helpers';

interface Seen { unitId: number; transactionId: number; req: ModbusRequest | UnknownRequest }
type N = Record<string, unknown> & { id: string; type: string };

describe('umodbus-client over UDP (real engine, dgram peer)', function () {
  this.timeout(20000);
  let socket: dgram.Socket;
  let port: number;
  let seen: Seen[];

  beforeEach(async () => {
    seen = [];
    socket = dgram.createSocket('udp4');
    socket.on('message', (datagram, from) => {
      const f = mbap.unwrap(datagram);
      const req = decodeRequest(f.data, f.start, f.end);
      seen.push({ unitId: f.unitId, transactionId: f.transactionId, req });
      if (f.unitId === 9) return;
      const answer = req.fc === 3 && 'quantity' in req
        ? encodeResponseAdu(mbap, f.unitId, f.transactionId, { fc: 3, values: Array.from({ length: req.quantity }, (_, i) => (req.address + i) * 10) })
        : encodeExceptionAdu(mbap, f.unitId, f.transactionId, req.fc, 0x01);
      socket.send(answer, from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    port = socket.address().port;
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  });

  const flow = (...reads: N[]): N[] => onTab(
    { id: 'c1', type: 'umodbus-client', transport: 'udp', host: '127.0.0.1', port, timeout: 300 },
    ...reads,
    { id: 'out', type: 'helper' }, catchAll('catch', 'caught'), { id: 'caught', type: 'helper' },
  );
  const read = (id: string, over: Record<string, unknown>): N => ({ id, type: 'umodbus-read', client: 'c1', unitId: 7, fc: 3, address: 5, quantity: 2, wires: [['out']], ...over });

  it('reads FC 3: the request reaches the peer as set in the node, and its values come back decoded', async () => {
    await helper.load(allNodes, flow(read('r1', {})));
    const out = collect('out');
    const caught = collect('caught');
    node('r1').receive({ payload: 'go' });
    await waitFor(() => out.length === 1, 'the read answer', 5000);
    assert.deepEqual(out[0].payload, [50, 60]);
    assert.equal(seen.length, 1, 'one datagram for one read');
    assert.equal(seen[0].unitId, 7);
    assert.deepEqual(seen[0].req, { fc: 3, address: 5, quantity: 2 });
    const modbus = out[0].modbus as { unitId: number; fc: number; address: number; connection: Record<string, unknown> };
    assert.deepEqual([modbus.unitId, modbus.fc, modbus.address], [7, 3, 5]);
    assert.deepEqual(modbus.connection, { client: 'c1', type: 'udp', host: '127.0.0.1', port });
    assert.equal(caught.length, 0);
    await waitFor(() => statusArgs(node('r1')).some((s) => s.fill === 'green'), 'a connected status');
  });

  it('an exception and a lost datagram reach a Catch node with their msgs; the link keeps working', async () => {
    await helper.load(allNodes, flow(read('r4', { fc: 4 }), read('r9', { unitId: 9 }), read('r7', {})));
    const out = collect('out');
    const caught = collect('caught');
    node('r4').receive({ topic: 'fc4' });
    node('r9').receive({ topic: 'unit9' });
    await waitFor(() => caught.length === 2, 'two errors', 5000);
    const code = (topic: string): unknown => (caught.find((m) => m.topic === topic)?.error as { code?: string } | undefined)?.code;
    assert.equal(code('fc4'), 'EMODBUS_EXCEPTION');
    assert.equal(code('unit9'), 'EMODBUS_TIMEOUT');
    node('r7').receive({});
    await waitFor(() => out.length === 1, 'a read after the errors', 5000);
    assert.deepEqual(out[0].payload, [50, 60]);
    // One request at a time (maxInFlight 1), in the order sent, each with its own transaction id.
    assert.deepEqual(seen.map((s) => [s.unitId, s.req.fc]), [[7, 4], [9, 3], [7, 3]]);
    assert.equal(new Set(seen.map((s) => s.transactionId)).size, 3);
  });
});
