// The evidence-proof verifier: a port of Huilian.Ledger.Proofs.EvidenceProof (Parse, then Verify against a genesis
// file) that gives the same result and the same stable codes as the C# one and `huilian evidence verify`. It runs in
// the browser (proof.entry.js) and in Node.js (test/verify-cli.mjs, which the .NET tests compare with C#).
//
//   verify(proofJsonText, genesisJsonText) →
//     { ok: true, record, height, blockHash, time, timeMs, signatures, validators, transitions }
//     { ok: false, code, message }
//
// Codes: GenesisInvalid (the genesis file cannot be read: GenesisException in C#, which has no code of its own),
// ProofMalformed, ProofFormatUnknown, ProofWrongChain, ProofTransitionInvalid, ProofValidatorsUnknown,
// ProofCommitInvalid, ProofStateInvalid, ProofShowsAbsence, ProofRecordAltered.
import { JsonNumber, integerOf, isObject, parseJson } from './proof/json.js';
import { EncodingError, equalBytes, fromHex, toHex } from './proof/codec.js';
import {
  VALIDATORS_STATE_KEY, decodeCommit, decodeEvidenceRecord, decodeHeader, decodeStateProof, decodeValidatorSetState,
  evidenceKey, formatTime, headerHash, verifyCommit, verifyStateProof,
} from './proof/ledger.js';
import { GenesisError, genesisHash, genesisValidatorSet, parseGenesis } from './proof/genesis.js';
import { SUITES } from './proof/suites.js';

export const FORMAT_NAME = 'huilian-evidence-proof/v1';
export const TRANSITIONS_MAX = 10_000;

export class ProofError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const U64_MAX = (1n << 64n) - 1n;
const malformed = (message) => new ProofError('ProofMalformed', `The proof file is not valid: ${message}`);

// The proof's JSON as ProofJsonContext binds it: camelCase names, unknown names refused, the `required` properties
// present (null allowed), the records' constructor parameters optional (absent: null), a repeated name's last value.
const PROOF = {
  format: ['string', true], chainId: ['string', true], suite: ['string', true], genesisHash: ['string', true],
  record: ['record', true], stateProof: ['string', true], header: ['string', true], commit: ['string', true],
  transitions: [['transition'], false],
};
const RECORD = {
  hash: ['string'], owner: ['string'], type: ['string'], label: ['string'], signer: ['string'], height: ['u64'], time: ['string'],
  transactionId: ['string'],
};
const TRANSITION = { header: ['string'], commit: ['string'], validators: ['string'] };
const TYPES = { proof: PROOF, record: RECORD, transition: TRANSITION };

function bindValue(value, kind, where) {
  if (Array.isArray(kind)) {
    if (value === null) return null;
    if (!Array.isArray(value)) throw malformed(`${where} must be a list.`);
    return value.map((item, i) => bindValue(item, kind[0], `${where}[${i}]`));
  }
  if (kind === 'string') {
    if (value !== null && typeof value !== 'string') throw malformed(`${where} must be text.`);
    return value;
  }
  if (kind === 'u64') {
    const n = integerOf(value, 0n, U64_MAX);
    if (n === null) throw malformed(`${where} must be an integer from 0 to ${U64_MAX}.`);
    return n;
  }
  return bindObject(value, kind, where);
}

function bindObject(value, type, where) {
  if (value === null) return null;
  if (!isObject(value)) throw malformed(`${where} must be an object.`);
  const schema = TYPES[type];
  const result = {};
  for (const name of Object.keys(schema)) result[name] = schema[name][0] === 'u64' ? 0n : null;
  for (const name of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(schema, name)) throw malformed(`${where} has no property '${name}'.`);
    result[name] = bindValue(value[name], schema[name][0], `${where}.${name}`);
  }
  for (const [name, [, required]] of Object.entries(schema)) {
    if (required && !(name in value)) throw malformed(`${where} lacks the required property '${name}'.`);
  }
  return result;
}

/** EvidenceProof.Parse. */
export function parseProof(text) {
  let json;
  try {
    json = parseJson(text);
  } catch (error) {
    throw malformed(error.message);
  }
  if (json === null) throw new ProofError('ProofMalformed', 'The proof file is empty.');
  return bindObject(json, 'proof', '$');
}

/** EvidenceProofRecord.From. */
function readableRecord(record, time) {
  return {
    hash: toHex(record.documentHash),
    owner: record.owner,
    type: record.type,
    label: record.label,
    signer: toHex(record.signer),
    height: record.height,
    time,
    transactionId: toHex(record.transactionId),
  };
}

