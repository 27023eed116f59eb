/**
 * The ASCII serial server and the UDP server, driven by peers we did not write: modbus-serial
 * (connectAsciiSerial over a socat pty pair, connectUDP) and pymodbus 3.0 (Debian's
 * python3-pymodbus, run with /usr/bin/python3).
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import ModbusRTU from 'modbus-serial';
import { SerialPort } from 'serialport';
import { ascii, encodeRequestAdu, mbap } from '../../src/codec';
import { ModbusServer } from '../../src/server';
import { ptyPair, type PtyPair } from './pty';

const PYTHON = '/usr/bin/python3';

function makeServer(): ModbusServer {
  return new ModbusServer({
    unitIds: [1],
    memoryMap: { coils: { size: 16, values: [1, 0, 1] }, holdingRegisters: { size: 10, values: [10, 20, 30] } },
  });
}

/** modbus-serial rejects with plain objects, not Errors: match on their message. */
const rejectsWith = (re: RegExp) => (e: { message?: string }) => re.test(e.message ?? '');

/** Run a pymodbus script; resolves with its stdout, rejects with its stderr. Bounded in time. */
function python(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-c', script], { timeout: 15000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** The same exchange for every peer: read, write, read back, an exception. */
const PYMODBUS_EXCHANGE = `
rr = c.read_holding_registers(0, 3, slave=1)
print("read", list(rr.registers))
c.write_register(1, 222, slave=1)
print("back", list(c.read_holding_registers(0, 3, slave=1).registers))
bad = c.read_holding_registers(9, 5, slave=1)
print("exception", bad.function_code, bad.exception_code)
print("coils", list(c.read_coils(0, 3, slave=1).bits[:3]))
c.close()
`;

async function modbusSerialExchange(client: ModbusRTU): Promise<void> {
  client.setID(1);
  client.setTimeout(1000);
  assert.deepEqual((await client.readHoldingRegisters(0, 3)).data, [10, 20, 30]);
  await client.writeRegister(1, 222);
  assert.deepEqual((await client.readHoldingRegisters(0, 3)).data, [10, 222, 30]);
  assert.deepEqual((await client.readCoils(0, 3)).data.slice(0, 3), [true, false, true]);
  await client.writeCoils(4, [true, true]);
  assert.deepEqual((await client.readCoils(4, 2)).data.slice(0, 2), [true, true]);
  await assert.rejects(client.readHoldingRegisters(9, 5), rejectsWith(/Illegal data address/i));
}

describe('ASCII server on a serial line (socat pty pair)', function () {
  this.timeout(20000);
  let pty: PtyPair;
  let server: ModbusServer;

  beforeEach(async () => {
    pty = await ptyPair();
    server = makeServer();
    await server.listen({ type: 'ascii', path: pty.a, baudRate: 9600, dataBits: 7, parity: 'even' });
  });
  afterEach(async () => {
    await server.close();
    await pty.close();
  });

  it('answers modbus-serial connectAsciiSerial: reads, writes, an exception', async () => {
    const client = new ModbusRTU();
    await client.connectAsciiSerial(pty.b, { baudRate: 9600, dataBits: 7, parity: 'even' });
    try {
      await modbusSerialExchange(client);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
  });

  it('answers pymodbus ModbusSerialClient with the ASCII framer', async function () {
    if (!existsSync(PYTHON)) this.skip();
    const out = await python(`
from pymodbus.client import ModbusSerialClient
from pymodbus.framer.ascii_framer import ModbusAsciiFramer
c = ModbusSerialClient("${pty.b}", framer=ModbusAsciiFramer, baudrate=9600, bytesize=7, parity="E", stopbits=1, timeout=2)
assert c.connect()
${PYMODBUS_EXCHANGE}`);
    assert.equal(out, 'read [10, 20, 30]\nback [10, 222, 30]\nexception 131 2\ncoils [True, False, True]\n');
  });

  it('a bad LRC and other unit ids get silence; the LRC error counts on that line; a stale partial frame is dropped', async () => {
    const port = new SerialPort({ path: pty.b, baudRate: 9600, dataBits: 7, parity: 'even' });
    await new Promise<void>((r) => port.once('open', () => r()));
    let heard = '';
    port.on('data', (d: Buffer) => { heard += d.toString('latin1'); });
    try {
      const before = server.lineDiagnostics(pty.a)?.busCommErrors ?? -1;
      const bad = Buffer.from(encodeRequestAdu(ascii, 1, 0, { fc: 3, address: 0, quantity: 1 }));
      bad[bad.length - 3] ^= 0x01; // a hex digit of the LRC: still hex, now wrong
      port.write(bad);
      port.write(encodeRequestAdu(ascii, 7, 0, { fc: 3, address: 0, quantity: 1 }));
      // Half a frame, then more than the 1 s inter-character timeout before a whole one.
      port.write(Buffer.from(':0103'));
      await new Promise((r) => setTimeout(r, 1300));
      assert.equal(heard, '', 'nothing answered');
      assert.equal(server.lineDiagnostics(pty.a)?.busCommErrors, before + 1, 'the bad LRC counted on that line');
      const malformed = server.counters().malformed;
      port.write(encodeRequestAdu(ascii, 1, 0, { fc: 3, address: 2, quantity: 1 }));
      for (let i = 0; i < 100 && !heard.endsWith('\r\n'); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(heard, `:010302001E${lrcHex([1, 3, 2, 0, 30])}\r\n`);
      assert.equal(server.counters().malformed, malformed + 1, 'the stale partial frame counted');
    } finally {
      await new Promise<void>((r) => port.close(() => r()));
    }
  });
});

/** The LRC of `bytes` as two hex digits. */
function lrcHex(bytes: number[]): string {
  const sum = bytes.reduce((a, b) => (a + b) & 0xff, 0);
  return ((-sum) & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

describe('UDP server', function () {
  this.timeout(20000);
  let server: ModbusServer;
  let port: number;

  beforeEach(async () => {
    server = makeServer();
    port = (await server.listen({ type: 'udp', host: '127.0.0.1', port: 0 })).port ?? 0;
  });
  afterEach(() => server.close());

  it('answers modbus-serial connectUDP: reads, writes, an exception', async () => {
    const client = new ModbusRTU();
    await client.connectUDP('127.0.0.1', { port });
    // Its UDP port says it is open only once its socket is bound, after connectUDP resolves.
    for (let i = 0; i < 100 && !client.isOpen; i++) await new Promise((r) => setTimeout(r, 10));
    try {
      await modbusSerialExchange(client);
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
  });

  it('answers pymodbus ModbusUdpClient', async function () {
    if (!existsSync(PYTHON)) this.skip();
    const out = await python(`
from pymodbus.client import ModbusUdpClient
c = ModbusUdpClient("127.0.0.1", port=${port}, timeout=2)
assert c.connect()
${PYMODBUS_EXCHANGE}`);
    assert.equal(out, 'read [10, 20, 30]\nback [10, 222, 30]\nexception 131 2\ncoils [True, False, True]\n');
  });

  it('answers each datagram to its sender; malformed datagrams are dropped and counted, and the server goes on', async () => {
    const socket = dgram.createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const send = (b: Buffer | number[]): Promise<void> => new Promise((r) => socket.send(Buffer.from(b), port, '127.0.0.1', () => r()));
    try {
      const good = encodeRequestAdu(mbap, 1, 0x1234, { fc: 3, address: 0, quantity: 2 });
      const before = server.counters().malformed;
      await send([1, 2, 3]); // shorter than a header
      await send([0, 1, 0, 5, 0, 6, 1, 3, 0, 0, 0, 1]); // protocol id 5
      await send(Buffer.concat([good, good])); // two ADUs in one datagram
      await send(Buffer.concat([good, Buffer.from([0])])); // a byte past the MBAP length
      await send(good.subarray(0, good.length - 1)); // a byte short of it
      await send(good);
      for (let i = 0; i < 100 && replies.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(replies.length, 1, 'only the good datagram answered');
      assert.deepEqual([...replies[0]], [0x12, 0x34, 0, 0, 0, 7, 1, 3, 4, 0, 10, 0, 20]);
      assert.equal(server.counters().malformed, before + 5);
    } finally {
      socket.close();
    }
  });
});
