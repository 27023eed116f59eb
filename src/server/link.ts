import type { Frame, Framing } from '../codec';
import type { CommDiagnostics } from './diagnostics';
import type { RemoteAddress } from './types';

/** Where a frame came in: how to seal the answer, whether unit 0 broadcasts, and who sent it. */
export interface Link {
  readonly framing: Framing;
  /** Serial lines and RTU over TCP: unit 0 is a broadcast that executes writes and gets no answer. */
  readonly broadcast: boolean;
  readonly remote: RemoteAddress;
  /** Modbus/TCP Security: the role in the client's verified certificate (none over plain TCP). */
  readonly role?: string;
  /**
   * A serial line's own FC 8/11/12 state (counters, event log, listen-only mode), which FC 8 may
   * change in full. A link without one (TCP) shares the server's and may only read it.
   */
  readonly diagnostics?: CommDiagnostics;
}

/** A sealed ADU to send back, or null for silence. */
export type Answer = Buffer | null;

/** What a listener hands frames and mishaps to; the server engine implements it. */
export interface FrameSink {
  /** Never throws. Synchronous when no route is involved. */
  handleFrame(frame: Frame, link: Link): Answer | Promise<Answer>;
  /** A frame was dropped: bad checksum, bad header, garbage. Counted, never thrown. */
  onMalformed(error: unknown, link: Link): void;
  /** A listener's transport failed after it started (a serial line unplugged, a socket server error). */
  onTransportError(error: Error): void;
  /** A serial line went away, or is open again after that. */
  onLineState(path: string, state: 'lost' | 'open', error?: Error): void;
  /** Connection bookkeeping for the counters. */
  onConnectionOpened(): void;
  onConnectionClosed(): void;
  onConnectionRefused(): void;
  /** A TLS client failed its handshake (its certificate did not verify, or it sent none). */
  onTlsRefused?(error: Error): void;
  /** A connection closed for abuse: answers left unread ('stuck'), a partial frame never finished. */
  onConnectionDropped(reason: 'stuck' | 'frame-timeout'): void;
}

/** A bound listener; `close()` releases its port or line at once. */
export interface ServerListener {
  /** Bind or open; `address` is valid once this resolves. */
  start(): Promise<void>;
  readonly address: { host?: string; port?: number; path?: string };
  /** A serial line's own diagnostics state (see Link.diagnostics). */
  readonly diagnostics?: CommDiagnostics;
  close(): Promise<void>;
}
