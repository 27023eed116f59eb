import { Buffer } from 'node:buffer';
import { MEI_READ_DEVICE_IDENTIFICATION } from '../function-codes';
import type { DeviceIdentificationObject, ReadDeviceIdCode, ReadDeviceIdentificationRequest, ReadDeviceIdentificationResponse } from '../types';
import type { FunctionCodec } from './function-codec';
import { CodecError } from '../errors';
import { allocPdu, checkByte, checkQuantity, expectLength, malformed, mismatch } from './bytes';

/** Basic object ids of FC 43/14 (section 6.21): 0x00 VendorName, 0x01 ProductCode, 0x02 MajorMinorRevision. */
export const DeviceObjectId = {
  VendorName: 0x00, ProductCode: 0x01, MajorMinorRevision: 0x02, VendorUrl: 0x03, ProductName: 0x04,
  ModelName: 0x05, UserApplicationName: 0x06,
} as const;

const HEADER = 7; // fc, MEI type, code, conformity, more follows, next object id, number of objects

/**
 * FC 43 with MEI type 14. A server answers a read device id code outside 1..4 with exception 03
 * (section 6.21); whether an object id exists is the server's knowledge, not the codec's.
 */
export const readDeviceIdentificationCodec: FunctionCodec<ReadDeviceIdentificationRequest, ReadDeviceIdentificationResponse> = {
  encodeRequest(req, head, tail) {
    checkQuantity(req.readDeviceIdCode, 1, 4, 'read device id code');
    checkByte(req.objectId, 'object id');
    const b = allocPdu(head, 4, tail);
    b[head] = 0x2b;
    b[head + 1] = MEI_READ_DEVICE_IDENTIFICATION;
    b[head + 2] = req.readDeviceIdCode;
    b[head + 3] = req.objectId;
    return b;
  },
  decodeRequest(pdu, start, end) {
    expectLength(0x2b, end - start, 4);
    const code = pdu[start + 2];
    checkQuantity(code, 1, 4, 'read device id code');
    return { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: code as ReadDeviceIdCode, objectId: pdu[start + 3] };
  },
  encodeResponse(res, head, tail) {
    checkQuantity(res.readDeviceIdCode, 1, 4, 'read device id code');
    const values = res.objects.map((o) => {
      // Latin-1 is the one-byte-per-character reading; anything wider would be silently cut.
      if (/[^\u0000-\u00ff]/.test(o.value)) throw new CodecError('limit', `object ${o.id} value has characters outside Latin-1`);
      return Buffer.from(o.value, 'latin1');
    });
    let n = HEADER;
    for (const v of values) n += 2 + v.length;
    const b = allocPdu(head, n, tail);
    b[head] = 0x2b;
    b[head + 1] = MEI_READ_DEVICE_IDENTIFICATION;
    b[head + 2] = res.readDeviceIdCode;
    checkByte(res.conformityLevel, 'conformity level');
    b[head + 3] = res.conformityLevel;
    b[head + 4] = res.moreFollows ? 0xff : 0x00;
    checkByte(res.nextObjectId, 'next object id');
    b[head + 5] = res.moreFollows ? res.nextObjectId : 0;
    b[head + 6] = res.objects.length;
    let p = head + HEADER;
    res.objects.forEach((o, i) => {
      checkByte(o.id, 'object id');
      b[p] = o.id;
      b[p + 1] = values[i].length;
      values[i].copy(b, p + 2);
      p += 2 + values[i].length;
    });
    return b;
  },
  decodeResponse(pdu, start, end, req) {
    if (end - start < HEADER || pdu[start + 1] !== MEI_READ_DEVICE_IDENTIFICATION) throw malformed('FC 43/14 response header is malformed');
    const code = pdu[start + 2];
    if (code < 1 || code > 4) throw malformed(`FC 43/14 read device id code ${code} outside 1..4`);
    const more = pdu[start + 4];
    if (more !== 0 && more !== 0xff) throw malformed(`FC 43/14 more-follows byte must be 0x00 or 0xFF, got ${more}`);
    const count = pdu[start + 6];
    const objects: DeviceIdentificationObject[] = [];
    let p = start + HEADER;
    for (let i = 0; i < count; i++) {
      if (p + 2 > end || p + 2 + pdu[p + 1] > end) throw malformed(`FC 43/14 object ${i} runs past the PDU`);
      objects.push({ id: pdu[p], value: Buffer.from(pdu.buffer, pdu.byteOffset + p + 2, pdu[p + 1]).toString('latin1') });
      p += 2 + pdu[p + 1];
    }
    if (p !== end) throw malformed(`FC 43/14 response has ${end - p} bytes after its objects`);
    const res: ReadDeviceIdentificationResponse = {
      fc: 0x2b, meiType: 0x0e, readDeviceIdCode: pdu[start + 2] as ReadDeviceIdCode, conformityLevel: pdu[start + 3],
      moreFollows: more === 0xff, nextObjectId: pdu[start + 5], objects,
    };
    if (req && req.readDeviceIdCode !== res.readDeviceIdCode) throw mismatch('FC 43/14 response answers another read device id code');
    return res;
  },
};
