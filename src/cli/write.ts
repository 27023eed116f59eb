/**
 * `umodbus write`: one write (FC 5, 6, 15, 16, 22 or 23), with values given as positionals and,
 * for registers, optionally typed (--type/--order) and packed by the codec.
 */
import { functionCodesWhere, registersToValues, writesData, valuesToRegisters, type ModbusRequest, type ModbusResponse } from '../codec';
import { ModbusClient } from '../client';
import {
  CONNECTION_OPTIONS, CONNECTION_USAGE, Exit, NOT_IN_CLI, UsageError, clientOptions, describeError, intFlag, parse, parseInteger, toJson, typeFlags,
  type Flags,
} from './args';

/** The writes of the codec's function code table that `umodbus write` does. */
const WRITES = functionCodesWhere((d) => writesData(d) && !NOT_IN_CLI.has(d.fc));

const USAGE = `usage: umodbus write <connection> --fc ${WRITES.join('|')} [--unit N] --address N VALUES... [--type T --order O] [--json]
  --fc 5 VALUE             one coil: 1|0|true|false|on|off
  --fc 6 VALUE             one register (with --type, a 16-bit type)
  --fc 15 VALUES...        coils from --address
  --fc 16 VALUES...        registers from --address (with --type, values of that type)
  --fc 22 AND OR           mask write one register
  --fc 23 VALUES... --read-address N --read-quantity N
                           write registers at --address, then read
  numbers are decimal, 0x hex or 0b binary; --unit 0 broadcasts
${CONNECTION_USAGE}
exit: 0 ok, 2 usage, 3 Modbus exception, 4 timeout, 5 connection failure, 1 other`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  fc: { type: 'string' },
  address: { type: 'string' },
  'read-address': { type: 'string' },
  'read-quantity': { type: 'string' },
} as const;

function parseBool(raw: string): boolean {
  const s = raw.toLowerCase();
  if (s === '1' || s === 'true' || s === 'on') return true;
  if (s === '0' || s === 'false' || s === 'off') return false;
  throw new UsageError(`"${raw}" is not a coil value (1, 0, true, false, on, off)`);
}

function registers(values: string[], flags: Flags): number[] {
  const { type, order } = typeFlags(flags);
  if (!type) return values.map((v) => parseInteger(v, 'register value', -0x8000, 0xffff) & 0xffff);
  return valuesToRegisters(values, type, order);
}

function build(flags: Flags, values: string[]): ModbusRequest {
  const fc = intFlag(flags, 'fc', 1, 127);
  const address = intFlag(flags, 'address', 0, 0xffff);
  if (values.length === 0) throw new UsageError('give the value(s) to write after the flags');
  const one = (): string => {
    if (values.length !== 1) throw new UsageError(`--fc ${fc} writes one value, got ${values.length}`);
    return values[0];
  };
  if (flags.type !== undefined && fc !== 6 && fc !== 16 && fc !== 23) throw new UsageError('--type applies to --fc 6, 16 and 23 only');
  switch (fc) {
    case 5: return { fc: 0x05, address, value: parseBool(one()) };
    case 6: {
      const regs = registers([one()], flags);
      if (regs.length !== 1) throw new UsageError(`--fc 6 writes one register; ${String(flags.type)} takes ${regs.length} (use --fc 16)`);
      return { fc: 0x06, address, value: regs[0] };
    }
    case 15: return { fc: 0x0f, address, values: values.map(parseBool) };
    case 16: return { fc: 0x10, address, values: registers(values, flags) };
    case 22: {
      if (values.length !== 2) throw new UsageError('--fc 22 takes two values: AND mask and OR mask');
      const [andMask, orMask] = values.map((v) => parseInteger(v, 'mask', 0, 0xffff));
      return { fc: 0x16, address, andMask, orMask };
    }
    case 23: return {
      fc: 0x17,
      writeAddress: address,
      values: registers(values, flags),
      readAddress: intFlag(flags, 'read-address', 0, 0xffff),
      readQuantity: intFlag(flags, 'read-quantity', 1, 125),
    };
    default: throw new UsageError(`umodbus write does not do --fc ${fc}; reads are \`umodbus read\``);
  }
}

function human(unitId: number, req: ModbusRequest, res: ModbusResponse | undefined, flags: Flags): string {
  if (res === undefined) return `broadcast fc ${req.fc} sent (no response is expected from unit 0)`;
  switch (res.fc) {
    case 0x05: return `unit ${unitId} coil @${res.address} = ${res.value ? 1 : 0}`;
    case 0x06: return `unit ${unitId} register @${res.address} = ${res.value}`;
    case 0x0f: return `unit ${unitId} wrote ${res.quantity} coils @${res.address}`;
    case 0x10: return `unit ${unitId} wrote ${res.quantity} registers @${res.address}`;
    case 0x16: return `unit ${unitId} register @${res.address} masked: AND 0x${res.andMask.toString(16)} OR 0x${res.orMask.toString(16)}`;
    case 0x17: {
      const { type, order } = typeFlags(flags);
      const rq = req as Extract<ModbusRequest, { fc: 0x17 }>;
      let shown = res.values.map(String);
      if (type) {
        try {
          shown = registersToValues(res.values, type, order).map(String);
        } catch {
          // The registers read do not hold whole values of the type: show them raw.
        }
      }
      return `unit ${unitId} wrote ${rq.values.length} registers @${rq.writeAddress}, read @${rq.readAddress}: ${shown.join(' ')}`;
    }
    default: return `unit ${unitId}: ${toJson(res)}`;
  }
}

/** Run `umodbus write`; resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  let flags: Flags;
  let req: ModbusRequest;
  let unitId: number;
  let client: ModbusClient;
  try {
    const parsed = parse(argv, OPTIONS, true);
    flags = parsed.flags;
    if (flags.help) {
      process.stdout.write(USAGE + '\n');
      return Exit.Ok;
    }
    unitId = intFlag(flags, 'unit', 0, 255, 1);
    req = build(flags, parsed.rest);
    client = new ModbusClient(clientOptions(flags));
  } catch (e) {
    const d = describeError(e);
    process.stderr.write(`umodbus write: ${d.message}\n${d.exit === Exit.Usage ? 'try: umodbus write --help\n' : ''}`);
    return d.exit;
  }
  try {
    const res = (await client.request(unitId, req)) as ModbusResponse | undefined;
    if (flags.json) {
      process.stdout.write(toJson({ time: new Date().toISOString(), unit: unitId, fc: req.fc, broadcast: unitId === 0, response: res ?? null }) + '\n');
    } else {
      process.stdout.write(human(unitId, req, res, flags) + '\n');
    }
    return Exit.Ok;
  } catch (e) {
    const d = describeError(e);
    if (flags.json) process.stdout.write(toJson({ time: new Date().toISOString(), unit: unitId, fc: req.fc, error: { code: (e as { code?: string }).code, message: d.message } }) + '\n');
    process.stderr.write(`umodbus write: ${d.message}\n`);
    return d.exit;
  } finally {
    await client.close();
  }
}
