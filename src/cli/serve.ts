/**
 * `umodbus serve`: a Modbus server on TCP, RTU over TCP or a serial line, answering from a memory
 * map. Prints one ready line naming what it actually bound, then serves until SIGINT or SIGTERM.
 */
import { UsageError } from './args';
import { TLS_USAGE, checkTlsFlags, tlsFromFlags } from './tls-flags';
import { ListenRetry, ModbusServer, loadMapFile, type BoundAddress, type ServerListenOptions, type ServerOptions, type ServerRequestEvent } from '../server';

const USAGE = `usage: umodbus serve (--tcp HOST:PORT | --rtu-tcp HOST:PORT | --udp HOST:PORT | --rtu PATH --baud N | --ascii PATH --baud N) [options]

  --tcp HOST:PORT          Modbus TCP (port 0 picks a free port)
  --rtu-tcp HOST:PORT      RTU frames over TCP
  --udp HOST:PORT          Modbus TCP framing over UDP: one ADU per datagram, answered
                           to its sender
  --rtu PATH               RTU on a serial line, with --baud N [--parity none|even|odd]
                           [--data-bits 7|8] [--stop-bits 1|2]
  --ascii PATH             ASCII on a serial line, with the same line settings
                           (ASCII lines are often 7 data bits, even parity)
  --unit 1,2,...           unit ids to answer (default: any; on RTU and ASCII 1-247,
                           as 248-255 are reserved there unless listed)
  --map FILE.json          memory map and identity, e.g.
                           {"holdingRegisters":{"start":0,"values":[1,2,3]},"identity":{"vendorName":"ACME"}}
  --max-connections N      TCP: connections at once
  --connection-policy P    TCP, past the limit: refuse (default) | close-oldest-idle
  --idle-timeout MS        TCP: close a connection quiet this long
  --no-fc8                 answer every FC 8 (Diagnostics) with exception 01. With FC 8
                           on, a serial line's FC 8 acts on that line only, and over TCP
                           the sub-functions that change state (01, 03, 04, 0A, 14) get 01
  --no-retry               exit 1 when the first attempt to listen fails. By default a
                           port in use or a serial line not there yet is tried again,
                           from 1 s doubling up to 10 s, until it works or a signal
                           stops it; missing privileges or an unknown address exit 1
  --verbose                log each request to stderr
  --tls --ca FILE --cert FILE --key FILE
                           with --tcp: Modbus/TCP Security, every client must present a
                           certificate from --ca; roles go in the map's "access":
                           {"access":{"read":["Operator","Viewer"],"write":["Operator"]}}
${TLS_USAGE}
`;


interface Args {
  listen: ServerListenOptions;
  unitIds?: number[];
  map?: string;
  verbose: boolean;
  fc8: boolean;
  retry: boolean;
}

function hostPort(v: string, flag: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const host = v.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(v.slice(i + 1));
  if (i <= 0 || !host || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} wants HOST:PORT, got "${v}"`);
  return { host, port };
}

function integer(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} wants an integer ${min}..${max}, got "${v}"`);
  return n;
}

