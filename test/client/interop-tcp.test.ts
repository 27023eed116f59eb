/**
 * Interop against TCP servers we did not write: modbus-serial's ServerTCP and jsmodbus's
 * ModbusTCPServer, for every function code each of them serves.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { CodecError, ModbusExceptionError } from '../../src/codec';
import { ModbusClient } from '../../src/client';
import { freePort } from '../fixtures/free-port';
import { ServerTCP, type IServiceVector } from 'modbus-serial';
import * as jsmodbus from 'jsmodbus';


function client(port: number): ModbusClient {
  return new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port }, timeout: 1000, maxInFlight: 4 });
}

describe('interop: modbus-serial ServerTCP', () => {
  let server: ServerTCP;
  let c: ModbusClient;
  const holding = Array.from({ length: 64 }, (_, i) => i * 3);
  const coils = Array.from({ length: 64 }, (_, i) => i % 5 === 0);
  const units: number[] = [];

  before(async () => {
    const port = await freePort();
    // readDeviceIdentification is served by ServerTCP but missing from its typings.
    const vector: IServiceVector & { readDeviceIdentification: () => Record<number, string> } = {
      getCoil: (addr: number) => coils[addr],
      getDiscreteInput: (addr: number) => addr % 2 === 1,
      getInputRegister: (addr: number) => 500 + addr,
      getHoldingRegister: (addr: number, unitID: number) => {
        units.push(unitID);
        if (addr >= holding.length) throw { modbusErrorCode: 0x02, msg: 'out of range' };
        return holding[addr];
      },
      setCoil: (addr: number, value: boolean) => { coils[addr] = value; },
      setRegister: (addr: number, value: number) => { holding[addr] = value; },
      readDeviceIdentification: () => ({ 0x00: 'ACME', 0x01: 'PX-1', 0x02: '1.0' }),
    };
    server = new ServerTCP(vector, { host: '127.0.0.1', port, unitID: 255 });
    await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
    c = client(port);
  });
  after(async () => {
    await c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('FC 1, 2, 3, 4', async () => {
    assert.deepEqual((await c.readCoils(1, 0, 11)).values, coils.slice(0, 11));
    assert.deepEqual((await c.readDiscreteInputs(1, 4, 4)).values, [false, true, false, true]);
    assert.deepEqual((await c.readHoldingRegisters(7, 10, 3)).values, [30, 33, 36]);
    assert.ok(units.every((u) => u === 7), 'unit id carried through');
    assert.deepEqual((await c.readInputRegisters(1, 2, 2)).values, [502, 503]);
  });

  it('FC 5, 6, 15, 16', async () => {
    assert.deepEqual(await c.writeSingleCoil(1, 3, true), { fc: 5, address: 3, value: true });
    assert.equal(coils[3], true);
    assert.deepEqual(await c.writeSingleRegister(1, 4, 0x1234), { fc: 6, address: 4, value: 0x1234 });
    assert.equal(holding[4], 0x1234);
    assert.deepEqual(await c.writeMultipleCoils(1, 20, [true, true, false]), { fc: 15, address: 20, quantity: 3 });
    assert.deepEqual(coils.slice(20, 23), [true, true, false]);
    assert.deepEqual(await c.writeMultipleRegisters(1, 30, [7, 8, 9]), { fc: 16, address: 30, quantity: 3 });
    assert.deepEqual(holding.slice(30, 33), [7, 8, 9]);
  });

  it('FC 43/14 read device identification', async () => {
    const r = await c.readDeviceIdentification(1, 1, 0);
    assert.deepEqual(r.objects.map((o) => o.value), ['ACME', 'PX-1', '1.0']);
  });

  it('exception responses, pipelined', async () => {
    const rs = await Promise.allSettled([c.readHoldingRegisters(1, 100, 1), c.readHoldingRegisters(1, 0, 2), c.readFifoQueue(1, 0)]);
    assert.ok(rs[0].status === 'rejected' && rs[0].reason instanceof ModbusExceptionError && rs[0].reason.exceptionCode === 2);
    assert.ok(rs[1].status === 'fulfilled' && rs[1].value.values.length === 2);
    assert.ok(rs[2].status === 'rejected' && rs[2].reason instanceof ModbusExceptionError && rs[2].reason.exceptionCode === 1);
  });
});

describe('interop: jsmodbus ModbusTCPServer', () => {
  let netServer: net.Server;
  let c: ModbusClient;
  let mb: InstanceType<typeof jsmodbus.server.TCP>;

  before(async () => {
    netServer = net.createServer();
    mb = new jsmodbus.server.TCP(netServer, {
      holding: Buffer.alloc(200),
      input: Buffer.alloc(200),
      coils: Buffer.alloc(32),
      discrete: Buffer.alloc(32),
    });
    for (let i = 0; i < 100; i++) mb.holding.writeUInt16BE(i + 100, 2 * i);
    for (let i = 0; i < 100; i++) mb.input.writeUInt16BE(i + 9000, 2 * i);
    mb.discrete[0] = 0b00000101;
    await new Promise<void>((resolve) => netServer.listen(0, '127.0.0.1', () => resolve()));
    c = client((netServer.address() as net.AddressInfo).port);
  });
  after(async () => {
    await c.close();
    await new Promise<void>((resolve) => netServer.close(() => resolve()));
  });

  it('FC 1, 2, 3, 4', async () => {
    mb.coils[0] = 0b10000010;
    assert.deepEqual((await c.readCoils(1, 0, 8)).values, [false, true, false, false, false, false, false, true]);
    assert.deepEqual((await c.readDiscreteInputs(1, 0, 3)).values, [true, false, true]);
    assert.deepEqual((await c.readHoldingRegisters(1, 5, 3)).values, [105, 106, 107]);
    assert.deepEqual((await c.readInputRegisters(1, 0, 2)).values, [9000, 9001]);
  });

  it('FC 5, 6, 15, 16', async () => {
    await c.writeSingleCoil(1, 9, true);
    assert.equal(mb.coils[1] & 0b10, 0b10);
    await c.writeSingleRegister(1, 10, 0xabcd);
    assert.equal(mb.holding.readUInt16BE(20), 0xabcd);
    assert.deepEqual(await c.writeMultipleCoils(1, 16, [true, false, true]), { fc: 15, address: 16, quantity: 3 });
    assert.equal(mb.coils[2] & 0b111, 0b101);
    assert.deepEqual(await c.writeMultipleRegisters(1, 50, [1, 2]), { fc: 16, address: 50, quantity: 2 });
    assert.equal(mb.holding.readUInt16BE(100), 1);
    assert.equal(mb.holding.readUInt16BE(102), 2);
    assert.deepEqual((await c.readHoldingRegisters(1, 50, 2)).values, [1, 2]);
  });

  it('FC 43/14 through its readDeviceIdentification event', async () => {
    // jsmodbus leaves FC 43 to the application: a listener answers with jsmodbus's own response body.
    const onId = (request: jsmodbus.ModbusTCPRequest, cb: (b: Buffer) => void): void => {
      const body = new jsmodbus.responses.ReadDeviceIdentificationResponseBody(1, 0x01, 0, 0, [
        { id: 0, value: Buffer.from('JSM') }, { id: 1, value: Buffer.from('TCP-9') }, { id: 2, value: Buffer.from('5.0') },
      ]);
      cb(jsmodbus.ModbusTCPResponse.fromRequest(request, body).createPayload());
    };
    mb.on('readDeviceIdentification', onId as never);
    try {
      const r = await c.readDeviceIdentification(1, 1, 0);
      assert.deepEqual(r.objects.map((o) => [o.id, o.value]), [[0, 'JSM'], [1, 'TCP-9'], [2, '5.0']]);
      assert.equal(r.conformityLevel, 0x01);
    } finally {
      mb.removeListener('readDeviceIdentification', onId as never);
    }
    // (A function code jsmodbus does not serve is not answered, and the connection answers nothing after it; so none here.)
  });

  it('many pipelined reads in flight at once', async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => c.readHoldingRegisters(1, i, 1)));
    assert.deepEqual(rs.map((r) => r.values[0]), Array.from({ length: 40 }, (_, i) => (i === 10 ? 0xabcd : i + 100)));
  });

  it('refuses the short answer jsmodbus gives for a read past its memory (it sends no exception 02)', async () => {
    await assert.rejects(c.readHoldingRegisters(1, 99, 5), (e: unknown) => e instanceof CodecError && e.reason === 'mismatch');
    // The link is fine afterwards.
    assert.deepEqual((await c.readHoldingRegisters(1, 0, 1)).values, [100]);
  });
});
