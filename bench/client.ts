/**
 * Client benchmark (issue #3): FC3 reads of 10 and 125 registers against the same fast server that
 * is not ours (the C refserver), 1 and 16 requests in flight; our client beside modbus-serial
 * (ModbusRTU.connectTCP, which pipelines on TCP: transactions are matched by id) and jsmodbus
 * (client.TCP, which queues and sends one request at a time), with the C refclient (sequential
 * only) as the ceiling. Both same core (client and server pinned to CPU 0) and separate cores
 * (client CPU 0, server CPU 1). Each client runs in its own child process; runs are interleaved
 * and repeated, and medians are printed, with ratios taken within each repetition.
 *
 * Then memory: our client's heap (after gc) after the first 10,000 requests and after 200,000.
 *
 * Environment: UMODBUS_BENCH_N (timed requests per run, default 20000), UMODBUS_BENCH_REPS (5),
 * UMODBUS_BENCH_MAX_SECONDS (time cap per run, default 1), UMODBUS_BENCH_PLACEMENTS
 * (same,split), UMODBUS_BENCH_CLIENTS (ours,modbus-serial,jsmodbus,c; may add node-net: a bare
 * net.Socket MBAP loop, the floor for any node client), UMODBUS_BENCH_MEM_N (200000; 0 skips),
 * UMODBUS_BENCH_MEM_IMPLS (ours), UMODBUS_BENCH_PROFILE=dir (one extra run of each of our
 * client's configurations with --cpu-prof into dir).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLIENT_IMPLS, oursAvailable, type ClientImpl } from './lib/impls';
import { loadLine, machineLine } from './lib/machine';
import { freePort } from './lib/proc';
import { HOST, PLACEMENTS, ref, runNodeClient, runRefClient, startRefServer, type Placement, type ServerProc } from './lib/runners';
import { SectionLog, type SectionResult } from './lib/section-log';
import { envInt, envList, fmtMB, fmtRate, fmtRatio, median, table } from './lib/stats';

type Impl = ClientImpl | 'c';
interface Config { regs: number; inFlight: number }
interface Sample { rate: number; p50: number; cpu: number }

const CONFIGS: Config[] = [
  { regs: 10, inFlight: 1 }, { regs: 125, inFlight: 1 }, { regs: 10, inFlight: 16 }, { regs: 125, inFlight: 16 },
];
const LABEL: Record<Impl, string> = { ours: 'ours', 'modbus-serial': 'modbus-serial', jsmodbus: 'jsmodbus', 'node-net': 'bare net.Socket', c: 'C refclient' };

let log = new SectionLog();
const out = (s: string): void => { log.out(s); };
const key = (p: string, c: Config, impl: Impl): string => `${p}|${c.regs}|${c.inFlight}|${impl}`;
const cfgName = (c: Config): string => `FC3 x${c.regs}, ${c.inFlight === 1 ? 'sequential' : `${c.inFlight} in flight`}`;

export async function run(): Promise<SectionResult> {
  log = new SectionLog();
  const n = envInt('UMODBUS_BENCH_N', 20000);
  const reps = envInt('UMODBUS_BENCH_REPS', 5);
  const maxSeconds = Number(process.env.UMODBUS_BENCH_MAX_SECONDS ?? '1');
  const warmup = Math.min(1000, Math.max(200, Math.floor(n / 20)));
  const placements = envList('UMODBUS_BENCH_PLACEMENTS', ['same', 'split']).map((p) => {
    const pl = PLACEMENTS[p];
    if (!pl) throw new Error(`unknown placement ${p} (same, split)`);
    return [p, pl] as const;
  });
  const found = await oursAvailable();
  let impls = envList('UMODBUS_BENCH_CLIENTS', [...CLIENT_IMPLS, 'c']) as Impl[];
  for (const i of impls) if (!(i in LABEL)) throw new Error(`unknown client ${i} (${Object.keys(LABEL).join(', ')})`);
  if (!found.client && impls.includes('ours')) {
    out('our ModbusClient is not built yet: running the peers only\n');
    impls = impls.filter((i) => i !== 'ours');
  }
  out(`${machineLine()}\n${loadLine()}\n`);
  out(`client: ${found.client ? `dist/src/${found.client}` : '-'}; ${n} timed requests per run (cap ${maxSeconds} s), ${warmup} warmup, ${reps} repetitions, interleaved\n`);
  ref();

  const samples = new Map<string, Sample[]>();
  const servers = new Map<string, ServerProc>();
  const t0 = Date.now();
  try {
    for (const [p, pl] of placements) {
      servers.set(p, await startRefServer(pl.serverCpu, await freePort(), 900));
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const [p, pl] of placements) {
        const port = servers.get(p)!.port;
        for (const c of CONFIGS) {
          const order = rotate(impls, rep);
          for (const impl of order) {
            if (impl === 'c' && c.inFlight !== 1) continue;
            let s: Sample;
            try {
              s = await once(impl, pl, port, c, n, warmup, maxSeconds);
            } catch (err) {
              // one failed run is reported and left out of the medians; the rest goes on
              out(`  ! ${LABEL[impl]} ${cfgName(c)} (${pl.name}): ${err instanceof Error ? err.message : String(err)}\n`);
              s = { rate: NaN, p50: NaN, cpu: NaN };
            }
            const k = key(p, c, impl);
            samples.set(k, [...(samples.get(k) ?? []), s]);
          }
        }
      }
      out(`  repetition ${rep + 1}/${reps} done (${((Date.now() - t0) / 1000).toFixed(0)} s, ${loadLine()})\n`);
    }

    for (const [p, pl] of placements) {
      out(`\n-- ${pl.name} (client CPU ${pl.clientCpu ?? '-'}, C refserver CPU ${pl.serverCpu ?? '-'}): req/s, median of ${reps} --\n`);
      out(rateTable(p, impls, samples));
      out(`\n   p50 latency (µs), median of ${reps}:\n`);
      out(costTable(p, impls, samples, (s) => s.p50));
      out(`\n   client CPU time per request (µs, user + system; C refclient via GNU time, 10 ms resolution), median of ${reps}:\n`);
      out(costTable(p, impls, samples, (s) => s.cpu));
      if (impls.includes('ours')) out(targets(p, pl, samples));
    }

    const memN = envInt('UMODBUS_BENCH_MEM_N', 200000, true);
    if (memN > 0) await memory(memN, found.client !== undefined, servers.get(placements[placements.length - 1][0])!.port,
      placements[placements.length - 1][1]);

    const profDir = process.env.UMODBUS_BENCH_PROFILE;
    if (profDir && found.client) await profile(profDir, placements[0][1], servers.get(placements[0][0])!.port, n);
  } finally {
    for (const s of servers.values()) await s.stop();
  }
  out(`(client section took ${((Date.now() - t0) / 1000).toFixed(0)} s; ${loadLine()})\n`);
  return log.result();
}

function rotate<T>(xs: T[], k: number): T[] {
  const i = k % xs.length;
  return [...xs.slice(i), ...xs.slice(0, i)];
}

async function once(impl: Impl, pl: Placement, port: number, c: Config, n: number, warmup: number, maxSeconds: number): Promise<Sample> {
  if (impl === 'c') {
    const r = await runRefClient(pl.clientCpu, port, { regs: c.regs, n, conns: 1, warmup, maxSeconds });
    return { rate: r.reqPerSec, p50: r.p50Us, cpu: r.cpuUsPerReq ?? NaN };
  }
  const r = await runNodeClient(pl.clientCpu, { impl, host: HOST, port, regs: c.regs, inFlight: c.inFlight, n, warmup, maxSeconds });
  return { rate: r.reqPerSec, p50: r.p50Us, cpu: r.cpuUsPerReq };
}

/** Median over repetitions of the ratio a/b taken within each repetition. */
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
  const head = ['configuration', ...impls.map((i) => LABEL[i])];
  const ratioCols: [Impl, Impl][] = [];
  if (impls.includes('ours')) for (const o of nodeImpls) if (o !== 'ours') ratioCols.push(['ours', o]);
  if (impls.includes('c')) for (const o of nodeImpls) ratioCols.push([o, 'c']);
  head.push(...ratioCols.map(([a, b]) => `${short(a)}/${short(b)}`));
  const rows = CONFIGS.map((c) => {
    const row = [cfgName(c)];
    for (const i of impls) row.push(fmtRate(median((samples.get(key(p, c, i)) ?? []).map((s) => s.rate))));
    for (const [a, b] of ratioCols) {
      // the C refclient is sequential: for 16 in flight compare with its sequential rate
      const kb = b === 'c' ? key(p, { regs: c.regs, inFlight: 1 }, 'c') : key(p, c, b);
      row.push(fmtRatio(ratio(samples, key(p, c, a), kb)));
    }
    return row;
  });
  return table(head, rows) + (impls.includes('c') ? '   (x/C for 16 in flight compares with the C refclient\'s sequential rate: it cannot pipeline)\n' : '');
}

