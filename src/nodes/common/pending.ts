/**
 * Requests waiting for a reply from the flow: an id-to-settle map and nothing more. The server
 * engine owns the timer; when it fires, the route's abort signal makes the node call expire(id).
 * An expired entry is kept (the newest MAX_EXPIRED of them) so that a reply arriving after all
 * still reaches the engine, which drops it and counts it in lateReplies.
 */
interface Entry<T, C> {
  resolve: (value: T) => void;
  context: C;
  expired: boolean;
}

/** Expired entries kept for their late replies; older ones are forgotten (their reply then only warns). */
export const MAX_EXPIRED = 1024;

export class PendingReplies<T, C> {
  private readonly entries = new Map<string, Entry<T, C>>();
  private expiredCount = 0;

  /** Wait for settle(id). */
  wait(id: string, context: C): Promise<T> {
    return new Promise<T>((resolve) => {
      this.entries.set(id, { resolve, context, expired: false });
    });
  }

  /** What was stored with an id still waiting; undefined once it settled or expired. */
  context(id: string): C | undefined {
    const entry = this.entries.get(id);
    return entry && !entry.expired ? entry.context : undefined;
  }

  /**
   * The engine gave up on `id` (its route timeout): the context of the entry, now expired, or
   * undefined when it had already settled.
   */
  expire(id: string): C | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.expired) return undefined;
    entry.expired = true;
    this.expiredCount++;
    if (this.expiredCount > MAX_EXPIRED) {
      for (const [old, e] of this.entries) {
        if (!e.expired) continue;
        this.entries.delete(old);
        this.expiredCount--;
        break;
      }
    }
    return entry.context;
  }

  /**
   * Settle an id: 'answered' when it was waiting, 'late' when it had expired (the value still
   * goes to the engine, which counts it late), undefined when it settled already or never existed.
   */
  settle(id: string, value: T): 'answered' | 'late' | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.expired) this.expiredCount--;
    entry.resolve(value);
    return entry.expired ? 'late' : 'answered';
  }

  /** Settle the waiting entries whose context matches with `value`; forget matching expired ones. */
  clearWhere(match: (context: C) => boolean, value: T): void {
    for (const [id, entry] of this.entries) {
      if (!match(entry.context)) continue;
      if (entry.expired) {
        this.entries.delete(id);
        this.expiredCount--;
      } else {
        this.settle(id, value);
      }
    }
  }

  /** Settle every waiting entry with `value` and forget the expired ones. */
  clear(value: T): void {
    this.clearWhere(() => true, value);
  }

  /** Entries still waiting. */
  get size(): number {
    return this.entries.size - this.expiredCount;
  }
}
