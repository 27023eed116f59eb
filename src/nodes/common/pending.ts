/**
 * Requests waiting for a reply from the flow, after link call: one entry and one timer per
 * request, found again by id, the first settle wins, and clear() stops every timer.
 */
interface Entry<T, C> {
  resolve: (value: T) => void;
  timer: NodeJS.Timeout;
  context: C;
}

export class PendingReplies<T, C> {
  private readonly entries = new Map<string, Entry<T, C>>();

  /** Wait for settle(id); after `ms` resolves with onTimeout() instead. */
  wait(id: string, ms: number, context: C, onTimeout: (context: C) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      const timer = setTimeout(() => {
        if (this.entries.get(id)?.timer !== timer) return;
        this.entries.delete(id);
        resolve(onTimeout(context));
      }, ms);
      this.entries.set(id, { resolve, timer, context });
    });
  }

  /** What was stored with a pending id, or undefined once it has settled. */
  context(id: string): C | undefined {
    return this.entries.get(id)?.context;
  }

  /** Settle a pending id; false when it already settled or never existed. */
  settle(id: string, value: T): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    entry.resolve(value);
    return true;
  }

  /** Settle the entries whose context matches with `value`, clearing their timers. */
  clearWhere(match: (context: C) => boolean, value: T): void {
    for (const [id, entry] of this.entries) if (match(entry.context)) this.settle(id, value);
  }

  /** Settle every entry with `value` and clear every timer. */
  clear(value: T): void {
    for (const [id] of this.entries) this.settle(id, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