function costTable(p: string, impls: Impl[], samples: Map<string, Sample[]>, f: (s: Sample) => number): string {
  const rows = CONFIGS.map((c) => [cfgName(c), ...impls.map((i) => {
    const v = median((samples.get(key(p, c, i)) ?? []).map(f));
    return Number.isFinite(v) ? v.toFixed(1) : '-';
  })]);
  return table(['configuration', ...impls.map((i) => LABEL[i])], rows);
}

function short(i: Impl): string {
  return i === 'modbus-serial' ? 'ms' : i === 'jsmodbus' ? 'js' : i === 'c' ? 'C' : i === 'node-net' ? 'net' : 'ours';
}

/** The req/s ratios the issues ask for (3: every row; 14: x10 sequential on the same core), judged and recorded. */
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
  for (const regs of [10, 125]) {
    const seq = { regs, inFlight: 1 };
    const pip = { regs, inFlight: 16 };
    check(`x${regs} sequential ours/jsmodbus`, key(p, seq, 'ours'), key(p, seq, 'jsmodbus'), 1.6);
    check(`x${regs} sequential ours/modbus-serial`, key(p, seq, 'ours'), key(p, seq, 'modbus-serial'), 1.25);
    check(`x${regs} 16 in flight ours/modbus-serial`, key(p, pip, 'ours'), key(p, pip, 'modbus-serial'), 1.2);
  }
  return `   targets:\n${lines.join('\n')}\n`;
}

