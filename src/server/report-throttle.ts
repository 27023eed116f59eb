/**
 * At most one report per reason per interval: a peer that fails over and over (a TLS client
 * retrying with a certificate that does not verify) must not flood the log for everyone else,
 * while a new reason is told at once. What is held back is counted and told with the next report
 * of that reason. No timer, so nothing to clean up.
 */
export class ReportThrottle {
  private readonly reasons = new Map<string, { last: number; held: number }>();

  /** `maxReasons` bounds the memory; past it the oldest reason is forgotten. */
  constructor(private readonly intervalMs: number, private readonly maxReasons = 64) {}

  /** The number held back since the last report of `reason` when this one may go out; undefined to hold it. */
  pass(reason: string, now = Date.now()): number | undefined {
    const r = this.reasons.get(reason);
    if (r && now - r.last < this.intervalMs) {
      r.held++;
      return undefined;
    }
    const held = r?.held ?? 0;
    this.reasons.delete(reason);
    if (this.reasons.size >= this.maxReasons) this.reasons.delete(this.reasons.keys().next().value as string);
    this.reasons.set(reason, { last: now, held: 0 });
    return held;
  }
}
