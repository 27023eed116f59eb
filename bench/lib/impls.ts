/**
 * The implementations under test, behind one small shape each, so the workers can drive them alike:
 * - clients: ours (ModbusClient), modbus-serial (ModbusRTU.connectTCP), jsmodbus (client.TCP);
 * - servers: ours (ModbusServer), modbus-serial (ServerTCP), jsmodbus (server.TCP).
 * Every server holds 10,000 holding registers with holding[a] = a, as the C refserver does,
 * so the C refclient can verify every read against any of them.
 *
 * Our engines are loaded at run time from the built tree (dist/src/...), so the bench builds and
 * runs the peers before the engines land; `ours` then reports "not available".
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ClientOptions, ModbusClientApi } from '../../src/client/types';
import type { ReadRegistersRequest } from '../../src/codec';
import type { ModbusServerApi, ServerOptions } from '../../src/server/types';

export const NREG = 10000;
export const UNIT = 1;

/** 'node-net': not a library; a bare net.Socket MBAP loop (pipelining by transaction id), the floor for any node client. */
export type ClientImpl = 'ours' | 'modbus-serial' | 'jsmodbus' | 'node-net';
/** 'node-net': not a library; a bare net.Server answering FC3 from a Buffer, the floor for any node server. */
export type ServerImpl = 'ours' | 'modbus-serial' | 'jsmodbus' | 'node-net';
export const CLIENT_IMPLS: ClientImpl[] = ['ours', 'modbus-serial', 'jsmodbus'];
export const SERVER_IMPLS: ServerImpl[] = ['ours', 'modbus-serial', 'jsmodbus'];

/** One connected client: `read` resolves with the registers read. */
export interface BenchClient {
  read(address: number, quantity: number): Promise<ArrayLike<number>>;
  close(): Promise<void>;
}

/** One listening server. */
export interface BenchServer {
  port: number;
  close(): Promise<void>;
}

type ClientCtor = new (options: ClientOptions) => ModbusClientApi;
type ServerCtor = new (options?: ServerOptions) => ModbusServerApi;

/** dist/src, beside dist/bench. */
function distSrc(): string {
  return path.resolve(__dirname, '..', '..', 'src');
}

/** The first module among `candidates` (relative to dist/src) that exports `name` as a function. */
async function loadExport(candidates: string[], name: string): Promise<{ ctor: unknown; from: string } | undefined> {
  for (const rel of candidates) {
    const file = path.join(distSrc(), `${rel}.js`);
    if (!fs.existsSync(file)) continue;
    const mod = (await import(file)) as Record<string, unknown>;
    if (typeof mod[name] === 'function') return { ctor: mod[name], from: rel };
  }
  return undefined;
}

const CLIENT_MODULES = ['client/index', 'client/client', 'client/modbus-client', 'index'];
const SERVER_MODULES = ['server/index', 'server/server', 'server/modbus-server', 'index'];

/** Where our engines were found, or undefined. */
export async function oursAvailable(): Promise<{ client?: string; server?: string }> {
  const c = await loadExport(CLIENT_MODULES, 'ModbusClient');
  const s = await loadExport(SERVER_MODULES, 'ModbusServer');
  return { client: c?.from, server: s?.from };
}

export async function connectClient(impl: ClientImpl, host: string, port: number, inFlight: number): Promise<BenchClient> {
  switch (impl) {
    case 'ours': {
      const found = await loadExport(CLIENT_MODULES, 'ModbusClient');
      if (!found) throw new Error('our ModbusClient is not built yet (no dist/src/client module exports it)');
      const Ctor = found.ctor as ClientCtor;
      const c = new Ctor({ transport: { type: 'tcp', host, port }, maxInFlight: inFlight, timeout: 5000, queueLimit: Math.max(1000, inFlight * 2) });
      await c.connect();
      return {
        read: async (address, quantity) => {
          const req: ReadRegistersRequest = { fc: 0x03, address, quantity };
          return (await c.request(UNIT, req)).values;
        },
        close: () => c.close(),
      };
    }
    case 'modbus-serial': {
      // the peers are loaded only where used, so they cost nothing in our workers' heap
      const ModbusRTU = (await import('modbus-serial')).default;
      const c = new ModbusRTU();
      await c.connectTCP(host, { port });
      c.setID(UNIT);
      c.setTimeout(5000);
      return {
        read: async (address, quantity) => (await c.readHoldingRegisters(address, quantity)).data,
        close: () => new Promise<void>((r) => c.close(() => r())),
      };
    }
    case 'node-net':
      return nodeNetClient(host, port);
    case 'jsmodbus': {
      const jsmodbus = await import('jsmodbus');
      const socket = new net.Socket();
      const c = new jsmodbus.client.TCP(socket, UNIT, 5000);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
        socket.connect({ host, port });
      });
      return {
        read: async (address, quantity) => {
          const r = await c.readHoldingRegisters(address, quantity);
          return r.response.body.values as ArrayLike<number>;
        },
        close: () => new Promise<void>((r) => { socket.once('close', () => r()); socket.end(); }),
      };
    }
  }
}

