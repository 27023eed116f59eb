/** Real ports and ptys for the full-flow tests, each cleaned up by its own handle. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { delay } from './helpers';

/** A port free right now: bind 0, read it, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** True when `port` can be bound at once (nothing of ours still holds it). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

let pairs = 0;

/** A socat pty pair linked at /tmp/umodbus-nodes-<pid>-<n>-{a,b}; close() kills socat by its pid. */
export async function ptyPair(): Promise<PtyPair> {
  const base = `/tmp/umodbus-nodes-${process.pid}-${++pairs}`;
  const a = `${base}-a`;
  const b = `${base}-b`;
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(existsSync(a) && existsSync(b)); i++) await delay(10);
  if (!existsSync(a) || !existsSync(b)) {
    socat.kill();
    throw new Error('socat did not create the pty pair');
  }
  return {
    // The engine opens the real /dev/pts path; SerialPort.list() shows those.
    a: realpathSync(a),
    b: realpathSync(b),
    close: () => new Promise<void>((resolve) => {
      if (socat.exitCode !== null) { resolve(); return; }
      socat.once('exit', () => resolve());
      socat.kill();
    }),
  };
}

/** Counts of live handles by kind, e.g. { TCPServerWrap: 1, Timeout: 3 }. */
export function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
