/**
 * At most one report per interval: a peer that fails over and over (a TLS client with a bad
 * certificate, retrying) must not flood the log for everyone else. What is held back is counted
 * and told with the next report. No timer, so nothing to clean up.
 */
export class ReportThrottle {
  private last = -Infinity;
  private held = 0;

  constructor(private readonly intervalMs: number) {}

  /** The number held back since the last report when this one may go out; undefined to hold it. */
  pass(now = Date.now()): number | undefined {
    if (now - this.last < this.intervalMs) {
      this.held++;
      return undefined;
    }
    this.last = now;
    const held = this.held;
    this.held = 0;
    return held;
  }
}
