/**
 * Child process of the zk benchmark: proves the inputs it is sent, in order,
 * with one warm `Prover` (witness calculator and zkey stay loaded), and
 * answers with every result, the wall and CPU time (all threads of this
 * process) of each proof, and this process's peak RSS. Run in its own
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
  const cpuMs: number[] = [];
  try {
    for (const input of message.inputs) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      results.push(await prover.prove(message.circuit, input));
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      wallMs.push(performance.now() - t0);
    }
  } finally {
    await prover.close();
  }
  process.send?.({ results, wallMs, cpuMs, maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
});
