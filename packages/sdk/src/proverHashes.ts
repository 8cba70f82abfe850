import { encodeAbiParameters, encodePacked, keccak256 } from 'viem';
import type { Groth16ProofJson, Hex } from './proverTypes.ts';

function word(value: string | undefined, what: string): bigint {
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
    throw new TypeError(`${what} is not a decimal integer string`);
  }
  return BigInt(value);
}

/**
 * The eight words of a snarkjs proof in the contract's calldata order:
 * `a.x, a.y, b[0][0], b[0][1], b[1][0], b[1][1], c.x, c.y`, where G2 points are
 * in EIP-197 order (imaginary part first): `b[0] = (pi_b[0][1], pi_b[0][0])`,
 * `b[1] = (pi_b[1][1], pi_b[1][0])` — the encoding documented in
 * packages/zk/src/calldata.ts.
 */
export function proofWordsOf(
  proof: Groth16ProofJson,
): readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint] {
  const b0 = proof.pi_b[0] ?? [];
  const b1 = proof.pi_b[1] ?? [];
  return [
    word(proof.pi_a[0], 'pi_a[0]'),
    word(proof.pi_a[1], 'pi_a[1]'),
    word(b0[1], 'pi_b[0][1]'),
    word(b0[0], 'pi_b[0][0]'),
    word(b1[1], 'pi_b[1][1]'),
    word(b1[0], 'pi_b[1][0]'),
    word(proof.pi_c[0], 'pi_c[0]'),
    word(proof.pi_c[1], 'pi_c[1]'),
  ];
}

/**
 * `keccak256(abi.encode(uint256[8]))` of {@link proofWordsOf}: the proof hash a
 * ProofSubmission signs and the contract recomputes.
 *
 * @example
 * const { proof } = await prover.prove(circuit, input);
 * proofHashOf(proof); // 0x…
 */
export function proofHashOf(proof: Groth16ProofJson): Hex {
  return keccak256(encodeAbiParameters([{ type: 'uint256[8]' }], [proofWordsOf(proof)]));
}

/**
 * `keccak256(abi.encodePacked(uint256[]))` of the public signals (decimal
 * strings): each a 32-byte word, no length prefix.
 */
export function publicSignalsHashOf(publicSignals: readonly string[]): Hex {
  const words = publicSignals.map((s, i) => word(s, `publicSignals[${i}]`));
  return keccak256(encodePacked(['uint256[]'], [words]));
}
