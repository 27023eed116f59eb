/** The msg ↔ request mapping and settings parsing, as plain functions (no Node-RED). */
import { strict as assert } from 'node:assert';
import { valuesToRegisters, type ModbusRequest } from '../../src/codec';
import { BadReplyError, resolveReply } from '../../src/server/route-reply';
import { QueueFullError } from '../../src/client';
import { BadMessageError, describeError, toNodeError } from '../../src/nodes/common/errors';
import { buildReadRequest, decodeReadResponse, readSettingsFrom } from '../../src/nodes/common/read-request';
import { indicationPayload, replyFromPayload } from '../../src/nodes/common/route-mapping';
import { routeFilterFrom } from '../../src/nodes/common/route-filter';
import { serverOptionsFrom } from '../../src/nodes/common/server-options';
import { intListSetting, jsonSetting } from '../../src/nodes/common/settings';
import { jsonSafe, payloadToBools, payloadToRegisters } from '../../src/nodes/common/values';
import { buildWriteRequest, writeSettingsFrom } from '../../src/nodes/common/write-request';
import { MAX_EXPIRED, PendingReplies } from '../../src/nodes/common/pending';

const bad = (fn: () => unknown): void => assert.throws(fn, BadMessageError);

describe('nodes: msg ↔ request mapping', () => {
  it('reads: quantity counts values of the type, registers for strings, and unit id 0 stays 0', () => {
    const s = readSettingsFrom({ unitId: '0', fc: '3', address: '10', quantity: '3', dataType: 'float64' });
    assert.equal(s.unitId, 0);
    assert.deepEqual(buildReadRequest(s, undefined).request, { fc: 3, address: 10, quantity: 12 });
    assert.deepEqual(buildReadRequest({ ...s, dataType: 'string', quantity: 5 }, null).request, { fc: 3, address: 10, quantity: 5 });
    assert.deepEqual(buildReadRequest(s, { quantity: '2', address: 0 }).request, { fc: 3, address: 0, quantity: 8 }, 'numeric strings are taken');
    bad(() => buildReadRequest(s, { address: 70000 }));
    bad(() => buildReadRequest(s, { fc: 16 }));
    bad(() => buildReadRequest(s, { unitId: 1.5 }));
    bad(() => buildReadRequest({ ...s, fc: 43, deviceIdCode: 9 }, {}));
  });

  it('reads: a string decodes as one string, a single value as a scalar', () => {
    const plan = buildReadRequest(readSettingsFrom({ fc: 3, quantity: 3, dataType: 'string' }), {});
    assert.equal(decodeReadResponse(plan, { fc: 3, values: valuesToRegisters('Hello', 'string') }).payload, 'Hello');
    const one = buildReadRequest(readSettingsFrom({ fc: 4, quantity: 1, dataType: 'int16' }), {});
    assert.equal(decodeReadResponse(one, { fc: 4, values: [0xffff] }).payload, -1);
  });

  it('64-bit values are numbers when safe and strings beyond', () => {
    assert.equal(jsonSafe(2n ** 53n - 1n), 2 ** 53 - 1);
    assert.equal(jsonSafe(2n ** 53n), '9007199254740992');
    assert.equal(jsonSafe(-(2n ** 63n)), '-9223372036854775808');
    assert.equal(jsonSafe(1.5), 1.5);
  });

  it('writes: payload shapes per function code', () => {
    const s = writeSettingsFrom({ unitId: 0, fc: 16, address: 2, dataType: 'int32', byteOrder: 'DCBA' });
    assert.deepEqual(buildWriteRequest(s, -2), { unitId: 0, request: { fc: 16, address: 2, values: valuesToRegisters(-2, 'int32', 'DCBA') }, dataType: 'int32', byteOrder: 'DCBA' });
    const over = buildWriteRequest({ ...s, fc: 6 }, { value: [7, 8], unitId: 3, address: 9, fc: 16 });
    assert.equal(over.unitId, 3);
    assert.deepEqual(over.request, { fc: 16, address: 9, values: valuesToRegisters([7, 8], 'int32', 'DCBA') });
    bad(() => buildWriteRequest({ ...s, fc: 6 }, 7)); // an int32 takes two registers
  });

  it('writes: values that cannot be written are bad msgs', () => {
    const s = writeSettingsFrom({ fc: 6, dataType: 'float32' });
    bad(() => buildWriteRequest(s, 1.5)); // two registers for FC 6
    bad(() => buildWriteRequest({ ...s, dataType: 'uint16' }, -1));
    bad(() => buildWriteRequest({ ...s, fc: 5 }, [true, false]));
    bad(() => buildWriteRequest({ ...s, fc: 5 }, 'yes'));
    bad(() => buildWriteRequest({ ...s, fc: 22 }, 5));
    bad(() => buildWriteRequest({ ...s, fc: 22 }, { andMask: 70000, orMask: 0 }));
    bad(() => buildWriteRequest({ ...s, fc: 16 }, []));
    bad(() => buildWriteRequest({ ...s, fc: 16 }, [{}]));
    bad(() => buildWriteRequest(s, undefined));
  });

  it('payload helpers: Buffers are raw registers or one coil per byte', () => {
    assert.deepEqual(payloadToRegisters(Buffer.from([0x12, 0x34, 0, 1]), 'float32', 'CDAB'), [0x1234, 1]);
    assert.deepEqual(payloadToBools(Buffer.from([0, 2, 1])), [false, true, true]);
    assert.deepEqual(payloadToBools(['true', '0', 1]), [true, false, true]);
  });

  it('route: requests become payloads, replies become RouteReplies', () => {
    const ind = { id: 'x', unitId: 1, fc: 16, address: 4, quantity: 2, transactionId: 1, remote: { path: '/dev/x' }, request: { fc: 0x10 as const, address: 4, values: valuesToRegisters(2.5, 'float32') } };
    assert.deepEqual(indicationPayload(ind, { dataType: 'float32', byteOrder: 'ABCD' }), { unitId: 1, fc: 16, address: 4, quantity: 2, value: 2.5 });
    assert.deepEqual(indicationPayload({ ...ind, request: { fc: 0x10, address: 4, values: [1, 2, 3] } }, { dataType: 'float32', byteOrder: 'ABCD' }).value, [1, 2, 3], 'odd register counts stay raw');
    const codec = { dataType: 'uint16' as const, byteOrder: 'ABCD' as const };
    assert.deepEqual(replyFromPayload([1, 0], { fc: 1, quantity: 2 }, codec), { values: [true, false] });
    assert.deepEqual(replyFromPayload(Buffer.from([0, 9]), { fc: 4, quantity: 1 }, codec), { values: [9] });
    assert.deepEqual(replyFromPayload('anything', { fc: 6 }, codec), { ack: true });
    assert.deepEqual(replyFromPayload({ exception: 11 }, { fc: 3, quantity: 1 }, codec), { exception: 11 });
    assert.deepEqual(replyFromPayload({ response: { fc: 7, status: 1 } }, { fc: 7 }, codec), { response: { fc: 7, status: 1 } });
    bad(() => replyFromPayload(undefined, { fc: 3, quantity: 1 }, codec));
    assert.deepEqual(replyFromPayload(7, { fc: 7 }, codec), { values: [7] });
    assert.deepEqual(replyFromPayload([1, 2, 3], { fc: 24 }, codec), { values: [1, 2, 3] });
    assert.deepEqual(replyFromPayload([1, 2], { fc: 20 }, codec), { values: [1, 2] });
    // Replies that convert but cannot answer the request: the engine's one check refuses them (it answers 04).
    const refused = (payload: unknown, req: ModbusRequest): void =>
      assert.throws(() => resolveReply(req, replyFromPayload(payload, { fc: req.fc, quantity: 'quantity' in req ? req.quantity : undefined }, codec)), BadReplyError);
    refused({ exception: 0 }, { fc: 3, address: 0, quantity: 1 });
    refused([1, 2], { fc: 3, address: 0, quantity: 1 });
    refused([1, 2], { fc: 7 });
    refused(new Array(32).fill(0), { fc: 24, address: 0 });
    refused('x', { fc: 24, address: 0 });
    refused([1], { fc: 17 }); // FC 17 needs {response}
  });

  it('settings: lists, ranges and JSON are checked at deploy', () => {
    assert.deepEqual(intListSetting('0, 3-5', 0, 255), [0, 3, 4, 5]);
    assert.equal(intListSetting('', 0, 255), undefined);
    assert.throws(() => intListSetting('1,x', 0, 255));
    assert.throws(() => intListSetting('5-3', 0, 255));
    assert.throws(() => intListSetting('256', 0, 255));
    assert.throws(() => jsonSetting('[1]'));
    assert.throws(() => jsonSetting('{'));
    assert.deepEqual(routeFilterFrom({ addressStart: '0' }), { addressRange: { start: 0, end: 65535 } });
    assert.throws(() => routeFilterFrom({ addressStart: 10, addressEnd: 5 }));
    assert.deepEqual(routeFilterFrom({ functionCodes: '3,4,15-16,43' }), { functionCodes: [3, 4, 15, 16, 43] });
    assert.throws(() => routeFilterFrom({ functionCodes: '3,8' }), /function code 8 cannot be routed/);
    assert.throws(() => routeFilterFrom({ functionCodes: '10-12' }), /function code 10, 11, 12 cannot be routed/);
    assert.throws(() => serverOptionsFrom({ transport: 'rtu', serialPath: '' }));
    assert.throws(() => serverOptionsFrom({ port: 70000 }));
  });

  it('errors: kind from the code alone, exception details kept', () => {
    assert.deepEqual(describeError(new BadMessageError('x')), { kind: 'bad-msg', code: 'EMODBUS_BAD_MSG' });
    assert.equal(describeError(Object.assign(new Error('t'), { code: 'EMODBUS_TIMEOUT' })).kind, 'timeout');
    assert.equal(describeError('text').kind, 'error');
    // A name is no kind: an error calling itself QueueFullError with a code not in the table is just an error.
    const named = toNodeError(Object.assign(new Error('q'), { name: 'QueueFullError', code: 'EMODBUS_QUEUE' }));
    assert.equal(named.code, 'EMODBUS_QUEUE');
    assert.equal(named.cause.kind, 'error');
    const e = toNodeError(new QueueFullError(10));
    assert.equal(e.code, 'EMODBUS_QUEUE_FULL');
    assert.equal(e.cause.kind, 'queue-full');
    assert.ok(Object.prototype.hasOwnProperty.call(e, 'code') && Object.prototype.hasOwnProperty.call(e, 'cause'), 'own properties, which Node-RED copies to msg.error');
  });

  it('pending replies: first settle wins, an expired entry takes its late reply once, clear settles every waiting one', async () => {
    const p = new PendingReplies<string, number>();
    const a = p.wait('a', 1);
    const b = p.wait('b', 2);
    assert.equal(p.settle('a', 'one'), 'answered');
    assert.equal(p.settle('a', 'two'), undefined);
    assert.equal(await a, 'one');
    assert.equal(p.expire('b'), 2);
    assert.equal(p.expire('b'), undefined, 'expires once');
    assert.equal(p.context('b'), undefined, 'no longer waiting');
    assert.equal(p.size, 0);
    assert.equal(p.settle('b', 'late'), 'late');
    assert.equal(await b, 'late', 'the late reply still reaches whoever waited');
    assert.equal(p.settle('b', 'again'), undefined);
    const c = p.wait('c', 3);
    p.wait('d', 4).catch(() => undefined);
    p.expire('d');
    p.clear('cleared');
    assert.equal(await c, 'cleared');
    assert.equal(p.settle('d', 'x'), undefined, 'clear forgets expired entries');
    assert.equal(p.size, 0);
  });

  it(`pending replies: only the newest ${MAX_EXPIRED} expired entries are kept`, () => {
    const p = new PendingReplies<string, number>();
    for (let i = 0; i <= MAX_EXPIRED; i++) {
      void p.wait(`e${i}`, i);
      p.expire(`e${i}`);
    }
    assert.equal(p.settle('e0', 'late'), undefined, 'the oldest is forgotten');
    assert.equal(p.settle(`e${MAX_EXPIRED}`, 'late'), 'late');
    assert.equal(p.settle('e1', 'late'), 'late');
  });

});
