// The genesis file as GenesisDocument.Parse reads it (strict JSON: no unknown or repeated properties, no null for a
// field that may not be null; then Validate), its hash (GenesisDocument.ComputeHash) and its validator set.
import { sha256 } from '@noble/hashes/sha2.js';
import { DUPLICATE, integerOf, isObject, parseJson } from './json.js';
import { Writer, fromBase64, fromHex, isIdentifier, toHex } from './codec.js';
import { DOMAIN, LIMITS, hashDomain, makeValidatorSet } from './ledger.js';

export class GenesisError extends Error {}

const U32_MAX = 0xffffffffn;
const I32_MAX = 0x7fffffffn;
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
const POWER_MAX = 1n << 48n;

const KINDS = ['regulator', 'central-bank', 'bank', 'enterprise', 'customs', 'tax-authority', 'insurer', 'carrier'];

// Each type: property → [kind, required]; kinds: string, string?, bool, u32, i32, i64, u64, time, ignored, a type's name, [list of a kind].
const SCHEMA = {
  genesis: {
    chainId: ['string', true], suite: ['string', true], genesisTime: ['time', true], validators: [['validator'], true],
    organisations: [['organisation'], false], governance: ['governance', false], nodes: [['node'], false], parameters: ['parameters', false],
    // Written by GenesisDocument.ToJson (a get-only property); System.Text.Json skips it when reading.
    genesisTimeMs: ['ignored', false],
  },
  validator: { name: ['string', true], publicKey: ['string', true], power: ['u64', false], organisation: ['string?', false] },
  organisation: {
    id: ['string', true], name: ['string', true], kind: ['string', true], caCertificate: ['string', true], encryptionKey: ['string', true],
    users: [['user'], false],
  },
  user: { name: ['string', true], certificate: ['string', true], roles: [['string'], false] },
  node: { name: ['string', true], certificate: ['string', true] },
  governance: {
    regulatorRequired: ['bool', false], validatorOrganisationsNumerator: ['u32', false], validatorOrganisationsDenominator: ['u32', false],
    votingPeriodBlocks: ['u64', false],
  },
  parameters: { blockTransactionsMax: ['i32', false], blockBytesMax: ['i64', false], expiryWindowBlocksMax: ['u64', false] },
};

const DEFAULTS = {
  genesis: () => ({ organisations: [], governance: bind({}, 'governance', '$.governance'), nodes: [], parameters: bind({}, 'parameters', '$.parameters') }),
  validator: () => ({ power: 1n, organisation: null }),
  organisation: () => ({ users: [] }),
  user: () => ({ roles: [] }),
  node: () => ({}),
  governance: () => ({ regulatorRequired: true, validatorOrganisationsNumerator: 2n, validatorOrganisationsDenominator: 3n, votingPeriodBlocks: 100_000n }),
  parameters: () => ({ blockTransactionsMax: 5_000n, blockBytesMax: 8n * 1024n * 1024n, expiryWindowBlocksMax: 10_000n }),
};

const invalid = (message) => new GenesisError(`The genesis file is not valid: ${message}`);

function bindValue(value, kind, where) {
  if (Array.isArray(kind)) {
    if (!Array.isArray(value)) throw invalid(`${where} must be a list.`);
    return value.map((item, i) => (item === null ? null : bindValue(item, kind[0], `${where}[${i}]`)));
  }
  switch (kind) {
    case 'string':
    case 'string?':
      if (value === null && kind === 'string?') return null;
      if (typeof value !== 'string') throw invalid(`${where} must be text.`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(`${where} must be true or false.`);
      return value;
    case 'u32':
    case 'i32':
    case 'i64':
    case 'u64': {
      const [min, max] = { u32: [0n, U32_MAX], i32: [-I32_MAX - 1n, I32_MAX], i64: [-I64_MAX - 1n, I64_MAX], u64: [0n, U64_MAX] }[kind];
      const n = integerOf(value, min, max);
      if (n === null) throw invalid(`${where} must be an integer from ${min} to ${max}.`);
      return n;
    }
    case 'time':
      if (typeof value !== 'string') throw invalid(`${where} must be a date and time.`);
      return parseTimeMs(value, where);
    default:
      return bind(value, kind, where);
  }
}

function bind(value, type, where) {
  if (!isObject(value)) throw invalid(`${where} must be an object.`);
  if (value[DUPLICATE]) throw invalid(`${where} names a property twice.`);
  const schema = SCHEMA[type];
  const result = DEFAULTS[type]();
  for (const name of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(schema, name)) throw invalid(`${where} has no property '${name}'.`);
    const [kind] = schema[name];
    if (kind === 'ignored') continue;
    if (value[name] === null && kind !== 'string?') throw invalid(`${where}.${name} may not be null.`);
    result[name] = bindValue(value[name], kind, `${where}.${name}`);
  }
  for (const [name, [, required]] of Object.entries(schema)) {
    if (required && !(name in value)) throw invalid(`${where} lacks the required property '${name}'.`);
  }
  return result;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}(?::\d{2})?)?$/;

