/**
 * `npm run harden` (issue 13, "the server under abuse"): our server in a child process with the
 * engine's defaults, on 127.0.0.1 only, driven by
 * - a seeded fuzz of at least 1,000,000 MBAP frames (well-framed headers, random PDUs), every
 *   answer checked: its transaction id, unit id and function code, and the exception code;
 * - the abusive clients of the issue: one that never reads its answers (25 MB of FC3 requests),
 *   idle sockets filling a 32-connection listener, a slowloris, a flood of requests to a route that
 *   never answers, one connection streaming well-framed requests, bad headers after valid requests;
 * - a load of 100 connections x 10,000 requests (16 in flight on each).
 * A clean client in a process of its own polls all along; the worst wait it saw is printed per phase, with the server's
 * RSS. Every loop is bounded in count and time and stops by itself. Not part of `npm test`.
 *
 * Environment: UMODBUS_HARDEN_SEED (13), UMODBUS_HARDEN_FUZZ (1000000 frames),
 * UMODBUS_HARDEN_STREAM_MB (20), UMODBUS_HARDEN_LOAD_CONNS (100), UMODBUS_HARDEN_LOAD_N (10000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { DEFAULT_MAX_PENDING_ROUTES_PER_CONNECTION, ModbusServer, type ModbusServerCounters } from '../src/server';
import { loadLine, machineLine } from './lib/machine';
import { envInt } from './lib/stats';
import { mulberry32 } from '../test/fixtures/prng';

const HOST = '127.0.0.1';
/** The unit whose route never answers. */
const NEVER = 200;
const EXCEPTION_CODES = new Set([1, 2, 3, 4, 5, 6, 8, 10, 11]);
const KNOWN_FCS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43];

