/**
 * Codec section of `npm run bench`: full FC 3 transactions per second and CRC-16 throughput, ours
 * side by side with jsmodbus's request/response classes and modbus-serial's CRC, in one process.
 *
 * A transaction is what both ends of a read do to the bytes: the client encodes the request ADU,
 * the server deframes it and decodes the request, reads the registers from its store and encodes
 * the response ADU, the client unwraps it and decodes the registers to numbers. No sockets: this
 * measures the codec alone. Besides jsmodbus, each case runs a plain FC 3 codec written by hand
 * (bench/lib/plain-codec.ts), the yardstick for what generality costs.
 *
 * Cases are measured in interleaved rounds (every case once per round) after a warm-up, and the
 * median round is reported, so a burst of load from another process skews one round, not a case.
 */
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import {
  crc16, decodeRequest, decodeResponse, encodeRequestAdu, encodeRequestAduInto, encodeResponseAdu, encodeResponseAduInto, mbap, rtu, type Framing, type ModbusResponse, type ReadRegistersRequest,
} from '../src/codec';
import ReadHoldingRegistersRequestBody from 'jsmodbus/dist/request/read-holding-registers';
import ReadHoldingRegistersResponseBody from 'jsmodbus/dist/response/read-holding-registers';
import ModbusTCPRequest from 'jsmodbus/dist/tcp-request';
import ModbusTCPResponse from 'jsmodbus/dist/tcp-response';
import ModbusRTURequest from 'jsmodbus/dist/rtu-request';
import ModbusRTUResponse from 'jsmodbus/dist/rtu-response';
import { UnitMemory } from '../src/server/memory';
import { executeOnMemory } from '../src/server/memory-handler';
import { plainConfirmation, plainIndication, plainRequest, plainResponse } from './lib/plain-codec';
import { SectionLog, type SectionResult } from './lib/section-log';

const loadCjs = createRequire(__filename);
const modbusSerialCrc16 = loadCjs('modbus-serial/utils/crc16.js') as (buffer: Buffer) => number;

const ROUNDS = 7;
const ROUND_MS = 300;
const WARMUP_MS = 250;
const START_ADDRESS = 100;
const BATCH = 100;

/** Defeats dead-code elimination: every case folds its results in here. */
let sink = 0;

/** `vs`: the indexes of the cases this one's ratios are taken against. */
interface Case { name: string; op: () => void; vs?: number[] }

function registerValues(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 257 + 11) & 0xffff);
}

/** Our server's memory map: holding registers 0 .. START_ADDRESS + n - 1. */
function ourStore(n: number): UnitMemory {
  return new UnitMemory({ holdingRegisters: { start: 0, values: registerValues(START_ADDRESS + n) } });
}

const noWrites = (): void => {};

/** What our server does with a decoded read: serve it from the memory map, as server.ts does. */
function serveFromMemory(mem: UnitMemory, req: ReadRegistersRequest): ModbusResponse {
  const out = executeOnMemory(mem, req, noWrites);
  if (typeof out === 'number') throw new Error(`the memory map answered exception ${out}`);
  return out;
}

function ours(framing: Framing, n: number): () => void {
  const req: ReadRegistersRequest = { fc: 3, address: START_ADDRESS, quantity: n };
  const store = ourStore(n);
  const server = framing.createDeframer('indication');
  let tid = 0;
  return () => {
    tid = (tid + 1) & 0xffff;
    // client
    const reqAdu = encodeRequestAdu(framing, 1, tid, req);
    // server
    server.push(reqAdu);
    const r = server.next();
    if (r.type !== 'frame') throw new Error('server did not deframe the request');
    const fr = r.frame;
    const got = decodeRequest(fr.data, fr.start, fr.end);
    if (got.fc !== 3 || 'unknown' in got) throw new Error('server decoded another request');
    const resAdu = encodeResponseAdu(framing, fr.unitId, fr.transactionId, serveFromMemory(store, got));
    // client
    const f = framing.unwrap(resAdu);
    const res = decodeResponse(f.data, f.start, f.end, req);
    if ('exception' in res) throw new Error('exception');
    sink += res.values[n - 1] + f.transactionId;
  };
}

/**
 * The same transaction through the encode-into API: each side owns one buffer and reuses it, as a
 * transport with its own write buffer would, so no ADU is allocated.
 */
