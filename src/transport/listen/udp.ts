import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { mbap, type Deframer } from '../../codec';
import type { Answer, IndicationSink, Link, Listener, ListenOptions } from './types';

type UdpOptions = Extract<ListenOptions, { type: 'udp' }>;

/** Peers remembered at once unless the options say otherwise. */
export const DEFAULT_MAX_PEERS = 1024;

/** One peer: its link (the engine bounds route calls per link) and its answers still being worked out. */
interface Peer {
  link: Link;
  inFlight: number;
}

/**
 * Modbus TCP's MBAP framing over UDP, as a server: one datagram is one ADU, and the answer goes
 * to the address it came from. A datagram that is not exactly one well-formed ADU is dropped and
 * counted, never thrown. Each peer gets a link of its own, so the engine's per-link bound on
 * route calls waiting holds per peer; the number of peers is bounded too.
 */
export class UdpListener implements Listener {
  address: { host?: string; port?: number } = {};
  private readonly socket: dgram.Socket;
  /** One deframer, emptied before each datagram: a datagram never continues another. */
  private readonly deframer: Deframer = mbap.createDeframer('indication');
  private readonly peers = new Map<string, Peer>();
  private readonly maxPeers: number;
  private closed = false;

  constructor(private readonly sink: IndicationSink, private readonly options: UdpOptions) {
    const max = options.maxPeers;
    this.maxPeers = max !== undefined && Number.isFinite(max) && max > 0 ? Math.floor(max) : DEFAULT_MAX_PEERS;
    this.socket = dgram.createSocket(isIP(options.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => this.onMessage(msg, rinfo));
    // A send to a peer that has gone (ICMP unreachable) and the like: reported, the socket serves on.
    this.socket.on('error', (err: Error) => {
      if (this.address.port !== undefined) this.sink.onTransportError(err);
    });
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.socket.once('error', onError);
      this.socket.bind(this.options.port, this.options.host, () => {
        this.socket.off('error', onError);
        const a = this.socket.address();
        this.address = { host: a.address, port: a.port };
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    this.peers.clear();
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // never bound, or closed already
      }
    });
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    const peer = this.peer(rinfo);
    if (!peer) {
      this.sink.onConnectionRefused();
      return;
    }
    const link = peer.link;
    try {
      this.deframer.reset();
      this.deframer.push(msg);
      const r = this.deframer.next();
      if (r.type !== 'frame' || this.deframer.buffered > 0) {
        this.sink.onMalformed(r.type === 'error' ? r.error : new Error(r.type === 'frame' ? 'datagram carries more than one ADU' : 'datagram shorter than its MBAP length'), link);
        return;
      }
      const result = this.sink.handleFrame(r.frame, link);
      if (!(result instanceof Promise)) {
        this.send(result, rinfo);
        return;
      }
      peer.inFlight++;
      result.then((a) => {
        peer.inFlight--;
        this.send(a, rinfo);
      }, () => { peer.inFlight--; });
    } catch (err) {
      this.sink.onMalformed(err, link);
    } finally {
      this.deframer.reset();
    }
  }

  /** The peer's entry, made on its first datagram; undefined when the table is full of busy peers. */
  private peer(rinfo: dgram.RemoteInfo): Peer | undefined {
    const key = `${rinfo.address}|${rinfo.port}`;
    let peer = this.peers.get(key);
    if (peer) return peer;
    if (this.peers.size >= this.maxPeers) {
      // Forget the peers with nothing waiting: they cost nothing to make again.
      for (const [k, p] of this.peers) if (p.inFlight === 0) this.peers.delete(k);
      if (this.peers.size >= this.maxPeers) return undefined;
    }
    peer = { link: { framing: mbap, broadcast: false, remote: { address: rinfo.address, port: rinfo.port } }, inFlight: 0 };
    this.peers.set(key, peer);
    return peer;
  }

  private send(adu: Answer, rinfo: dgram.RemoteInfo): void {
    if (!adu || this.closed) return;
    // A lost answer is the client's timeout, as for any datagram.
    this.socket.send(adu, rinfo.port, rinfo.address, () => undefined);
  }
}
