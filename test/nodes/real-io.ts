/** Real ports and ptys for the full-flow tests, each cleaned up by its own handle. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delay } from './helpers';
export { canBind, freePort } from '../fixtures/free-port';


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
