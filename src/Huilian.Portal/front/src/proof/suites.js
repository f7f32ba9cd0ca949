// The two crypto suites a chain's genesis may name (Huilian.Crypto): what is hashed and how a signature is checked.
//   intl: SHA-256; ECDSA P-256 over SHA-256(message), r ‖ s (64 bytes), r in [1, n-1] and low S (s ≤ n/2) only.
//   gm:   SM3; SM2 (GM/T 0003.2) over sm2p256v1, digest SM3(Z_A ‖ message) with the standard user ID
//         "1234567812345678", r ‖ s (64 bytes).
// Public keys are SEC1 uncompressed points (65 bytes, 0x04 ‖ X ‖ Y) in both. Verification never throws: false.
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import smCrypto from 'sm-crypto';
import { fromHex, toHex } from './codec.js';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;

/** The user ID the C# side (BouncyCastle SM2Signer, Sm2Sm3.DefaultUserId) puts into Z_A; sm-crypto's default too, named here on purpose. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

function bigOf(bytes) {
  return BigInt('0x' + (toHex(bytes) || '0'));
}

function isUncompressedKey(publicKey) {
  return publicKey.length === 65 && publicKey[0] === 0x04;
}

const intl = {
  name: 'intl',
  hash: (data) => sha256(data),
  verify(publicKey, message, signature) {
    if (signature.length !== 64 || !isUncompressedKey(publicKey)) return false;
    const r = bigOf(signature.subarray(0, 32));
    const s = bigOf(signature.subarray(32));
    if (r === 0n || r >= P256_ORDER || s === 0n || s > P256_HALF_ORDER) return false;
    try {
      // The range and low-S checks above are the C# ones; noble checks the point and the equation.
      return p256.verify(signature, message, publicKey, { prehash: true, lowS: false, format: 'compact' });
    } catch {
      return false;
    }
  },
};

const gm = {
  name: 'gm',
  hash: (data) => fromHex(smCrypto.sm3(Array.from(data))),
  verify(publicKey, message, signature) {
    if (signature.length !== 64 || !isUncompressedKey(publicKey)) return false;
    try {
      return smCrypto.sm2.doVerifySignature(Array.from(message), toHex(signature), toHex(publicKey), {
        der: false,
        hash: true,
        userId: SM2_DEFAULT_USER_ID,
      });
    } catch {
      return false;
    }
  },
};

export const SUITES = { intl, gm };
