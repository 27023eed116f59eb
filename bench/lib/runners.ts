/**
 * Starting and driving the bench processes: the C refserver and refclient, and the node workers
 * (client-worker.js, server-worker.js), each in its own child so it can be pinned to a CPU.
 */
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ensureRefBinaries, type RefBinaries } from '../ref/build';
import type { ClientResult, ClientSpec } from './client-worker';
import type { ServerSpec } from './server-worker';
import { finish, gnuTime, lastJson, procCpuNs, start, stop, waitForLine } from './proc';

export const HOST = '127.0.0.1';

/** Where the two sides run: a CPU each (undefined: not pinned). */
export interface Placement { name: string; clientCpu?: number; serverCpu?: number }

export const PLACEMENTS: Record<string, Placement> = {
  same: { name: 'same core', clientCpu: 0, serverCpu: 0 },
  split: { name: 'separate cores', clientCpu: 0, serverCpu: 1 },
};

let bins: RefBinaries | undefined;
export function ref(): RefBinaries {
  bins ??= ensureRefBinaries((l) => process.stdout.write(`[ref] ${l}\n`));
  return bins;
}

/** A running server process (C or node) with its port. */
export interface ServerProc {
  child: ChildProcess;
  port: number;
  /** CPU time (ns) the server process has used so far, all threads. */
  cpuNs(): number | undefined;
  /** Node workers only: heapUsed after gc, and rss. */
  heap(): Promise<{ heapUsed: number; rss: number }>;
  stop(): Promise<void>;
}

export async function startRefServer(cpu: number | undefined, port: number, maxSeconds: number): Promise<ServerProc> {
  const child = start(cpu, ref().refserver, ['tcp', String(port), String(Math.ceil(maxSeconds))]);
  child.stdin?.end();
  try {
    await waitForLine(child, /^READY /, 5000);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return {
    child, port, cpuNs: () => procCpuNs(child.pid),
    heap: () => Promise.reject(new Error('the C refserver has no heap')),
    stop: () => stop(child),
  };
}

export async function startNodeServer(cpu: number | undefined, spec: ServerSpec, nodeFlags: string[] = []): Promise<ServerProc> {
  const worker = path.join(__dirname, 'server-worker.js');
  const child = start(cpu, process.execPath, ['--expose-gc', ...nodeFlags, worker, JSON.stringify(spec)]);
  let port: number;
  try {
    port = Number((await waitForLine(child, /^READY (\d+)/, 10000))[1]);
  } catch (err) {
    await stop(child);
    throw err;
  }
  return {
    child, port, cpuNs: () => procCpuNs(child.pid),
    heap: async () => {
      const p = waitForLine(child, /^HEAP (\d+) (\d+)/, 10000);
      child.stdin?.write('heap\n');
      const m = await p;
      return { heapUsed: Number(m[1]), rss: Number(m[2]) };
    },
    stop: async () => {
      child.stdin?.write('stop\n');
      child.stdin?.end();
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
      await stop(child);
    },
  };
}

export interface RefClientOpts { regs: number; n: number; conns: number; warmup: number; maxSeconds: number; label?: string }

export interface RefClientResult {
  requests: number; errors: number; mismatches: number; failedConnects: number;
  seconds: number; reqPerSec: number; p50Us: number; p99Us: number;
  /** The refclient's own CPU time per request, warmup included (GNU time: 10 ms resolution). */
  cpuUsPerReq?: number;
  /** Requests including the untimed warmup. */
  allRequests: number;
}

function num(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number') throw new Error(`refclient output lacks ${k}`);
  return v;
}

/** Runs the C refclient once; a run stopped by --max-seconds still counts (its rate is what it did). */
export async function runRefClient(cpu: number | undefined, port: number, o: RefClientOpts): Promise<RefClientResult> {
  const args = ['tcp', HOST, String(port), '--regs', String(o.regs), '--n', String(o.n), '--warmup', String(o.warmup),
    '--conns', String(o.conns), '--max-seconds', String(o.maxSeconds)];
  if (o.label) args.push('--label', o.label);
  const time = gnuTime();
  const child = time
    ? start(cpu, time, ['-f', 'RUSAGE %U %S', ref().refclient, ...args])
    : start(cpu, ref().refclient, args);
  child.stdin?.end();
  const out = await finish(child, (o.maxSeconds + 30) * 1000);
  const j = lastJson(out.stdout);
  if (!j) throw new Error(`refclient printed no result (exit ${out.code}): ${out.stderr.trim()}`);
  const r: RefClientResult = {
    requests: num(j, 'requests'), errors: num(j, 'errors'), mismatches: num(j, 'mismatches'),
    failedConnects: num(j, 'failed_connects'), seconds: num(j, 'seconds'), reqPerSec: num(j, 'req_per_s'),
    p50Us: num(j, 'p50_us'), p99Us: num(j, 'p99_us'), allRequests: 0,
  };
  r.allRequests = r.requests + o.warmup * o.conns;
  const ru = /RUSAGE ([\d.]+) ([\d.]+)/.exec(out.stderr);
  if (ru) r.cpuUsPerReq = ((Number(ru[1]) + Number(ru[2])) * 1e6) / r.allRequests;
  if (r.errors > 0 || r.mismatches > 0 || r.failedConnects > 0) {
    throw new Error(`refclient: ${r.errors} errors, ${r.mismatches} mismatches, ${r.failedConnects} failed connects ${out.stderr.trim()}`);
  }
  return r;
}

/** Runs one node client worker (with --expose-gc; extra node flags such as --cpu-prof may be given). */
export async function runNodeClient(cpu: number | undefined, spec: ClientSpec, nodeFlags: string[] = []): Promise<ClientResult> {
  const worker = path.join(__dirname, 'client-worker.js');
  const child = start(cpu, process.execPath, ['--expose-gc', ...nodeFlags, worker, JSON.stringify(spec)]);
  child.stdin?.end();
  const out = await finish(child, (spec.maxSeconds + 30) * 1000);
  const j = lastJson(out.stdout);
  if (!j) throw new Error(`${spec.impl} client worker printed no result (exit ${out.code}): ${out.stderr.trim().slice(-1500)}`);
  const r = j as unknown as ClientResult;
  if (r.errors > 0 || r.mismatches > 0) {
    throw new Error(`${spec.impl} client: ${r.errors} errors (${r.firstError ?? ''}), ${r.mismatches} mismatches`);
  }
  return r;
}
