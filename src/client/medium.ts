import { ascii, rtu } from '../codec';
import { SerialMedium } from '../transport/serial';
import { TcpMedium } from '../transport/tcp';
import { TlsMedium } from '../transport/tls';
import type { Medium } from '../transport/types';
import { UdpMedium } from '../transport/udp';
import type { ClientTransportOptions } from './types';

/** The medium for a client's transport options. */
export function createMedium(t: ClientTransportOptions): Medium {
  switch (t.type) {
    case 'tcp': return new TcpMedium(t.host, t.port);
    case 'rtu-tcp': return new TcpMedium(t.host, t.port, rtu);
    case 'tls': return new TlsMedium(t.host, t.port, t.tls);
    case 'udp': return new UdpMedium(t.host, t.port);
    case 'rtu': return new SerialMedium(t, rtu);
    case 'ascii': return new SerialMedium(t, ascii);
  }
}
