import type { ProvingBackend } from '@tender/prover';

/**
 * A dishonest prover: proves for real, then swaps the proof's A and C points
 * before returning it (both stay valid curve points, so the proof is well
 * formed and signs fine, but the pairing check fails).
 */
export function corruptingBackend(inner: ProvingBackend): ProvingBackend {
  return {
    name: 'corrupting',
    async prove(task) {
      const { proof, publicSignals } = await inner.prove(task);
      return { proof: { ...proof, pi_a: proof.pi_c, pi_c: proof.pi_a }, publicSignals };
    },
    close: () => inner.close(),
  };
}

/** A prover that goes silent after winning: its proofs never finish (it ignores the abort signal on purpose). */
export function silentBackend(): ProvingBackend {
  return { name: 'silent', prove: () => new Promise(() => {}), close: async () => {} };
}