/** An ISO 8601 date and time as System.Text.Json reads a DateTimeOffset, in Unix milliseconds (ToUnixTimeMilliseconds). */
function parseTimeMs(text, where) {
  const m = TIME.exec(text);
  const bad = () => invalid(`${where} '${text}' is not an ISO 8601 date and time.`);
  if (!m) throw bad();
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month - 1]) || hour > 23 || minute > 59 || second > 59) throw bad();
  if (m[4] !== undefined && m[7] !== undefined && m[7].length > 16) throw bad();
  const millis = m[7] === undefined ? 0 : Number((m[7] + '00').slice(0, 3));
  let offsetMinutes;
  if (m[8] === undefined) {
    // No offset: the machine's local time, as .NET takes it.
    offsetMinutes = -new Date(year, month - 1, day, hour, minute, second).getTimezoneOffset();
  } else if (m[8] === 'Z') {
    offsetMinutes = 0;
  } else {
    const sign = m[8][0] === '-' ? -1 : 1;
    const hours = Number(m[8].slice(1, 3));
    const minutes = m[8].length > 3 ? Number(m[8].slice(4, 6)) : 0;
    if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) throw bad();
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return BigInt(utc.getTime()) - BigInt(offsetMinutes) * 60_000n;
}

const isBlank = (text) => text === null || text.trim() === '';
const isKey = (hex) => typeof hex === 'string' && hex.length === 130 && hex.startsWith('04') && /^[0-9a-fA-F]*$/.test(hex);

function requireKey(hex, owner) {
  if (!isKey(hex)) throw new GenesisError(`The public key of ${owner} must be 130 hexadecimal characters (SEC1 uncompressed, starting 04).`);
}

function requireCertificate(base64, owner, max = 4096) {
  let length;
  try {
    length = fromBase64(base64).length;
  } catch {
    length = 0;
  }
  if (length === 0 || length > max) throw new GenesisError(`The certificate of ${owner} must be its DER encoding in base64 (at most ${max} bytes).`);
}

/** GenesisDocument.Validate. */
function validate(g) {
  if (!isIdentifier(g.chainId, LIMITS.chainIdLengthMax)) {
    throw new GenesisError(`Chain id '${g.chainId}' must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter.`);
  }
  if (g.suite !== 'intl' && g.suite !== 'gm') throw new GenesisError(`Crypto suite '${g.suite}' is unknown; use 'intl' or 'gm'.`);
  if (g.validators.length === 0 || g.validators.length > LIMITS.validatorsMax) throw new GenesisError(`Genesis must name 1 to ${LIMITS.validatorsMax} validators.`);
  const names = new Set();
  const keys = new Set();
  for (const v of g.validators) {
    if (v === null) throw new GenesisError('A validator entry is null.');
    if (isBlank(v.name) || v.name.length > 64 || names.has(v.name)) throw new GenesisError(`Validator name '${v.name}' must be 1 to 64 characters and unique.`);
    names.add(v.name);
    requireKey(v.publicKey, `validator '${v.name}'`);
    if (keys.has(v.publicKey.toLowerCase())) throw new GenesisError(`Validator '${v.name}' shares its public key with another validator.`);
    keys.add(v.publicKey.toLowerCase());
    if (v.power === 0n || v.power > POWER_MAX) throw new GenesisError(`Validator '${v.name}' must have voting power from 1 to ${POWER_MAX}.`);
  }
  if (g.organisations.length > 1000) throw new GenesisError('Genesis may name at most 1000 organisations.');
  const ids = new Set();
  let users = 0;
  for (const o of g.organisations) {
    if (o === null || !isIdentifier(o.id, 64) || ids.has(o.id)) throw new GenesisError(`Organisation id '${o?.id}' must be a unique identifier (a-z, 0-9, '.', '_', '-', at most 64).`);
    ids.add(o.id);
    if (isBlank(o.name) || o.name.length > 128) throw new GenesisError(`Organisation '${o.id}' needs a name of 1 to 128 characters.`);
    if (!KINDS.includes(o.kind)) throw new GenesisError(`Organisation '${o.id}' has kind '${o.kind}'; use one of ${KINDS.join(', ')}.`);
    requireCertificate(o.caCertificate, `the CA of organisation '${o.id}'`);
    requireKey(o.encryptionKey, `the data-encryption key of organisation '${o.id}'`);
    const userNames = new Set();
    for (const u of o.users) {
      if (u === null || !isIdentifier(u.name, 64) || userNames.has(u.name)) throw new GenesisError(`User '${u?.name}' of organisation '${o.id}' must have a unique identifier name.`);
      userNames.add(u.name);
      requireCertificate(u.certificate, `user '${o.id}/${u.name}'`);
      for (const role of u.roles) {
        if (!isIdentifier(role, 64)) throw new GenesisError(`Role '${role}' of user '${o.id}/${u.name}' is not a valid identifier.`);
      }
      users++;
    }
  }
  if (users > 10_000) throw new GenesisError('Genesis may name at most 10000 users.');
  if (g.organisations.length > 0 && g.organisations.filter((o) => o.kind === 'regulator').length !== 1) {
    throw new GenesisError('A consortium has exactly one regulator organisation: it is a recipient of every confidential section.');
  }
  for (const v of g.validators) {
    if (v.organisation !== null && !ids.has(v.organisation)) {
      throw new GenesisError(`Validator '${v.name}' names organisation '${v.organisation}', which genesis does not list.`);
    }
  }
  if (g.nodes.length > 256) throw new GenesisError('Genesis may name at most 256 nodes.');
  const nodeNames = new Set();
  const fingerprints = new Set();
  for (const n of g.nodes) {
    if (n === null || isBlank(n.name) || n.name.length > 64 || nodeNames.has(n.name)) throw new GenesisError(`Node name '${n?.name}' must be 1 to 64 characters and unique.`);
    nodeNames.add(n.name);
    requireCertificate(n.certificate, `node '${n.name}'`, 8192);
    const fingerprint = toHex(sha256(fromBase64(n.certificate)));
    if (fingerprints.has(fingerprint)) throw new GenesisError(`Node '${n.name}' has the same certificate as another node; each node needs its own.`);
    fingerprints.add(fingerprint);
  }
  const p = g.parameters;
  if (p.blockTransactionsMax < 1n || p.blockTransactionsMax > BigInt(LIMITS.blockTransactionsMax)) throw new GenesisError(`blockTransactionsMax must be 1 to ${LIMITS.blockTransactionsMax}.`);
  if (p.blockBytesMax < 64n * 1024n + 512n || p.blockBytesMax > 16n * 1024n * 1024n) throw new GenesisError('blockBytesMax must be 66048 to 16777216.');
  if (p.expiryWindowBlocksMax < 1n || p.expiryWindowBlocksMax > 100_000n) throw new GenesisError('expiryWindowBlocksMax must be 1 to 100000.');
  const gov = g.governance;
  if (gov.validatorOrganisationsDenominator === 0n || gov.validatorOrganisationsNumerator > gov.validatorOrganisationsDenominator) {
    throw new GenesisError('governance: the validator-organisation fraction must be between 0 and 1 with a non-zero denominator.');
  }
  if (gov.votingPeriodBlocks < 1n || gov.votingPeriodBlocks > 10_000_000n) throw new GenesisError('governance: votingPeriodBlocks must be 1 to 10,000,000.');
}

