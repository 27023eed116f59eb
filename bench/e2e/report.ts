/**
 * The end-to-end figures as markdown: medians, ratios against node-red-contrib-modbus, the
 * targets of issue 7, and the paper estimate of the RTU line limit.
 */
import { loadLine, machineLine } from '../lib/machine';
import { fmtMB, median } from '../lib/stats';
import type { Pkg } from './flows';
import type { Polling, ServerKind, Sizes } from './scenarios';

export interface Results {
  runs: number;
  sizes: Sizes;
  baselineRss: number;
  single: Record<Pkg, number[]>;
  burst: Record<Pkg, number[]>;
  /** umodbus only: the burst with 16 requests in flight. */
  burstPipelined: number[];
  rtu: Record<Pkg, number[]>;
  /** (d) again with t3.5 = 0 on our client and on the device. */
  rtuFast: Record<Pkg, number[]>;
  polling: Record<Pkg, Polling[]>;
  servers: Record<ServerKind, number[]>;
}

const rate = (x: number): string => Math.round(x).toLocaleString('en-US');
const ratio = (x: number): string => `${x.toFixed(2)}x`;
const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');

export function report(r: Results, started: Date, quick: boolean): string {
  const m = (xs: number[]): number => median(xs);
  const lines: string[] = [];
  const push = (s = ''): void => { lines.push(s); };
  push('## End-to-end inside Node-RED (issue 7)');
  push();
  push(`- **When:** ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC; ${r.runs} run(s)${quick ? ', quick sizes (not for the record)' : ''}, medians reported.`);
  push(`- **Machine:** ${machineLine().replace(/^\S+\s+/, "")}; ${loadLine()} at the end.`);
  push('- **Command:** `npm run bench:e2e` (or `npm run bench -- e2e`; `-- --quick` for a short check).');
  push('- **Setup:** one Node-RED 4.1 runtime (the dev dependency, started by scripts/start.js on 127.0.0.1 with an empty flow) loads @umodbus/node-red and node-red-contrib-modbus 5.23.3. Each scenario deploys one package\'s nodes at a time. The Modbus device for (a) and (b) is our server engine in a process of its own; for (d) it is the same engine on the far end of a socat pty pair.');
  push('- **Driver:** a bench-only node (bench/e2e/driver-node.ts, installed into the runtime\'s user directory) stands where an inject node would: POST /bench/drive/:id sends the read msgs, and it counts what comes back (outputs, and errors through a Catch node). It is plain JS, one hop; a function node\'s vm call would cost about as much as the read itself. Both packages are driven by it alike.');
  push(`- **Baseline RSS** of the runtime before any bench flow: ${fmtMB(r.baselineRss)}.`);
  push();

  const s1 = m(r.single.umodbus) / m(r.single.contrib);
  const sb = m(r.burst.umodbus) / m(r.burst.contrib);
  push(`### (a) Triggered reads: FC3, 10 registers, ${r.sizes.triggered.toLocaleString('en-US')} msgs, msgs/s`);
  push();
  push('| mode | umodbus-read | contrib flex-getter | ratio |');
  push('|---|---:|---:|---:|');
  push(`| one msg in flight | ${rate(m(r.single.umodbus))} | ${rate(m(r.single.contrib))} | ${ratio(s1)} |`);
  push(`| burst (all at once) | ${rate(m(r.burst.umodbus))} | ${rate(m(r.burst.contrib))} | ${ratio(sb)} |`);
  push(`| burst, umodbus-client with 16 in flight (contrib has no such setting) | ${rate(m(r.burstPipelined))} | ${rate(m(r.burst.contrib))} | ${ratio(m(r.burstPipelined) / m(r.burst.contrib))} |`);
  push();
  push('Both clients keep one request on the wire in the first two rows (our default, since many devices allow only one).');
  push();

  const pu = r.polling.umodbus;
  const pc = r.polling.contrib;
  const cpuU = m(pu.map((p) => p.cpuPer1000));
  const cpuC = m(pc.map((p) => p.cpuPer1000));
  const rssU = m(pu.map((p) => p.peakRss));
  const rssC = m(pc.map((p) => p.peakRss));
  push(`### (b) Steady polling: ${r.sizes.pollers} read nodes every ${r.sizes.pollMs} ms for ${r.sizes.pollWindowMs / 1000} s`);
  push();
  push(`Each package polls in a Node-RED runtime of its own, started for that run, so its peak RSS holds nothing that another scenario left on the heap. The window opens after ${r.sizes.pollWarmupMs / 1000} s of polling, so the CPU figure is steady state: a fresh runtime spends its first half-minute or so tiering up the poll path and compiling and collecting on V8's background threads (measured per thread in /proc), for both packages. The peak RSS covers the warm-up too.`);
  push();
  push('| | umodbus-read | contrib modbus-read | contrib / umodbus |');
  push('|---|---:|---:|---:|');
  push(`| runtime CPU-seconds per 1,000 polls | ${cpuU.toFixed(3)} | ${cpuC.toFixed(3)} | ${ratio(cpuC / cpuU)} |`);
  push(`| polls per second done | ${m(pu.map((p) => p.pollsPerSecond)).toFixed(0)} | ${m(pc.map((p) => p.pollsPerSecond)).toFixed(0)} | |`);
  push(`| peak RSS in the window | ${fmtMB(rssU)} | ${fmtMB(rssC)} | ${ratio(rssC / rssU)} |`);
  push(`| errors in the window (median) | ${m(pu.map((p) => p.errors))} | ${m(pc.map((p) => p.errors))} | |`);
  push();

  // Within-run ratios: the servers of one run take turns in the same seconds and share their
  // noise, so (c) gives the median of those rather than a ratio of medians from different runs.
  const perRun = (a: ServerKind, b: ServerKind): number[] => r.servers[a].map((x, i) => x / r.servers[b][i]);
  const rel = (a: ServerKind, b: ServerKind): number => m(perRun(a, b));
  const spread = (a: ServerKind, b: ServerKind): string => {
    const xs = perRun(a, b);
    return `${ratio(m(xs))} (${ratio(Math.min(...xs))}–${ratio(Math.max(...xs))})`;
  };
  const memVsContrib = rel('memory', 'contrib');
  const routeVsContrib = rel('route', 'contrib');
  const floorVsContrib = rel('floor', 'contrib');
  push(`### (c) Server side: a modbus-serial client reads 10 registers, one at a time (${r.sizes.serverReads.toLocaleString('en-US')} reads or ${r.sizes.serverCapMs / 1000} s), req/s`);
  push();
  push('One client per server; the servers take turns in chunks of 1,000 reads, round after round, so noise on the machine falls on all four alike. The fourth is no Modbus package: a bare `net.Server` in the same runtime (bench/lib/impls.ts, `node-net`) that answers FC3 from a Buffer, with no checks, no map and no events. It is the least any server in a Node-RED process can cost, so it shows how much of a request is left to a server at all: the rest is the modbus-serial client, the kernel and Node.js itself.');
  push();
  push('Rates are medians over the runs. Each ratio is the median of the ratios taken within each run, with their range.');
  push();
  push('| server | req/s | vs contrib modbus-server | vs bare net.Server |');
  push('|---|---:|---:|---:|');
  push(`| umodbus-server memory map | ${rate(m(r.servers.memory))} | ${spread('memory', 'contrib')} | ${spread('memory', 'floor')} |`);
  push(`| umodbus-server-route answered by a function node | ${rate(m(r.servers.route))} | ${spread('route', 'contrib')} | ${spread('route', 'floor')} |`);
  push(`| contrib modbus-server (jsmodbus; responseDelay at its 1 ms least) | ${rate(m(r.servers.contrib))} | 1.00x | ${spread('contrib', 'floor')} |`);
  push(`| bare net.Server in the same runtime (the floor) | ${rate(m(r.servers.floor))} | ${spread('floor', 'contrib')} | 1.00x |`);
  push();

  const d = m(r.rtu.umodbus) / m(r.rtu.contrib);
  const df = m(r.rtuFast.umodbus) / m(r.rtuFast.contrib);
  push(`### (d) RTU over a socat pty pair: FC3, 10 registers, one in flight, ${r.sizes.rtu.toLocaleString('en-US')} msgs, msgs/s`);
  push();
  push('| inter-frame silence t3.5 | umodbus-read | contrib flex-getter | ratio |');
  push('|---|---:|---:|---:|');
  push(`| the spec's 1.75 ms at 115200 baud (defaults), kept by our client and by the device | ${rate(m(r.rtu.umodbus))} | ${rate(m(r.rtu.contrib))} | ${ratio(d)} |`);
  push(`| 0 ms on our client (\`interFrameDelay\`) and on the device | ${rate(m(r.rtuFast.umodbus))} | ${rate(m(r.rtuFast.contrib))} | ${ratio(df)} |`);
  push();
  push('The device is our server engine in its own process, the same for both packages; contrib\'s client keeps no silence of its own. With the spec\'s silences, 3.5 ms of each read are waiting that both packages share, so the first row compares little but that. A pty has no line to keep quiet (it moves bytes at memory speed whatever baud rate it is set to), so the second row takes the silences out and compares the software: Node-RED, the client and the framing, both ends.');
  push();

  push('### Targets');
  push();
  push('| target | result |');
  push('|---|---|');
  push(`| (a) >= 20x contrib, one in flight | ${verdict(s1 >= 20)}: ${ratio(s1)} |`);
  push(`| (a) >= 20x contrib, burst | ${verdict(sb >= 20)}: ${ratio(sb)} |`);
  push(`| (b) <= 1/3 of contrib's CPU per 1,000 polls | ${verdict(cpuU * 3 <= cpuC)}: ${(cpuU / cpuC).toFixed(2)} of it |`);
  push(`| (b) peak RSS no more than contrib's | ${verdict(rssU <= rssC)}: ${fmtMB(rssU)} vs ${fmtMB(rssC)} |`);
  push(`| (c) memory map >= 1.1x contrib modbus-server | ${verdict(memVsContrib >= 1.1)}: ${ratio(memVsContrib)}; a bare net.Server in the same runtime reaches ${ratio(floorVsContrib)} |`);
  push(`| (c) flow-answered route >= 0.4x contrib modbus-server | ${verdict(routeVsContrib >= 0.4)}: ${ratio(routeVsContrib)} |`);
  push(`| (d) >= 5x contrib over the pty, t3.5 = 0 | ${verdict(df >= 5)}: ${ratio(df)} |`);
  push(`| (d) the same with the spec's 1.75 ms silences | ${verdict(d >= 5)}: ${ratio(d)} (the 3.5 ms of silences per read bound both) |`);
  push();
  push(rtuEstimate(m(r.rtu.umodbus)));
  return lines.join('\n');
}

