/**
 * Types shared across `@tender/zk`. Shapes follow snarkjs's JSON output
 * (decimal strings), because that is what provers send over the wire.
 */

/** A Groth16 proof as snarkjs writes it: projective coordinates as decimal strings. */
export interface Groth16Proof {
  pi_a: readonly string[];
  pi_b: readonly (readonly string[])[];
  pi_c: readonly string[];
  protocol?: string;
  curve?: string;
}

/** A Groth16 verification key as snarkjs's `zKey.exportVerificationKey` writes it. */
export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: readonly string[];
  vk_beta_2: readonly (readonly string[])[];
  vk_gamma_2: readonly (readonly string[])[];
  vk_delta_2: readonly (readonly string[])[];
  vk_alphabeta_12?: unknown;
  IC: readonly (readonly string[])[];
}

/** A value for one input signal element: an integer as bigint, safe integer number, or decimal/hex string. */
export type SignalScalar = bigint | number | string;

/** A value for one input signal: a scalar or a (nested) array of scalars for array signals. */
export type SignalValue = SignalScalar | readonly SignalValue[];

/** Inputs of a circuit, keyed by input signal name (without the `main.` prefix). */
export type CircuitInput = Readonly<Record<string, SignalValue>>;

/** One input signal of a circuit's main component. */
export interface InputSignal {
  /** Name without the `main.` prefix, e.g. `x` for `main.x[0][1]`. */
  name: string;
  /** Flattened element count (1 for a scalar, product of dimensions for arrays). */
  size: number;
  /** Whether the signal is a public input. */
  public: boolean;
}
