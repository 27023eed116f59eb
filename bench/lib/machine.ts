/** What the figures were taken on, printed at the head of each section. */
import * as fs from 'node:fs';
import * as os from 'node:os';

export function machineLine(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch { /* not Linux */ }
  return `${new Date().toISOString()}  nproc ${os.availableParallelism()}  ${model}  node ${process.version}`;
}

export function loadLine(): string {
  return `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}
