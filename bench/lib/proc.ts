/**
 * Child processes for the benchmarks: optionally pinned with `taskset -c CPU`, always tracked so
 * that every child we started is killed (by its pid) when the bench ends, even on an error.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

const live = new Set<ChildProcess>();
let hooked = false;

function killAllStarted(): void {
  for (const c of live) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllStarted);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => { killAllStarted(); process.exit(130); });
  }
}

let tasksetOk: boolean | undefined;
/** True when `taskset` exists and the machine has at least two CPUs we may use. */
export function canPin(): boolean {
  if (tasksetOk === undefined) {
    try {
      execFileSync('taskset', ['-c', '1', 'true'], { stdio: 'ignore' });
      tasksetOk = true;
    } catch {
      tasksetOk = false;
    }
  }
  return tasksetOk;
}

/** Starts `cmd args`, under `taskset -c cpu` when cpu is given. */
export function start(cpu: number | undefined, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  hookExit();
  const full = cpu !== undefined && canPin() ? ['taskset', '-c', String(cpu), cmd, ...args] : [cmd, ...args];
  const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves with the first stdout line matching `re`; rejects on exit or after timeoutMs. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let errBuf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = re.exec(line);
        if (m) { done(); resolve(m); return; }
      }
    };
    const onErr = (d: Buffer): void => { errBuf = (errBuf + d.toString('utf8')).slice(-2000); };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`process exited (${code}) before printing ${re}: ${errBuf.trim()}`));
    };
    const timer = setTimeout(() => { done(); reject(new Error(`timeout waiting for ${re}: ${errBuf.trim()}`)); }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

export interface Finished { code: number | null; stdout: string; stderr: string }

/** Waits for the child to exit (killing it after timeoutMs) and returns its output. */
export function finish(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => {
      stderr += `\n[bench] killed after ${timeoutMs} ms`;
      if (child.pid !== undefined) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }
    }, timeoutMs);
    child.once('close', (code: number | null) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within graceMs. */
export async function stop(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try { process.kill(child.pid, 'SIGTERM'); } catch { return; }
  const t = setTimeout(() => { if (child.pid !== undefined) { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } } }, graceMs);
  await exited;
  clearTimeout(t);
}

/** The last line of `text` that parses as a JSON object. */
export function lastJson(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const l of lines) {
    const s = l.trim();
    if (!s.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(s);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch { /* not JSON */ }
  }
  return undefined;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a !== null && typeof a === 'object' ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * CPU time (ns) used so far by every thread of a live process, from /proc/PID/task/TID/schedstat
 * (nanosecond resolution); undefined where /proc is not available.
 */
export function procCpuNs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let sum = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        sum += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch { /* thread gone */ }
    }
    return sum;
  } catch {
    return undefined;
  }
}

let timeBin: string | null | undefined;
/** GNU time, to read a short-lived child's CPU time (10 ms resolution); null when absent. */
export function gnuTime(): string | null {
  if (timeBin === undefined) timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  return timeBin;
}
