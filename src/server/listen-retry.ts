import { Backoff } from '../transport';
import type { ServerListenOptions } from './types';

/** Where a listener ended up: the bound host and port, or the serial line's path. */
export type BoundAddress = { host?: string; port?: number; path?: string };

/** Backoff between attempts to listen after a failure: one second, doubling up to ten. */
export const LISTEN_RETRY_MIN_MS = 1000;
export const LISTEN_RETRY_MAX_MS = 10_000;

export interface ListenRetryHandlers {
  /** Listening at last (or at once). */
  listening(bound: BoundAddress): void;
  /**
   * One attempt failed; `repeated` when its message is the last one's (so it need not be told
   * again). Return false to stop trying.
   */
  failed(error: Error, repeated: boolean): boolean | void;
}

/**
 * Listen, and keep trying with backoff after a failure, until it works or stop() is called: a
 * port still held by another process, or a USB adapter not there yet at boot, should not leave
 * a server deaf until someone restarts it. The server node and `umodbus serve` both use it.
 */
export class ListenRetry {
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<unknown> | undefined;
  private lastMessage: string | undefined;
  private stopped = false;

  constructor(
    private readonly server: { listen(options: ServerListenOptions): Promise<BoundAddress> },
    private readonly options: ServerListenOptions,
    private readonly handlers: ListenRetryHandlers,
    delays: { min?: number; max?: number } = {},
  ) {
    const min = delays.min ?? LISTEN_RETRY_MIN_MS;
    this.backoff = new Backoff(min, Math.max(min, delays.max ?? LISTEN_RETRY_MAX_MS));
  }

  /** Make the first attempt. */
  start(): this {
    this.run();
    return this;
  }

  /** No further attempts; resolves once an attempt under way has settled (its port is then the server's to close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.attempt?.catch(() => undefined);
  }

  private run(): void {
    const attempt = this.server.listen(this.options);
    this.attempt = attempt;
    attempt.then(
      (bound) => this.handlers.listening(bound),
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        const repeated = error.message === this.lastMessage;
        this.lastMessage = error.message;
        const goOn = this.handlers.failed(error, repeated) !== false;
        if (this.stopped || !goOn) return;
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (!this.stopped) this.run();
        }, this.backoff.next());
      },
    );
  }
}