function parse(argv: string[]): Args | 'help' {
  const opts = new Map<string, string>();
  let verbose = false;
  let fc8 = true;
  let retry = true;
  let tls = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--no-fc8') {
      fc8 = false;
      continue;
    }
    if (a === '--no-retry') {
      retry = false;
      continue;
    }
    if (a === '--tls') {
      tls = true;
      continue;
    }
    if (a === '--verbose' || a === '-v') {
      verbose = true;
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${a} needs a value`);
    opts.set(a, v);
    i++;
  }
  const known = ['--tcp', '--rtu-tcp', '--udp', '--rtu', '--ascii', '--baud', '--parity', '--data-bits', '--stop-bits', '--unit', '--map', '--max-connections', '--connection-policy', '--idle-timeout', '--ca', '--cert', '--key'];
  for (const k of opts.keys()) if (!known.includes(k)) throw new UsageError(`unknown option ${k}`);
  const modes = ['--tcp', '--rtu-tcp', '--udp', '--rtu', '--ascii'].filter((m) => opts.has(m));
  if (modes.length !== 1) throw new UsageError('give exactly one of --tcp, --rtu-tcp, --udp, --rtu or --ascii');
  if (tls && modes[0] !== '--tcp') throw new UsageError('--tls goes with --tcp (Modbus/TCP Security is MBAP over TLS)');
  const get = (k: string): string | undefined => opts.get(k);
  let listen: ServerListenOptions;
  if (modes[0] === '--rtu' || modes[0] === '--ascii') {
    const mode = modes[0];
    const baud = get('--baud');
    if (baud === undefined) throw new UsageError(`${mode} needs --baud N`);
    const parity = get('--parity') ?? 'none';
    if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new UsageError(`--parity wants none, even or odd, got "${parity}"`);
    listen = {
      type: mode === '--rtu' ? 'rtu' : 'ascii', path: get(mode) ?? '', baudRate: integer(baud, '--baud', 1, 4000000), parity,
      dataBits: integer(get('--data-bits') ?? '8', '--data-bits', 7, 8) as 7 | 8,
      stopBits: integer(get('--stop-bits') ?? '1', '--stop-bits', 1, 2) as 1 | 2,
    };
  } else if (modes[0] === '--udp') {
    listen = { type: 'udp', ...hostPort(get('--udp') ?? '', '--udp') };
  } else {
    const type = modes[0] === '--tcp' ? 'tcp' : 'rtu-tcp';
    const policy = get('--connection-policy') ?? 'refuse';
    if (policy !== 'refuse' && policy !== 'close-oldest-idle') throw new UsageError(`--connection-policy wants refuse or close-oldest-idle, got "${policy}"`);
    const max = get('--max-connections');
    const idle = get('--idle-timeout');
    const settings = {
      ...hostPort(get(modes[0]) ?? '', modes[0]), connectionPolicy: policy,
      ...(max === undefined ? {} : { maxConnections: integer(max, '--max-connections', 1, 100000) }),
      ...(idle === undefined ? {} : { idleTimeout: integer(idle, '--idle-timeout', 1, 2 ** 31 - 1) }),
    } as const;
    if (tls) {
      const { ca, cert, key } = tlsFromFlags({ ca: get('--ca'), cert: get('--cert'), key: get('--key') });
      listen = { type: 'tls', ...settings, tls: { ca, cert, key } };
    } else {
      listen = { type, ...settings };
    }
  }
  checkTlsFlags(tls, { ca: get('--ca'), cert: get('--cert'), key: get('--key') });
  const unit = get('--unit');
  const unitIds = unit === undefined ? undefined : unit.split(',').map((u) => integer(u, '--unit', 0, 255));
  return { listen, unitIds, map: get('--map'), verbose, fc8, retry };
}

function describe(listen: ServerListenOptions, bound: { host?: string; port?: number; path?: string }): string {
  if ('path' in listen) return `listening on ${listen.type} ${bound.path ?? listen.path} at ${listen.baudRate} baud`;
  const host = bound.host ?? listen.host;
  return `listening on ${listen.type} ${host.includes(':') ? `[${host}]` : host}:${bound.port ?? listen.port}`;
}

/** What to do about EACCES on a port below 1024, which needs privileges. */
function privilegeHint(err: unknown, listen: ServerListenOptions): string {
  if ((err as { code?: string }).code !== 'EACCES' || 'path' in listen || listen.port <= 0 || listen.port >= 1024) return '';
  return ` (a port below 1024 needs privileges: use a port of 1024 or more, e.g. 5020, or give Node.js the capability once with sudo setcap 'cap_net_bind_service=+ep' "$(readlink -f "$(command -v node)")")`;
}

/** Failures that waiting will not cure: the command line (or the machine's setup) must change. */
function permanent(err: Error & { code?: string }): boolean {
  return ['EACCES', 'EPERM', 'EADDRNOTAVAIL', 'ENOTFOUND'].includes(err.code ?? '') || /permission denied/i.test(err.message);
}

/** Wait for SIGINT or SIGTERM. */
function signalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function logRequest(e: ServerRequestEvent): void {
  const from = 'path' in e.remote ? e.remote.path : `${e.remote.address}:${e.remote.port}`;
  const { fc: _fc, ...body } = e.request;
  process.stderr.write(`${from} unit ${e.unitId}${e.broadcast ? ' (broadcast)' : ''} tid ${e.transactionId} fc ${e.fc} ${JSON.stringify(body)}\n`);
}

/** Resolves with the exit code once a signal has closed the server (or at once on bad input). */
export async function run(argv: string[]): Promise<number> {
  let args: Args | 'help';
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`umodbus serve: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: ServerOptions = { unitIds: args.unitIds, fc8: args.fc8 };
  if (args.map !== undefined) {
    try {
      options.memoryMap = await loadMapFile(args.map);
    } catch (err) {
      process.stderr.write(`umodbus serve: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const server = new ModbusServer(options);
  server.on('error', (err) => process.stderr.write(`umodbus serve: ${err.message}\n`));
  if (args.verbose) server.on('request', logRequest);
  // The same listen retry as the server node: a port in use is tried again until it is free.
  const stopped = signalled();
  const outcome = await new Promise<BoundAddress | 'failed' | 'stopped'>((resolve) => {
    const retry = new ListenRetry(server, args.listen, {
      listening: resolve,
      failed: (error, repeated) => {
        const last = !args.retry || permanent(error);
        if (!repeated || last) {
          process.stderr.write(`umodbus serve: cannot listen: ${error.message}${privilegeHint(error, args.listen)}${last ? '' : ' (retrying)'}\n`);
        }
        if (last) resolve('failed');
        return !last;
      },
    }).start();
    void stopped.then(() => retry.stop()).then(() => resolve('stopped'));
  });
  if (outcome === 'failed' || outcome === 'stopped') {
    await server.close();
    return outcome === 'failed' ? 1 : 0;
  }
  process.stdout.write(`${describe(args.listen, outcome)}\n`);
  await stopped;
  await server.close();
  return 0;
}
