import type { Circuit } from '@tender/db';

const MIB = 1024 * 1024;

/**
 * Memory needed to prove a circuit, MiB: an estimate from the proving key's size
 * (snarkjs holds the zkey and about as much again in FFT buffers) plus 256 MiB
 * for the runtime: `256 + ceil(2 × zkeySize / MiB)`.
 */
export function provingMemoryMb(circuit: Pick<Circuit, 'zkeySize'>): number {
  return 256 + Math.ceil((2 * Number(circuit.zkeySize)) / MIB);
}
