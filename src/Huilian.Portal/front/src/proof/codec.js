// The canonical encoding (spec/encoding.md, ADR 0001) as the C# CanonicalReader/CanonicalWriter read and write it:
// big-endian fixed-width integers, u32-length-prefixed bytes and UTF-8 strings, u32 counts, and a reader that refuses
// truncation, lengths above a field's bound, booleans other than 0/1, invalid UTF-8 and trailing bytes.

export class EncodingError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Hex as .NET's Convert.FromHexString reads it: an even number of hex digits, either case. */
export function fromHex(hex) {
  if (typeof hex !== 'string') throw new EncodingError('FormatError', 'The value is not hexadecimal text.');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new EncodingError('FormatError', 'The input is not a valid hex string as it contains a non-hex character or an odd number of characters.');
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

export function toHex(bytes) {
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex;
}

/** Base64 as .NET's Convert.FromBase64String reads it: whitespace ignored, padded to a multiple of four. */
export function fromBase64(text) {
  if (typeof text !== 'string') throw new EncodingError('FormatError', 'The value is not base64 text.');
  const compact = text.replace(/[ \t\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new EncodingError('FormatError', 'The input is not a valid Base-64 string.');
  }
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function concat(...parts) {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** UTF-8 of a string; a lone surrogate has none, and is refused as the C# writer refuses it. */
export function utf8(text) {
  if (LONE_SURROGATE.test(text)) throw new EncodingError('EncodingInvalidUtf8', 'The text holds a lone surrogate, which has no UTF-8 encoding.');
  return new TextEncoder().encode(text);
}

/** The bytes of an ASCII domain name followed by 0x00 (HashDomain prefixes). */
export function domainPrefix(domain) {
  const bytes = new Uint8Array(domain.length + 1);
  for (let i = 0; i < domain.length; i++) bytes[i] = domain.charCodeAt(i);
  return bytes;
}

export class Writer {
  constructor() {
    this.parts = [];
  }

  u8(value) {
    this.parts.push(Uint8Array.of(value));
  }

  bool(value) {
    this.u8(value ? 1 : 0);
  }

  u32(value) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, Number(value));
    this.parts.push(bytes);
  }

  u64(value) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value)));
    this.parts.push(bytes);
  }

  i64(value) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(value)));
    this.parts.push(bytes);
  }

  fixed(bytes) {
    this.parts.push(bytes);
  }

  bytes(bytes) {
    this.u32(bytes.length);
    this.parts.push(bytes);
  }

  string(text) {
    this.bytes(utf8(text));
  }

  toBytes() {
    return concat(...this.parts);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const IDENTIFIER = /^[a-z][a-z0-9._-]*$/;

export function isIdentifier(value, lengthMax = 32) {
  return typeof value === 'string' && value.length >= 1 && value.length <= lengthMax && IDENTIFIER.test(value);
}

export class Reader {
  constructor(bytes) {
    this.data = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }

  take(count) {
    if (count > this.data.length - this.at) {
      throw new EncodingError('EncodingTruncated', `Input ends after ${this.data.length} bytes; ${count} more were expected at offset ${this.at}.`);
    }
    const slice = this.data.subarray(this.at, this.at + count);
    this.at += count;
    return slice;
  }

  u8() {
    return this.take(1)[0];
  }

  bool() {
    const value = this.u8();
    if (value > 1) throw new EncodingError('EncodingInvalidBoolean', `A boolean is 0 or 1, not ${value}.`);
    return value === 1;
  }

  u32() {
    this.take(4);
    return this.view.getUint32(this.at - 4);
  }

  u64() {
    this.take(8);
    return this.view.getBigUint64(this.at - 8);
  }

  i64() {
    this.take(8);
    return this.view.getBigInt64(this.at - 8);
  }

  hash() {
    return this.take(32).slice();
  }

  length(lengthMax, field) {
    const length = this.u32();
    if (length > lengthMax) throw new EncodingError('EncodingLengthExceedsLimit', `Field '${field}' has length ${length}, above its limit of ${lengthMax}.`);
    return length;
  }

  bytes(lengthMax, field) {
    return this.take(this.length(lengthMax, field)).slice();
  }

  string(byteLengthMax, field) {
    const bytes = this.take(this.length(byteLengthMax, field));
    try {
      return strictUtf8.decode(bytes);
    } catch {
      throw new EncodingError('EncodingInvalidUtf8', `Field '${field}' is not valid UTF-8.`);
    }
  }

  identifier(field, lengthMax = 32) {
    const value = this.string(lengthMax, field);
    if (!isIdentifier(value, lengthMax)) throw new EncodingError('EncodingInvalidIdentifier', `Field '${field}' is not a valid identifier.`);
    return value;
  }

  count(countMax, field) {
    return this.length(countMax, field);
  }

  end() {
    if (this.at !== this.data.length) throw new EncodingError('EncodingTrailingBytes', `${this.data.length - this.at} unexpected bytes after the end.`);
  }
}
