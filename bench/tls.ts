/**
 * TLS benchmark (issue 17): the round trip of Modbus/TCP Security beside plain Modbus TCP, our
 * client against our server in one process (so on one core: the TLS work of both ends shares it,
 * as on a small gateway), FC 3 x10 sequential and with 16 in flight. Runs are interleaved and
 * repeated; medians and the TLS/TCP ratio within each repetition are printed. Handshakes are not
 * timed: each client connects (and warms up) first.
 *
 * Environment: UMODBUS_BENCH_TLS_N (timed requests per run, default 20000), UMODBUS_BENCH_REPS (5).
 */
import { ModbusClient } from '../src/client';
import { ModbusServer } from '../src/server';
import { testPki } from '../test/fixtures/certs';
import { loadLine, machineLine } from './lib/machine';
import { SectionLog, type SectionResult } from './lib/section-log';
import { envInt, fmtRate, fmtRatio, median, table } from './lib/stats';

let log = new SectionLog();
const out = (s: string): void => { log.out(s); };
type Medium = 'tcp' | 'tls';
const MEDIA: Medium[] = ['tcp', 'tls'];
const IN_FLIGHT = [1, 16];

/** Requests per second for `n` FC 3 x10 reads with `inFlight` outstanding at once. */
async function timed(client: ModbusClient, n: number, inFlight: number): Promise<{ rate: number; p50: number }> {
  const lat: number[] = [];
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (sent < n) {
      sent++;
      const t = performance.now();
      await client.readHoldingRegisters(1, 0, 10);
      lat.push(performance.now() - t);
    }
  }));
  const s = (performance.now() - t0) / 1000;
  return { rate: n / s, p50: median(lat) };
}

export async function run(): Promise<SectionResult> {
  log = new SectionLog();
  const n = envInt('UMODBUS_BENCH_TLS_N', 20000);
  const reps = envInt('UMODBUS_BENCH_REPS', 5);
  out(`${machineLine()}\n${loadLine()}\n`);
  out(`our client and server in one process (one core), FC 3 x10; ${n} timed requests per run, ${reps} repetitions, interleaved\n`);
  const pki = testPki();
  const server = new ModbusServer({ memoryMap: { holdingRegisters: { size: 100 } } });
  const tcp = await server.listen({ type: 'tcp', host: '127.0.0.1', port: 0 });
  const tls = await server.listen({ type: 'tls', host: '127.0.0.1', port: 0, tls: { ca: pki.ca, cert: pki.server.cert, key: pki.server.key } });
  const clients: Record<Medium, ModbusClient> = {
    tcp: new ModbusClient({ transport: { type: 'tcp', host: '127.0.0.1', port: tcp.port ?? 0 }, maxInFlight: 16, timeout: 5000 }),
    tls: new ModbusClient({
      transport: { type: 'tls', host: '127.0.0.1', port: tls.port ?? 0, tls: { ca: pki.ca, cert: pki.operator.cert, key: pki.operator.key } },
      maxInFlight: 16, timeout: 5000,
    }),
  };
  const samples = new Map<string, { rate: number; p50: number }[]>();
  try {
    for (const m of MEDIA) await timed(clients[m], 1000, 1); // connect and warm up
    for (let rep = 0; rep < reps; rep++) {
      for (const f of IN_FLIGHT) {
        for (const m of rep % 2 === 0 ? MEDIA : [...MEDIA].reverse()) {
          const k = `${m}|${f}`;
          samples.set(k, [...(samples.get(k) ?? []), await timed(clients[m], n, f)]);
        }
      }
    }
  } finally {
    await Promise.all(MEDIA.map((m) => clients[m].close()));
    await server.close();
  }
  const rows: string[][] = [];
  for (const f of IN_FLIGHT) {
    const tcpS = samples.get(`tcp|${f}`) ?? [];
    const tlsS = samples.get(`tls|${f}`) ?? [];
    const ratios = tlsS.map((s, i) => s.rate / tcpS[i].rate);
    rows.push([
      f === 1 ? 'sequential' : `${f} in flight`,
      fmtRate(median(tcpS.map((s) => s.rate))), `${median(tcpS.map((s) => s.p50)).toFixed(3)}`,
      fmtRate(median(tlsS.map((s) => s.rate))), `${median(tlsS.map((s) => s.p50)).toFixed(3)}`,
      fmtRatio(median(ratios)),
    ]);
  }
  out(table(['FC 3 x10', 'TCP req/s', 'TCP p50 ms', 'TLS req/s', 'TLS p50 ms', 'TLS/TCP'], rows));
  return log.result();
}
