import type { ModbusRequest } from '../codec';

/**
 * One request from the moment it is accepted until it settles. A plain object with fields rather
 * than closures, so the hot path allocates only it and the promise.
 */
export class Pending {
  /** Next in its unit's queue. */
  next: Pending | undefined = undefined;
  /** Transaction id it went out with (0 on a bus); -1 while not on the wire. */
  tid = -1;
  /** performance.now() by which its response must have come; set when it is sent. */
  deadline = 0;
  settled = false;

  constructor(
    readonly unit: UnitQueue,
    readonly req: ModbusRequest,
    /** The PDU, encoded with the framing's header and trailer room, sealed only when sent. */
    readonly adu: Buffer,
    readonly timeout: number,
    public retriesLeft: number,
    readonly resolve: (value: never) => void,
    readonly reject: (error: Error) => void,
  ) {}
}

/** The requests waiting for one unit, and that unit's timeout record. */
export class UnitQueue {
  head: Pending | undefined = undefined;
  tail: Pending | undefined = undefined;
  length = 0;
  inRing = false;
  /** Timeouts in a row; any response (normal or exception) resets it. */
  consecutiveTimeouts = 0;
  /** While performance.now() is below this, the unit is backed off (0: not backed off). */
  backoffUntil = 0;
  /** The last backoff period, ms; doubles while the unit stays silent. */
  backoffDelay = 0;
  /**
   * Bus only: after a timeout the unit is not asked again before this performance.now() time,
   * so a late answer to the timed-out request arrives with nothing of its unit on the wire and
   * is dropped, rather than being taken (without transaction ids) for the next request's answer.
   */
  quietUntil = 0;

  constructor(readonly unitId: number) {}

  push(p: Pending): void {
    p.next = undefined;
    if (this.tail) this.tail.next = p;
    else this.head = p;
    this.tail = p;
    this.length++;
  }

  unshift(p: Pending): void {
    p.next = this.head;
    this.head = p;
    if (!this.tail) this.tail = p;
    this.length++;
  }

  shift(): Pending | undefined {
    const p = this.head;
    if (!p) return undefined;
    this.head = p.next;
    if (!this.head) this.tail = undefined;
    p.next = undefined;
    this.length--;
    return p;
  }
}

/**
 * The request queue: a FIFO per unit, served round-robin across units that have work, so one
 * busy or dead unit on a shared bus cannot starve the others.
 */
export class FairQueue {
  size = 0;
  private readonly units: (UnitQueue | undefined)[] = new Array(256).fill(undefined);
  private readonly ring: UnitQueue[] = [];
  private cursor = 0;

  /** The queue (and timeout record) of a unit id 0..255, made on first use. */
  unit(unitId: number): UnitQueue {
    let u = this.units[unitId];
    if (!u) {
      u = new UnitQueue(unitId);
      this.units[unitId] = u;
    }
    return u;
  }

  push(p: Pending): void {
    p.unit.push(p);
    this.size++;
    this.enter(p.unit);
  }

  /** Put a request back at the front of its unit's queue (a retry keeps its place). */
  unshift(p: Pending): void {
    p.unit.unshift(p);
    this.size++;
    this.enter(p.unit);
  }

  /**
   * The next request, taking units in turn and passing over units still quiet at `now`
   * (undefined when every unit with work is quiet, or there is no work).
   */
  shift(now = Infinity): Pending | undefined {
    const ring = this.ring;
    const n = ring.length;
    if (n === 0) return undefined;
    if (this.cursor >= n) this.cursor = 0;
    for (let k = 0; k < n; k++) {
      const at = (this.cursor + k) % n;
      const u = ring[at];
      // A backed-off unit is served at once: its requests are refused without touching the line.
      if (u.quietUntil > now && u.backoffUntil <= now) continue;
      const p = u.shift() as Pending; // units in the ring always have work
      this.size--;
      if (u.length === 0) {
        u.inRing = false;
        ring.splice(at, 1); // `at` now holds the next unit
        this.cursor = at;
      } else {
        this.cursor = at + 1;
      }
      return p;
    }
    return undefined;
  }

  /** The earliest time a quiet unit with work may be served again. */
  nextQuietEnd(): number {
    let t = Infinity;
    for (const u of this.ring) t = Math.min(t, u.quietUntil);
    return t;
  }

  /** Take every queued request out (close, flush, failed connect). */
  drain(): Pending[] {
    const out: Pending[] = [];
    for (const u of this.ring) {
      for (let p = u.shift(); p; p = u.shift()) out.push(p);
      u.inRing = false;
    }
    this.ring.length = 0;
    this.cursor = 0;
    this.size = 0;
    return out;
  }

  private enter(u: UnitQueue): void {
    if (u.inRing) return;
    u.inRing = true;
    this.ring.push(u);
  }
}
