/**
 * A bench-only Node-RED node, `umodbus-bench-driver`, loaded into the benchmark's runtime (never
 * shipped). It stands where an inject node would: it sends the read msgs and counts what comes
 * back, in plain JS, so the harness adds one cheap hop instead of a function node's vm call
 * (which cost about as much as the read itself). Both packages are driven by it alike.
 *   POST /bench/drive/:id?n=N&burst=0|1 -> {n, got, errors, ms} once all N came back.
 *   GET  /bench/count/:id               -> {count, errors}: msgs that reached it (polling).
 * Errors reach it through a Catch node; they carry msg.error.
 *
 * A second bench-only type, `umodbus-bench-floor`, is no Modbus package at all: a bare net.Server
 * answering FC3 from a Buffer (bench/lib/impls.ts), run inside this same runtime. It is the floor
 * for any server in a Node-RED process, so scenario (c) can say what is left above it to gain.
 */
import { startServer, type BenchServer } from '../lib/impls';

interface Msg { payload?: unknown; error?: unknown; [key: string]: unknown }
interface BenchNode {
  id: string;
  on(event: 'input', cb: (msg: Msg, send: (m: Msg) => void, done: () => void) => void): void;
  on(event: 'close', cb: (removed: boolean, done: () => void) => void): void;
  send(msg: Msg): void;
  error(err: unknown): void;
}
interface Req { params: Record<string, string>; query: Record<string, string | undefined> }
interface Res { json(body: unknown): void; status(code: number): Res }
interface RED {
  nodes: { createNode(node: object, def: object): void; registerType(type: string, ctor: (this: BenchNode, def: { id: string; payload?: string; port?: number }) => void): void };
  httpAdmin: { get(path: string, h: (req: Req, res: Res) => void): void; post(path: string, h: (req: Req, res: Res) => void): void };
}

interface Run { n: number; burst: boolean; sent: number; got: number; errors: number; t0: bigint; finish: (r: object) => void }
interface Driver { start(n: number, burst: boolean): Promise<object>; counts(): object }

const drivers = new Map<string, Driver>();

export = function register(RED: RED): void {
  RED.nodes.registerType('umodbus-bench-driver', function (this: BenchNode, def) {
    RED.nodes.createNode(this, def);
    start(this, def);
  });
  function start(node: BenchNode, def: { id: string; payload?: string }): void {
    const payload: unknown = def.payload ? JSON.parse(def.payload) : 0;
    let run: Run | undefined;
    let count = 0;
    let errors = 0;
    const next = (): Msg => ({ payload: typeof payload === 'object' && payload !== null ? { ...payload } : payload });
    node.on('input', (msg, _send, done) => {
      if (msg.error) errors++;
      else count++;
      const r = run;
      if (r) {
        if (msg.error) r.errors++;
        else r.got++;
        if (r.got + r.errors >= r.n) {
          run = undefined;
          r.finish({ n: r.n, got: r.got, errors: r.errors, ms: Number(process.hrtime.bigint() - r.t0) / 1e6 });
        } else if (!r.burst && r.sent < r.n) {
          r.sent++;
          node.send(next());
        }
      }
      done();
    });
    drivers.set(node.id, {
      start: (n, burst) => new Promise((finish) => {
        run = { n, burst, sent: burst ? n : 1, got: 0, errors: 0, t0: process.hrtime.bigint(), finish };
        if (burst) for (let i = 0; i < n; i++) node.send(next());
        else node.send(next());
      }),
      counts: () => ({ count, errors }),
    });
    node.on('close', (_removed, done) => {
      drivers.delete(node.id);
      done();
    });
  }

  RED.nodes.registerType('umodbus-bench-floor', function (this: BenchNode, def) {
    RED.nodes.createNode(this, def);
    const listening: Promise<BenchServer | undefined> = startServer('node-net', '127.0.0.1', Number(def.port)).catch((err: unknown) => {
      this.error(err);
      return undefined;
    });
    this.on('close', (_removed, done) => {
      void listening.then((s) => s?.close()).finally(done);
    });
  });

  RED.httpAdmin.post('/bench/drive/:id', (req, res) => {
    const d = drivers.get(req.params.id);
    if (!d) {
      res.status(404).json({ error: 'no such driver' });
      return;
    }
    void d.start(Number(req.query.n ?? 1), req.query.burst === '1').then((r) => res.json(r));
  });
  RED.httpAdmin.get('/bench/count/:id', (req, res) => {
    const d = drivers.get(req.params.id);
    if (!d) res.status(404).json({ error: 'no such driver' });
    else res.json(d.counts());
  });
};
