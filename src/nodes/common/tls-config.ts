/**
 * TCP + TLS (Modbus/TCP Security) in the nodes: certificates come from Node-RED's own tls-config
 * node, so they are managed as for MQTT and HTTP, and keys stay in its credentials, never in
 * flows.json.
 */
import { ConfigError } from '../../codec/errors';
import type { Pem, TlsClientSettings } from '../../transport/tls';
import type { NodeAPI } from './red-types';

/** What a tls-config node offers: it fills Node's tls options from its settings and credentials. */
interface TlsConfigNode {
  addTLSOptions(opts: Record<string, unknown>): Record<string, unknown>;
}

function isTlsConfigNode(n: unknown): n is TlsConfigNode {
  return typeof n === 'object' && n !== null && typeof (n as { addTLSOptions?: unknown }).addTLSOptions === 'function';
}

function pem(v: unknown): Pem | undefined {
  if (typeof v === 'string' || Buffer.isBuffer(v)) return v.length > 0 ? v : undefined;
  return undefined;
}

/**
 * The TLS settings of the tls-config node `id`. All three of CA, certificate and key are required:
 * Modbus/TCP Security authenticates both sides. `rejectUnauthorized` and `servername` are the
 * node's "verify server certificate" and "server name" (the client uses them; a server always
 * requires and verifies the client's certificate).
 */
export function tlsSettingsFrom(RED: NodeAPI, id: unknown): TlsClientSettings {
  const node = typeof id === 'string' && id !== '' ? RED.nodes.getNode(id) : null;
  if (!isTlsConfigNode(node)) throw new ConfigError('TCP + TLS needs a TLS configuration (a tls-config node)');
  const opts = node.addTLSOptions({});
  const ca = pem(opts.ca);
  const cert = pem(opts.cert);
  const key = pem(opts.key);
  if (!ca || !cert || !key) {
    throw new ConfigError('the TLS configuration needs a CA certificate, a certificate and a private key (Modbus/TCP Security authenticates both sides)');
  }
  const out: TlsClientSettings = { ca, cert, key, rejectUnauthorized: opts.rejectUnauthorized !== false };
  if (typeof opts.passphrase === 'string' && opts.passphrase !== '') out.passphrase = opts.passphrase;
  if (typeof opts.servername === 'string' && opts.servername !== '') out.servername = opts.servername;
  return out;
}