function oursInto(framing: Framing, n: number): () => void {
  const req: ReadRegistersRequest = { fc: 3, address: START_ADDRESS, quantity: n };
  const store = ourStore(n);
  const server = framing.createDeframer('indication');
  const res = serveFromMemory(store, req);
  // Sized to the ADUs, so each buffer stands for the chunk the other side's socket would deliver.
  const clientOut = Buffer.allocUnsafe(encodeRequestAdu(framing, 1, 0, req).length);
  const serverOut = Buffer.allocUnsafe(encodeResponseAdu(framing, 1, 0, res).length);
  let tid = 0;
  return () => {
    tid = (tid + 1) & 0xffff;
    // client
    encodeRequestAduInto(framing, clientOut, 0, 1, tid, req);
    // server
    server.push(clientOut);
    const r = server.next();
    if (r.type !== 'frame') throw new Error('server did not deframe the request');
    const fr = r.frame;
    const got = decodeRequest(fr.data, fr.start, fr.end);
    if (got.fc !== 3 || 'unknown' in got) throw new Error('server decoded another request');
    encodeResponseAduInto(framing, serverOut, 0, fr.unitId, fr.transactionId, serveFromMemory(store, got));
    // client
    const f = framing.unwrap(serverOut);
    const decoded = decodeResponse(f.data, f.start, f.end, req);
    if ('exception' in decoded) throw new Error('exception');
    sink += decoded.values[n - 1] + f.transactionId;
  };
}

function plain(rtuFraming: boolean, n: number): () => void {
  const store = new Uint16Array(registerValues(START_ADDRESS + n));
  let tid = 0;
  return () => {
    tid = (tid + 1) & 0xffff;
    const reqAdu = plainRequest(rtuFraming, 1, tid, START_ADDRESS, n);
    const ind = plainIndication(rtuFraming, reqAdu);
    const resAdu = plainResponse(rtuFraming, ind, store);
    const res = plainConfirmation(rtuFraming, resAdu, n);
    sink += res.values[n - 1] + res.transactionId;
  };
}

function jsmodbusTcp(n: number): () => void {
  const store = Buffer.from(new Uint16Array(registerValues(START_ADDRESS + n)).buffer).swap16();
  let tid = 0;
  return () => {
    tid = (tid + 1) & 0xffff;
    const body = new ReadHoldingRegistersRequestBody(START_ADDRESS, n);
    const reqAdu = new ModbusTCPRequest(tid, 0, body.byteCount + 1, 1, body).createPayload();
    const sreq = ModbusTCPRequest.fromBuffer(reqAdu);
    if (!sreq || !(sreq.body instanceof ReadHoldingRegistersRequestBody)) throw new Error('jsmodbus did not parse the request');
    const resBody = ReadHoldingRegistersResponseBody.fromRequest(sreq.body, store);
    const resAdu = ModbusTCPResponse.fromRequest(sreq, resBody).createPayload();
    const cres = ModbusTCPResponse.fromBuffer(resAdu);
    if (!cres || !(cres.body instanceof ReadHoldingRegistersResponseBody)) throw new Error('jsmodbus did not parse the response');
    const v = cres.body.valuesAsArray;
    sink += v[v.length - 1] + cres.id;
  };
}

function jsmodbusRtu(n: number): () => void {
  const store = Buffer.from(new Uint16Array(registerValues(START_ADDRESS + n)).buffer).swap16();
  return () => {
    const body = new ReadHoldingRegistersRequestBody(START_ADDRESS, n);
    const reqAdu = new ModbusRTURequest(1, body).createPayload();
    const sreq = ModbusRTURequest.fromBuffer(reqAdu);
    if (!sreq || sreq.corrupted || !(sreq.body instanceof ReadHoldingRegistersRequestBody)) throw new Error('jsmodbus did not parse the request');
    const resBody = ReadHoldingRegistersResponseBody.fromRequest(sreq.body, store);
    const resAdu = ModbusRTUResponse.fromRequest(sreq, resBody).createPayload();
    const cres = ModbusRTUResponse.fromBuffer(resAdu);
    if (!cres || !(cres.body instanceof ReadHoldingRegistersResponseBody)) throw new Error('jsmodbus did not parse the response');
    const v = cres.body.valuesAsArray;
    sink += v[v.length - 1];
  };
}

function crcData(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff));
}

// Two copies of the same loop, so each call site sees one function and neither pays for the other.
function crcOurs(size: number): () => void {
  const data = crcData(size);
  return () => {
    let s = 0;
    for (let i = 0; i < BATCH; i++) s += crc16(data);
    sink += s;
  };
}

