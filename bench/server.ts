/**
 * Server benchmark (issue #4): FC3 reads of 10 registers from 1 and from 8 concurrent connections,
 * all driven by the same client (the C refclient; 8 connections = `refclient --conns 8`: 8 threads,
 * one connection each, started together by a barrier, rate = all requests / wall time). Our server
 * beside modbus-serial's ServerTCP and jsmodbus's server.TCP, with the C refserver as the ceiling.
 * Same core (server and refclient on CPU 0) and separate cores (refclient CPU 0, server CPU 1).
 * Each server runs in its own child process, restarted for every repetition; runs are interleaved;
 * medians are printed, with ratios taken within each repetition.
 *
 * Then memory: our server's heap (after gc) over 200,000 requests from 8 connections.
 *
 * Environment: UMODBUS_BENCH_N (requests per run for 1 connection; 8 connections do N/2 each;
 * default 20000), UMODBUS_BENCH_REPS (5), UMODBUS_BENCH_MAX_SECONDS (cap per run, 1),
 * UMODBUS_BENCH_PLACEMENTS (same,split), UMODBUS_BENCH_SERVERS
 * (ours,modbus-serial,jsmodbus,node-net,c; node-net is a bare net.Server answering FC3 from a
 * Buffer: the floor for any node server, which tells what the C ceiling leaves to reach),
 * UMODBUS_BENCH_MEM_N (200000; 0 skips), UMODBUS_BENCH_PROFILE=dir (then one profiled run of our
 * server, 1 and 8 connections, with --cpu-prof into dir; summarise with dist/bench/lib/profsum.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVER_IMPLS, oursAvailable, type ServerImpl } from './lib/impls';
import { loadLine, machineLine } from './lib/machine';
import { freePort } from './lib/proc';
import { HOST, PLACEMENTS, ref, runRefClient, startNodeServer, startRefServer, type Placement, type ServerProc } from './lib/runners';
import { SectionLog, type SectionResult } from './lib/section-log';
import { envInt, envList, fmtMB, fmtRate, fmtRatio, median, table } from './lib/stats';

type Impl = ServerImpl | 'c';
interface Sample { rate: number; p50: number; cpu: number }

const CONNS = [1, 8];
const REGS = 10;
const LABEL: Record<Impl, string> = { ours: 'ours', 'modbus-serial': 'modbus-serial', jsmodbus: 'jsmodbus', 'node-net': 'bare net.Server', c: 'C refserver' };
const SHORT: Record<Impl, string> = { ours: 'ours', 'modbus-serial': 'ms', jsmodbus: 'js', 'node-net': 'net', c: 'C' };

let log = new SectionLog();
const out = (s: string): void => { log.out(s); };
const key = (p: string, conns: number, impl: Impl): string => `${p}|${conns}|${impl}`;

async function startImpl(impl: Impl, pl: Placement, nodeFlags: string[] = []): Promise<ServerProc> {
  const port = await freePort();
  if (impl === 'c') return startRefServer(pl.serverCpu, port, 120);
  return startNodeServer(pl.serverCpu, { impl, host: HOST, port, maxSeconds: 600 }, nodeFlags);
}

export async function run(): Promise<SectionResult> {
  log = new SectionLog();
  const n = envInt('UMODBUS_BENCH_N', 20000);
  const reps = envInt('UMODBUS_BENCH_REPS', 5);
  const maxSeconds = Number(process.env.UMODBUS_BENCH_MAX_SECONDS ?? '1');
  const placements = envList('UMODBUS_BENCH_PLACEMENTS', ['same', 'split']).map((p) => {
    const pl = PLACEMENTS[p];
    if (!pl) throw new Error(`unknown placement ${p} (same, split)`);
    return [p, pl] as const;
  });
  const found = await oursAvailable();
  let impls = envList('UMODBUS_BENCH_SERVERS', [...SERVER_IMPLS, 'node-net', 'c']) as Impl[];
  for (const i of impls) if (!(i in LABEL)) throw new Error(`unknown server ${i} (${Object.keys(LABEL).join(', ')})`);
  if (!found.server && impls.includes('ours')) {
    out('our ModbusServer is not built yet: running the peers only\n');
    impls = impls.filter((i) => i !== 'ours');
  }
  out(`${machineLine()}\n${loadLine()}\n`);
  out(`server: ${found.server ? `dist/src/${found.server}` : '-'}; FC3 x${REGS}; driver: C refclient; 1 connection x ${n} requests, `
    + `8 connections x ${n / 2} (cap ${maxSeconds} s per run), ${reps} repetitions, interleaved\n`);
  ref();

  const samples = new Map<string, Sample[]>();
  const t0 = Date.now();
  for (let rep = 0; rep < reps; rep++) {
    for (const [p, pl] of placements) {
      const i0 = rep % impls.length;
      for (const impl of [...impls.slice(i0), ...impls.slice(0, i0)]) {
        let srv: ServerProc;
        try {
          srv = await startImpl(impl, pl);
        } catch (err) {
          out(`  ! ${LABEL[impl]} (${pl.name}) did not start: ${err instanceof Error ? err.message : String(err)}\n`);
          for (const conns of CONNS) {
            const k = key(p, conns, impl);
            samples.set(k, [...(samples.get(k) ?? []), { rate: NaN, p50: NaN, cpu: NaN }]);
          }
          continue;
        }
        try {
          for (const conns of CONNS) {
            // modbus-serial answers each request after a setTimeout(0): ~1 ms; keep its warmup short
            const warmup = impl === 'modbus-serial' ? 100 : conns === 1 ? 1000 : 250;
            const k = key(p, conns, impl);
            let sample: Sample;
            try {
              const cpu0 = srv.cpuNs();
              const r = await runRefClient(pl.clientCpu, srv.port, {
                regs: REGS, n: conns === 1 ? n : Math.ceil(n / 2), conns, warmup, maxSeconds, label: `${impl}-${conns}`,
              });
              const cpu1 = srv.cpuNs();
              const cpu = cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / 1000 / r.allRequests : NaN;
              sample = { rate: r.reqPerSec, p50: r.p50Us, cpu };
            } catch (err) {
              out(`  ! ${LABEL[impl]} ${conns} conn (${pl.name}): ${err instanceof Error ? err.message : String(err)}\n`);
              sample = { rate: NaN, p50: NaN, cpu: NaN };
            }
            samples.set(k, [...(samples.get(k) ?? []), sample]);
          }
        } finally {
          await srv.stop();
        }
      }
    }
    out(`  repetition ${rep + 1}/${reps} done (${((Date.now() - t0) / 1000).toFixed(0)} s, ${loadLine()})\n`);
  }

  for (const [p, pl] of placements) {
    out(`\n-- ${pl.name} (refclient CPU ${pl.clientCpu ?? '-'}, server CPU ${pl.serverCpu ?? '-'}): req/s, median of ${reps} --\n`);
    out(rateTable(p, impls, samples));
    out(`\n   p50 latency (µs), median of ${reps}:\n`);
    out(costTable(p, impls, samples, (s) => s.p50));
    out(`\n   server CPU time per request (µs, all threads, from /proc schedstat), median of ${reps}:\n`);
    out(costTable(p, impls, samples, (s) => s.cpu));
    if (impls.includes('ours')) out(targets(p, pl, samples));
  }

  const memN = envInt('UMODBUS_BENCH_MEM_N', 200000, true);
  if (memN > 0) {
    if (found.server) await memory(memN, placements[placements.length - 1][1]);
    else out('\n-- memory: our server is not built yet, skipped --\n');
  }
  const profDir = process.env.UMODBUS_BENCH_PROFILE;
  if (profDir && found.server) await profile(profDir, placements[0][1], n);
  out(`(server section took ${((Date.now() - t0) / 1000).toFixed(0)} s; ${loadLine()})\n`);
  return log.result();
}

function ratio(samples: Map<string, Sample[]>, ka: string, kb: string): number {
  const a = samples.get(ka);
  const b = samples.get(kb);
  if (!a || !b) return NaN;
  const rs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) rs.push(a[i].rate / b[i].rate);
  return median(rs);
}

/** The same by a cost (b's over a's: p50 latency or CPU per request), less sensitive to preemption by other load. */
function costRatio(samples: Map<string, Sample[]>, ka: string, kb: string, f: (s: Sample) => number): number {
  const a = samples.get(ka);
  const b = samples.get(kb);
  if (!a || !b) return NaN;
  const rs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) rs.push(f(b[i]) / f(a[i]));
  return median(rs);
}

