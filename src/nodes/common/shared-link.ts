/**
 * A connection shared by the user nodes of one config node, after Node-RED's mqtt-broker:
 * users register and deregister by node id, the engine opens with the first user and closes
 * with the last one when that one was really removed, and every status change fans out to
 * every user. A user that registers later gets the current status at once.
 */
import type { NodeStatus } from './red-types';
import { withDeadline } from './deadline';
import { linkStatus } from './status';

export interface LinkUser {
  readonly id: string;
  status(status: NodeStatus): void;
}

export interface LinkHooks<E> {
  /** Make and start the engine; report status changes through `report`. Returns the engine and a function that detaches its listeners. */
  open(report: (status: NodeStatus) => void): { engine: E; detach: () => void };
  /** Stop the engine; the link bounds it with a deadline. */
  close(engine: E): Promise<void>;
}

export class SharedLink<E> {
  private readonly users = new Map<string, LinkUser>();
  private opened: { engine: E; detach: () => void } | undefined;
  private closing: Promise<unknown> | undefined;
  private current: NodeStatus = linkStatus('idle');

  constructor(private readonly hooks: LinkHooks<E>) {}

  /** Register a user; opens the engine for the first one. */
  register(user: LinkUser): E {
    this.users.set(user.id, user);
    const engine = this.ensureOpen();
    user.status(this.current);
    return engine;
  }

  /** Remove a user; closes the engine when none is left and this one was removed, not just redeployed. */
  async deregister(user: LinkUser, removed: boolean): Promise<void> {
    if (this.users.get(user.id) === user) this.users.delete(user.id);
    if (this.users.size === 0 && removed) await this.shut();
  }

  /** The engine if open, without opening it. */
  get engine(): E | undefined {
    return this.opened?.engine;
  }

  get userCount(): number {
    return this.users.size;
  }

  get status(): NodeStatus {
    return this.current;
  }

  /** Open the engine now (a server listens without users). */
  ensureOpen(): E {
    if (!this.opened) this.opened = this.hooks.open((status) => this.fanOut(status));
    return this.opened.engine;
  }

  /**
   * Put a fresh engine in place of the open one (the settings changed): users stay registered
   * and get the new engine's status. Returns the old engine, detached, for the caller to close;
   * undefined when none was open (the next request opens one with the new settings).
   */
  replace(): E | undefined {
    const old = this.opened;
    if (!old) return undefined;
    old.detach();
    this.opened = undefined;
    this.ensureOpen();
    return old.engine;
  }

  /** Fan a status out to every user. */
  fanOut(status: NodeStatus): void {
    this.current = status;
    for (const user of this.users.values()) user.status(status);
  }

  /** The config node is going away: close for good, within the deadline. */
  async close(): Promise<void> {
    await this.shut();
    this.users.clear();
  }

  private async shut(): Promise<void> {
    const opened = this.opened;
    if (!opened) {
      await this.closing;
      return;
    }
    this.opened = undefined;
    opened.detach();
    this.closing = withDeadline(this.hooks.close(opened.engine));
    await this.closing;
    this.current = linkStatus('idle');
  }
}
