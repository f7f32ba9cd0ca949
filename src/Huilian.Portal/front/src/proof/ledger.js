// The chain's objects a proof carries, read exactly as Huilian.Core reads them: block headers, commit certificates,
// state proofs, validator sets (their state form, hash and commit check) and evidence records.
import { EncodingError, Reader, Writer, concat, domainPrefix, equalBytes, toHex, utf8 } from './codec.js';

export const LIMITS = {
  chainIdLengthMax: 64,
  identifierLengthMax: 32,
  publicKeyLengthMax: 65,
  signatureLengthMax: 72,
  stateKeyBytesMax: 256,
  stateValueBytesMax: 64 * 1024,
  blockTransactionsMax: 10_000,
  validatorsMax: 128,
  validatorNameLengthMax: 64,
  evidenceOwnerLengthMax: 128,
  evidenceTypeLengthMax: 64,
  evidenceLabelLengthMax: 256,
  pathBits: 256,
};

export const DOMAIN = {
  header: 'huilian/header/v1',
  vote: 'huilian/vote/v1',
  validatorSet: 'huilian/validators/v1',
  genesis: 'huilian/genesis/v1',
  stateKey: 0x10,
  stateValue: 0x11,
  stateLeaf: 0x12,
  stateNode: 0x13,
};

const PRECOMMIT = 2;

/** H(domain ‖ 0x00 ‖ data). */
export const hashDomain = (suite, domain, data) => suite.hash(concat(domainPrefix(domain), data));

const hashTagged = (suite, tag, data) => suite.hash(concat(Uint8Array.of(tag), data));
const hashNode = (suite, tag, left, right) => suite.hash(concat(Uint8Array.of(tag), left, right));

function version(reader, expected, what) {
  const v = reader.u8();
  if (v !== expected) throw new EncodingError('EncodingUnsupportedVersion', `${what} format ${v} is not supported; expected ${expected}.`);
}

export function decodeHeader(bytes) {
  const r = new Reader(bytes);
  version(r, 1, 'Header');
  const header = {
    chainId: r.identifier('chainId', LIMITS.chainIdLengthMax),
    height: r.u64(),
    previousHash: r.hash(),
    timeMs: r.i64(),
    transactionCount: r.u32(),
    transactionRoot: r.hash(),
    stateRoot: r.hash(),
    receiptRoot: r.hash(),
    evidenceRoot: r.hash(),
    proposer: r.bytes(LIMITS.publicKeyLengthMax, 'proposer'),
    validatorSetHash: r.hash(),
  };
  r.end();
  if (header.transactionCount > LIMITS.blockTransactionsMax) {
    throw new EncodingError('EncodingInvalidValue', `A block holds at most ${LIMITS.blockTransactionsMax} transactions.`);
  }
  // The reader accepts only canonical bytes, so the header's encoding is the bytes it was read from.
  header.encoded = bytes;
  return header;
}

export const headerHash = (suite, header) => hashDomain(suite, DOMAIN.header, header.encoded);

export function decodeCommit(bytes) {
  const r = new Reader(bytes);
  version(r, 1, 'Commit');
  const height = r.u64();
  const round = r.u32();
  const blockHash = r.hash();
  const count = r.count(LIMITS.validatorsMax, 'signatures');
  const signatures = [];
  for (let i = 0; i < count; i++) signatures.push({ validatorIndex: r.u32(), signature: r.bytes(LIMITS.signatureLengthMax, 'signature') });
  r.end();
  return { height, round, blockHash, signatures };
}

export function decodeStateProof(bytes) {
  const r = new Reader(bytes);
  const v = r.u8();
  if (v !== 1) throw new EncodingError('EncodingUnsupportedVersion', `State proof format ${v} is not supported.`);
  const key = r.bytes(LIMITS.stateKeyBytesMax, 'key');
  const value = r.bool() ? r.bytes(LIMITS.stateValueBytesMax, 'value') : null;
  const count = r.count(LIMITS.pathBits, 'siblings');
  const siblings = [];
  for (let i = 0; i < count; i++) siblings.push(r.hash());
  let otherPath = null;
  let otherValueHash = null;
  if (r.bool()) {
    otherPath = r.hash();
    otherValueHash = r.hash();
  }
  r.end();
  return { key, value, siblings, otherPath, otherValueHash };
}

