/**
 * Child process: one server implementation listening on 127.0.0.1. Spawned by bench/server.ts
 * (pinned with taskset, run with --expose-gc). Argument: one JSON spec. Prints `READY <port>`.
 * Commands on stdin, one a line: `heap` (gc, then prints `HEAP <heapUsed> <rss>`), `stop`.
 * Exits by itself when stdin closes or after maxSeconds.
 */
import * as readline from 'node:readline';
import { startServer, type ServerImpl } from './impls';

export interface ServerSpec { impl: ServerImpl; host: string; port: number; maxSeconds: number }

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const life = setTimeout(() => { process.stderr.write('server worker: time limit\n'); process.exit(3); }, spec.maxSeconds * 1000);
  life.unref();
  const server = await startServer(spec.impl, spec.host, spec.port);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'heap') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) { gc(); gc(); }
      const m = process.memoryUsage();
      process.stdout.write(`HEAP ${m.heapUsed} ${m.rss}\n`);
    } else if (cmd === 'stop') {
      void stop();
    }
  });
  rl.once('close', () => void stop());
  process.stdout.write(`READY ${server.port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`server worker: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
