/**
 * What a read or write node shows. Three layers: the link's status (fanned out by the client
 * config), the node's last failure, and whether its poll is stopped.
 * - A failure shows as a yellow ring in plain words ("exception 02 illegal data address") and
 *   stays until a request of this node succeeds, so a green "connected" never hides a device
 *   that keeps answering with an exception.
 * - While the link is down (red) or connecting (yellow dot... ring), the link's own status shows.
 * - A stopped poll shows "stopped" in the link's colour.
 */
import type { DoneFn, Node, NodeStatus } from './red-types';
import type { LinkUser } from './shared-link';
import { describeError, failureText, toNodeError } from './errors';
import { failureStatus, linkStatus, words } from './status';

export class ClientNodeStatus implements LinkUser {
  readonly id: string;
  private link: NodeStatus = linkStatus('idle');
  private failure: NodeStatus | undefined;
  private stopped = false;
  private closed = false;
  private shown: string | undefined;

  constructor(private readonly node: Node, private readonly target: () => string | undefined) {
    this.id = node.id;
  }

  /** The link's status (LinkUser): fanned out by the client config. */
  status(status: NodeStatus): void {
    this.link = status;
    this.render();
  }

  /** A request of this node failed: keep the words on show, and finish the msg with the error. */
  fail(err: unknown, done: DoneFn): void {
    const nodeError = toNodeError(err);
    // After a redeploy or stop too: a msg the closing link could not serve ends with its error
    // (EMODBUS_CLOSED), never silently; failed() leaves the status of a closed node alone.
    this.failed(err);
    done(nodeError);
  }

  /** Show a failure without finishing a msg (a repeated poll failure). */
  failed(err: unknown): void {
    if (describeError(err).kind === 'closed' && this.closed) return;
    this.failure = failureStatus(failureText(err, this.target()));
    this.render();
  }

  /** A request of this node succeeded: the failure goes. */
  succeeded(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.render();
  }

  setStopped(stopped: boolean): void {
    this.stopped = stopped;
    this.render();
  }

  get current(): NodeStatus {
    const link = this.link;
    if (this.stopped) return { fill: link.fill, shape: link.shape, text: words('stopped', 'stopped') };
    // A link that is down or on its way says more than an old failure; a live or idle link shows the failure.
    if (this.failure && (link.fill === 'green' || link.fill === 'grey')) return this.failure;
    return link;
  }

  close(): void {
    this.closed = true;
  }

  private render(): void {
    if (this.closed) return;
    const s = this.current;
    // Node-RED sends every status call to the editor and to Status nodes: skip repeats.
    const key = `${s.fill}|${s.shape}|${s.text}`;
    if (key === this.shown) return;
    this.shown = key;
    this.node.status(s);
  }
}