const bit = (hash, index) => (hash[index >> 3] >> (7 - (index & 7))) & 1;
const isZero = (hash) => hash.every((b) => b === 0);

/** StateProof.Verify: the entry (or its absence) leads to <root> through the siblings. */
export function verifyStateProof(suite, proof, root) {
  if (proof.siblings.length > LIMITS.pathBits || proof.key.length > LIMITS.stateKeyBytesMax) return false;
  const path = hashTagged(suite, DOMAIN.stateKey, proof.key);
  let current;
  if (proof.value !== null) {
    if (proof.otherPath !== null || proof.otherValueHash !== null) return false;
    current = hashNode(suite, DOMAIN.stateLeaf, path, hashTagged(suite, DOMAIN.stateValue, proof.value));
  } else if (proof.otherPath !== null && proof.otherValueHash !== null) {
    if (equalBytes(proof.otherPath, path)) return false;
    for (let i = 0; i < proof.siblings.length; i++) if (bit(path, i) !== bit(proof.otherPath, i)) return false;
    current = hashNode(suite, DOMAIN.stateLeaf, proof.otherPath, proof.otherValueHash);
  } else if (proof.otherPath === null && proof.otherValueHash === null) {
    current = new Uint8Array(32);
  } else {
    return false;
  }
  const siblings = proof.siblings;
  if (siblings.length > 0 && isZero(siblings[siblings.length - 1]) && !isZero(current)) return false;
  for (let depth = siblings.length - 1; depth >= 0; depth--) {
    current = bit(path, depth) === 0
      ? hashNode(suite, DOMAIN.stateNode, current, siblings[depth])
      : hashNode(suite, DOMAIN.stateNode, siblings[depth], current);
  }
  return equalBytes(current, root);
}

const U64 = 1n << 64n;

/** A validator set (ValidatorSet's constructor checks): throws EncodingError InvalidValue when it is not one. */
export function makeValidatorSet(suite, validators) {
  const invalid = (message) => new EncodingError('EncodingInvalidValue', `Not a valid validator set: ${message}`);
  if (validators.length === 0 || validators.length > LIMITS.validatorsMax) throw invalid(`A validator set holds 1 to ${LIMITS.validatorsMax} validators.`);
  let total = 0n;
  for (let i = 0; i < validators.length; i++) {
    if (validators[i].power === 0n) throw invalid(`Validator '${validators[i].name}' has no voting power.`);
    total += validators[i].power;
    if (total >= U64) throw invalid('The total voting power overflows.');
    for (let j = 0; j < i; j++) {
      if (equalBytes(validators[j].publicKey, validators[i].publicKey)) throw invalid(`Validators '${validators[j].name}' and '${validators[i].name}' share a key.`);
      if (validators[j].name === validators[i].name) throw invalid(`Two validators are named '${validators[i].name}'.`);
    }
  }
  const w = new Writer();
  w.u32(validators.length);
  for (const v of validators) {
    w.string(v.name);
    w.bytes(v.publicKey);
    w.u64(v.power);
  }
  return {
    validators,
    count: validators.length,
    totalPower: total,
    quorumPower: (total * 2n) / 3n + 1n,
    hash: hashDomain(suite, DOMAIN.validatorSet, w.toBytes()),
  };
}

