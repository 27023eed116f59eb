/** The TLS flags of every umodbus command (Modbus/TCP Security): --tls with --ca, --cert, --key. */
import { readFileSync } from 'node:fs';
import type { TlsClientSettings } from '../transport/tls';
import { UsageError } from './args';

export const TLS_USAGE = `TCP + TLS (Modbus/TCP Security, port 802 by default), with --tcp:
  --tls                    MBAP over TLS 1.2+, mutual authentication with X.509 certificates
  --ca FILE                PEM: the CA the peer's certificate must chain to
  --cert FILE --key FILE   PEM: this side's certificate (a client's carries its role) and key`;

/** Flags these options add, in node:util parseArgs form. */
export const TLS_OPTIONS = {
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  servername: { type: 'string' },
} as const;

function pem(file: string | undefined, flag: string): string {
  if (file === undefined) throw new UsageError(`--tls needs --${flag} FILE`);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: ${(err as Error).message}`);
  }
}

/** Read the PEM files the flags name; every one of --ca, --cert and --key is required (mutual authentication). */
export function tlsFromFlags(flags: { ca?: string; cert?: string; key?: string; servername?: string }): TlsClientSettings {
  const out: TlsClientSettings = { ca: pem(flags.ca, 'ca'), cert: pem(flags.cert, 'cert'), key: pem(flags.key, 'key') };
  if (flags.servername !== undefined) out.servername = flags.servername;
  return out;
}

/** TLS file flags given without --tls are a mistake worth saying so. */
export function checkTlsFlags(tls: boolean, flags: Record<string, unknown>): void {
  if (tls) return;
  const stray = ['ca', 'cert', 'key', 'servername'].find((k) => flags[k] !== undefined);
  if (stray) throw new UsageError(`--${stray} applies with --tls only`);
}
