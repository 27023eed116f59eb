/** Node-RED in a child process, for what the test helper cannot show (adminAuth, the editor). */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './real-io';

const root = join(__dirname, '..', '..', '..');

export interface RunningNodeRed { url: string; stop(): Promise<void>; log(): string }

/** Start Node-RED with this package from the working tree (nodesDir) and `flows`, in `userDir`; `extra` adds settings. */
export async function startNodeRed(userDir: string, extra: Record<string, unknown> = {}, flows: unknown[] = []): Promise<RunningNodeRed> {
  const port = await freePort();
  const settings = {
    uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', credentialSecret: false, nodesDir: [root],
    telemetry: { enabled: false, updateNotification: false }, diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false }, palette: { catalogues: [] } },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    ...extra,
  };
  writeFileSync(join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings)};\n`);
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows));
  const red = require.resolve('node-red/red.js', { paths: [root] });
  let log = '';
  const child: ChildProcess = spawn(process.execPath, [red, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${log}`);
    try {
      if ((await fetch(`${url}/auth/login`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > until) {
      await stop();
      throw new Error(`Node-RED did not start in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop, log: () => log };
}
