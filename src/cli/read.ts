/**
 * `umodbus read`: one read (or a poll of --count reads), printed for people or, with --json,
 * as one JSON object per line.
 */
import { FUNCTION_CODE_TABLE, FunctionCode, functionCodesWhere, registersPerValue, registersToValues, type DataValue, type ModbusRequest, type ModbusResponse } from '../codec';
import { ModbusClient } from '../client';
import {
  CONNECTION_OPTIONS, CONNECTION_USAGE, Exit, NOT_IN_CLI, UsageError, clientOptions, describeError, intFlag, parse, toJson, typeFlags, type Flags,
} from './args';

/** What each read reads, in words, from the codec's function code table. */
const FC_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  functionCodesWhere((d) => d.access === 'read' && !NOT_IN_CLI.has(d.fc)).map((fc) => [fc, FUNCTION_CODE_TABLE[fc as FunctionCode].label]),
);

/** The reads of the codec's function code table that `umodbus read` does: those of a data table, then the rest. */
const TABLE_READS = functionCodesWhere((d) => d.access === 'read' && !NOT_IN_CLI.has(d.fc) && d.table !== undefined);
const OTHER_READS = functionCodesWhere((d) => d.access === 'read' && !NOT_IN_CLI.has(d.fc) && d.table === undefined);

const USAGE = `usage: umodbus read <connection> --fc N [--unit N] [--address N] [--quantity N]
                    [--type T --order ABCD|CDAB|BADC|DCBA] [--count N --interval MS] [--json]
  ${`--fc ${TABLE_READS.join('|')}`.padEnd(25)}${TABLE_READS.map((fc) => FC_NAMES[fc]).join(', ')} (3)
  ${`--fc ${OTHER_READS.join('|')}`.padEnd(25)}exception status, comm event counter, event log, server id, FIFO (at --address), device id
  --address N              first address, 0-based (0)
  --quantity N             how many to read: coils or inputs (--fc 1, 2), registers (--fc 3, 4),
                           or with --type values of that type (a float32 is 2 registers;
                           --type string counts registers, 2 characters each) (1)
  --type T                 decode registers as bool, int16, uint16, int32, uint32, float32, int64, uint64, float64, string
  --count N                reads to make, 0 for until interrupted (1); --interval MS between them (1000)
${CONNECTION_USAGE}
exit: 0 ok, 2 usage, 3 Modbus exception, 4 timeout, 5 connection failure, 1 other`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  fc: { type: 'string' },
  address: { type: 'string' },
  quantity: { type: 'string' },
  count: { type: 'string' },
  interval: { type: 'string' },
} as const;


interface ReadPlan {
  unitId: number;
  req: ModbusRequest;
  address: number;
  decode: ((regs: number[]) => DataValue[]) | undefined;
  typeLabel: string | undefined;
}

function plan(flags: Flags): ReadPlan {
  const unitId = intFlag(flags, 'unit', 0, 255, 1);
  const fc = intFlag(flags, 'fc', 1, 127, 3);
  const address = intFlag(flags, 'address', 0, 0xffff, 0);
  const { type, order } = typeFlags(flags);
  if (type && fc !== 3 && fc !== 4) throw new UsageError('--type applies to --fc 3 and 4 only');
  if (type === 'string' && flags.quantity === undefined) throw new UsageError('--type string needs --quantity (registers)');
  // With --type, --quantity counts values of that type, as the read node's quantity does.
  const count = intFlag(flags, 'quantity', 1, 2000, 1);
  const quantity = type && type !== 'string' ? count * registersPerValue(type) : count;
  let req: ModbusRequest;
  switch (fc) {
    case 1: case 2: req = { fc, address, quantity }; break;
    case 3: case 4: req = { fc, address, quantity }; break;
    case 7: req = { fc: 0x07 }; break;
    case 11: req = { fc: 0x0b }; break;
    case 12: req = { fc: 0x0c }; break;
    case 17: req = { fc: 0x11 }; break;
    case 24: req = { fc: 0x18, address }; break;
    case 43: req = { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0 }; break;
    default: throw new UsageError(`umodbus read does not do --fc ${fc}; writes are \`umodbus write\``);
  }
  return {
    unitId, req, address,
    decode: type ? (regs) => registersToValues(regs, type, order) : undefined,
    typeLabel: type ? `${type} ${order}` : undefined,
  };
}

