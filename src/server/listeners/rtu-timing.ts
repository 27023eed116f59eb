import type { SerialSettings } from '../../client/types';

/**
 * The RTU inter-frame silence t3.5 in ms: 3.5 characters, or the spec's fixed 1.75 ms above
 * 19200 baud (serial line spec, section 2.5.1.1).
 */
export function interFrameDelay(o: Pick<SerialSettings, 'baudRate' | 'dataBits' | 'parity' | 'stopBits'>): number {
  if (o.baudRate > 19200) return 1.75;
  const bitsPerChar = 1 + (o.dataBits ?? 8) + ((o.parity ?? 'none') === 'none' ? 0 : 1) + (o.stopBits ?? 1);
  return (3.5 * bitsPerChar * 1000) / o.baudRate;
}

/**
 * A partial RTU frame followed by this much silence is stale: the rest is never coming, so the
 * bytes are dropped before the next ones are read. Generous beyond t3.5 because USB adapters,
 * ptys and TCP deliver bytes in bursts; without it a garbled tail would wait for 256 bytes.
 */
export const STALE_GAP_MS = 50;
