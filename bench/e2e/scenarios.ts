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
  /** (b) polling before the window opens, so the window measures steady state, not JIT warm-up. */
  pollWarmupMs: number;
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
  let peak = rt.rssBytes();
  for (const warmEnd = Date.now() + s.pollWarmupMs; Date.now() < warmEnd;) {
    await sleep(250);
    peak = Math.max(peak, rt.rssBytes());
  }
  const before = await rt.get<{ count: number; errors: number }>('bench/count/counter');
  const cpu0 = rt.cpuNs();
  const t0 = Date.now();
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

/** 'floor' is no Modbus package: a bare net.Server in the same runtime, the least any server there can cost. */
export type ServerKind = 'memory' | 'route' | 'contrib' | 'floor';
export const SERVER_KINDS: ServerKind[] = ['memory', 'route', 'contrib', 'floor'];

interface SerialClient {
  connectTCP(host: string, options: { port: number }): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readHoldingRegisters(address: number, quantity: number): Promise<{ data: number[] }>;
  close(cb: () => void): void;
}
const loadCjs = createRequire(__filename);

/**
 * (c): a modbus-serial client per server, in this process, reads 10 registers one at a time.
 * The servers take turns in chunks of CHUNK reads, round after round, so a burst of noise on the
 * machine lands on all of them alike instead of on whichever server happened to be running.
 */
const CHUNK = 1000;

export async function servers(rt: Runtime, s: Sizes, round = 0): Promise<Record<ServerKind, number>> {
  const ports = { memory: await freePort(), route: await freePort(), contrib: await freePort(), floor: await freePort() };
  await rt.deploy(serverFlow(ports), 1500);
  // Rotate the order from run to run, so that no server always goes first in a round.
  const order = SERVER_KINDS.map((_, i) => SERVER_KINDS[(i + round) % SERVER_KINDS.length]);
  const clients = {} as Record<ServerKind, SerialClient>;
  try {
    for (const kind of order) {
      clients[kind] = await connect(ports[kind]);
      // Warm up both ends (JIT, caches) before any clock starts.
      await readN(clients[kind], 2000);
    }
    const ns = { memory: 0n, route: 0n, contrib: 0n, floor: 0n } as Record<ServerKind, bigint>;
    const done = { memory: 0, route: 0, contrib: 0, floor: 0 } as Record<ServerKind, number>;
    const cap = BigInt(s.serverCapMs) * 1_000_000n;
    while (order.some((k) => done[k] < s.serverReads && ns[k] < cap)) {
      for (const kind of order) {
        if (done[kind] >= s.serverReads || ns[kind] >= cap) continue;
        const t0 = process.hrtime.bigint();
        await readN(clients[kind], Math.min(CHUNK, s.serverReads - done[kind]));
        ns[kind] += process.hrtime.bigint() - t0;
        done[kind] += Math.min(CHUNK, s.serverReads - done[kind]);
      }
    }
    const out = {} as Record<ServerKind, number>;
    for (const kind of order) out[kind] = done[kind] / (Number(ns[kind]) / 1e9);
    return out;
  } finally {
    for (const c of Object.values(clients)) await new Promise<void>((resolve) => c.close(() => resolve()));
  }
}

async function connect(port: number): Promise<SerialClient> {
  const ModbusRTU = loadCjs('modbus-serial') as new () => SerialClient;
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port });
  c.setID(1);
  c.setTimeout(2000);
  return c;
}

async function readN(c: SerialClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await c.readHoldingRegisters(0, 10);
    if (r.data.length !== 10) throw new Error(`read ${r.data.length} registers`);
  }
}

export { PKGS };
