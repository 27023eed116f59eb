/** Running the built `umodbus` command as a child process, for the CLI tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

export interface Run { code: number; stdout: string; stderr: string }

/** Run `umodbus ...args` to its end (10 s at most) and collect what it said. */
export function umodbus(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export { freePort } from '../fixtures/free-port';

/** A `umodbus serve` child still running, with what it has said so far. */
export interface Serving { child: ChildProcess; stdout: string; stderr: string; exit: Promise<number | null> }

/** Start `umodbus serve ...args`; `asNobody` runs it as uid/gid 65534 (the privileged-port test). */
export function serve(args: string[], asNobody = false): Serving {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
  });
  const run: Serving = { child, stdout: '', stderr: '', exit: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout?.on('data', (d: Buffer) => { run.stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { run.stderr += d.toString(); });
  return run;
}

/** The first stdout line (serve's "listening on ..."), waited for at most `ms`. */
export async function readyLine(run: Serving, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!run.stdout.includes('\n')) {
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no ready line; stderr: ${run.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return run.stdout.split('\n')[0];
}
