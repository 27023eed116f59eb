/**
 * `umodbus serve`: a Modbus server on TCP, RTU over TCP or a serial line, answering from a memory
 * map. Prints one ready line naming what it actually bound, then serves until SIGINT or SIGTERM.
 */
import { UsageError } from './args';
import { TLS_USAGE, checkTlsFlags, tlsFromFlags } from './tls-flags';
import { ModbusServer, loadMapFile, type ServerListenOptions, type ServerOptions, type ServerRequestEvent } from '../server';

const USAGE = `usage: umodbus serve (--tcp HOST:PORT | --rtu-tcp HOST:PORT | --rtu PATH --baud N) [options]

  --tcp HOST:PORT          Modbus TCP (port 0 picks a free port)
  --rtu-tcp HOST:PORT      RTU frames over TCP
  --rtu PATH               RTU on a serial line, with --baud N [--parity none|even|odd]
                           [--data-bits 7|8] [--stop-bits 1|2]
  --unit 1,2,...           unit ids to answer (default: any)
  --map FILE.json          memory map and identity, e.g.
                           {"holdingRegisters":{"start":0,"values":[1,2,3]},"identity":{"vendorName":"ACME"}}
  --max-connections N      TCP: connections at once
  --connection-policy P    TCP, past the limit: refuse (default) | close-oldest-idle
  --idle-timeout MS        TCP: close a connection quiet this long
  --no-fc8                 answer every FC 8 (Diagnostics) with exception 01. With FC 8
                           on, a serial line's FC 8 acts on that line only, and over TCP
                           the sub-functions that change state (01, 03, 04, 0A, 14) get 01
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
  let tls = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--no-fc8') {
      fc8 = false;
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
  const known = ['--tcp', '--rtu-tcp', '--rtu', '--baud', '--parity', '--data-bits', '--stop-bits', '--unit', '--map', '--max-connections', '--connection-policy', '--idle-timeout', '--ca', '--cert', '--key'];
  for (const k of opts.keys()) if (!known.includes(k)) throw new UsageError(`unknown option ${k}`);
  const modes = ['--tcp', '--rtu-tcp', '--rtu'].filter((m) => opts.has(m));
  if (modes.length !== 1) throw new UsageError('give exactly one of --tcp, --rtu-tcp or --rtu');
  const get = (k: string): string | undefined => opts.get(k);
  let listen: ServerListenOptions;
  if (modes[0] === '--rtu') {
    const baud = get('--baud');
    if (baud === undefined) throw new UsageError('--rtu needs --baud N');
    const parity = get('--parity') ?? 'none';
    if (parity !== 'none' && parity !== 'even' && parity !== 'odd') throw new UsageError(`--parity wants none, even or odd, got "${parity}"`);
    listen = {
      type: 'rtu', path: get('--rtu') ?? '', baudRate: integer(baud, '--baud', 1, 4000000), parity,
      dataBits: integer(get('--data-bits') ?? '8', '--data-bits', 7, 8) as 7 | 8,
      stopBits: integer(get('--stop-bits') ?? '1', '--stop-bits', 1, 2) as 1 | 2,
    };
  } else {
    const type = modes[0] === '--tcp' ? 'tcp' : 'rtu-tcp';
    if (tls && type !== 'tcp') throw new UsageError('--tls goes with --tcp (Modbus/TCP Security is MBAP over TLS)');
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
  return { listen, unitIds, map: get('--map'), verbose, fc8 };
}

function describe(listen: ServerListenOptions, bound: { host?: string; port?: number; path?: string }): string {
  if (listen.type === 'rtu') return `listening on rtu ${bound.path ?? listen.path} at ${listen.baudRate} baud`;
  const host = bound.host ?? listen.host;
  return `listening on ${listen.type} ${host.includes(':') ? `[${host}]` : host}:${bound.port ?? listen.port}`;
}

/** What to do about EACCES on a port below 1024, which needs privileges. */
function privilegeHint(err: unknown, listen: ServerListenOptions): string {
  if ((err as { code?: string }).code !== 'EACCES' || listen.type === 'rtu' || listen.port <= 0 || listen.port >= 1024) return '';
  return ` (a port below 1024 needs privileges: use a port of 1024 or more, e.g. 5020, or give Node.js the capability once with sudo setcap 'cap_net_bind_service=+ep' "$(readlink -f "$(command -v node)")")`;
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
  let bound;
  try {
    bound = await server.listen(args.listen);
  } catch (err) {
    process.stderr.write(`umodbus serve: cannot listen: ${(err as Error).message}${privilegeHint(err, args.listen)}\n`);
    await server.close();
    return 1;
  }
  process.stdout.write(`${describe(args.listen, bound)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
