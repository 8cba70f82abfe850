/**
 * Child process of the zk benchmark: proves the inputs it is sent, in order,
 * with one warm `Prover` (witness calculator and zkey stay loaded), and
 * answers with every result and this process's peak RSS. Run in its own
 * process so that peak RSS is the prover's alone, not the build's.
 */
import { type CircuitInput, type ProvableCircuit, type ProveResult, Prover } from '@tender/zk';

interface Request {
  circuit: ProvableCircuit;
  inputs: CircuitInput[];
  curve: 'multi' | 'single';
}

process.once('message', async (message: Request) => {
  const prover = new Prover({ threads: 1, curve: message.curve });
  const results: ProveResult[] = [];
  const wallMs: number[] = [];
  try {
    for (const input of message.inputs) {
      const t0 = performance.now();
      results.push(await prover.prove(message.circuit, input));
      wallMs.push(performance.now() - t0);
    }
  } finally {
    await prover.close();
  }
  process.send?.({ results, wallMs, maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
});
