/**
 * `npm run bench:e2e` (also `npm run bench -- e2e`): umodbus nodes and node-red-contrib-modbus
 * 5.23.3 side by side in one Node-RED runtime, against the same devices in the same run.
 * `--quick` does one short run for development; `--runs N` sets the repetitions (default 5).
 * A full run rewrites the end-to-end section of BENCHMARKS.md.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLine, machineLine } from '../lib/machine';
import { start, stop, waitForLine } from '../lib/proc';
import { fmtMB } from '../lib/stats';
import { PKGS, type Pkg } from './flows';
import { Runtime } from './runtime';
import { SERVER_KINDS, polling, servers, triggered, type Polling, type ServerKind, type Sizes } from './scenarios';
import { report, type Results } from './report';

const REPO = path.resolve(__dirname, '..', '..', '..');
const FULL: Sizes = { triggered: 5000, pollers: 20, pollMs: 100, pollWarmupMs: 30000, pollWindowMs: 30000, serverReads: 20000, serverCapMs: 10000, rtu: 1000 };
const QUICK: Sizes = { triggered: 1000, pollers: 20, pollMs: 100, pollWarmupMs: 1000, pollWindowMs: 5000, serverReads: 2000, serverCapMs: 3000, rtu: 200 };

function targetServer(args: string[]): ChildProcess {
  return start(undefined, process.execPath, [path.join(__dirname, 'target-server.js'), ...args]);
}

/** A socat pty pair: `nr` for Node-RED's client, `dev` for the device. */
async function ptyPair(dir: string, prefix = ''): Promise<{ proc: ChildProcess; nr: string; dev: string }> {
  const nr = path.join(dir, `${prefix}nr`);
  const dev = path.join(dir, `${prefix}dev`);
  const proc = start(undefined, 'socat', ['-d', '-d', `pty,raw,echo=0,link=${nr}`, `pty,raw,echo=0,link=${dev}`]);
  for (let i = 0; i < 100 && !(fs.existsSync(nr) && fs.existsSync(dev)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(dev)) throw new Error('socat did not make the pty pair');
  return { proc, nr, dev };
}

export async function run(argv: string[] = process.argv.slice(2)): Promise<void> {
  const quick = argv.includes('--quick');
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : quick ? 1 : 5;
  const sizes = quick ? QUICK : FULL;
  const out = (s: string): void => { process.stdout.write(s); };
  const started = new Date();
  out(`${machineLine()}\n${loadLine()}\nruns ${runs}${quick ? ' (quick)' : ''}\n`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'umodbus-bench-e2e-'));
  const children: ChildProcess[] = [];
  let rt: Runtime | undefined;
  try {
    const tcp = targetServer(['tcp']);
    children.push(tcp);
    const port = Number((await waitForLine(tcp, /READY (\d+)/, 20000))[1]);
    const pty = await ptyPair(dir);
    children.push(pty.proc);
    const rtu = targetServer(['rtu', pty.dev]);
    children.push(rtu);
    await waitForLine(rtu, /READY/, 20000);
    // The same device on a second pty with t3.5 = 0: a pty has no line to keep quiet, so this shows the software alone.
    const ptyFast = await ptyPair(dir, 'fast-');
    children.push(ptyFast.proc);
    const rtuFast = targetServer(['rtu', ptyFast.dev, '0']);
    children.push(rtuFast);
    await waitForLine(rtuFast, /READY/, 20000);
    rt = await Runtime.start();
    const baselineRss = rt.rssBytes();
    out(`Node-RED pid ${rt.pid}, baseline RSS ${fmtMB(baselineRss)}; target TCP server :${port}, pty ${pty.nr} <-> ${pty.dev}\n`);

    const res: Results = { runs, sizes, baselineRss, single: perPkg(), burst: perPkg(), burstPipelined: [], rtu: perPkg(), rtuFast: perPkg(), polling: { umodbus: [], contrib: [] }, servers: { memory: [], route: [], contrib: [], floor: [] } };
    for (let r = 0; r < runs; r++) {
      // Alternate which package goes first, so neither always inherits the other's heap.
      const order: Pkg[] = r % 2 === 0 ? PKGS : [...PKGS].reverse();
      for (const pkg of order) {
        const one = await triggered(rt, pkg, { tcp: port }, sizes.triggered, false);
        const burst = await triggered(rt, pkg, { tcp: port }, sizes.triggered, true);
        res.single[pkg].push(one.rate);
        res.burst[pkg].push(burst.rate);
        if (pkg === 'umodbus') {
          // What pipelining adds (contrib's client has no such setting): the same burst, 16 requests on the wire.
          const piped = await triggered(rt, pkg, { tcp: port }, sizes.triggered, true, 16);
          res.burstPipelined.push(piped.rate);
          out(`run ${r + 1} ${pkg}: (a) burst with 16 in flight ${piped.rate.toFixed(0)} msg/s (${piped.got} ok, ${piped.errors} errors)\n`);
        }
        out(`run ${r + 1} ${pkg}: (a) one in flight ${one.rate.toFixed(0)} msg/s (${one.got} ok, ${one.errors} errors), burst ${burst.rate.toFixed(0)} msg/s (${burst.got} ok, ${burst.errors} errors)\n`);
      }
      for (const pkg of order) {
        // A runtime of its own, so the peak RSS is this package's and not what earlier scenarios left on the heap.
        const own = await Runtime.start();
        let p: Polling;
        try {
          p = await polling(own, pkg, port, sizes);
        } finally {
          await own.stop();
        }
        res.polling[pkg].push(p);
        out(`run ${r + 1} ${pkg}: (b) ${p.polls} polls (${p.pollsPerSecond.toFixed(0)}/s, ${p.errors} errors), ${p.cpuPer1000.toFixed(3)} CPU-s per 1000 polls, peak RSS ${fmtMB(p.peakRss)}\n`);
      }
      const srv = await servers(rt, sizes, r);
      for (const k of SERVER_KINDS) res.servers[k].push(srv[k]);
      out(`run ${r + 1}: (c) ${SERVER_KINDS.map((k: ServerKind) => `${k} ${srv[k].toFixed(0)} req/s`).join(', ')}\n`);
      for (const pkg of order) {
        const d = await triggered(rt, pkg, { rtu: pty.nr }, sizes.rtu, false);
        res.rtu[pkg].push(d.rate);
        out(`run ${r + 1} ${pkg}: (d) RTU over a pty ${d.rate.toFixed(0)} msg/s (${d.got} ok, ${d.errors} errors)\n`);
        const f = await triggered(rt, pkg, { rtu: ptyFast.nr, interFrameDelay: 0 }, sizes.rtu, false);
        res.rtuFast[pkg].push(f.rate);
        out(`run ${r + 1} ${pkg}: (d) RTU over a pty, t3.5 = 0: ${f.rate.toFixed(0)} msg/s (${f.got} ok, ${f.errors} errors)\n`);
      }
      // Release the pty and the ports before the next run's deploys.
      await rt.deploy([], 500);
    }
    const text = report(res, started, quick);
    out(`\n${text}\n`);
    if (!quick && runs >= 5) writeSection(text);
  } finally {
    await rt?.stop();
    for (const c of children.reverse()) await stop(c);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function perPkg(): Record<Pkg, number[]> {
  return { umodbus: [], contrib: [] };
}

const BEGIN = '<!-- E2E:BEGIN (written by npm run bench:e2e) -->';
const END = '<!-- E2E:END -->';

/** Replace the end-to-end section of BENCHMARKS.md, or add it at the end. */
function writeSection(text: string): void {
  const file = path.join(REPO, 'BENCHMARKS.md');
  const doc = fs.readFileSync(file, 'utf8');
  const block = `${BEGIN}\n${text}\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  fs.writeFileSync(file, a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${block}\n`);
  process.stdout.write(`(wrote the end-to-end section of ${file})\n`);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    process.stderr.write(`bench:e2e failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}