/** ValidatorSet.DecodeState: the set as state holds it (name, key, power, organisation). */
export function decodeValidatorSetState(suite, bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new EncodingError('EncodingUnsupportedVersion', 'Unknown validator set format.');
  const count = r.count(LIMITS.validatorsMax, 'validators');
  const validators = [];
  for (let i = 0; i < count; i++) {
    validators.push({
      name: r.string(LIMITS.validatorNameLengthMax, 'name'),
      publicKey: r.bytes(LIMITS.publicKeyLengthMax, 'publicKey'),
      power: r.u64(),
      organisation: r.string(LIMITS.identifierLengthMax, 'organisation'),
    });
  }
  r.end();
  return makeValidatorSet(suite, validators);
}

/** The state key the current validator set is kept under. */
export const VALIDATORS_STATE_KEY = utf8('sys.validators');

/** VoteSigning.PrecommitBytes. */
export function precommitBytes(chainId, height, round, blockHash) {
  const w = new Writer();
  w.fixed(domainPrefix(DOMAIN.vote));
  w.u8(PRECOMMIT);
  w.string(chainId);
  w.u64(height);
  w.u32(round);
  w.fixed(blockHash);
  return w.toBytes();
}

const shortHash = (hash) => toHex(hash).slice(0, 12);

/** ValidatorSet.VerifyCommit: null when the commit makes the block final, else { code, message }. */
export function verifyCommit(suite, set, chainId, height, blockHash, commit) {
  if (commit.height !== height) return { code: 'CommitHeightMismatch', message: `The commit is for height ${commit.height}, not ${height}.` };
  if (!equalBytes(commit.blockHash, blockHash)) {
    return { code: 'CommitBlockHashMismatch', message: `The commit signs block ${shortHash(commit.blockHash)}, not ${shortHash(blockHash)}.` };
  }
  const seen = new Array(set.count).fill(false);
  let power = 0n;
  const signBytes = precommitBytes(chainId, height, commit.round, blockHash);
  for (const signature of commit.signatures) {
    if (signature.validatorIndex >= set.count) {
      return { code: 'CommitUnknownValidator', message: `The commit names validator index ${signature.validatorIndex}; the set has ${set.count}.` };
    }
    if (seen[signature.validatorIndex]) return { code: 'CommitDuplicateSignature', message: `Validator ${signature.validatorIndex} signed the commit twice.` };
    seen[signature.validatorIndex] = true;
    const validator = set.validators[signature.validatorIndex];
    if (!suite.verify(validator.publicKey, signBytes, signature.signature)) {
      return { code: 'CommitInvalidSignature', message: `The signature of validator '${validator.name}' does not verify.` };
    }
    power += validator.power;
  }
  if (power < set.quorumPower) {
    return { code: 'CommitInsufficientPower', message: `The commit carries ${power} of ${set.totalPower} voting power; ${set.quorumPower} is needed.` };
  }
  return null;
}

/** EvidenceRecord.Decode. */
export function decodeEvidenceRecord(bytes) {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new EncodingError('EncodingUnsupportedVersion', 'Unknown evidence record format.');
  const record = {
    documentHash: r.hash(),
    owner: r.string(LIMITS.evidenceOwnerLengthMax * 4, 'owner'),
    type: r.string(LIMITS.evidenceTypeLengthMax * 4, 'type'),
    label: r.string(LIMITS.evidenceLabelLengthMax * 4, 'label'),
    signer: r.bytes(LIMITS.publicKeyLengthMax, 'signer'),
    height: r.u64(),
    timeMs: r.i64(),
    transactionId: r.hash(),
  };
  r.end();
  return record;
}

/** The evidence module's state key of a document hash: "evidence/" ‖ hash. */
export const evidenceKey = (documentHash) => concat(utf8('evidence/'), documentHash);

const TIME_MIN_MS = -62135596800000n;
const TIME_MAX_MS = 253402300799999n;

/** DateTimeOffset.FromUnixTimeMilliseconds(ms) as "yyyy-MM-ddTHH:mm:ss.fffZ"; null outside years 1 to 9999. */
export function formatTime(ms) {
  if (ms < TIME_MIN_MS || ms > TIME_MAX_MS) return null;
  return new Date(Number(ms)).toISOString();
}
