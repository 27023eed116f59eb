/** The CLI's function code lists and names come from the codec's function code table (issue 14 item 2). */
import { strict as assert } from 'node:assert';
import { FUNCTION_CODE_TABLE, FunctionCode, functionCodesWhere, writesData } from '../../src/codec';
import { NOT_IN_CLI } from '../../src/cli/args';
import { umodbus } from './run';

describe('umodbus function code lists', () => {
  it('read --help lists every read of the table but file records, with the data table reads named by the table', async () => {
    const help = await umodbus('read', '--help');
    assert.equal(help.code, 0);
    const reads = functionCodesWhere((d) => d.access === 'read' && !NOT_IN_CLI.has(d.fc));
    const listed = [...help.stdout.matchAll(/^ {2}--fc ([\d|]+) +(.*)$/gm)];
    assert.deepEqual(listed.flatMap(([, fcs]) => fcs.split('|').map(Number)), reads);
    assert.equal(listed[0][2], `${[1, 2, 3, 4].map((fc) => FUNCTION_CODE_TABLE[fc as FunctionCode].label).join(', ')} (3)`);
    assert.deepEqual([...NOT_IN_CLI], [0x14, 0x15]);
  });

  it('write --help lists every write of the table but file records', async () => {
    const help = await umodbus('write', '--help');
    assert.equal(help.code, 0);
    const m = /^usage: umodbus write <connection> --fc ([\d|]+) /m.exec(help.stdout);
    assert.ok(m);
    assert.deepEqual(m[1].split('|').map(Number), functionCodesWhere((d) => writesData(d) && !NOT_IN_CLI.has(d.fc)));
    assert.equal(m[1], '5|6|15|16|22|23');
  });
});
