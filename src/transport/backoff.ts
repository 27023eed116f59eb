/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn from [base/2, base] where
 * base = min(max, min * 2^n), then clamped to [min, max]. Jitter keeps many clients that lost
 * the same server from reconnecting in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly min: number,
    private readonly max: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call grows the following one. */
  next(): number {
    const base = Math.min(this.max, this.min * 2 ** this.attempt);
    if (this.attempt < 30) this.attempt++;
    const d = base / 2 + (this.random() * base) / 2;
    return Math.min(this.max, Math.max(this.min, d));
  }

  /** Back to the shortest delay (after a link proved it works). */
  reset(): void {
    this.attempt = 0;
  }
}