/** The values a response carries, for the compact forms of output. */
function valuesOf(res: ModbusResponse): (number | boolean)[] | undefined {
  return 'values' in res ? res.values : undefined;
}

function human(p: ReadPlan, res: ModbusResponse): string {
  const what = `unit ${p.unitId} ${FC_NAMES[p.req.fc] ?? `fc ${p.req.fc}`}`;
  const values = valuesOf(res);
  if (values === undefined) {
    if (res.fc === 0x2b) return `${what}: ${res.objects.map((o) => `${o.id}=${JSON.stringify(o.value)}`).join(' ')}`;
    const { fc: _fc, ...rest } = res;
    return `${what}: ${toJson(rest)}`;
  }
  if (p.decode) return `${what} @${p.address} (${p.typeLabel}): ${p.decode(values as number[]).map(String).join(' ')}`;
  const shown = values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  return `${what} @${p.address}: ${shown.join(' ')}`;
}

function json(p: ReadPlan, res: ModbusResponse): string {
  const values = valuesOf(res);
  const base = { time: new Date().toISOString(), unit: p.unitId, fc: p.req.fc };
  if (values === undefined) {
    const { fc: _fc, ...response } = res;
    return toJson({ ...base, response });
  }
  const out: Record<string, unknown> = { ...base, address: p.address, values };
  if (p.decode) out.decoded = p.decode(values as number[]);
  return toJson(out);
}

/** Run `umodbus read`; resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  let flags: Flags;
  let p: ReadPlan;
  let count: number;
  let interval: number;
  let client: ModbusClient;
  try {
    flags = parse(argv, OPTIONS, false).flags;
    if (flags.help) {
      process.stdout.write(USAGE + '\n');
      return Exit.Ok;
    }
    p = plan(flags);
    count = intFlag(flags, 'count', 0, Number.MAX_SAFE_INTEGER, 1);
    interval = intFlag(flags, 'interval', 0, 86_400_000, 1000);
    client = new ModbusClient(clientOptions(flags));
  } catch (e) {
    const d = describeError(e);
    process.stderr.write(`umodbus read: ${d.message}\n${d.exit === Exit.Usage ? 'try: umodbus read --help\n' : ''}`);
    return d.exit;
  }

  let exit: number = Exit.Ok;
  let stop = false;
  let wake: (() => void) | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;
  const onSignal = (): void => {
    stop = true;
    if (sleepTimer) clearTimeout(sleepTimer);
    wake?.();
  };
  process.once('SIGINT', onSignal);
  try {
    for (let i = 0; !stop && (count === 0 || i < count); i++) {
      if (i > 0 && interval > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          sleepTimer = setTimeout(resolve, interval);
        });
        sleepTimer = undefined;
        wake = undefined;
        if (stop) break;
      }
      try {
        const res = (await client.request(p.unitId, p.req)) as ModbusResponse;
        process.stdout.write((flags.json ? json(p, res) : human(p, res)) + '\n');
      } catch (e) {
        const d = describeError(e);
        exit = d.exit;
        if (flags.json) process.stdout.write(toJson({ time: new Date().toISOString(), unit: p.unitId, fc: p.req.fc, error: { code: (e as { code?: string }).code, message: d.message } }) + '\n');
        process.stderr.write(`umodbus read: ${d.message}\n`);
        if (d.exit === Exit.Usage || d.exit === Exit.Failure) break; // the request itself is wrong; repeating it cannot help
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    await client.close();
  }
  return exit;
}