async function memory(memN: number, haveOurs: boolean, port: number, pl: Placement): Promise<void> {
  let impls = envList('UMODBUS_BENCH_MEM_IMPLS', ['ours']) as ClientImpl[];
  if (!haveOurs) impls = impls.filter((i) => i !== 'ours');
  if (impls.length === 0) { out('\n-- memory: our client is not built yet, skipped --\n'); return; }
  const first = Math.min(10000, memN);
  const marks = [first, 50000, 100000, 150000].filter((m) => m < memN);
  out(`\n-- memory (${pl.name}): heapUsed after gc, FC3 x10 sequential, ${memN.toLocaleString('en-US')} requests --\n`);
  const rows: string[][] = [];
  for (const impl of impls) {
    const r = await runNodeClient(pl.clientCpu, {
      impl, host: HOST, port, regs: 10, inFlight: 1, n: memN, warmup: 0, maxSeconds: 240, heapAt: marks,
    });
    const h = r.heap ?? [];
    const base = h[0]?.heapUsed ?? NaN;
    const last = h[h.length - 1];
    rows.push([LABEL[impl], ...h.map((x) => `${x.requests.toLocaleString('en-US')}: ${fmtMB(x.heapUsed)}`),
      `delta ${fmtMB((last?.heapUsed ?? NaN) - base)}`, `${fmtRate(r.reqPerSec)} req/s`]);
    if (r.requests < memN) rows[rows.length - 1].push(`(stopped at ${r.requests}: time cap)`);
  }
  for (const r of rows) out(`   ${r.join('  ')}\n`);
}

async function profile(dir: string, pl: Placement, port: number, n: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  out(`\n-- profiles of our client (${pl.name}) into ${dir} --\n`);
  for (const c of CONFIGS) {
    const name = `client-x${c.regs}-if${c.inFlight}`;
    const r = await runNodeClient(pl.clientCpu, { impl: 'ours', host: HOST, port, regs: c.regs, inFlight: c.inFlight, n: n * 5, warmup: 2000, maxSeconds: 10 },
      ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`, `--cpu-prof-name=${name}.cpuprofile`]);
    out(`   ${name}: ${fmtRate(r.reqPerSec)} req/s\n`);
  }
}
