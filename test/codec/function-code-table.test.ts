/**
 * The codec's function code table (issue 14 item 2): every set the layers above use derives from
 * it. These pin the sets to what the layers held before the table, so a wrong descriptor shows.
 */
import { strict as assert } from 'node:assert';
import {
  BROADCAST_FUNCTION_CODES, DATA_FUNCTION_CODES, FUNCTION_CODE_DESCRIPTORS, FUNCTION_CODE_TABLE, FunctionCode,
  MEMORY_FUNCTION_CODES, ROUTABLE_FUNCTION_CODES, WRITE_FUNCTION_CODES, functionCodeDescriptor, functionCodesWhere,
  isKnownFunctionCode, requestRanges,
} from '../../src/codec';
import { STORED_WRITE_FUNCTION_CODES } from '../../src/server/memory-handler';
import { READ_FUNCTION_CODES } from '../../src/nodes/common/read-request';
import { WRITE_FUNCTION_CODES as NODE_WRITE_FUNCTION_CODES } from '../../src/nodes/common/write-request';

const sorted = (s: Iterable<number>): number[] => [...s].sort((a, b) => a - b);

describe('function code table', () => {
  it('has one descriptor per FunctionCode, keyed by its code and named by its key', () => {
    assert.deepEqual(sorted(FUNCTION_CODE_DESCRIPTORS.map((d) => d.fc)), sorted(Object.values(FunctionCode)));
    for (const [key, fc] of Object.entries(FunctionCode)) {
      const d = FUNCTION_CODE_TABLE[fc];
      assert.equal(d.fc, fc);
      assert.equal(d.name, key);
      assert.equal(functionCodeDescriptor(fc), d);
      assert.ok(isKnownFunctionCode(fc));
    }
    assert.equal(functionCodeDescriptor(0x09), undefined);
    assert.equal(functionCodeDescriptor(0x80 | 0x03), undefined);
  });

  it('derives the sets the layers held before', () => {
    assert.deepEqual(sorted(WRITE_FUNCTION_CODES), [5, 6, 15, 16, 21, 22, 23]);
    assert.deepEqual(sorted(BROADCAST_FUNCTION_CODES), [5, 6, 15, 16, 21, 22]);
    assert.deepEqual(sorted(MEMORY_FUNCTION_CODES), [1, 2, 3, 4, 5, 6, 15, 16, 22, 23]);
    assert.deepEqual(sorted(STORED_WRITE_FUNCTION_CODES), [5, 6, 15, 16, 22, 23]);
    assert.deepEqual(sorted(DATA_FUNCTION_CODES), [1, 2, 3, 4, 5, 6, 15, 16, 20, 21, 22, 23, 24]);
    assert.deepEqual(sorted(ROUTABLE_FUNCTION_CODES), [1, 2, 3, 4, 5, 6, 7, 15, 16, 17, 20, 21, 22, 23, 24, 43]);
    assert.deepEqual(functionCodesWhere((d) => d.access === 'write'), [5, 6, 15, 16, 21, 22]);
    assert.deepEqual([...READ_FUNCTION_CODES], [1, 2, 3, 4, 7, 11, 12, 17, 20, 24, 43]);
    assert.deepEqual([...NODE_WRITE_FUNCTION_CODES], [5, 6, 15, 16, 21, 22, 23]);
  });

  it('keeps its invariants: broadcasts are writes, memory codes address a table, data codes are routable', () => {
    for (const d of FUNCTION_CODE_DESCRIPTORS) {
      if (d.broadcastable) assert.ok(WRITE_FUNCTION_CODES.has(d.fc), `FC ${d.fc} broadcastable but not a write`);
      if (d.memory) assert.ok(d.table !== undefined && d.ranges !== undefined, `FC ${d.fc} served by memory without a table`);
      if (d.table !== undefined) assert.ok(d.ranges !== undefined, `FC ${d.fc} addresses a table without ranges`);
    }
  });

  it('gives the address ranges each request touches', () => {
    assert.deepEqual(requestRanges({ fc: 0x01, address: 7, quantity: 9 }), [[7, 9]]);
    assert.deepEqual(requestRanges({ fc: 0x02, address: 7, quantity: 9 }), [[7, 9]]);
    assert.deepEqual(requestRanges({ fc: 0x03, address: 7, quantity: 9 }), [[7, 9]]);
    assert.deepEqual(requestRanges({ fc: 0x04, address: 7, quantity: 9 }), [[7, 9]]);
    assert.deepEqual(requestRanges({ fc: 0x05, address: 7, value: true }), [[7, 1]]);
    assert.deepEqual(requestRanges({ fc: 0x06, address: 7, value: 3 }), [[7, 1]]);
    assert.deepEqual(requestRanges({ fc: 0x0f, address: 7, values: [true, false, true] }), [[7, 3]]);
    assert.deepEqual(requestRanges({ fc: 0x10, address: 7, values: [1, 2] }), [[7, 2]]);
    assert.deepEqual(requestRanges({ fc: 0x16, address: 7, andMask: 1, orMask: 2 }), [[7, 1]]);
    assert.deepEqual(requestRanges({ fc: 0x17, readAddress: 1, readQuantity: 2, writeAddress: 10, values: [1, 2, 3] }), [[1, 2], [10, 3]]);
    assert.deepEqual(requestRanges({ fc: 0x18, address: 7 }), [[7, 1]]);
    assert.deepEqual(requestRanges({ fc: 0x07 }), []);
    assert.deepEqual(requestRanges({ fc: 0x11 }), []);
    assert.deepEqual(requestRanges({ fc: 0x14, references: [{ fileNumber: 1, recordNumber: 0, recordLength: 2 }] }), []);
  });
});
