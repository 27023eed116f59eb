/**
 * One Node-RED runtime for the whole benchmark, started the way `npm start` starts it (the dev
 * dependency, this package linked from the working tree; node-red-contrib-modbus is found in the
 * repo's node_modules), with an empty flow so that no demo runs beside the measurements.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNodeRed, type RunningNodeRed } from '../../test/e2e/node-red-process';
import { procCpuNs, sleep } from '../lib/proc';

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export class Runtime {
  private constructor(private readonly nr: RunningNodeRed, readonly pid: number) {}

  static async start(): Promise<Runtime> {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'umodbus-bench-nr-'));
    fs.writeFileSync(path.join(userDir, 'flows.json'), '[]');
    installDriver(userDir);
    const nr = await startNodeRed({ userDir, timeoutMs: 60000 });
    try {
      return new Runtime(nr, await nodeRedPid(nr));
    } catch (err) {
      await nr.stop();
      throw err;
    }
  }

  get url(): string {
    return this.nr.url;
  }

  /** Replace every flow (a full deploy), then give connections a moment to come up. */
  async deploy(nodes: FlowNode[], settleMs = 1000): Promise<void> {
    const flows = [{ id: 'bench-tab', type: 'tab', label: 'bench' }, ...nodes.map((n) => ({ z: 'bench-tab', x: 100, y: 100, wires: [], ...n }))];
    const res = await fetch(`${this.url}flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });
    if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
    await sleep(settleMs);
  }

  async post<T>(route: string, timeoutMs: number): Promise<T> {
    const res = await fetch(`${this.url}${route}`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`POST ${route}: ${res.status}`);
    return (await res.json()) as T;
  }

  async get<T>(route: string): Promise<T> {
    const res = await fetch(`${this.url}${route}`, { signal: AbortSignal.timeout(10000) });
    if (!res.ok) throw new Error(`GET ${route}: ${res.status}`);
    return (await res.json()) as T;
  }

  /** CPU nanoseconds (user + system, every thread) the runtime has used so far. */
  cpuNs(): number {
    return procCpuNs(this.pid) ?? 0;
  }

  /** Resident set size now, in bytes. */
  rssBytes(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  }

  log(): string {
    return this.nr.output();
  }

  async stop(): Promise<void> {
    await this.nr.stop();
    fs.rmSync(this.nr.userDir, { recursive: true, force: true });
  }
}

/** The bench-only driver node (driver-node.ts) as a package in the user directory, where Node-RED finds it. */
function installDriver(userDir: string): void {
  const dir = path.join(userDir, 'node_modules', 'umodbus-bench-driver');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'umodbus-bench-driver', version: '0.0.0', private: true, 'node-red': { nodes: { 'umodbus-bench-driver': 'driver.js' } },
  }));
  fs.writeFileSync(path.join(dir, 'driver.js'), `module.exports = require(${JSON.stringify(path.join(__dirname, 'driver-node.js'))});\n`);
  fs.writeFileSync(path.join(dir, 'driver.html'), `<script type="text/javascript">RED.nodes.registerType('umodbus-bench-driver', { category: 'bench', defaults: { payload: { value: '' } }, inputs: 1, outputs: 1, label: 'bench driver' }); RED.nodes.registerType('umodbus-bench-floor', { category: 'bench', defaults: { port: { value: 0 } }, inputs: 0, outputs: 0, label: 'bare net.Server' });</script>\n`);
}

/**
 * scripts/start.js runs Node-RED as its child: that child is the process to measure. Node-RED
 * renames its process title (and so its cmdline), so it is found by the user directory in its
 * environment, which it inherits from start.js.
 */
async function nodeRedPid(nr: RunningNodeRed): Promise<number> {
  const marker = `UMODBUS_USER_DIR=${nr.userDir}\0`;
  for (let i = 0; i < 50; i++) {
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (!fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker)) continue;
        if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start.js')) return Number(pid);
      } catch { /* gone, or not ours to read */ }
    }
    await sleep(100);
  }
  throw new Error('could not find the Node-RED process');
}