function crcModbusSerial(size: number): () => void {
  const data = crcData(size);
  return () => {
    let s = 0;
    for (let i = 0; i < BATCH; i++) s += modbusSerialCrc16(data);
    sink += s;
  };
}

/** Each case runs BATCH operations per call, so the harness's own call costs little. */
function batched(op: () => void): () => void {
  return () => {
    for (let i = 0; i < BATCH; i++) op();
  };
}

interface Sample { wall: number; cpu: number }

/**
 * Operations per second of `op` over about `ms` milliseconds: per wall-clock second, and per
 * second of CPU this process got (user + system), which is less skewed when other processes
 * share the cores.
 */
function measure(op: () => void, ms: number): Sample {
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let ops = 0;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 20; i++) op();
    ops += 20 * BATCH;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: ops / (Number(now - start) / 1e9), cpu: ops / ((cpu.user + cpu.system) / 1e6) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >>> 1];
}

function fmt(opsPerSecond: number): string {
  return Math.round(opsPerSecond).toLocaleString('en-US').padStart(12);
}

/** Check once, before timing, that ours and theirs compute the same bytes. */
function crossCheck(): void {
  for (const size of [6, 23, 253]) {
    const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff));
    if (crc16(data) !== modbusSerialCrc16(data)) throw new Error(`CRC-16 differs from modbus-serial's at ${size} bytes`);
  }
  const body = new ReadHoldingRegistersRequestBody(START_ADDRESS, 10);
  const theirs = new ModbusTCPRequest(7, 0, body.byteCount + 1, 1, body).createPayload();
  const mine = encodeRequestAdu(mbap, 1, 7, { fc: 3, address: START_ADDRESS, quantity: 10 });
  if (!theirs.equals(mine)) throw new Error(`FC 3 MBAP request differs from jsmodbus's: ${mine.toString('hex')} vs ${theirs.toString('hex')}`);
  const store = new Uint16Array(registerValues(START_ADDRESS + 125));
  for (const framing of [mbap, rtu]) {
    const isRtu = framing === rtu;
    const req = plainRequest(isRtu, 1, 7, START_ADDRESS, 125);
    if (!req.equals(encodeRequestAdu(framing, 1, 7, { fc: 3, address: START_ADDRESS, quantity: 125 }))) throw new Error(`the plain ${framing.name} request differs from ours`);
    const res = plainResponse(isRtu, plainIndication(isRtu, req), store);
    const values = Array.from(store.subarray(START_ADDRESS));
    if (!res.equals(encodeResponseAdu(framing, 1, 7, { fc: 3, values }))) throw new Error(`the plain ${framing.name} response differs from ours`);
  }
}

