/**
 * What one section of `npm run bench` printed, kept so the run can write it into BENCHMARKS.md
 * as it was printed, with its targets judged in one place.
 */

export interface Target {
  /** e.g. `same core: x10 sequential ours/modbus-serial >= 1.25x`. */
  label: string;
  /** undefined: not measured in this run. */
  met: boolean | undefined;
  /** The measured figure and whatever else helps read it. */
  detail: string;
}

export interface SectionResult {
  /** Everything the section printed. */
  text: string;
  targets: Target[];
  /** Markdown after the printed text (notes on how to read it); optional. */
  notes?: string;
}

export class SectionLog {
  private readonly parts: string[] = [];
  readonly targets: Target[] = [];

  /** Print and keep. */
  out(s: string): void {
    process.stdout.write(s);
    this.parts.push(s);
  }

  /** Record a target: met when `value >= min` (NaN: not measured). `label` states the target in full. */
  target(label: string, value: number, min: number, detail: string): Target {
    const t: Target = { label, met: Number.isFinite(value) ? value >= min : undefined, detail };
    this.targets.push(t);
    return t;
  }

  result(notes?: string): SectionResult {
    return { text: this.parts.join(''), targets: [...this.targets], ...(notes ? { notes } : {}) };
  }
}

export function verdict(t: Target): string {
  return t.met === undefined ? 'NOT MEASURED' : t.met ? 'MET' : 'MISSED';
}

/** A markdown table of targets. */
export function targetTable(targets: Target[]): string {
  const rows = targets.map((t) => `| ${t.label} | ${t.met === false ? '**MISSED**' : verdict(t)} | ${t.detail} |`);
  return ['| target | result | measured |', '|---|---|---|', ...rows].join('\n');
}
