/**
 * Starts Node-RED exactly as `npm start` does (scripts/start.js), in a throw-away user directory
 * on free ports, and stops it by its own PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeRedVersion } from '../nodes/node-red-runtime';

export const REPO = path.resolve(__dirname, '..', '..', '..');

import { freePort } from '../fixtures/free-port';
export { freePort };

export interface RunningNodeRed {
  url: string;
  uiPort: number;
  demoPort: number;
  userDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Start Node-RED through scripts/start.js and wait until its admin API answers. */
export async function startNodeRed(options: { userDir?: string; timeoutMs?: number } = {}): Promise<RunningNodeRed> {
  const userDir = options.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'umodbus-nr-'));
  const uiPort = await freePort();
  const demoPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO, 'scripts', 'start.js')], {
    cwd: REPO,
    env: { ...process.env, UMODBUS_USER_DIR: userDir, UMODBUS_UI_PORT: String(uiPort), UMODBUS_DEMO_PORT: String(demoPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${uiPort}/`;
  const { output, stop } = await superviseNodeRed(child, `${url}settings`, options.timeoutMs ?? 30000);
  // scripts/start.js picks the Node-RED from UMODBUS_NODE_RED as the tests do; a mismatch would
  // test one Node-RED in the browser and report another.
  const { version } = (await (await fetch(`${url}settings`)).json()) as { version?: string };
  if (!version?.startsWith(nodeRedVersion)) {
    await stop();
    throw new Error(`started Node-RED ${version}, the tests run against ${nodeRedVersion}`);
  }
  return { url, uiPort, demoPort, userDir, output, stop };
}

/**
 * Watch a Node-RED child process: keep its output, give a stop() that ends it by its own PID
 * (SIGTERM, then SIGKILL after 5 s), and resolve once `probeUrl` answers (or fail, stopping it).
 */
export async function superviseNodeRed(child: ChildProcess, probeUrl: string, timeoutMs: number): Promise<{ output: () => string; stop: () => Promise<void> }> {
  let log = '';
  child.stdout?.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${log}`);
    try {
      if ((await fetch(probeUrl)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Node-RED did not start within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { output: () => log, stop };
}