function rateTable(p: string, impls: Impl[], samples: Map<string, Sample[]>): string {
  const nodeImpls = impls.filter((i) => i !== 'c');
  const cols: [Impl, Impl][] = [];
  if (impls.includes('c')) for (const o of nodeImpls) cols.push([o, 'c']);
  if (impls.includes('ours')) for (const o of nodeImpls) if (o !== 'ours') cols.push(['ours', o]);
  const head = ['connections', ...impls.map((i) => LABEL[i]), ...cols.map(([a, b]) => `${SHORT[a]}/${SHORT[b]}`)];
  const rows = CONNS.map((c) => [
    String(c),
    ...impls.map((i) => fmtRate(median((samples.get(key(p, c, i)) ?? []).map((s) => s.rate)))),
    ...cols.map(([a, b]) => fmtRatio(ratio(samples, key(p, c, a), key(p, c, b)))),
  ]);
  return table(head, rows);
}

function costTable(p: string, impls: Impl[], samples: Map<string, Sample[]>, f: (s: Sample) => number): string {
  return table(['connections', ...impls.map((i) => LABEL[i])], CONNS.map((c) => [String(c), ...impls.map((i) => {
    const v = median((samples.get(key(p, c, i)) ?? []).map(f));
    return Number.isFinite(v) ? v.toFixed(1) : '-';
  })]));
}

