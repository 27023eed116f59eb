/**
 * A partial RTU frame followed by this much silence is stale: the rest is never coming, so the
 * bytes are dropped before the next ones are read. Generous beyond t3.5 because USB adapters,
 * ptys and TCP deliver bytes in bursts; without it a garbled tail would wait for 256 bytes.
 */
export const STALE_GAP_MS = 50;
