import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';

/** A 0x-prefixed hex string (lowercase when produced here). */
export type HexString = `0x${string}`;

/** keccak256 over the concatenation of 32-byte words (`abi.encode` of static 32-byte values). */
export function keccakWords(...words: readonly (HexString | bigint)[]): HexString {
  const buf = new Uint8Array(32 * words.length);
  words.forEach((w, i) => {
    buf.set(word32(w), 32 * i);
  });
  return `0x${bytesToHex(keccak_256(buf))}`;
}

/** One value as a 32-byte big-endian word; throws on a value that does not fit. */
export function word32(value: HexString | bigint): Uint8Array {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= 1n << 256n) throw new RangeError(`not a uint256: ${value}`);
    return hexToBytes(value.toString(16).padStart(64, '0'));
  }
  const hex = value.slice(2);
  if (hex.length !== 64 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`not a bytes32: ${value}`);
  return hexToBytes(hex);
}

/** The hex string as an unsigned integer. */
export function hexToUint(value: HexString): bigint {
  return BigInt(value);
}
