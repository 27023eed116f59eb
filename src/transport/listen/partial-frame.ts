/**
 * A partial RTU frame followed by this much silence is stale: the rest is never coming, so the
 * bytes are dropped before the next ones are read. Generous beyond t3.5 because USB adapters,
 * ptys and TCP deliver bytes in bursts; without it a garbled tail would wait for 256 bytes.
 */
export const STALE_GAP_MS = 50;

/**
 * ASCII frames may pause between characters for up to a second (the serial line spec's default
 * inter-character timeout, section 2.5.2.1); past it a partial frame is stale.
 */
export const ASCII_STALE_GAP_MS = 1000;

/**
 * The silence, ms, after which a partial frame on a serial line is dropped: for RTU STALE_GAP_MS,
 * longer at very low baud rates where t3.5 itself nears it; for ASCII a second.
 */
export function staleGap(framing: 'rtu' | 'ascii', t35: number): number {
  return framing === 'ascii' ? ASCII_STALE_GAP_MS : Math.max(STALE_GAP_MS, 4 * t35);
}
