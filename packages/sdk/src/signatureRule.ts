import {
  type Address,
  getAddress,
  type HashTypedDataParameters,
  type Hex,
  hashMessage,
  hashTypedData,
  recoverAddress,
  type SignableMessage,
  type TypedData,
} from 'viem';

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

/** Why a signature breaks Tender's signature rule (see {@link signatureRuleViolation}). */
export type SignatureRuleViolation = 'encoding' | 'length' | 'v' | 'r' | 's' | 'high_s';

/**
 * Tender's one rule for ECDSA signatures, the same the contracts apply
 * (OpenZeppelin `ECDSA.recover(bytes32, bytes)`): exactly 65 bytes `r ‖ s ‖ v`,
 * `v` 27 or 28, `0 < r < n`, `0 < s ≤ n/2` (low-s). EIP-2098 compact 64-byte
 * signatures, `v` 0/1, high-s twins and trailing bytes are refused, so every
 * signature the api takes is one the chain takes, and each signed message has
 * exactly one accepted encoding. Returns why `signature` breaks the rule, or
 * `null` when it follows it (it may still be someone else's signature).
 *
 * @example
 * signatureRuleViolation(await account.signTypedData(…)) // null: viem signs low-s, v 27/28
 */
export function signatureRuleViolation(signature: unknown): SignatureRuleViolation | null {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]*$/.test(signature) || signature.length % 2 !== 0) {
    return 'encoding';
  }
  if (signature.length !== 2 + 65 * 2) return 'length';
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (v !== 27 && v !== 28) return 'v';
  if (r === 0n || r >= SECP256K1_N) return 'r';
  if (s === 0n || s >= SECP256K1_N) return 's';
  if (s > HALF_N) return 'high_s';
  return null;
}

/**
 * The address that signed `digest` under Tender's signature rule
 * ({@link signatureRuleViolation}), or `null` when the signature breaks the
 * rule or recovers no key. Never throws.
 */
export async function recoverSigner(digest: Hex, signature: unknown): Promise<Address | null> {
  if (signatureRuleViolation(signature) !== null) return null;
  try {
    return getAddress(await recoverAddress({ hash: digest, signature: signature as Hex }));
  } catch {
    return null;
  }
}

/**
 * The signer of EIP-712 typed data under Tender's signature rule, or `null`.
 * What every api path that takes a JobRequest, Bid or ProofSubmission
 * signature calls.
 *
 * @example
 * const signer = await recoverTypedDataSigner({ domain, types: jobRequestTypes, primaryType: 'JobRequest', message }, sig);
 * if (signer !== getAddress(requester)) throw …;
 */
export async function recoverTypedDataSigner<
  const T extends TypedData | Record<string, unknown>,
  P extends keyof T | 'EIP712Domain',
>(typedData: HashTypedDataParameters<T, P>, signature: unknown): Promise<Address | null> {
  let digest: Hex;
  try {
    digest = hashTypedData(typedData);
  } catch {
    return null;
  }
  return recoverSigner(digest, signature);
}

/** The signer of an EIP-191 personal message (sign-in) under Tender's signature rule, or `null`. */
export function recoverMessageSigner(message: SignableMessage, signature: unknown): Promise<Address | null> {
  return recoverSigner(hashMessage(message), signature);
}