const out = (s: string): void => { process.stdout.write(`${s}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

// ---- The server under test (child process) ---------------------------------------------------

interface Stats { rss: number; heap: number; counters: ModbusServerCounters; routeCalls: number }

async function serve(): Promise<void> {
  const server = new ModbusServer({ routeTimeout: 60_000 });
  let routeCalls = 0;
  server.addRoute({ unitIds: [NEVER] }, () => {
    routeCalls++;
    return new Promise(() => undefined);
  });
  const a = await server.listen({ type: 'tcp', host: HOST, port: 0 });
  // The node's default connection limit, with the engine's default policy.
  const b = await server.listen({ type: 'tcp', host: HOST, port: 0, maxConnections: 32 });
  const send = (m: unknown): void => { process.send?.(m); };
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: { cmd: string; gc?: boolean }) => {
    if (m.cmd === 'stats') {
      if (m.gc) gc?.();
      const mem = process.memoryUsage();
      send({ rss: mem.rss, heap: mem.heapUsed, counters: server.counters(), routeCalls });
    }
    else void server.close().then(() => process.exit(0));
  });
  send({ port: a.port, lockPort: b.port });
}

// ---- Clients ---------------------------------------------------------------------------------

/** A raw MBAP peer: sends what it is given, hands back each ADU cut by the length field. */
class Peer {
  closed = false;
  onFrame: (adu: Buffer) => void = () => undefined;
  onClose: () => void = () => undefined;
  private rest: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      let b = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
      while (b.length >= 7) {
        const total = 6 + b.readUInt16BE(4);
        if (b.length < total) break;
        this.onFrame(b.subarray(0, total));
        b = b.subarray(total);
      }
      this.rest = b;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.onClose();
    });
  }

  static open(port: number): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: HOST, port }, () => {
        s.off('error', reject);
        resolve(new Peer(s));
      });
      s.once('error', reject);
    });
  }

  /** Write, waiting for 'drain' when the socket asks to. */
  async write(b: Buffer): Promise<void> {
    if (this.closed) return;
    if (!this.socket.write(b)) {
      await new Promise<void>((r) => {
        const done = (): void => { this.socket.off('drain', done); this.socket.off('close', done); r(); };
        this.socket.once('drain', done);
        this.socket.once('close', done);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function adu(tid: number, unit: number, pdu: number[] | Buffer): Buffer {
  const b = Buffer.alloc(7 + pdu.length);
  b.writeUInt16BE(tid & 0xffff, 0);
  b.writeUInt16BE(pdu.length + 1, 4);
  b[6] = unit;
  Buffer.from(pdu).copy(b, 7);
  return b;
}

const fc3 = (tid: number, unit: number, address: number, quantity: number): Buffer =>
  adu(tid, unit, [3, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff]);

function pipelined(n: number, unit: number, quantity: number): Buffer {
  const b = Buffer.alloc(12 * n);
  for (let i = 0; i < n; i++) fc3(i, unit, 0, quantity).copy(b, 12 * i);
  return b;
}

/** The clean client: one FC3 every 20 ms on its own connection; the worst wait per phase. */
class CleanClient {
  worst = 0;
  timeouts = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly port: number) {}

  start(): void {
    this.loop = (async (): Promise<void> => {
      let peer = await Peer.open(this.port);
      let tid = 0;
      while (!this.stopped) {
        if (peer.closed) peer = await Peer.open(this.port);
        const t = ++tid & 0xffff;
        const t0 = performance.now();
        const ok = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 5000);
          peer.onFrame = (f) => {
            if (f.readUInt16BE(0) !== t) return;
            clearTimeout(timer);
            resolve(f[7] === 3);
          };
          peer.socket.write(fc3(t, 1, 0, 10));
        });
        this.worst = Math.max(this.worst, performance.now() - t0);
        if (!ok) this.timeouts++;
        await sleep(20);
      }
      peer.close();
    })();
  }

  /** The worst wait since the last call, ms. */
  take(): number {
    const w = this.worst;
    this.worst = 0;
    return w;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/** The clean client in a process of its own, so the load the driver itself carries is not in its figures. */
async function cleanProcess(port: number): Promise<void> {
  const clean = new CleanClient(port);
  clean.start();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'take') process.send?.({ worst: clean.take(), timeouts: clean.timeouts });
    else void clean.stop().then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

/** The parent's handle on the clean client's process. */
class RemoteClean {
  timeouts = 0;
  private readonly child: ChildProcess;
  private readonly replies: ((m: { worst: number; timeouts: number }) => void)[] = [];
  readonly ready: Promise<void>;

  constructor(port: number) {
    this.child = fork(__filename, ['--clean', String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let ready: () => void = () => undefined;
    this.ready = new Promise((r) => { ready = r; });
    this.child.on('message', (m: { ready?: boolean; worst: number; timeouts: number }) => {
      if (m.ready) ready();
      else this.replies.shift()?.(m);
    });
  }

  /** The worst wait since the last call, ms. */
  take(): Promise<number> {
    return new Promise((resolve) => {
      this.replies.push((m) => {
        this.timeouts = m.timeouts;
        resolve(m.worst);
      });
      this.child.send({ cmd: 'take' });
    });
  }

  async stop(): Promise<void> {
    await this.take();
    this.child.send({ cmd: 'stop' });
    await new Promise<void>((r) => {
      const timer = setTimeout(() => { this.child.kill(); r(); }, 5000);
      this.child.once('exit', () => { clearTimeout(timer); r(); });
    });
  }
}

/** One random request: a valid MBAP header around a random PDU (mostly known function codes, small fields). */
function fuzzFrame(r: () => number, tid: number): { frame: Buffer; unit: number; fc: number } {
  const unit = Math.floor(r() * NEVER); // 0..199: the never-answering route is the flood's
  const fc = r() < 0.8 ? KNOWN_FCS[Math.floor(r() * KNOWN_FCS.length)] : Math.floor(r() * 256);
  const len = r() < 0.75 ? Math.floor(r() * 12) : Math.floor(r() * 253);
  const pdu = Buffer.alloc(1 + len);
  pdu[0] = fc;
  for (let i = 1; i <= len; i++) pdu[i] = r() < 0.6 ? (r() < 0.5 ? 0 : Math.floor(r() * 8)) : Math.floor(r() * 256);
  // FC 8/04 (force listen only mode) would silence the server for every later frame.
  if (fc === 8 && len >= 2 && pdu[1] === 0 && pdu[2] === 4) pdu[2] = 0;
  return { frame: adu(tid, unit, pdu), unit, fc };
}

interface Tally { sent: number; answers: number; violations: number; silent: number; notes: string[] }

function violation(t: Tally, what: string): void {
  t.violations++;
  if (t.notes.length < 5) t.notes.push(what);
}

/** One fuzzing connection: batches of 2,000 frames and a sentinel FC3 whose answer ends the batch. */
async function fuzzWorker(port: number, r: () => number, budget: { left: number }, t: Tally): Promise<void> {
  let peer = await Peer.open(port);
  let tid = 0;
  while (budget.left > 0) {
    const n = Math.min(2000, budget.left);
    budget.left -= n;
    const expected = new Map<number, { unit: number; fc: number }>();
    const parts: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      tid = (tid + 1) & 0xffff;
      const f = fuzzFrame(r, tid);
      expected.set(tid, f);
      parts.push(f.frame);
    }
    tid = (tid + 1) & 0xffff;
    const sentinel = tid;
    parts.push(fc3(sentinel, 1, 0, 1));
    t.sent += n;
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      peer.onFrame = (f) => {
        const id = f.readUInt16BE(0);
        if (id === sentinel) {
          clearTimeout(timer);
          resolve(true);
          return;
        }
        const e = expected.get(id);
        if (!e) return violation(t, `answer with unexpected transaction id ${id}`);
        expected.delete(id);
        t.answers++;
        if (f[6] !== e.unit) violation(t, `unit ${f[6]} answers unit ${e.unit}`);
        if (f.length < 8) return violation(t, 'answer without a function code');
        if (f[7] === e.fc) return;
        if (f[7] !== ((e.fc | 0x80) & 0xff) || f.length !== 9 || !EXCEPTION_CODES.has(f[8])) {
          violation(t, `FC ${e.fc} answered ${[...f.subarray(7, 10)].join(',')}`);
        }
      };
      peer.onClose = () => resolve(false);
    });
    await peer.write(Buffer.concat(parts));
    if (!(await done)) {
      violation(t, peer.closed ? 'connection closed during a batch' : 'batch not finished in 15 s');
      peer.close();
      peer = await Peer.open(port);
    }
    t.silent += expected.size;
  }
  peer.close();
}

// ---- The run ---------------------------------------------------------------------------------

interface Row { phase: string; sent: string; answers: string; violations: number; rss: string; clean: string; note: string }

async function main(): Promise<void> {
  const seed = envInt('UMODBUS_HARDEN_SEED', 13);
  const fuzzN = envInt('UMODBUS_HARDEN_FUZZ', 1_000_000);
  const streamMb = envInt('UMODBUS_HARDEN_STREAM_MB', 20);
  const loadConns = envInt('UMODBUS_HARDEN_LOAD_CONNS', 100);
  const loadN = envInt('UMODBUS_HARDEN_LOAD_N', 10_000);
  out(`harden: ${new Date().toISOString()}  ${machineLine()}`);
  out(`${loadLine()}; seed ${seed}`);

  const child: ChildProcess = fork(__filename, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
  const replies: ((m: unknown) => void)[] = [];
  let ready: (m: { port: number; lockPort: number }) => void = () => undefined;
  const started = new Promise<{ port: number; lockPort: number }>((r) => { ready = r; });
  child.on('message', (m: { port?: number; lockPort?: number }) => {
    if (m.port !== undefined && m.lockPort !== undefined) ready({ port: m.port, lockPort: m.lockPort });
    else replies.shift()?.(m);
  });
  const stats = (gc = false): Promise<Stats> => new Promise((r) => {
    replies.push(r as (m: unknown) => void);
    child.send({ cmd: 'stats', gc });
  });
  const { port, lockPort } = await started;
  const rows: Row[] = [];
  const clean = new RemoteClean(port);
  await clean.ready;
  await sleep(200);
  const first = await stats();
  out(`server up: rss ${mib(first.rss)}`);

  /** Run a phase, sampling the server's RSS every 200 ms for its peak. */
  async function phase<T>(name: string, body: () => Promise<T>): Promise<{ value: T; before: number; peak: number; after: number; heap: number; ms: number; clean: number }> {
    const before = (await stats()).rss;
    await clean.take();
    let peak = before;
    let sampling = true;
    const sampler = (async (): Promise<void> => {
      while (sampling) {
        peak = Math.max(peak, (await stats()).rss);
        await sleep(200);
      }
    })();
    const t0 = performance.now();
    const value = await body();
    const ms = performance.now() - t0;
    sampling = false;
    await sampler;
    const worst = await clean.take();
    const after = (await stats()).rss;
    const heap = (await stats(true)).heap;
    const r = { value, before, peak: Math.max(peak, after), after, heap, ms, clean: worst };
    out(`${name}: ${(ms / 1000).toFixed(1)} s, rss ${mib(before)} -> ${mib(after)} (peak ${mib(r.peak)}), heap after gc ${mib(heap)}, clean client worst ${r.clean.toFixed(1)} ms`);
    return r;
  }
  const rssCell = (p: { before: number; peak: number; after: number; heap: number }): string =>
    `${mib(p.before)} -> ${mib(p.after)} (peak ${mib(p.peak)}; heap ${mib(p.heap)})`;

  // 1. Fuzz.
  {
    const t: Tally = { sent: 0, answers: 0, violations: 0, silent: 0, notes: [] };
    // Each connection has its own generator and share, so a seed always makes the same frames.
    const p = await phase('fuzz', () => Promise.all(Array.from({ length: 4 }, (_, i) =>
      fuzzWorker(port, mulberry32(seed * 4 + i), { left: Math.ceil(fuzzN / 4) }, t))));
    const after = await stats();
    rows.push({ phase: 'seeded fuzz, 4 connections', sent: String(t.sent), answers: String(t.answers), violations: t.violations, rss: rssCell(p), clean: p.clean.toFixed(1), note: `${t.silent} silent (no exception code applies); malformed ${after.counters.malformed}; ${(t.sent / p.ms * 1000).toFixed(0)} frames/s${t.notes.length ? `; ${t.notes.join('; ')}` : ''}` });
  }

  // 2. Backpressure: 25 MB of FC3 x125 requests from a socket that never reads.
  {
    const c0 = (await stats()).counters;
    const before = c0.stuckConnections;
    const deaf = await Peer.open(port);
    deaf.socket.pause();
    const n = Math.floor(25 * 1048576 / 12);
    const p = await phase('backpressure', async () => {
      deaf.socket.write(pipelined(n, 1, 125));
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) {
        if (((await stats()).counters.stuckConnections ?? 0) > before) return performance.now() - t0;
        await sleep(200);
      }
      return undefined;
    });
    deaf.close();
    const s = await stats();
    rows.push({ phase: 'never reads (25 MB of FC3 x125)', sent: String(n), answers: `${s.counters.responses - c0.responses} (with the clean client's)`, violations: p.value === undefined ? 1 : 0, rss: rssCell(p), clean: p.clean.toFixed(1), note: p.value === undefined ? 'NOT dropped in 20 s' : `dropped as stuck after ${(p.value / 1000).toFixed(1)} s` });
  }

  // 3. Lock-out: 32 idle sockets on a 32-connection listener, then a newcomer; and a slowloris.
  {
    const idle: Peer[] = [];
    let served = false;
    const p = await phase('lock-out', async () => {
      for (let i = 0; i < 32; i++) idle.push(await Peer.open(lockPort));
      await sleep(100);
      const late = await Peer.open(lockPort);
      served = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 3000);
        late.onFrame = (f) => { clearTimeout(timer); resolve(f[7] === 3); };
        late.socket.write(fc3(1, 1, 0, 1));
      });
      late.close();
    });
    const closedIdle = idle.filter((x) => x.closed).length;
    idle.forEach((x) => x.close());
    rows.push({ phase: '32 idle sockets, maxConnections 32', sent: '1', answers: served ? '1' : '0', violations: served ? 0 : 1, rss: rssCell(p), clean: p.clean.toFixed(1), note: `newcomer ${served ? 'served' : 'LOCKED OUT'}; ${closedIdle} idle closed` });

    const slow = await Peer.open(port);
    const header = [0, 1, 0, 0, 0, 254, 1];
    const q = await phase('slowloris', async () => {
      const t0 = performance.now();
      for (let i = 0; i < 10 && !slow.closed; i++) {
        slow.socket.write(Buffer.from([header[i] ?? 0]));
        for (let w = 0; w < 20 && !slow.closed; w++) await sleep(100); // one byte every 2 s
      }
      return slow.closed ? performance.now() - t0 : undefined;
    });
    slow.close();
    rows.push({ phase: 'slowloris, one byte every 2 s', sent: '-', answers: '-', violations: q.value === undefined ? 1 : 0, rss: rssCell(q), clean: q.clean.toFixed(1), note: q.value === undefined ? 'NOT closed in 20 s' : `closed after ${(q.value / 1000).toFixed(1)} s` });
  }

  // 4. Route flood: 100,000 pipelined requests to a route that never answers.
  {
    const s0 = await stats();
    const flood = await Peer.open(port);
    let answers = 0;
    let busy = 0;
    flood.onFrame = (f) => {
      answers++;
      if (f[7] === 0x83 && f[8] === 6) busy++;
    };
    const n = 100_000;
    const p = await phase('route flood', async () => {
      await flood.write(pipelined(n, NEVER, 1));
      for (let i = 0; i < 150 && answers < n - 32; i++) await sleep(100);
    });
    const s1 = await stats();
    flood.close();
    rows.push({ phase: 'route flood (100,000 to a silent route)', sent: String(n), answers: String(answers), violations: answers - busy + Math.max(0, n - answers - DEFAULT_MAX_PENDING_ROUTES_PER_CONNECTION), rss: rssCell(p), clean: p.clean.toFixed(1), note: `${busy} answered 06; route calls pending ${s1.routeCalls - s0.routeCalls}; in ${(p.ms / 1000).toFixed(1)} s` });
  }

  // 5. Fairness: one connection streams well-framed requests (and reads its answers).
  {
    const stream = await Peer.open(port);
    let answers = 0;
    stream.onFrame = () => { answers++; };
    const perChunk = Math.floor(1048576 / 12);
    const chunk = pipelined(perChunk, 1, 1);
    const n = perChunk * streamMb;
    const p = await phase('fairness', async () => {
      for (let i = 0; i < streamMb && !stream.closed; i++) await stream.write(chunk);
      for (let i = 0; i < 600 && answers < n && !stream.closed; i++) await sleep(100);
    });
    stream.close();
    rows.push({ phase: `one connection streams ${streamMb} MB`, sent: String(n), answers: String(answers), violations: n - answers, rss: rssCell(p), clean: p.clean.toFixed(1), note: `${(n / p.ms * 1000).toFixed(0)} req/s on the stream` });
  }

  // 6. A valid request and a bad header in one segment, on 100 connections.
  {
    let answered = 0;
    let closed = 0;
    const p = await phase('answers before a close', async () => {
      const peers = await Promise.all(Array.from({ length: 100 }, () => Peer.open(port)));
      for (const [i, peer] of peers.entries()) {
        peer.onFrame = (f) => { if (f.readUInt16BE(0) === 5 && f[7] === 3) answered++; };
        const bad = i % 2 === 0 ? [0, 9, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1] : [0, 9, 0, 0, 0, 0, 1, 3];
        peer.socket.write(Buffer.concat([fc3(5, 1, 0, 1), Buffer.from(bad)]));
      }
      for (let i = 0; i < 50 && peers.some((x) => !x.closed); i++) await sleep(100);
      closed = peers.filter((x) => x.closed).length;
      peers.forEach((x) => x.close());
    });
    rows.push({ phase: 'valid + bad header, 100 connections', sent: '100', answers: String(answered), violations: (100 - answered) + (100 - closed), rss: rssCell(p), clean: p.clean.toFixed(1), note: `${closed} closed by the server` });
  }

  // 7. Load: loadConns connections x loadN requests, 16 in flight on each.
  {
    let answers = 0;
    const t: Tally = { sent: 0, answers: 0, violations: 0, silent: 0, notes: [] };
    const p = await phase('load', () => Promise.all(Array.from({ length: loadConns }, async () => {
      const peer = await Peer.open(port);
      let next = 0;
      let got = 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { violation(t, 'a load connection did not finish in 120 s'); resolve(); }, 120_000);
        const send = (): void => { peer.socket.write(fc3(next, 1, 0, 10)); next++; };
        peer.onFrame = (f) => {
          if (f.readUInt16BE(0) !== (got & 0xffff) || f[7] !== 3 || f[8] !== 20) violation(t, `load answer ${[...f.subarray(0, 9)].join(',')}`);
          got++;
          answers++;
          if (next < loadN) send();
          if (got === loadN) { clearTimeout(timer); resolve(); }
        };
        peer.onClose = () => { clearTimeout(timer); resolve(); };
        for (let i = 0; i < 16 && next < loadN; i++) send();
      });
      if (got < loadN) violation(t, `a load connection got ${got} of ${loadN}`);
      peer.close();
    })));
    rows.push({ phase: `load ${loadConns} x ${loadN}`, sent: String(loadConns * loadN), answers: String(answers), violations: t.violations, rss: rssCell(p), clean: p.clean.toFixed(1), note: `${(answers / p.ms * 1000).toFixed(0)} req/s${t.notes.length ? `; ${t.notes.join('; ')}` : ''}` });
  }

  await clean.stop();
  const last = await stats();
  child.send({ cmd: 'close' });
  await new Promise<void>((r) => {
    const timer = setTimeout(() => { child.kill(); r(); }, 5000);
    child.once('exit', () => { clearTimeout(timer); r(); });
  });

  out('');
  const head = ['phase', 'sent', 'answers', 'violations', 'server rss before -> after (peak; heap after gc)', 'clean worst ms', 'notes'];
  const cells = rows.map((r) => [r.phase, r.sent, r.answers, String(r.violations), r.rss, r.clean, r.note]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]): string => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join('  ');
  out(line(head));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) out(line(c));
  const total = rows.reduce((s, r) => s + r.violations, 0);
  out('');
  out(`server rss: ${mib(first.rss)} at start, ${mib(last.rss)} at the end; clean client timeouts ${clean.timeouts}; violations ${total}`);
  const c = last.counters;
  out(`server counters: requests ${c.requests}, responses ${c.responses}, exceptions ${c.exceptions}, malformed ${c.malformed}, busy ${c.busyReplies}, stuck ${c.stuckConnections}, frame timeouts ${c.frameTimeouts}, refused ${c.refusedConnections}`);
  out(loadLine());
  if (total > 0 || clean.timeouts > 0) process.exitCode = 1;
}

const cleanAt = process.argv.indexOf('--clean');
if (cleanAt > 0) {
  cleanProcess(Number(process.argv[cleanAt + 1])).catch((err: unknown) => {
    process.stderr.write(`harden clean client failed: ${String(err)}\n`);
    process.exit(1);
  });
} else if (process.argv.includes('--serve')) {
  serve().catch((err: unknown) => {
    process.stderr.write(`harden server failed: ${String(err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`harden failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