/** Run the codec section: prints ops/s (median of interleaved rounds) and the ratios. */
export async function run(): Promise<SectionResult> {
  crossCheck();
  const log = new SectionLog();
  const out = (s: string): void => log.out(s);
  const cases: Case[] = [];
  /** The peers first, then ours, each of ours with a ratio against every peer. */
  const group = (peers: Case[], mine: Case[]): void => {
    const at = peers.map((p) => cases.push(p) - 1);
    for (const m of mine) cases.push({ ...m, vs: at });
  };
  for (const n of [10, 125]) {
    group([{ name: `FC3 tx MBAP ${n} regs: jsmodbus`, op: batched(jsmodbusTcp(n)) }, { name: `FC3 tx MBAP ${n} regs: plain`, op: batched(plain(false, n)) }],
      [{ name: `FC3 tx MBAP ${n} regs: ours`, op: batched(ours(mbap, n)) }, { name: `FC3 tx MBAP ${n} regs: ours, into`, op: batched(oursInto(mbap, n)) }]);
    group([{ name: `FC3 tx RTU ${n} regs: jsmodbus`, op: batched(jsmodbusRtu(n)) }, { name: `FC3 tx RTU ${n} regs: plain`, op: batched(plain(true, n)) }],
      [{ name: `FC3 tx RTU ${n} regs: ours`, op: batched(ours(rtu, n)) }, { name: `FC3 tx RTU ${n} regs: ours, into`, op: batched(oursInto(rtu, n)) }]);
  }
  for (const size of [6, 23, 253]) {
    group([{ name: `CRC-16 ${size} bytes: modbus-serial`, op: crcModbusSerial(size) }], [{ name: `CRC-16 ${size} bytes: ours`, op: crcOurs(size) }]);
  }
  const t0 = Date.now();
  for (const c of cases) measure(c.op, WARMUP_MS);
  const results = cases.map(() => [] as Sample[]);
  for (let r = 0; r < ROUNDS; r++) {
    cases.forEach((c, i) => results[i].push(measure(c.op, ROUND_MS)));
    // Let timers and other tasks run between rounds.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const wall = results.map((xs) => median(xs.map((x) => x.wall)));
  const cpu = results.map((xs) => median(xs.map((x) => x.cpu)));
  out(`median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up; node ${process.version}; load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores\n`);
  out(`${'case'.padEnd(40)}${'ops/s'.padStart(12)}${'min'.padStart(12)}${'max'.padStart(12)}${'ops/CPU-s'.padStart(14)}   ratios (wall / CPU) against each peer\n`);
  cases.forEach((c, k) => {
    const xs = results[k].map((x) => x.wall);
    const ratios = (c.vs ?? []).map((v) => `${(wall[k] / wall[v]).toFixed(2)}x / ${(cpu[k] / cpu[v]).toFixed(2)}x ${cases[v].name.slice(cases[v].name.lastIndexOf(':') + 2)}`);
    out(`${c.name.padEnd(40)}${fmt(wall[k])}${fmt(Math.min(...xs))}${fmt(Math.max(...xs))}${fmt(cpu[k]).padStart(14)}   ${ratios.join(', ')}\n`);
  });
  out('(ratios: each of ours against the peer rows above it; "into": encode-into API with caller-owned buffers; "plain": a hand-written FC 3 codec)\n');
  out(`(${((Date.now() - t0) / 1000).toFixed(1)} s; checksum ${sink % 1000})\n`);

  const at = (name: string): number => {
    const k = cases.findIndex((c) => c.name === name);
    if (k < 0) throw new Error(`no codec case ${name}`);
    return k;
  };
  /** Median over rounds of the ratio taken within each round, with its range. */
  const roundRatio = (a: string, b: string): { med: number; lo: number; hi: number } => {
    const ra = results[at(a)];
    const rb = results[at(b)];
    const rs = ra.map((x, r) => x.wall / rb[r].wall);
    return { med: median(rs), lo: Math.min(...rs), hi: Math.max(...rs) };
  };
  const lines: string[] = [];
  const ratioTarget = (label: string, a: string, b: string, min: number): void => {
    const r = roundRatio(a, b);
    const unit = a.startsWith('CRC') ? 'CRCs/s' : 'tx/s';
    const t = log.target(`${label} >= ${min.toFixed(min % 1 === 0 ? 1 : 2)}x`, r.med, min,
      `${r.med.toFixed(2)}x (rounds ${r.lo.toFixed(2)}x-${r.hi.toFixed(2)}x; ${fmt(wall[at(a)]).trim()} vs ${fmt(wall[at(b)]).trim()} ${unit})`);
    lines.push(`   ${t.met ? 'MET   ' : 'MISSED'} ${t.label}: ${t.detail}`);
  };
  // Issue 14: the codec, serving from the memory map as the server does, against a hand-written FC 3 codec.
  ratioTarget('FC3 MBAP 125 regs, ours/plain', 'FC3 tx MBAP 125 regs: ours', 'FC3 tx MBAP 125 regs: plain', 1.0);
  ratioTarget('FC3 RTU 125 regs, ours/plain', 'FC3 tx RTU 125 regs: ours', 'FC3 tx RTU 125 regs: plain', 1.0);
  // Issue 2: against jsmodbus's classes, and CRC-16 against modbus-serial's.
  for (const n of [10, 125]) {
    for (const f of ['MBAP', 'RTU']) ratioTarget(`FC3 ${f} ${n} regs, ours/jsmodbus`, `FC3 tx ${f} ${n} regs: ours`, `FC3 tx ${f} ${n} regs: jsmodbus`, 5);
  }
  for (const size of [6, 23, 253]) ratioTarget(`CRC-16 ${size} bytes, ours/modbus-serial`, `CRC-16 ${size} bytes: ours`, `CRC-16 ${size} bytes: modbus-serial`, 3.5);
  const mbap10 = wall[at('FC3 tx MBAP 10 regs: ours')];
  const t = log.target('FC3 MBAP 10 regs >= 3,000,000 tx/s', mbap10, 3_000_000, `${fmt(mbap10).trim()} tx/s`);
  lines.push(`   ${t.met ? 'MET   ' : 'MISSED'} ${t.label}: ${t.detail}`);
  out(`   targets (ratios: median over rounds of the ratio within each round, by wall clock; "ours" is the allocating API):\n${lines.join('\n')}\n`);
  return log.result();
}
