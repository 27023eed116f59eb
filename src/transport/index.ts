/** Byte pipes per medium, with reconnect and backoff; framing is known only through the codec's Framing. */
export * from './types';
export { ConnectError } from './errors';
export { Backoff } from './backoff';
export { Transport, type TransportOptions } from './transport';
export { TcpMedium } from './tcp';
export { SerialMedium, characterTime, rtuInterFrameDelay, type SerialLineSettings, type SerialSettings } from './serial';
export { UdpMedium } from './udp';
export * from './listen';
export { TlsError } from './tls-error';
export {
  TlsMedium, MODBUS_TLS_PORT, createTlsServer, destroyTlsConnections, peerRole, type Pem, type TlsSettings, type TlsClientSettings,
} from './tls';
export { ROLE_OID, roleFromCertificate } from './x509-role';