const sameRecord = (a, b) => b !== null && Object.keys(a).every((name) => a[name] === b[name]);

function decodeParts(parts, fail) {
  try {
    return parts.map(([hex, decode]) => decode(fromHex(hex)));
  } catch (error) {
    if (error instanceof EncodingError) throw fail(error.message);
    throw error;
  }
}

/** From the genesis validators through every transition (each certified by the set before it) to the proven block's set. */
function walkTransitions(proof, genesis, suite, provenHeight) {
  let validators = genesisValidatorSet(suite, genesis);
  const transitions = proof.transitions ?? [];
  if (transitions.length > TRANSITIONS_MAX) {
    throw new ProofError('ProofMalformed', `The proof carries ${transitions.length} validator-set transitions; at most ${TRANSITIONS_MAX} are read.`);
  }
  let previousHeight = 0n;
  for (let i = 0; i < transitions.length; i++) {
    const n = i + 1;
    const transition = transitions[i];
    if (transition === null) throw new ProofError('ProofMalformed', `Transition ${n} cannot be read: it is null.`);
    const [header, commit, setProof] = decodeParts(
      [[transition.header, decodeHeader], [transition.commit, decodeCommit], [transition.validators, decodeStateProof]],
      (message) => new ProofError('ProofMalformed', `Transition ${n} cannot be read: ${message}`));
    if (header.chainId !== genesis.chainId || header.height <= previousHeight || header.height >= provenHeight) {
      throw new ProofError('ProofTransitionInvalid', `Transition ${n} (block ${header.height}) is out of order or not before the proven block ${provenHeight}.`);
    }
    if (!equalBytes(header.validatorSetHash, validators.hash)) {
      throw new ProofError('ProofTransitionInvalid', `Transition ${n}: block ${header.height} was not decided by the set the transitions before it lead to.`);
    }
    const error = verifyCommit(suite, validators, genesis.chainId, header.height, headerHash(suite, header), commit);
    if (error !== null) {
      throw new ProofError('ProofTransitionInvalid', `Transition ${n}: block ${header.height} is not certified by its validators: ${error.message}`);
    }
    if (!equalBytes(setProof.key, VALIDATORS_STATE_KEY) || setProof.value === null || !verifyStateProof(suite, setProof, header.stateRoot)) {
      throw new ProofError('ProofTransitionInvalid', `Transition ${n}: the new validator set is not proven under block ${header.height}'s state root.`);
    }
    try {
      validators = decodeValidatorSetState(suite, setProof.value);
    } catch (error) {
      if (!(error instanceof EncodingError)) throw error;
      throw new ProofError('ProofTransitionInvalid', `Transition ${n}: the proven value is not a validator set: ${error.message}`);
    }
    previousHeight = header.height;
  }
  return validators;
}

