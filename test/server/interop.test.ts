import { strict as assert } from 'node:assert';
import { Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';
import { ModbusRTUClient, ModbusTCPClient } from 'jsmodbus';
import { SerialPort } from 'serialport';
import { ModbusServer } from '../../src/server';
import { ptyPair, type PtyPair } from './pty';

/** A server set up the same way for every peer: a map, an identity, and routes for files and FIFOs. */
function makeServer(): ModbusServer {
  const server = new ModbusServer({
    memoryMap: {
      coils: { size: 100, values: [1, 0, 1, 1, 0, 0, 1, 0, 1, 1] },
      discreteInputs: { values: [0, 1, 1] },
      holdingRegisters: { size: 200, values: [10, 20, 30, 40] },
      inputRegisters: { start: 1000, values: [1001, 1002, 1003] },
    },
    identity: { vendorName: 'ACME', productCode: 'UM-1', revision: '1.2', productName: 'P'.repeat(120), modelName: 'M'.repeat(120) },
  });
  server.addRoute({ functionCodes: [20] }, (ind) => {
    if (ind.request.fc !== 20) return { exception: 4 };
    return { values: ind.request.references.flatMap((r) => Array.from({ length: r.recordLength }, (_, i) => r.recordNumber + i)) };
  });
  server.addRoute({ functionCodes: [24] }, () => ({ values: [0x1b8, 0x1284] }));
  server.exceptionStatus = 0x6d;
  return server;
}

/** modbus-serial rejects with plain objects, not Errors: match on their message. */
const rejectsWith = (re: RegExp) => (e: { message?: string }) => re.test(e.message ?? '');

/** What modbus-serial has beyond its promise typings. */
interface ModbusSerialExtras {
  writeFC17(unit: number, da: number, l: number, next: (err: unknown, res: { serverId: number; running: boolean; additionalData: Buffer }) => void): void;
  readFileRecords(file: number, record: number): Promise<{ data: number[]; length: number }>;
}

/**
 * Drive one modbus-serial client through FC 1-6, 15, 16 and exceptions, plus the codes in
 * `supports` (each of its ports knows a different set of answer lengths).
 */
async function driveModbusSerial(client: ModbusRTU, server: ModbusServer, framed: 'tcp' | 'rtu', supports: ReadonlySet<number>): Promise<void> {
  const extras = client as unknown as ModbusSerialExtras;
  client.setID(1);
  client.setTimeout(1000);
  assert.deepEqual((await client.readCoils(0, 10)).data.slice(0, 10), [true, false, true, true, false, false, true, false, true, true]);
  assert.deepEqual((await client.readDiscreteInputs(0, 3)).data.slice(0, 3), [false, true, true]);
  assert.deepEqual((await client.readHoldingRegisters(0, 4)).data, [10, 20, 30, 40]);
  assert.deepEqual((await client.readInputRegisters(1000, 3)).data, [1001, 1002, 1003]);
  assert.deepEqual(await client.writeCoil(5, true), { address: 5, state: true });
  assert.deepEqual(await client.writeRegister(4, 0xabcd), { address: 4, value: 0xabcd });
  assert.deepEqual(await client.writeCoils(20, [true, false, true]), { address: 20, length: 3 });
  assert.deepEqual(await client.writeRegisters(100, [1, 2, 3]), { address: 100, length: 3 });
  assert.deepEqual(server.memory.get('coils', 20, 3), [true, false, true]);
  assert.deepEqual(server.memory.get('holdingRegisters', 100, 3), [1, 2, 3]);
  if (supports.has(22)) {
    assert.deepEqual(await client.maskWriteRegister(0, 0xf2, 0x25), { address: 0, andMask: 0xf2, orMask: 0x25 });
    assert.deepEqual(server.memory.get('holdingRegisters', 0, 1), [(10 & 0xf2) | (0x25 & ~0xf2 & 0xffff)]);
  }
  if (supports.has(23)) {
    const rw = await new Promise<{ data: number[] }>((resolve, reject) =>
      client.writeFC23(1, 100, 2, 101, 1, [99], (err, res) => (err ? reject(err) : resolve(res))));
    assert.deepEqual(rw.data, [1, 99]);
  }
  if (supports.has(43)) {
    const dev = await client.readDeviceIdentification(2, 0);
    // The two 120-byte objects do not fit one response: modbus-serial follows more-follows.
    assert.deepEqual({ ...dev.data }, { 0: 'ACME', 1: 'UM-1', 2: '1.2', 4: 'P'.repeat(120), 5: 'M'.repeat(120) });
    assert.equal(dev.conformityLevel, 0x82);
  }
  if (supports.has(17)) {
    // Its reportServerID() passes its callback in the wrong argument and never settles, so call
    // the underlying writeFC17 the way reportServerID means to.
    const sid = await new Promise<{ serverId: number; running: boolean; additionalData: Buffer }>((resolve, reject) =>
      extras.writeFC17(1, 0, 0, (err, res) => (err ? reject(err) : resolve(res))));
    assert.equal(sid.serverId, 1);
    assert.equal(sid.running, true);
    assert.equal(sid.additionalData.toString('latin1'), 'ACME UM-1 1.2');
  }
  if (supports.has(20)) {
    // FC 20 with its fixed record length of 100: the route answers record numbers 10..109.
    const file = await extras.readFileRecords(3, 10);
    assert.equal(file.length, 202);
    assert.deepEqual(file.data.slice(0, 4), [0, 10, 0, 11]);
  }
  if (supports.has(65)) {
    // Its custom function call parses only user codes (65-72, 100-110): ours answer 01.
    await assert.rejects(client.customFunction(65, [1, 2]), rejectsWith(/illegal function/i));
  }
  await assert.rejects(client.readHoldingRegisters(500, 1), rejectsWith(/address/i));
  await assert.rejects(client.readInputRegisters(0, 1), rejectsWith(/address/i));
  if (framed === 'rtu') {
    // A broadcast write is executed and not answered (the client may wait out its timeout).
    client.setTimeout(100);
    client.setID(0);
    await client.writeRegister(150, 150).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(server.memory.get('holdingRegisters', 150, 1), [150]);
  }
}

describe('interop: modbus-serial drives our server', function () {
  this.timeout(15000);

  it('over TCP, every function code it has', async () => {
    const server = makeServer();
    const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    const client = new ModbusRTU();
    try {
      await client.connectTCP('127.0.0.1', { port: port ?? 0 });
      await driveModbusSerial(client, server, 'tcp', new Set([17, 20, 22, 23, 43, 65]));
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
      await server.close();
    }
  });

  it('over RTU on a pty pair (connectRTUBuffered), every function code it has, and broadcast', async () => {
    const pty: PtyPair = await ptyPair();
    const server = makeServer();
    const client = new ModbusRTU();
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
      await client.connectRTUBuffered(pty.b, { baudRate: 38400 });
      // Its buffered RTU port knows the answer lengths of FC 1-6, 15, 16, 17 and 43 only.
      await driveModbusSerial(client, server, 'rtu', new Set([17, 43]));
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
      await server.close();
      await pty.close();
    }
  });

  it('over RTU on a pty pair (connectRTU, unbuffered): the codes the buffered port cannot frame too', async () => {
    const pty: PtyPair = await ptyPair();
    const server = makeServer();
    const client = new ModbusRTU();
    try {
      await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
      await client.connectRTU(pty.b, { baudRate: 38400 });
      await driveModbusSerial(client, server, 'rtu', new Set([17, 20, 22, 23, 43, 65]));
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
      await server.close();
      await pty.close();
    }
  });

  it('over RTU over TCP (its telnet port)', async () => {
    const server = makeServer();
    const { port } = await server.listen({ type: 'rtu-tcp', host: '127.0.0.1', port: 0 });
    const client = new ModbusRTU();
    try {
      await client.connectTelnet('127.0.0.1', { port: port ?? 0 });
      // Its telnet port knows the answer lengths of FC 1-6, 15 and 16 only.
      await driveModbusSerial(client, server, 'rtu', new Set());
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
      await server.close();
    }
  });
});

