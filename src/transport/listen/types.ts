/**
 * The listening side of the transport: what a server engine sees of TCP accept, a serial line
 * opened as a slave, and UDP. A listener owns its sockets or port, the framing of its medium, the
 * bus timing and the hardening; the engine gets frames through an IndicationSink and answers them.
 */
import type { Frame, Framing } from '../../codec';
import type { SerialSettings } from '../serial';
import type { TlsSettings } from '../tls';

/** Where a request came from: a TCP or UDP peer, or a serial line. */
export type RemoteAddress = { address: string; port: number } | { path: string };

/** Where a frame came in: how to seal the answer, whether unit 0 broadcasts, and who sent it. */
export interface Link {
  readonly framing: Framing;
  /** Serial lines and RTU over TCP: unit 0 is a broadcast that executes writes and gets no answer. */
  readonly broadcast: boolean;
  readonly remote: RemoteAddress;
  /**
   * A serial line (remote is its path): the line is the server's own, so FC 8 may change its
   * state. A link without (TCP, UDP) shares state with every other peer.
   */
  readonly line?: boolean;
  /** Modbus/TCP Security: the role in the client's verified certificate (none over plain TCP). */
  readonly role?: string;
}

/** A sealed ADU to send back, or null for silence. */
export type Answer = Buffer | null;

/** What a listener hands frames and mishaps to; the server engine implements it. */
export interface IndicationSink {
  /** Never throws. Synchronous when the engine needs nothing from elsewhere (a route). */
  handleFrame(frame: Frame, link: Link): Answer | Promise<Answer>;
  /** A frame was dropped: bad checksum, bad header, garbage, a stale partial frame. Counted, never thrown. */
  onMalformed(error: unknown, link: Link): void;
  /** A listener's medium failed after it started (a serial line unplugged, a socket server error). */
  onTransportError(error: Error): void;
  /** A serial line went away, or is open again after that. */
  onLineState(path: string, state: 'lost' | 'open', error?: Error): void;
  /** Connection bookkeeping for the counters. */
  onConnectionOpened(): void;
  onConnectionClosed(): void;
  /** A connection (or a UDP peer) turned away at the limit. */
  onConnectionRefused(): void;
  /** A TLS client failed its handshake (its certificate did not verify, or it sent none). */
  onTlsRefused?(error: Error): void;
  /** A connection closed for abuse: answers left unread ('stuck'), a partial frame never finished. */
  onConnectionDropped(reason: 'stuck' | 'frame-timeout'): void;
}

/** Where a listener is bound: host and port, or a serial line's path. */
export interface ListenAddress { host?: string; port?: number; path?: string }

/** A bound listener; `close()` releases its port or line within a bounded time. */
export interface Listener {
  /** Bind or open; `address` is valid once this resolves. Rejects with the medium's own error (EADDRINUSE, EACCES…). */
  start(): Promise<void>;
  readonly address: ListenAddress;
  close(): Promise<void>;
}

/**
 * A TCP listener (Modbus TCP or RTU over TCP). Every limit has a default that keeps one client
 * from hurting the others on a small device (issue 13, "the server under abuse").
 */
export interface TcpListenSettings {
  host: string;
  port: number;
  /** Connections at once (default 256). */
  maxConnections?: number;
  /**
   * What a connection past `maxConnections` does (default 'close-oldest-idle'): close the
   * connection whose last complete request is oldest and has nothing in flight to make room for
   * it (TCP implementation guide, 4.2.2), or 'refuse' it. With 'refuse', a handful of idle
   * sockets can lock every other client out.
   */
  connectionPolicy?: 'refuse' | 'close-oldest-idle';
  /** Close a connection quiet this long, ms (default: never; a route still working keeps it). */
  idleTimeout?: number;
  /**
   * A partial frame has this long to complete, ms, or the connection is closed (default 2000).
   * Bytes trickling in reset an idle timeout; this catches a client that never finishes a frame.
   */
  frameTimeout?: number;
  /**
   * A client that does not take its answers stops being read once they fill the socket's buffer
   * (`write()` returned false); still stuck after this long, ms, it is dropped (default 10000).
   * Also how long a connection closing after a bad header may take to flush its answers.
   */
  stuckTimeout?: number;
  /** Bytes of answers waiting to be sent past which a connection is dropped at once (default 131072). */
  maxWriteBuffer?: number;
  /**
   * Frames served from one connection before the others get their turn (default 256): a client
   * streaming requests cannot keep the rest waiting.
   */
  framesPerTurn?: number;
}

/** A UDP listener: Modbus TCP's MBAP framing, one ADU per datagram, answered to the sender. */
export interface UdpListenSettings {
  host: string;
  port: number;
  /**
   * Peers remembered at once (default 1024), each with its own bound on route calls waiting.
   * Past it a datagram from a new peer is dropped, unless a peer with nothing waiting can be forgotten.
   */
  maxPeers?: number;
}

/** What to listen on: one medium and its framing. */
export type ListenOptions =
  | ({ type: 'tcp' } & TcpListenSettings)
  | ({ type: 'rtu-tcp' } & TcpListenSettings)
  /** Modbus/TCP Security: MBAP over TLS 1.2+, a verified client certificate required. */
  | ({ type: 'tls'; tls: TlsSettings } & TcpListenSettings)
  | ({ type: 'udp' } & UdpListenSettings)
  | ({ type: 'rtu' } & SerialSettings)
  | ({ type: 'ascii' } & SerialSettings);
