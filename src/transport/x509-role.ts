/**
 * The Modbus/TCP Security role: an X.509 v3 extension (OID 1.3.6.1.4.1.50316.802.1) whose value
 * is an ASN.1 UTF8String naming one role. Node's X509Certificate does not expose custom
 * extensions, so the certificate's DER is walked here, bounded at every step: a certificate has
 * passed verification before it gets here, but the walker still never trusts a length it reads.
 */

/** The role extension's OID (Modbus/TCP Security, "roleOID"). */
export const ROLE_OID = '1.3.6.1.4.1.50316.802.1';

/** Longest role name kept; a longer one is treated as no role rather than carried around. */
const MAX_ROLE_LENGTH = 256;

const SEQUENCE = 0x30;
const OID = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const UTF8_STRING = 0x0c;
/** [3] EXPLICIT, constructed: the extensions of a v3 certificate's TBSCertificate. */
const EXTENSIONS_TAG = 0xa3;

/** One DER element: its tag and where its contents lie in the buffer. */
interface Tlv { tag: number; start: number; end: number }

/** The element at `at`, or undefined if its header or length does not fit inside `limit`. */
function readTlv(der: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at];
  // Multi-byte (high) tag numbers never occur in the parts of a certificate walked here.
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = der[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // 0 is BER's indefinite length (not DER); more than 4 bytes is no certificate we would take.
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  const end = start + len;
  if (end > limit) return undefined;
  return { tag, start, end };
}

/** The elements directly inside a constructed element, or undefined if any of them is malformed. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = readTlv(der, at, parent.end);
    if (!t) return undefined;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** The DER contents of an OBJECT IDENTIFIER, from its dotted form. */
export function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return Buffer.from(bytes);
}

const ROLE_OID_DER = encodeOid(ROLE_OID);

/**
 * The value of the extension `oid` in a DER certificate (the contents of its OCTET STRING), or
 * undefined when the certificate has no such extension or cannot be walked.
 */
export function findExtension(der: Uint8Array, oid: Buffer = ROLE_OID_DER): Uint8Array | undefined {
  const cert = readTlv(der, 0, der.length);
  if (!cert || cert.tag !== SEQUENCE) return undefined;
  const tbs = readTlv(der, cert.start, cert.end);
  if (!tbs || tbs.tag !== SEQUENCE) return undefined;
  const fields = children(der, tbs);
  const wrapper = fields?.find((f) => f.tag === EXTENSIONS_TAG);
  if (!wrapper) return undefined;
  const list = readTlv(der, wrapper.start, wrapper.end);
  if (!list || list.tag !== SEQUENCE) return undefined;
  for (const ext of children(der, list) ?? []) {
    if (ext.tag !== SEQUENCE) return undefined;
    const parts = children(der, ext);
    if (!parts || parts.length < 2 || parts[0].tag !== OID) return undefined;
    if (!oid.equals(der.subarray(parts[0].start, parts[0].end))) continue;
    // extnID, critical BOOLEAN DEFAULT FALSE (absent in DER when false), extnValue OCTET STRING.
    const value = parts[1].tag === BOOLEAN ? parts[2] : parts[1];
    if (!value || value.tag !== OCTET_STRING) return undefined;
    return der.subarray(value.start, value.end);
  }
  return undefined;
}

/**
 * The Modbus/TCP Security role a client certificate carries, or undefined when it has none (or
 * the extension is not one UTF8String of valid UTF-8, 1..256 bytes).
 */
export function roleFromCertificate(der: Uint8Array): string | undefined {
  const value = findExtension(der);
  if (!value) return undefined;
  const s = readTlv(value, 0, value.length);
  if (!s || s.tag !== UTF8_STRING || s.end !== value.length) return undefined;
  const len = s.end - s.start;
  if (len === 0 || len > MAX_ROLE_LENGTH) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value.subarray(s.start, s.end));
  } catch {
    return undefined;
  }
}