/** EvidenceProof.Verify: throws ProofError; returns what the proof establishes. */
export function verifyProof(proof, genesis) {
  if (proof.format !== FORMAT_NAME) {
    throw new ProofError('ProofFormatUnknown', `Proof format '${proof.format ?? ''}' is not supported; expected '${FORMAT_NAME}'.`);
  }
  if (proof.chainId !== genesis.chainId || proof.suite !== genesis.suite) {
    throw new ProofError('ProofWrongChain', `The proof is for chain '${proof.chainId ?? ''}' (${proof.suite ?? ''}); the genesis file is for '${genesis.chainId}' (${genesis.suite}).`);
  }
  const suite = SUITES[genesis.suite];
  const chainHash = toHex(genesisHash(suite, genesis));
  if (typeof proof.genesisHash !== 'string' || proof.genesisHash.toLowerCase() !== chainHash) {
    throw new ProofError('ProofWrongChain', 'The proof names another genesis than the genesis file.');
  }
  const [header, commit, stateProof] = decodeParts(
    [[proof.header, decodeHeader], [proof.commit, decodeCommit], [proof.stateProof, decodeStateProof]],
    (message) => new ProofError('ProofMalformed', `The proof's encoded parts cannot be read: ${message}`));
  if (header.chainId !== genesis.chainId) throw new ProofError('ProofWrongChain', 'The header belongs to another chain.');

  const blockHash = headerHash(suite, header);
  const validators = walkTransitions(proof, genesis, suite, header.height);
  const transitions = proof.transitions?.length ?? 0;
  if (!equalBytes(header.validatorSetHash, validators.hash)) {
    throw new ProofError('ProofValidatorsUnknown', transitions > 0
      ? 'The header was signed by a validator set other than the one its transitions lead to.'
      : 'The header was signed by a validator set other than the genesis validators.');
  }
  const commitError = verifyCommit(suite, validators, genesis.chainId, header.height, blockHash, commit);
  if (commitError !== null) throw new ProofError('ProofCommitInvalid', `The block is not certified by the validators: ${commitError.message}`);
  if (!verifyStateProof(suite, stateProof, header.stateRoot)) throw new ProofError('ProofStateInvalid', 'The state proof does not lead to the header\'s state root.');
  if (stateProof.value === null) throw new ProofError('ProofShowsAbsence', 'The proof shows that no record exists under this key.');
  let record;
  try {
    record = decodeEvidenceRecord(stateProof.value);
  } catch (error) {
    if (!(error instanceof EncodingError)) throw error;
    throw new ProofError('ProofStateInvalid', `The proven value is not an evidence record: ${error.message}`);
  }
  if (!equalBytes(stateProof.key, evidenceKey(record.documentHash))) {
    throw new ProofError('ProofStateInvalid', 'The proven key is not the evidence key of the record\'s hash.');
  }
  const recordTime = formatTime(record.timeMs);
  if (recordTime === null) throw new ProofError('ProofStateInvalid', 'The proven record\'s time is outside the years 1 to 9999.');
  const readable = readableRecord(record, recordTime);
  if (!sameRecord(readable, proof.record)) throw new ProofError('ProofRecordAltered', 'The file\'s readable record differs from the proven record.');
  return {
    record: readable,
    height: header.height,
    blockHash,
    timeMs: header.timeMs,
    signatures: commit.signatures.length,
    validators: validators.count,
    transitions,
    genesisHash: chainHash,
    chainId: genesis.chainId,
    suite: genesis.suite,
  };
}

const plainNumber = (n) => (n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

/** Reads the genesis file then the proof (in that order, as `huilian evidence verify` does) and verifies; never throws. */
export function verify(proofJsonText, genesisJsonText) {
  try {
    let genesis;
    try {
      genesis = parseGenesis(stripBom(genesisJsonText));
    } catch (error) {
      if (error instanceof GenesisError || error instanceof EncodingError) return { ok: false, code: 'GenesisInvalid', message: error.message };
      throw error;
    }
    const result = verifyProof(parseProof(stripBom(proofJsonText)), genesis);
    return {
      ok: true,
      record: { ...result.record, height: plainNumber(result.record.height) },
      height: plainNumber(result.height),
      blockHash: toHex(result.blockHash),
      time: formatTime(result.timeMs),
      timeMs: plainNumber(result.timeMs),
      signatures: result.signatures,
      validators: result.validators,
      transitions: result.transitions,
      genesisHash: result.genesisHash,
      chainId: result.chainId,
      suite: result.suite,
    };
  } catch (error) {
    if (error instanceof ProofError) return { ok: false, code: error.code, message: error.message };
    // Anything else is a file this port cannot read (the C# verifier would stop with an unexpected error).
    return { ok: false, code: 'ProofMalformed', message: `The proof cannot be read: ${error?.message ?? error}` };
  }
}

/** The genesis hash of a genesis file (for the page to show which trust anchor it used); throws GenesisError. */
export function genesisInfo(genesisJsonText) {
  const genesis = parseGenesis(stripBom(genesisJsonText));
  return { chainId: genesis.chainId, suite: genesis.suite, hash: toHex(genesisHash(SUITES[genesis.suite], genesis)), validators: genesis.validators.length };
}

/**
 * The proof in a file: the file itself, or its "proof" when it is the node's answer to GET /v1/evidence/{hash}
 * ({ "record": …, "proof": … }). Anything else is returned as it is, for verify() to judge.
 */
export function proofText(fileText) {
  let json;
  try {
    json = parseJson(stripBom(fileText));
  } catch {
    return fileText;
  }
  if (isObject(json) && !('format' in json) && isObject(json.proof)) return writeJson(json.proof);
  return fileText;
}

/** Writes back what parseJson read, numbers as they were written. */
function writeJson(value) {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return '[' + value.map(writeJson).join(',') + ']';
  if (isObject(value)) return '{' + Object.keys(value).map((name) => JSON.stringify(name) + ':' + writeJson(value[name])).join(',') + '}';
  return JSON.stringify(value);
}

function stripBom(text) {
  if (typeof text !== 'string') throw new ProofError('ProofMalformed', 'The file is not text.');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

