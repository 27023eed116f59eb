/**
 * Summarises V8 profiles written by `node --cpu-prof` (.cpuprofile) or `node --heap-prof`
 * (.heapprofile): the functions with the most self time (or self allocation), with file:line,
 * and the inclusive time of our own functions (dist/src). Usage:
 *   node dist/bench/lib/profsum.js FILE [top=25]
 */
import * as fs from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface CpuNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
interface CpuProfile { nodes: CpuNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }
interface HeapNode { callFrame: CallFrame; selfSize: number; children: HeapNode[] }
interface HeapProfile { head: HeapNode }

function where(cf: CallFrame): string {
  const url = cf.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${cf.functionName || '(anonymous)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`.trim();
}

function top(m: Map<string, number>, k: number): [string, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
}

export function summariseCpu(p: CpuProfile, k = 25): string {
  const total = p.endTime - p.startTime;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  if (p.samples && p.timeDeltas) {
    for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const selfBy = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    selfBy.set(where(n.callFrame), (selfBy.get(where(n.callFrame)) ?? 0) + t);
  }
  // inclusive time per function, counted once per stack (recursion-safe)
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const w = where(byId.get(cur)!.callFrame);
      if (seen.has(w)) continue;
      seen.add(w);
      incl.set(w, (incl.get(w) ?? 0) + t);
    }
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const lines = [`total ${(total / 1000).toFixed(0)} ms; self time:`];
  for (const [w, t] of top(selfBy, k)) lines.push(`  ${pct(t)}  ${w}`);
  lines.push('inclusive time, our code (dist/src) and the peers:');
  for (const [w, t] of top(new Map([...incl].filter(([w]) => / (dist\/src|node_modules)\//.test(` ${w}`) || w.includes('dist/src'))), k)) {
    lines.push(`  ${pct(t)}  ${w}`);
  }
  return lines.join('\n') + '\n';
}

export function summariseHeap(p: HeapProfile, k = 25): string {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode): void => {
    total += n.selfSize;
    if (n.selfSize > 0) by.set(where(n.callFrame), (by.get(where(n.callFrame)) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c);
  };
  walk(p.head);
  const lines = [`sampled allocation ${(total / 1048576).toFixed(1)} MB; by allocating function:`];
  for (const [w, b] of top(by, k)) lines.push(`  ${((100 * b) / total).toFixed(1).padStart(5)}%  ${(b / 1024).toFixed(0).padStart(7)} KB  ${w}`);
  return lines.join('\n') + '\n';
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) { process.stderr.write('usage: profsum FILE [top]\n'); process.exit(2); }
  const k = Number(process.argv[3] ?? '25');
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile | HeapProfile;
  process.stdout.write('head' in j ? summariseHeap(j, k) : summariseCpu(j, k));
}
