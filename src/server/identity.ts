import {
  ExceptionCode, type DeviceIdentificationObject, type ReadDeviceIdentificationRequest,
  type ReadDeviceIdentificationResponse, type ReportServerIdResponse,
} from '../codec';
import type { IdentityConfig } from './types';

/** Room for objects in one FC 43/14 response: 253-byte PDU less its 7-byte header. */
const OBJECT_ROOM = 253 - 7;
/** One object must fit a response on its own: 2 bytes of id and length plus the value. */
const MAX_VALUE_LENGTH = OBJECT_ROOM - 2;

const REGULAR_KEYS: [number, keyof IdentityConfig][] = [
  [0x03, 'vendorUrl'], [0x04, 'productName'], [0x05, 'modelName'], [0x06, 'userApplicationName'],
];

/** Defaults for the three mandatory basic objects. */
export const DEFAULT_IDENTITY = { vendorName: 'umodbus', productCode: 'node-red', revision: '0.1' } as const;

/**
 * The device identity served by FC 17 and FC 43/14 (section 6.21): basic objects 0x00-0x02 are
 * always there, regular 0x03-0x06 when configured, extended 0x80-0xFF from `extended`.
 */
export class DeviceIdentity {
  /** Objects by id, ascending. */
  private readonly objects = new Map<number, string>();
  readonly conformityLevel: number;
  readonly serverId: number;

  constructor(config: IdentityConfig = {}) {
    const put = (id: number, value: string | undefined): void => {
      if (value !== undefined) this.objects.set(id, Buffer.from(value, 'latin1').subarray(0, MAX_VALUE_LENGTH).toString('latin1'));
    };
    put(0x00, config.vendorName ?? DEFAULT_IDENTITY.vendorName);
    put(0x01, config.productCode ?? DEFAULT_IDENTITY.productCode);
    put(0x02, config.revision ?? DEFAULT_IDENTITY.revision);
    for (const [id, key] of REGULAR_KEYS) put(id, config[key] as string | undefined);
    const extended = Object.entries(config.extended ?? {})
      .map(([k, v]) => [Number(k), v] as const)
      .filter(([id]) => Number.isInteger(id) && id >= 0x80 && id <= 0xff)
      .sort((a, b) => a[0] - b[0]);
    for (const [id, v] of extended) put(id, v);
    // 0x80 says individual access (code 4) is supported, as it always is here.
    this.conformityLevel = 0x80 | (extended.length > 0 ? 0x03 : REGULAR_KEYS.some(([id]) => this.objects.has(id)) ? 0x02 : 0x01);
    this.serverId = config.serverId ?? 1;
  }

  /** FC 43/14. Returns an exception code for code 4 with an object the device does not have. */
  read(req: ReadDeviceIdentificationRequest): ReadDeviceIdentificationResponse | number {
    const base = { fc: 0x2b, meiType: 0x0e, readDeviceIdCode: req.readDeviceIdCode, conformityLevel: this.conformityLevel } as const;
    if (req.readDeviceIdCode === 4) {
      const value = this.objects.get(req.objectId);
      if (value === undefined) return ExceptionCode.IllegalDataAddress;
      return { ...base, moreFollows: false, nextObjectId: 0, objects: [{ id: req.objectId, value }] };
    }
    const [lo, hi] = req.readDeviceIdCode === 1 ? [0x00, 0x02] : req.readDeviceIdCode === 2 ? [0x00, 0x7f] : [0x00, 0xff];
    const ids = [...this.objects.keys()].filter((id) => id >= lo && id <= hi);
    // An object id the category does not have restarts the stream at the first object.
    let first = ids.indexOf(req.objectId);
    if (first < 0) first = 0;
    const objects: DeviceIdentificationObject[] = [];
    let room = OBJECT_ROOM;
    let i = first;
    for (; i < ids.length; i++) {
      const value = this.objects.get(ids[i]) ?? '';
      const need = 2 + Buffer.byteLength(value, 'latin1');
      if (need > room) break;
      room -= need;
      objects.push({ id: ids[i], value });
    }
    const moreFollows = i < ids.length;
    return { ...base, moreFollows, nextObjectId: moreFollows ? ids[i] : 0, objects };
  }

  /** FC 17: the configured server id byte, run indicator ON, and the basic objects as text. */
  reportServerId(): ReportServerIdResponse {
    const text = [0x00, 0x01, 0x02].map((id) => this.objects.get(id) ?? '').join(' ');
    const additionalData = [...Buffer.from(text, 'latin1').subarray(0, 250)];
    return { fc: 0x11, serverId: [this.serverId & 0xff], runIndicator: true, additionalData };
  }
}
