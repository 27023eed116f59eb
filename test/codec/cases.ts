/**
 * Byte-exact PDU cases for every public function code, both roles. Where the MODBUS Application
 * Protocol V1.1b3 prints a worked example (sections 6.1-6.21) the bytes are the spec's own.
 */
import type { ModbusRequest, ModbusResponse } from '../../src/codec';

export interface PduCase {
  name: string;
  request: ModbusRequest;
  requestBytes: number[];
  /** Omitted when the spec defines no response (FC 8 sub-function 04, Force Listen Only Mode). */
  response?: ModbusResponse;
  responseBytes?: number[];
}

/** '1011 0' → [true, false, true, true, false]: bits in wire order (LSB of each byte first); spaces ignored. */
export function bits(s: string): boolean[] {
  return [...s.replace(/\s/g, '')].map((c) => c === '1');
}

function latin1(s: string): number[] {
  return [...Buffer.from(s, 'latin1')];
}

export const CASES: PduCase[] = [
  {
    name: 'FC 1 read coils 20-38 (spec 6.1)',
    request: { fc: 1, address: 0x13, quantity: 19 },
    requestBytes: [
      0x01, // function code
      0x00, 0x13, // starting address 19 (coil 20)
      0x00, 0x13, // quantity of coils 19
    ],
    response: { fc: 1, values: bits('10110011 11010110 101') },
    responseBytes: [
      0x01, // function code
      0x03, // byte count
      0xcd, // coils 27-20: 1100 1101
      0x6b, // coils 35-28: 0110 1011
      0x05, // coils 38-36: 101, high bits padded with zeros
    ],
  },
  {
    name: 'FC 2 read discrete inputs 197-218 (spec 6.2)',
    request: { fc: 2, address: 0xc4, quantity: 22 },
    requestBytes: [
      0x02, // function code
      0x00, 0xc4, // starting address 196
      0x00, 0x16, // quantity of inputs 22
    ],
    response: { fc: 2, values: bits('00110101 11011011 101011') },
    responseBytes: [
      0x02, // function code
      0x03, // byte count
      0xac, // inputs 204-197
      0xdb, // inputs 212-205
      0x35, // inputs 218-213, padded
    ],
  },
  {
    name: 'FC 3 read holding registers 108-110 (spec 6.3)',
    request: { fc: 3, address: 0x6b, quantity: 3 },
    requestBytes: [
      0x03, // function code
      0x00, 0x6b, // starting address 107 (register 108)
      0x00, 0x03, // quantity of registers
    ],
    response: { fc: 3, values: [0x022b, 0x0000, 0x0064] },
    responseBytes: [
      0x03, // function code
      0x06, // byte count
      0x02, 0x2b, // register 108: 555
      0x00, 0x00, // register 109: 0
      0x00, 0x64, // register 110: 100
    ],
  },
  {
    name: 'FC 4 read input register 9 (spec 6.4)',
    request: { fc: 4, address: 0x08, quantity: 1 },
    requestBytes: [
      0x04, // function code
      0x00, 0x08, // starting address
      0x00, 0x01, // quantity of input registers
    ],
    response: { fc: 4, values: [0x000a] },
    responseBytes: [
      0x04, // function code
      0x02, // byte count
      0x00, 0x0a, // input register 9: 10
    ],
  },
  {
    name: 'FC 5 write single coil 173 ON (spec 6.5)',
    request: { fc: 5, address: 0xac, value: true },
    requestBytes: [
      0x05, // function code
      0x00, 0xac, // output address 172
      0xff, 0x00, // output value ON
    ],
    response: { fc: 5, address: 0xac, value: true },
    responseBytes: [0x05, 0x00, 0xac, 0xff, 0x00], // echo of the request
  },
  {
    name: 'FC 5 write single coil OFF',
    request: { fc: 5, address: 0xffff, value: false },
    requestBytes: [
      0x05, // function code
      0xff, 0xff, // output address 65535
      0x00, 0x00, // output value OFF
    ],
    response: { fc: 5, address: 0xffff, value: false },
    responseBytes: [0x05, 0xff, 0xff, 0x00, 0x00],
  },
  {
    name: 'FC 6 write register 2 = 3 (spec 6.6)',
    request: { fc: 6, address: 0x0001, value: 0x0003 },
    requestBytes: [
      0x06, // function code
      0x00, 0x01, // register address
      0x00, 0x03, // register value
    ],
    response: { fc: 6, address: 0x0001, value: 0x0003 },
    responseBytes: [0x06, 0x00, 0x01, 0x00, 0x03], // echo
  },
  {
    name: 'FC 7 read exception status (spec 6.7)',
    request: { fc: 7 },
    requestBytes: [0x07], // function code only
    response: { fc: 7, status: 0x6d },
    responseBytes: [
      0x07, // function code
      0x6d, // output data 0110 1101
    ],
  },
  {
    name: 'FC 8/00 return query data (spec 6.8)',
    request: { fc: 8, subFunction: 0x0000, data: [0xa537] },
    requestBytes: [
      0x08, // function code
      0x00, 0x00, // sub-function 00 return query data
      0xa5, 0x37, // data to loop back
    ],
    response: { fc: 8, subFunction: 0x0000, data: [0xa537] },
    responseBytes: [0x08, 0x00, 0x00, 0xa5, 0x37], // echo
  },
  {
    name: 'FC 8/00 return query data, three words',
    request: { fc: 8, subFunction: 0, data: [0x0102, 0x0304, 0x0506] },
    requestBytes: [
      0x08, // function code
      0x00, 0x00, // sub-function 00
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, // data
    ],
    response: { fc: 8, subFunction: 0, data: [0x0102, 0x0304, 0x0506] },
    responseBytes: [0x08, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06],
  },
  {
    name: 'FC 8/01 restart communications, clear log',
    request: { fc: 8, subFunction: 0x0001, data: [0xff00] },
    requestBytes: [
      0x08, // function code
      0x00, 0x01, // sub-function 01 restart communications option
      0xff, 0x00, // FF00: also clear the event log
    ],
    response: { fc: 8, subFunction: 0x0001, data: [0xff00] },
    responseBytes: [0x08, 0x00, 0x01, 0xff, 0x00], // echo
  },
  {
    name: 'FC 8/02 return diagnostic register',
    request: { fc: 8, subFunction: 0x0002, data: [0x0000] },
    requestBytes: [
      0x08, // function code
      0x00, 0x02, // sub-function 02
      0x00, 0x00, // data 0000
    ],
    response: { fc: 8, subFunction: 0x0002, data: [0x8001] },
    responseBytes: [
      0x08, // function code
      0x00, 0x02, // sub-function 02
      0x80, 0x01, // diagnostic register contents
    ],
  },
  {
    name: 'FC 8/03 change ASCII input delimiter to LF',
    request: { fc: 8, subFunction: 0x0003, data: [0x0a00] },
    requestBytes: [
      0x08, // function code
      0x00, 0x03, // sub-function 03
      0x0a, 0x00, // CHAR 0x0A, then 00
    ],
    response: { fc: 8, subFunction: 0x0003, data: [0x0a00] },
    responseBytes: [0x08, 0x00, 0x03, 0x0a, 0x00], // echo
  },
  {
    name: 'FC 8/04 force listen only mode (no response)',
    request: { fc: 8, subFunction: 0x0004, data: [0x0000] },
    requestBytes: [
      0x08, // function code
      0x00, 0x04, // sub-function 04
      0x00, 0x00, // data 0000
    ],
  },
  {
    name: 'FC 8/0A clear counters and diagnostic register',
    request: { fc: 8, subFunction: 0x000a, data: [0x0000] },
    requestBytes: [0x08, /* fc */ 0x00, 0x0a, /* sub-function 0A */ 0x00, 0x00 /* data */],
    response: { fc: 8, subFunction: 0x000a, data: [0x0000] },
    responseBytes: [0x08, 0x00, 0x0a, 0x00, 0x00], // echo
  },
  ...[0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12].map((sub): PduCase => ({
    name: `FC 8/${sub.toString(16).toUpperCase().padStart(2, '0')} return a counter`,
    request: { fc: 8, subFunction: sub, data: [0x0000] },
    requestBytes: [
      0x08, // function code
      0x00, sub, // sub-function
      0x00, 0x00, // data 0000
    ],
    response: { fc: 8, subFunction: sub, data: [0x1234 + sub] },
    responseBytes: [
      0x08, // function code
      0x00, sub, // sub-function
      0x12, 0x34 + sub, // counter value
    ],
  })),
  {
    name: 'FC 8/14 clear overrun counter and flag',
    request: { fc: 8, subFunction: 0x0014, data: [0x0000] },
    requestBytes: [0x08, /* fc */ 0x00, 0x14, /* sub-function 14 */ 0x00, 0x00 /* data */],
    response: { fc: 8, subFunction: 0x0014, data: [0x0000] },
    responseBytes: [0x08, 0x00, 0x14, 0x00, 0x00], // echo
  },
  {
    name: 'FC 11 get comm event counter (spec 6.9)',
    request: { fc: 0x0b },
    requestBytes: [0x0b], // function code only
    response: { fc: 0x0b, status: 0xffff, eventCount: 0x0108 },
    responseBytes: [
      0x0b, // function code
      0xff, 0xff, // status: a previous command is still being processed
      0x01, 0x08, // event count 264
    ],
  },
  {
    name: 'FC 12 get comm event log (spec 6.10)',
    request: { fc: 0x0c },
    requestBytes: [0x0c], // function code only
    response: { fc: 0x0c, status: 0x0000, eventCount: 0x0108, messageCount: 0x0121, events: [0x20, 0x00] },
    responseBytes: [
      0x0c, // function code
      0x08, // byte count
      0x00, 0x00, // status
      0x01, 0x08, // event count 264
      0x01, 0x21, // message count 289
      0x20, // event 0: entered listen only mode
      0x00, // event 1: communication restart
    ],
  },
  {
    name: 'FC 15 write 10 coils from 20 (spec 6.11)',
    request: { fc: 0x0f, address: 0x13, values: bits('10110011 10') },
    requestBytes: [
      0x0f, // function code
      0x00, 0x13, // starting address 19 (coil 20)
      0x00, 0x0a, // quantity of outputs 10
      0x02, // byte count
      0xcd, // outputs 27-20
      0x01, // outputs 29-28, padded
    ],
    response: { fc: 0x0f, address: 0x13, quantity: 10 },
    responseBytes: [
      0x0f, // function code
      0x00, 0x13, // starting address
      0x00, 0x0a, // quantity of outputs
    ],
  },
  {
    name: 'FC 16 write registers 2-3 (spec 6.12)',
    request: { fc: 0x10, address: 0x0001, values: [0x000a, 0x0102] },
    requestBytes: [
      0x10, // function code
      0x00, 0x01, // starting address
      0x00, 0x02, // quantity of registers
      0x04, // byte count
      0x00, 0x0a, // register 2
      0x01, 0x02, // register 3
    ],
    response: { fc: 0x10, address: 0x0001, quantity: 2 },
    responseBytes: [
      0x10, // function code
      0x00, 0x01, // starting address
      0x00, 0x02, // quantity of registers
    ],
  },
  {
    name: 'FC 17 report server id',
    request: { fc: 0x11 },
    requestBytes: [0x11], // function code only
    response: { fc: 0x11, serverId: [0x42], runIndicator: true, additionalData: [0x01, 0x02] },
    responseBytes: [
      0x11, // function code
      0x04, // byte count
      0x42, // server id (device specific)
      0xff, // run indicator status ON
      0x01, 0x02, // additional data
    ],
  },
  {
    name: 'FC 17 report server id, run indicator OFF, no additional data',
    request: { fc: 0x11 },
    requestBytes: [0x11],
    response: { fc: 0x11, serverId: [0x07], runIndicator: false, additionalData: [] },
    responseBytes: [
      0x11, // function code
      0x02, // byte count
      0x07, // server id
      0x00, // run indicator status OFF
    ],
  },
  {
    name: 'FC 20 read file records (spec 6.14)',
    request: {
      fc: 0x14,
      references: [
        { fileNumber: 4, recordNumber: 1, recordLength: 2 },
        { fileNumber: 3, recordNumber: 9, recordLength: 2 },
      ],
    },
    requestBytes: [
      0x14, // function code
      0x0e, // byte count 14
      0x06, // sub-req 1: reference type
      0x00, 0x04, // file number 4
      0x00, 0x01, // record number 1
      0x00, 0x02, // record length 2
      0x06, // sub-req 2: reference type
      0x00, 0x03, // file number 3
      0x00, 0x09, // record number 9
      0x00, 0x02, // record length 2
    ],
    response: { fc: 0x14, records: [[0x0dfe, 0x0020], [0x33cd, 0x0040]] },
    responseBytes: [
      0x14, // function code
      0x0c, // response data length 12
      0x05, // sub-resp 1: file response length
      0x06, // reference type
      0x0d, 0xfe, 0x00, 0x20, // record data
      0x05, // sub-resp 2: file response length
      0x06, // reference type
      0x33, 0xcd, 0x00, 0x40, // record data
    ],
  },
  {
    name: 'FC 21 write file record (spec 6.15)',
    request: { fc: 0x15, records: [{ fileNumber: 4, recordNumber: 7, values: [0x06af, 0x04be, 0x100d] }] },
    requestBytes: [
      0x15, // function code
      0x0d, // request data length 13
      0x06, // reference type
      0x00, 0x04, // file number 4
      0x00, 0x07, // record number 7
      0x00, 0x03, // record length 3
      0x06, 0xaf, 0x04, 0xbe, 0x10, 0x0d, // record data
    ],
    response: { fc: 0x15, records: [{ fileNumber: 4, recordNumber: 7, values: [0x06af, 0x04be, 0x100d] }] },
    responseBytes: [0x15, 0x0d, 0x06, 0x00, 0x04, 0x00, 0x07, 0x00, 0x03, 0x06, 0xaf, 0x04, 0xbe, 0x10, 0x0d], // echo
  },
  {
    name: 'FC 22 mask write register 5 (spec 6.16)',
    request: { fc: 0x16, address: 0x0004, andMask: 0x00f2, orMask: 0x0025 },
    requestBytes: [
      0x16, // function code
      0x00, 0x04, // reference address
      0x00, 0xf2, // AND mask
      0x00, 0x25, // OR mask
    ],
    response: { fc: 0x16, address: 0x0004, andMask: 0x00f2, orMask: 0x0025 },
    responseBytes: [0x16, 0x00, 0x04, 0x00, 0xf2, 0x00, 0x25], // echo
  },
  {
    name: 'FC 23 read 6 from 4, write 3 at 15 (spec 6.17)',
    request: { fc: 0x17, readAddress: 0x0003, readQuantity: 6, writeAddress: 0x000e, values: [0x00ff, 0x00ff, 0x00ff] },
    requestBytes: [
      0x17, // function code
      0x00, 0x03, // read starting address
      0x00, 0x06, // quantity to read
      0x00, 0x0e, // write starting address
      0x00, 0x03, // quantity to write
      0x06, // write byte count
      0x00, 0xff, 0x00, 0xff, 0x00, 0xff, // write registers
    ],
    response: { fc: 0x17, values: [0x00fe, 0x0acd, 0x0001, 0x0003, 0x000d, 0x00ff] },
    responseBytes: [
      0x17, // function code
      0x0c, // byte count
      0x00, 0xfe, 0x0a, 0xcd, 0x00, 0x01, 0x00, 0x03, 0x00, 0x0d, 0x00, 0xff, // read registers
    ],
  },
  {
    name: 'FC 24 read FIFO queue at 1246 (spec 6.18)',
    request: { fc: 0x18, address: 0x04de },
    requestBytes: [
      0x18, // function code
      0x04, 0xde, // FIFO pointer address
    ],
    response: { fc: 0x18, values: [0x01b8, 0x1284] },
    responseBytes: [
      0x18, // function code
      0x00, 0x06, // byte count (FIFO count + values)
      0x00, 0x02, // FIFO count
      0x01, 0xb8, // FIFO value register
      0x12, 0x84, // FIFO value register
    ],
  },
  {
    name: 'FC 24 read empty FIFO queue',
    request: { fc: 0x18, address: 0x0000 },
    requestBytes: [0x18, 0x00, 0x00],
    response: { fc: 0x18, values: [] },
    responseBytes: [
      0x18, // function code
      0x00, 0x02, // byte count
      0x00, 0x00, // FIFO count 0
    ],
  },
  {
    name: 'FC 43/14 basic device identification, all in one (spec 6.21)',
    request: { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, objectId: 0x00 },
    requestBytes: [
      0x2b, // function code
      0x0e, // MEI type: read device identification
      0x01, // read device id code 01: basic, stream access
      0x00, // object id 0: start at VendorName
    ],
    response: {
      fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 1, conformityLevel: 0x01, moreFollows: false, nextObjectId: 0,
      objects: [{ id: 0, value: 'Company identification' }, { id: 1, value: 'Product code XX' }, { id: 2, value: 'V2.11' }],
    },
    responseBytes: [
      0x2b, // function code
      0x0e, // MEI type
      0x01, // read device id code
      0x01, // conformity level: basic, stream access only
      0x00, // more follows: no
      0x00, // next object id
      0x03, // number of objects
      0x00, 0x16, ...latin1('Company identification'), // object 0 VendorName, 22 bytes
      0x01, 0x0f, ...latin1('Product code XX'), // object 1 ProductCode, 15 bytes
      0x02, 0x05, ...latin1('V2.11'), // object 2 MajorMinorRevision, 5 bytes
    ],
  },
  {
    name: 'FC 43/14 regular identification, more follows from object 3',
    request: { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 2, objectId: 0x00 },
    requestBytes: [0x2b, /* fc */ 0x0e, /* MEI */ 0x02, /* regular */ 0x00 /* object id */],
    response: {
      fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 2, conformityLevel: 0x82, moreFollows: true, nextObjectId: 3,
      objects: [{ id: 0, value: 'ACME' }, { id: 1, value: 'X1' }, { id: 2, value: '1.0' }],
    },
    responseBytes: [
      0x2b, // function code
      0x0e, // MEI type
      0x02, // read device id code 02: regular
      0x82, // conformity level: regular, individual access supported
      0xff, // more follows: yes
      0x03, // next object id to ask for
      0x03, // number of objects
      0x00, 0x04, ...latin1('ACME'),
      0x01, 0x02, ...latin1('X1'),
      0x02, 0x03, ...latin1('1.0'),
    ],
  },
  {
    name: 'FC 43/14 extended identification from a private object',
    request: { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 3, objectId: 0x80 },
    requestBytes: [0x2b, /* fc */ 0x0e, /* MEI */ 0x03, /* extended */ 0x80 /* first private object */],
    response: {
      fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 3, conformityLevel: 0x83, moreFollows: false, nextObjectId: 0,
      objects: [{ id: 0x80, value: '\u00e9t\u00e9' }],
    },
    responseBytes: [
      0x2b, 0x0e, 0x03, // fc, MEI type, read device id code 03
      0x83, // conformity level: extended + individual
      0x00, 0x00, // more follows no, next object id 0
      0x01, // one object
      0x80, 0x03, 0xe9, 0x74, 0xe9, // object 0x80: Latin-1 'été'
    ],
  },
  {
    name: 'FC 43/14 individual access to one object',
    request: { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 4, objectId: 0x05 },
    requestBytes: [0x2b, /* fc */ 0x0e, /* MEI */ 0x04, /* individual */ 0x05 /* ModelName */],
    response: {
      fc: 0x2b, meiType: 0x0e, readDeviceIdCode: 4, conformityLevel: 0x82, moreFollows: false, nextObjectId: 0,
      objects: [{ id: 5, value: 'M-5' }],
    },
    responseBytes: [0x2b, 0x0e, 0x04, 0x82, 0x00, 0x00, 0x01, 0x05, 0x03, ...latin1('M-5')],
  },
];

/** Every public function code the codec knows, for the exception matrix. */
export const FUNCTION_CODES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x2b];
/** Every exception code the spec defines (section 7). */
export const EXCEPTION_CODES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0a, 0x0b];
