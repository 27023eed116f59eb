/**
 * The four scenarios of the end-to-end benchmark. Each returns one figure per package for one
 * run; run.ts repeats them and takes medians.
 */
import { createRequire } from 'node:module';
import { freePort, sleep } from '../lib/proc';
import { PKGS, pollingFlow, serverFlow, triggeredFlow, type Link, type Pkg } from './flows';
import type { Runtime } from './runtime';

export interface Sizes {
  /** (a) reads per package and mode. */
  triggered: number;
  /** (b) read nodes, poll interval and window. */
  pollers: number;
  pollMs: number;
  pollWindowMs: number;
  /** (c) reads per server, and the time cap per server. */
  serverReads: number;
  serverCapMs: number;
  /** (d) reads per package over the pty. */
  rtu: number;
}

export interface Triggered { rate: number; got: number; errors: number }

/** (a) and (d): msgs/s through the driver, inject to read-node output. */
export async function triggered(rt: Runtime, pkg: Pkg, link: Link, n: number, burst: boolean, maxInFlight = 1): Promise<Triggered> {
  await rt.deploy(triggeredFlow(pkg, link, maxInFlight), 1500);
  // Warm up: the connection, the JIT, the queue.
  await rt.post(`bench/drive/driver?n=${Math.min(1000, n)}&burst=0`, 60000);
  const r = await rt.post<{ n: number; got: number; errors: number; ms: number }>(`bench/drive/driver?n=${n}&burst=${burst ? 1 : 0}`, 180000);
  return { rate: (r.got * 1000) / Math.max(1, r.ms), got: r.got, errors: r.errors };
}

export interface Polling { cpuPer1000: number; peakRss: number; polls: number; errors: number; pollsPerSecond: number }

/** (b): runtime CPU per 1,000 polls and peak RSS while `pollers` read nodes poll. */
export async function polling(rt: Runtime, pkg: Pkg, port: number, s: Sizes): Promise<Polling> {
  await rt.deploy(pollingFlow(pkg, { tcp: port }, s.pollers, s.pollMs), 2000);
  const before = await rt.get<{ count: number; errors: number }>('bench/count/counter');
  const cpu0 = rt.cpuNs();
  const t0 = Date.now();
  let peak = rt.rssBytes();
  while (Date.now() - t0 < s.pollWindowMs) {
    await sleep(250);
    peak = Math.max(peak, rt.rssBytes());
  }
  const cpu = rt.cpuNs() - cpu0;
  const after = await rt.get<{ count: number; errors: number }>('bench/count/counter');
  const polls = after.count - before.count;
  const seconds = (Date.now() - t0) / 1000;
  return { cpuPer1000: polls > 0 ? cpu / 1e9 / (polls / 1000) : Infinity, peakRss: peak, polls, errors: after.errors - before.errors, pollsPerSecond: polls / seconds };
}

export type ServerKind = 'memory' | 'route' | 'contrib';
export const SERVER_KINDS: ServerKind[] = ['memory', 'route', 'contrib'];

interface SerialClient {
  connectTCP(host: string, options: { port: number }): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readHoldingRegisters(address: number, quantity: number): Promise<{ data: number[] }>;
  close(cb: () => void): void;
}
const loadCjs = createRequire(__filename);

/** (c): a modbus-serial client in this process reads 10 registers, one at a time, from each server. */
export async function servers(rt: Runtime, s: Sizes, round = 0): Promise<Record<ServerKind, number>> {
  const ports = { memory: await freePort(), route: await freePort(), contrib: await freePort() };
  await rt.deploy(serverFlow(ports), 1500);
  const out = {} as Record<ServerKind, number>;
  // Rotate the order from run to run, so that no server always goes first after the deploy.
  const order = SERVER_KINDS.map((_, i) => SERVER_KINDS[(i + round) % SERVER_KINDS.length]);
  for (const kind of order) out[kind] = await readLoop(ports[kind], s.serverReads, s.serverCapMs);
  return out;
}

async function readLoop(port: number, n: number, capMs: number): Promise<number> {
  const ModbusRTU = loadCjs('modbus-serial') as new () => SerialClient;
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port });
  c.setID(1);
  c.setTimeout(2000);
  try {
    // Warm up both ends (JIT, caches) before the clock starts.
    for (let i = 0; i < 2000; i++) await c.readHoldingRegisters(0, 10);
    const t0 = process.hrtime.bigint();
    const cap = t0 + BigInt(capMs) * 1_000_000n;
    let done = 0;
    while (done < n && process.hrtime.bigint() < cap) {
      const r = await c.readHoldingRegisters(0, 10);
      if (r.data.length !== 10) throw new Error(`read ${r.data.length} registers`);
      done++;
    }
    return done / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally {
    await new Promise<void>((resolve) => c.close(() => resolve()));
  }
}

export { PKGS };