describe('interop: jsmodbus drives our server', function () {
  this.timeout(15000);

  it('ModbusTCPClient: FC 1-6, 15, 16, 43 and an exception', async () => {
    const server = makeServer();
    const { port } = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
    // jsmodbus goes online on the socket's 'connect', so it must exist before the connection.
    const socket = new Socket();
    const client = new ModbusTCPClient(socket, 1, 1000);
    socket.connect({ host: '127.0.0.1', port: port ?? 0 });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    try {
      assert.deepEqual([...(await client.readCoils(0, 4)).response.body.valuesAsArray].slice(0, 4), [1, 0, 1, 1]);
      assert.deepEqual([...(await client.readDiscreteInputs(0, 3)).response.body.valuesAsArray].slice(0, 3), [0, 1, 1]);
      assert.deepEqual([...(await client.readHoldingRegisters(0, 4)).response.body.valuesAsArray], [10, 20, 30, 40]);
      assert.deepEqual([...(await client.readInputRegisters(1000, 2)).response.body.valuesAsArray], [1001, 1002]);
      await client.writeSingleCoil(7, true);
      await client.writeSingleRegister(8, 888);
      await client.writeMultipleCoils(30, [true, true, false]);
      await client.writeMultipleRegisters(50, [5, 6, 7]);
      assert.deepEqual(server.memory.get('coils', 7, 1), [true]);
      assert.deepEqual(server.memory.get('holdingRegisters', 8, 1), [888]);
      assert.deepEqual(server.memory.get('coils', 30, 3), [true, true, false]);
      assert.deepEqual(server.memory.get('holdingRegisters', 50, 3), [5, 6, 7]);
      const id = (await client.readDeviceIdentification(1, 0)).response.body;
      assert.deepEqual(id.objects.map((o) => String(o.value)), ['ACME', 'UM-1', '1.2']);
      // Pipelined: jsmodbus may send several requests before the first answer.
      const many = await Promise.all(Array.from({ length: 10 }, (_, i) => client.readHoldingRegisters(50 + (i % 3), 1)));
      assert.deepEqual(many.map((m) => [...m.response.body.valuesAsArray][0]), [5, 6, 7, 5, 6, 7, 5, 6, 7, 5]);
      await assert.rejects(client.readHoldingRegisters(300, 1), (e: { response?: { body?: { code?: number } } }) => e.response?.body?.code === 2);
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it('ModbusRTUClient on a pty pair: FC 1-6, 15, 16, 43 and an exception', async () => {
    const pty = await ptyPair();
    const server = makeServer();
    await server.listen({ type: 'rtu', path: pty.a, baudRate: 38400 });
    const port = new SerialPort({ path: pty.b, baudRate: 38400, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    const client = new ModbusRTUClient(port, 1, 1000);
    try {
      assert.deepEqual([...(await client.readHoldingRegisters(0, 3)).response.body.valuesAsArray], [10, 20, 30]);
      await client.writeSingleRegister(3, 4242);
      await client.writeMultipleRegisters(60, [6, 0, 6]);
      await client.writeMultipleCoils(40, [false, true]);
      await client.writeSingleCoil(1, true);
      assert.deepEqual([...(await client.readHoldingRegisters(60, 3)).response.body.valuesAsArray], [6, 0, 6]);
      assert.deepEqual([...(await client.readCoils(0, 2)).response.body.valuesAsArray].slice(0, 2), [1, 1]);
      assert.deepEqual([...(await client.readInputRegisters(1001, 2)).response.body.valuesAsArray], [1002, 1003]);
      assert.deepEqual(server.memory.get('holdingRegisters', 3, 1), [4242]);
      assert.deepEqual(server.memory.get('coils', 40, 2), [false, true]);
      assert.deepEqual([...(await client.readDiscreteInputs(0, 3)).response.body.valuesAsArray].slice(0, 3), [0, 1, 1]);
      const id = (await client.readDeviceIdentification(1, 0)).response.body;
      assert.deepEqual(id.objects.map((o) => String(o.value)), ['ACME', 'UM-1', '1.2']);
      await assert.rejects(client.readInputRegisters(0, 1), (e: { response?: { body?: { code?: number } } }) => e.response?.body?.code === 2);
      // The line is fine after the exception.
      assert.deepEqual([...(await client.readHoldingRegisters(0, 1)).response.body.valuesAsArray], [10]);
    } finally {
      await new Promise<void>((r) => port.close(() => r()));
      await server.close();
      await pty.close();
    }
  });
});
