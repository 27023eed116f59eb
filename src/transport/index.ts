/** Byte pipes per medium, with reconnect and backoff; framing is known only through the codec's Framing. */
export * from './types';
export { ConnectError } from './errors';
export { Backoff } from './backoff';
export { Transport, type TransportOptions } from './transport';
export { TcpMedium } from './tcp';
export { SerialMedium, type SerialLineSettings } from './serial';
export { UdpMedium } from './udp';
export { TlsError } from './tls-error';
export {
  TlsMedium, MODBUS_TLS_PORT, createTlsServer, destroyTlsConnections, peerRole, type Pem, type TlsSettings, type TlsClientSettings,
} from './tls';
export { ROLE_OID, roleFromCertificate } from './x509-role';