function holdingValues(): number[] {
  return Array.from({ length: NREG }, (_, a) => a);
}

export async function startServer(impl: ServerImpl, host: string, port: number): Promise<BenchServer> {
  switch (impl) {
    case 'ours': {
      const found = await loadExport(SERVER_MODULES, 'ModbusServer');
      if (!found) throw new Error('our ModbusServer is not built yet (no dist/src/server module exports it)');
      const Ctor = found.ctor as ServerCtor;
      const s = new Ctor({ memoryMap: { holdingRegisters: { start: 0, values: holdingValues() } } });
      const bound = await s.listen({ type: 'tcp', host, port, maxConnections: 256 });
      return { port: bound.port ?? port, close: () => s.close() };
    }
    case 'modbus-serial': {
      const { ServerTCP } = await import('modbus-serial');
      const regs = holdingValues();
      const vector = {
        getHoldingRegister: (addr: number): number => regs[addr],
        getMultipleHoldingRegisters: (addr: number, length: number): number[] => regs.slice(addr, addr + length),
      };
      const s = new ServerTCP(vector, { host, port, unitID: UNIT });
      await new Promise<void>((resolve, reject) => {
        s.once('initialized', () => resolve());
        s.once('serverError', reject);
      });
      return { port, close: () => new Promise<void>((r) => s.close(() => r())) };
    }
    case 'node-net':
      return nodeNetServer(host, port);
    case 'jsmodbus': {
      const jsmodbus = await import('jsmodbus');
      const holding = Buffer.alloc(NREG * 2);
      for (let a = 0; a < NREG; a++) holding.writeUInt16BE(a, a * 2);
      const netServer = new net.Server();
      new jsmodbus.server.TCP(netServer, { holding });
      await new Promise<void>((resolve, reject) => {
        netServer.once('error', reject);
        netServer.listen(port, host, () => resolve());
      });
      const socks = new Set<net.Socket>();
      netServer.on('connection', (s: net.Socket) => { socks.add(s); s.once('close', () => socks.delete(s)); });
      return {
        port,
        close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); netServer.close(() => r()); }),
      };
    }
  }
}

/** The floor: FC3 over a bare socket, no timeouts, no queue, responses matched by transaction id. */
async function nodeNetClient(host: string, port: number): Promise<BenchClient> {
  const socket = net.connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('error', reject); });
  const pending = new Map<number, (v: number[]) => void>();
  let tid = 0;
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    while (buf.length >= 9 && buf.length >= 6 + buf.readUInt16BE(4)) {
      const len = 6 + buf.readUInt16BE(4);
      const count = buf[8] >> 1;
      const values = new Array<number>(count);
      for (let i = 0; i < count; i++) values[i] = buf.readUInt16BE(9 + 2 * i);
      const done = pending.get(buf.readUInt16BE(0));
      pending.delete(buf.readUInt16BE(0));
      buf = buf.subarray(len);
      done?.(values);
    }
  });
  return {
    read: (address, quantity) => new Promise((resolve) => {
      tid = (tid + 1) & 0xffff;
      const req = Buffer.allocUnsafe(12);
      req.writeUInt16BE(tid, 0); req.writeUInt16BE(0, 2); req.writeUInt16BE(6, 4);
      req[6] = UNIT; req[7] = 3; req.writeUInt16BE(address, 8); req.writeUInt16BE(quantity, 10);
      pending.set(tid, resolve);
      socket.write(req);
    }),
    close: () => new Promise<void>((r) => { socket.once('close', () => r()); socket.end(); }),
  };
}

/** The floor: FC3 answered straight from a Buffer on a bare net.Server (other function codes get exception 01). */
async function nodeNetServer(host: string, port: number): Promise<BenchServer> {
  const holding = Buffer.alloc(NREG * 2);
  for (let a = 0; a < NREG; a++) holding.writeUInt16BE(a, a * 2);
  const socks = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    socks.add(s);
    s.once('close', () => socks.delete(s));
    let buf: Buffer = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      while (buf.length >= 8 && buf.length >= 6 + buf.readUInt16BE(4)) {
        const len = 6 + buf.readUInt16BE(4);
        const address = buf.readUInt16BE(8);
        const quantity = buf.readUInt16BE(10);
        let res: Buffer;
        if (buf[7] === 3 && quantity >= 1 && quantity <= 125 && address + quantity <= NREG) {
          res = Buffer.allocUnsafe(9 + quantity * 2);
          res.writeUInt16BE(3 + quantity * 2, 4);
          res[7] = 3;
          res[8] = quantity * 2;
          holding.copy(res, 9, address * 2, (address + quantity) * 2);
        } else {
          res = Buffer.allocUnsafe(9);
          res.writeUInt16BE(3, 4);
          res[7] = buf[7] | 0x80;
          res[8] = buf[7] === 3 ? 2 : 1;
        }
        buf.copy(res, 0, 0, 4);
        res[6] = buf[6];
        s.write(res);
        buf = buf.subarray(len);
      }
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  return { port, close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); server.close(() => r()); }) };
}
