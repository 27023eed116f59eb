import * as net from 'node:net';
import * as tls from 'node:tls';
import { mbap } from '../codec';
import { SocketConnection } from './tcp';
import { TlsError } from './tls-error';
import type { Connection, ConnectionHandlers, Medium } from './types';
import { roleFromCertificate } from './x509-role';

/** Modbus/TCP Security's registered port (MB-TCP-Security): 802, where plain Modbus TCP has 502. */
export const MODBUS_TLS_PORT = 802;

/** Keep-alive probes find a dead peer, as on plain TCP. */
const KEEPALIVE_DELAY = 10_000;

/**
 * TLS 1.3 lets the client finish its handshake before the server has checked the client's
 * certificate: a refusal arrives as an alert just after. The server's first session ticket is
 * sent only once it has accepted us, so the link counts as open when one arrives, or after this
 * many ms of silence (a server that sends no tickets).
 */
const ACCEPTANCE_WAIT = 250;

/** A TLS handshake still unfinished after this many ms is dropped (a client that never completes one). */
export const HANDSHAKE_TIMEOUT = 5000;

/** PEM text (or DER buffers) for one side's certificates, as Node's tls options and Node-RED's tls-config give them. */
export type Pem = string | Buffer | (string | Buffer)[];

/** One side's credentials for Modbus/TCP Security: mutual authentication with X.509 certificates. */
export interface TlsSettings {
  /** The CA certificate(s) the peer's certificate must chain to. */
  ca?: Pem;
  /** This side's certificate (chain). */
  cert?: Pem;
  /** This side's private key. */
  key?: Pem;
  passphrase?: string;
}

/** The client's TLS settings: its credentials and how it checks the server. */
export interface TlsClientSettings extends TlsSettings {
  /** Name to expect in the server's certificate (and to send as SNI); default: the host. */
  servername?: string;
  /** Refuse a server whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
}

/** The options both sides give Node's tls: TLS 1.2 or later, as the Modbus/TCP Security spec requires. */
function baseOptions(s: TlsSettings): tls.SecureContextOptions & { minVersion: tls.SecureVersion } {
  const o: tls.SecureContextOptions & { minVersion: tls.SecureVersion } = { minVersion: 'TLSv1.2' };
  if (s.ca !== undefined) o.ca = s.ca;
  if (s.cert !== undefined) o.cert = s.cert;
  if (s.key !== undefined) o.key = s.key;
  if (s.passphrase !== undefined) o.passphrase = s.passphrase;
  return o;
}

/**
 * Modbus/TCP Security (client side): MBAP inside TLS 1.2+, the client presenting its certificate
 * (which carries its role) and checking the server's. A handshake that fails rejects with a
 * TlsError, so the connect error says EMODBUS_TLS rather than a plain refusal.
 */
export class TlsMedium implements Medium {
  readonly framing = mbap;
  readonly multiplexed = true;
  readonly datagram = false;
  readonly charTime = 0;
  readonly interFrameSilence = 0;
  readonly target: string;

  constructor(readonly host: string, readonly port: number, private readonly settings: TlsClientSettings = {}) {
    this.target = `tls ${host}:${port}`;
  }