/** Parses and validates a genesis file; throws GenesisError. */
export function parseGenesis(text) {
  let json;
  try {
    json = parseJson(text);
  } catch (error) {
    throw invalid(error.message);
  }
  if (json === null) throw new GenesisError('The genesis file is empty.');
  const genesis = bind(json, 'genesis', '$');
  validate(genesis);
  return genesis;
}

/** GenesisDocument.ComputeHash: every field in its canonical encoding, under the genesis domain. */
export function genesisHash(suite, g) {
  const w = new Writer();
  w.string(g.chainId);
  w.string(g.suite);
  w.i64(g.genesisTime);
  w.u32(g.validators.length);
  for (const v of g.validators) {
    w.string(v.name);
    w.bytes(fromHex(v.publicKey));
    w.u64(v.power);
  }
  w.u32(g.organisations.length);
  for (const o of g.organisations) {
    w.string(o.id);
    w.string(o.name);
    w.string(o.kind);
    w.bytes(fromBase64(o.caCertificate));
    w.bytes(fromHex(o.encryptionKey));
    w.u32(o.users.length);
    for (const u of o.users) {
      w.string(u.name);
      w.bytes(fromBase64(u.certificate));
      w.u32(u.roles.length);
      for (const role of u.roles) w.string(role);
    }
  }
  w.bool(g.governance.regulatorRequired);
  w.u32(g.governance.validatorOrganisationsNumerator);
  w.u32(g.governance.validatorOrganisationsDenominator);
  w.u64(g.governance.votingPeriodBlocks);
  for (const v of g.validators) w.string(v.organisation ?? '');
  w.u32(g.nodes.length);
  for (const n of g.nodes) {
    w.string(n.name);
    w.bytes(fromBase64(n.certificate));
  }
  w.u32(g.parameters.blockTransactionsMax);
  w.u64(g.parameters.blockBytesMax);
  w.u64(g.parameters.expiryWindowBlocksMax);
  return hashDomain(suite, DOMAIN.genesis, w.toBytes());
}

/** GenesisDocument.CreateValidatorSet. */
export function genesisValidatorSet(suite, g) {
  return makeValidatorSet(suite, g.validators.map((v) => ({ name: v.name, publicKey: fromHex(v.publicKey), power: v.power, organisation: v.organisation ?? '' })));
}

