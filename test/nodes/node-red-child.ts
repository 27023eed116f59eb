/** Node-RED in a child process, for what the test helper cannot show (adminAuth, the editor). */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { superviseNodeRed } from '../e2e/node-red-process';
import { nodeRedCli } from './node-red-runtime';
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
  const child: ChildProcess = spawn(process.execPath, [nodeRedCli, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  const { output, stop } = await superviseNodeRed(child, `${url}/auth/login`, 30000);
  return { url, stop, log: output };
}