  open(handlers: ConnectionHandlers, signal: AbortSignal): Promise<Connection> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new Error('connect aborted'));
        return;
      }
      const s = this.settings;
      const options: tls.ConnectionOptions = {
        ...baseOptions(s),
        host: this.host,
        port: this.port,
        rejectUnauthorized: s.rejectUnauthorized ?? true,
      };
      // SNI carries host names only; an IP address is still checked against the certificate.
      const name = s.servername ?? (net.isIP(this.host) === 0 ? this.host : undefined);
      if (name !== undefined && name !== '') options.servername = name;
      const socket = tls.connect(options);
      let tcpUp = false;
      let settled = false;
      let waitTimer: NodeJS.Timeout | undefined;
      // Only our own listeners come off: a TLSSocket keeps internal ones of its own.
      const detach = (): void => {
        clearTimeout(waitTimer);
        signal.removeEventListener('abort', onAbort);
        socket.off('connect', onTcp);
        socket.off('error', fail);
        socket.off('close', onEarlyClose);
        socket.off('secureConnect', onSecure);
        socket.off('session', onTicket);
      };
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        detach();
        socket.on('error', () => undefined);
        // Past the TCP connect, anything that stops the link is the handshake refusing it.
        const error = tcpUp && !(err instanceof TlsError) ? new TlsError(`TLS handshake with ${this.target} failed`, err) : err;
        if (socket.closed) {
          reject(error);
          return;
        }
        // Settle only once the handle is gone, so a caller that closes next leaves nothing behind.
        socket.once('close', () => reject(error));
        socket.destroy();
      };
      const onAbort = (): void => fail(new Error('connect aborted'));
      const accept = (): void => {
        if (settled) return;
        settled = true;
        detach();
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_DELAY);
        let lastError: Error | undefined;
        socket.on('data', (chunk: Buffer) => handlers.data(chunk));
        socket.on('error', (err: Error) => {
          lastError = err;
        });
        socket.on('close', () => handlers.lost(lastError ?? new Error('connection closed by the server')));
        resolve(new SocketConnection(socket));
      };
      const onTcp = (): void => {
        tcpUp = true;
      };
      // Bytes written from within the ticket's own read callback stay in OpenSSL until the next
      // read (Node 20): the link is handed over once that callback is done.
      const onTicket = (): void => {
        clearTimeout(waitTimer);
        waitTimer = setTimeout(accept, 1);
      };
      const onEarlyClose = (): void => fail(new TlsError(`${this.target} closed the connection during the TLS handshake`));
      const onSecure = (): void => {
        if (socket.getProtocol() !== 'TLSv1.3') {
          accept();
          return;
        }
        socket.once('session', onTicket);
        waitTimer = setTimeout(accept, ACCEPTANCE_WAIT);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', onTcp);
      socket.on('error', fail);
      socket.once('close', onEarlyClose);
      socket.once('secureConnect', onSecure);
    });
  }
}

/** The role in the certificate a TLS peer presented, or undefined (no role, or not TLS). */
export function peerRole(socket: net.Socket): string | undefined {
  if (!(socket instanceof tls.TLSSocket)) return undefined;
  const cert = socket.getPeerX509Certificate();
  return cert ? roleFromCertificate(cert.raw) : undefined;
}

/** Per TLS server: its raw sockets, so closing it can end them at once, and whether it is closed. */
const accepted = new WeakMap<net.Server, { raw: Set<net.Socket>; closed: boolean }>();

/**
 * A TLS server for Modbus/TCP Security: TLS 1.2+, a client certificate required and verified
 * against `ca`. A client that fails (no certificate, an unknown CA, expired, not TLS at all) is
 * reported to `onRefused` and dropped: `onSecure` only ever sees verified clients, so nothing of
 * theirs reaches the Modbus layer. `admit` may turn a socket away before its handshake; `open`
 * is how many this server holds, handshaking or not.
 */
export function createTlsServer(
  settings: TlsSettings,
  onSecure: (socket: tls.TLSSocket) => void,
  onRefused: (error: TlsError) => void,
  admit: (open: number) => boolean = () => true,
): tls.Server {
  const server = tls.createServer({
    ...baseOptions(settings),
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: HANDSHAKE_TIMEOUT,
  }, (socket) => {
    socket.setNoDelay(true);
    onSecure(socket);
  });
  const state = { raw: new Set<net.Socket>(), closed: false };
  accepted.set(server, state);
  // The TLS server's own 'connection' listener starts the handshake; it runs only for a socket
  // admitted, so one turned away costs no TLS state and is not reported as a TLS refusal.
  const startHandshake = server.listeners('connection') as ((socket: net.Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: net.Socket) => {
    if (!admit(state.raw.size)) {
      socket.destroy();
      return;
    }
    state.raw.add(socket);
    socket.once('close', () => state.raw.delete(socket));
    for (const start of startHandshake) start.call(server, socket);
  });
  server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
    // A certificate that did not verify ends the socket without an error of its own ("socket hang
    // up"); why is in authorizationError (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE...).
    const why = socket.authorizationError;
    const who = socket.remoteAddress !== undefined ? ` ${socket.remoteAddress}:${socket.remotePort ?? 0}` : '';
    socket.destroy();
    if (state.closed) return; // a handshake the close itself cut short
    const cause = why ? Object.assign(new Error(`client certificate did not verify (${String(why)})`), { code: String(why) }) : err;
    onRefused(new TlsError(`TLS client${who} refused`, cause));
  });
  return server;
}

/** Destroy every connection of a server made by createTlsServer, handshaking or not. */
export function destroyTlsConnections(server: net.Server): void {
  const state = accepted.get(server);
  if (!state) return;
  state.closed = true;
  for (const s of state.raw) s.destroy();
}
