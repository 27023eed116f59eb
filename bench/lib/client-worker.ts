/**
 * Child process: one client implementation doing FC3 reads against a server, `inFlight` at once.
 * Spawned by bench/client.ts (pinned with taskset, run with --expose-gc). Argument: one JSON spec.
 * Prints one JSON line with the result. Bounded by count (warmup + n) and by maxSeconds.
 */
import { performance } from 'node:perf_hooks';
import { connectClient, type BenchClient, type ClientImpl } from './impls';
import { percentile } from './stats';

export interface ClientSpec {
  impl: ClientImpl;
  host: string;
  port: number;
  regs: number;
  inFlight: number;
  /** Timed requests. */
  n: number;
  /** Untimed requests first. */
  warmup: number;
  maxSeconds: number;
  /** Heap checkpoints: after this many timed requests, gc and record heapUsed (needs --expose-gc). */
  heapAt?: number[];
  address?: number;
}

export interface ClientResult {
  impl: ClientImpl;
  regs: number;
  inFlight: number;
  requests: number;
  errors: number;
  mismatches: number;
  seconds: number;
  reqPerSec: number;
  p50Us: number;
  p99Us: number;
  /** This process's CPU time (user + system, all threads) per timed request. */
  cpuUsPerReq: number;
  heap?: { requests: number; heapUsed: number }[];
  firstError?: string;
}

interface Tally { done: number; errors: number; mismatches: number; firstError?: string }

/** `count` reads with `inFlight` lanes; latencies (µs) go to `lat` from index tally.done when given. */
async function batch(
  c: BenchClient, count: number, inFlight: number, address: number, regs: number,
  deadline: number, tally: Tally, lat?: Float64Array,
): Promise<void> {
  let issued = 0;
  const lane = async (): Promise<void> => {
    while (issued < count && tally.errors <= 50) {
      issued++;
      if ((issued & 255) === 0 && performance.now() > deadline) { issued = count; break; }
      const t0 = performance.now();
      try {
        const v = await c.read(address, regs);
        const t1 = performance.now();
        if (v.length !== regs || v[0] !== address || v[regs - 1] !== address + regs - 1) tally.mismatches++;
        if (lat && tally.done < lat.length) lat[tally.done] = (t1 - t0) * 1000;
        tally.done++;
      } catch (err) {
        tally.errors++;
        tally.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

function heapNow(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) { gc(); gc(); }
  return process.memoryUsage().heapUsed;
}

export async function runClient(spec: ClientSpec): Promise<ClientResult> {
  const address = spec.address ?? 0;
  const start = performance.now();
  const deadline = start + spec.maxSeconds * 1000;
  const c = await connectClient(spec.impl, spec.host, spec.port, spec.inFlight);
  try {
    const warm: Tally = { done: 0, errors: 0, mismatches: 0 };
    await batch(c, spec.warmup, spec.inFlight, address, spec.regs, deadline, warm);
    const tally: Tally = { done: 0, errors: warm.errors, mismatches: warm.mismatches, firstError: warm.firstError };
    const lat = new Float64Array(Math.min(spec.n, 1_000_000));
    const heap: { requests: number; heapUsed: number }[] = [];
    const marks = [...(spec.heapAt ?? []).filter((m) => m < spec.n), spec.n];
    let timed = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const m of marks) {
      await batch(c, m - tally.done, spec.inFlight, address, spec.regs, deadline, tally, lat);
      if (spec.heapAt) {
        timed += performance.now() - t0;
        heap.push({ requests: tally.done, heapUsed: heapNow() });
      }
      if (performance.now() > deadline || tally.errors > 50) break;
    }
    const seconds = spec.heapAt ? timed / 1000 : (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const used = lat.subarray(0, Math.min(tally.done, lat.length));
    return {
      impl: spec.impl, regs: spec.regs, inFlight: spec.inFlight,
      requests: tally.done, errors: tally.errors, mismatches: tally.mismatches,
      seconds, reqPerSec: tally.done / seconds,
      p50Us: percentile(used, 0.5), p99Us: percentile(used, 0.99),
      cpuUsPerReq: (cpu.user + cpu.system) / Math.max(1, tally.done),
      ...(spec.heapAt ? { heap } : {}),
      ...(tally.firstError ? { firstError: tally.firstError } : {}),
    };
  } finally {
    await Promise.race([c.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ClientSpec;
  const hard = setTimeout(() => { process.stderr.write('client worker: hard time limit\n'); process.exit(3); }, (spec.maxSeconds + 15) * 1000);
  hard.unref();
  runClient(spec).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(r.errors > 0 || r.mismatches > 0 ? 1 : 0);
  }, (err: unknown) => {
    process.stderr.write(`client worker: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  });
}