/** Bits per character on an RTU line: start, 8 data, parity or a second stop, stop. */
const BITS = 11;
const REQUEST_BYTES = 8; // unit, fc, address, quantity, CRC
const RESPONSE_BYTES = 5 + 20; // unit, fc, byte count, 10 registers, CRC

function rtuEstimate(ptyRate: number): string {
  const rows = [9600, 19200, 115200].map((baud) => {
    const charMs = (BITS * 1000) / baud;
    const wire = (REQUEST_BYTES + RESPONSE_BYTES) * charMs;
    // The spec fixes t3.5 at 1.75 ms above 19200 baud; one silence follows each frame.
    const gap = baud > 19200 ? 1.75 : 3.5 * charMs;
    const bound = wire + 2 * gap;
    return `| ${baud} | ${wire.toFixed(2)} | ${(2 * gap).toFixed(2)} | ${bound.toFixed(2)} | ${(1000 / bound).toFixed(1)} | ${(1000 / (bound + 5)).toFixed(1)} |`;
  });
  const period = 1000 / ptyRate;
  return [
    '### RTU: the physical limit on paper',
    '',
    `An FC3 read of 10 registers is ${REQUEST_BYTES} request bytes and ${RESPONSE_BYTES} response bytes, ${BITS} bits a character, each frame followed by the 3.5-character silence (fixed at 1.75 ms above 19200 baud), plus the device's turnaround, which the wire cannot show: 0 ms gives the bound, 5 ms is a typical PLC.`,
    '',
    '| baud | wire time (ms) | silences (ms) | bound per read (ms) | reads/s, 0 ms turnaround | reads/s, 5 ms turnaround |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `A pty cannot show how close we get to those bounds: it moves bytes at memory speed whatever baud rate is set on it (socat's \`ispeed\`/\`ospeed\` only store the termios fields; the kernel does not pace a pty), so there is no line to be paced by. What the pty run does show is our own cost: at 115200 baud our client keeps the 1.75 ms silence after each response and the server keeps it before answering, so ${(2 * 1.75).toFixed(2)} ms of every ${period.toFixed(2)} ms period (${Math.round(ptyRate)} reads/s) are the spec's silences and ${Math.max(0, period - 3.5).toFixed(2)} ms are software, both ends and Node-RED included. On a real line at 115200 baud that software time overlaps nothing, so it adds to the ${((REQUEST_BYTES + RESPONSE_BYTES) * BITS * 1000 / 115200 + 3.5).toFixed(2)} ms bound; at 9600 and 19200 it is a few percent of the wire time.`,
  ].join('\n');
}