function targets(p: string, pl: Placement, samples: Map<string, Sample[]>): string {
  const lines: string[] = [];
  const check = (label: string, ka: string, kb: string, min: number): void => {
    if (!samples.has(ka) || !samples.has(kb)) {
      lines.push(`   -      ${label}: not measured in this run`);
      log.target(`${pl.name}: ${label} >= ${min}x`, NaN, min, 'not measured');
      return;
    }
    const v = ratio(samples, ka, kb);
    const l = costRatio(samples, ka, kb, (x) => x.p50);
    const u = costRatio(samples, ka, kb, (x) => x.cpu);
    const also = `by p50 latency ${fmtRatio(l)}, by CPU per request ${fmtRatio(u)}`;
    const t = log.target(`${pl.name}: ${label} >= ${min}x`, v, min, `${fmtRatio(v)} req/s (${also})`);
    lines.push(`   ${t.met ? 'MET   ' : 'MISSED'} ${label}: ${fmtRatio(v)} (target >= ${min}x)  [${also}]`);
  };
  for (const c of CONNS) {
    if (pl.clientCpu === pl.serverCpu) check(`${c} conn ours/C refserver (same core)`, key(p, c, 'ours'), key(p, c, 'c'), 0.9);
    check(`${c} conn ours/modbus-serial`, key(p, c, 'ours'), key(p, c, 'modbus-serial'), 30);
  }
  return `   targets:\n${lines.join('\n')}\n`;
}

async function memory(memN: number, pl: Placement): Promise<void> {
  const conns = 8;
  const marks = [10000, 50000, 100000, 150000, memN].filter((m, i, a) => m <= memN && a.indexOf(m) === i);
  out(`\n-- memory (${pl.name}): our server's heapUsed after gc, FC3 x${REGS} from ${conns} connections, ${memN.toLocaleString('en-US')} requests --\n`);
  const srv = await startImpl('ours', pl);
  try {
    const h0 = await srv.heap();
    const parts = [`start: ${fmtMB(h0.heapUsed)}`];
    let done = 0;
    let base = NaN;
    let last = NaN;
    let rate = 0;
    for (const m of marks) {
      const per = Math.ceil((m - done) / conns);
      const r = await runRefClient(pl.clientCpu, srv.port, { regs: REGS, n: per, conns, warmup: 0, maxSeconds: 120, label: `mem-${m}` });
      done += r.requests;
      rate = r.reqPerSec;
      const h = await srv.heap();
      if (Number.isNaN(base)) base = h.heapUsed;
      last = h.heapUsed;
      parts.push(`${done.toLocaleString('en-US')}: ${fmtMB(h.heapUsed)} (rss ${fmtMB(h.rss)})`);
    }
    out(`   ${parts.join('  ')}\n   delta from 10,000 to ${done.toLocaleString('en-US')}: ${fmtMB(last - base)}  (last phase ${fmtRate(rate)} req/s)\n`);
  } finally {
    await srv.stop();
  }
}

async function profile(dir: string, pl: Placement, n: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  out(`\n-- profiles of our server (${pl.name}) into ${dir} --\n`);
  for (const conns of CONNS) {
    const name = `server-${conns}conn`;
    const srv = await startImpl('ours', pl, ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`, `--cpu-prof-name=${name}.cpuprofile`]);
    try {
      const r = await runRefClient(pl.clientCpu, srv.port, { regs: REGS, n: conns === 1 ? n * 3 : n, conns, warmup: 2000, maxSeconds: 10 });
      out(`   ${name}: ${fmtRate(r.reqPerSec)} req/s\n`);
    } finally {
      await srv.stop();
    }
  }
}
