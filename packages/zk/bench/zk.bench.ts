// Micro-benchmark of @tender/zk: warm proving time (multi- vs single-threaded curve) and
// batch verification against one-by-one snarkjs groth16.verify, on a synthetic circuit of
// N multiplication constraints with 10 public outputs and 1 public input.
// Usage: npx tsx packages/zk/bench/zk.bench.ts [constraints=8000] [proofs=32]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { groth16 } from 'snarkjs';
import {
  type BatchItem,
  batchVerify,
  compileCircuit,
  devPtau,
  Prover,
  setupGroth16,
  terminateCurves,
  zkCacheDir,
} from '../src/index.ts';

const constraints = Number(process.argv[2] ?? 8000);
const nProofs = Number(process.argv[3] ?? 32);
const dir = path.join(zkCacheDir, 'bench', `chain-${constraints}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await mkdir(dir, { recursive: true });
const source = path.join(dir, 'chain.circom');
await writeFile(
  source,
  `pragma circom 2.1.0;
template Chain(n) {
  signal input seed;
  signal input salt;
  signal output out[10];
  signal s[n];
  s[0] <== seed * seed;
  for (var i = 1; i < n; i++) { s[i] <== s[i-1] * s[i-1] + salt; }
  for (var k = 0; k < 10; k++) { out[k] <== s[n-1-k] * salt; }
}
component main { public [salt] } = Chain(${constraints});
`,
);
const compiled = await compileCircuit({ source, outDir: path.join(dir, 'build') });
// Larger circuits need a ptau beyond the committed 2^15 one (npm run ptau:dev -- 16).
const power = compiled.constraints < 4000 ? 12 : 15;
const ptau = devPtau(power);
let t = performance.now();
const setup = await setupGroth16({
  r1csPath: compiled.r1csPath,
  ptauPath: ptau.path,
  ptauSha256: ptau.sha256,
  outDir: path.join(dir, 'setup'),
  entropy: 'bench',
});
const setupMs = performance.now() - t;
const circuit = { ...compiled, ...setup };

const result: Record<string, unknown> = { constraints: compiled.constraints, ptauPower: power, setupMs };
const items: BatchItem[] = [];
for (const curve of ['multi', 'single'] as const) {
  const prover = new Prover({ curve });
  const witnessMs: number[] = [];
  const proveMs: number[] = [];
  try {
    await prover.prove(circuit, { seed: 3, salt: 1 }); // warm-up: loads the circuit, starts the curve
    for (let i = 0; i < (curve === 'multi' ? nProofs : 5); i++) {
      const r = await prover.prove(circuit, { seed: 5 + i, salt: 7 });
      witnessMs.push(r.witnessMs);
      proveMs.push(r.proveMs);
      if (curve === 'multi') items.push({ vkey: setup.vkey, publicSignals: r.publicSignals, proof: r.proof });
    }
  } finally {
    await prover.close();
  }
  result[`witnessMs_${curve}`] = +median(witnessMs).toFixed(1);
  result[`proveMs_${curve}`] = +median(proveMs).toFixed(1);
}

await groth16.verify(setup.vkey, items[0]!.publicSignals, items[0]!.proof); // warm-up
await batchVerify(items.slice(0, 2));
const single: number[] = [];
const batch: number[] = [];
for (let round = 0; round < 3; round++) {
  t = performance.now();
  for (const it of items)
    if (!(await groth16.verify(it.vkey, it.publicSignals, it.proof))) throw new Error('bad');
  single.push((performance.now() - t) / items.length);
  t = performance.now();
  const res = await batchVerify(items);
  if (!res.ok) throw new Error('batch failed');
  batch.push((performance.now() - t) / items.length);
}
const bad = [...items];
bad[items.length >> 1] = {
  ...bad[items.length >> 1]!,
  publicSignals: [...items[0]!.publicSignals].reverse(),
};
t = performance.now();
const bisect = await batchVerify(bad);
result.proofs = items.length;
result.snarkjsVerifyMsPerProof = +median(single).toFixed(2);
result.batchVerifyMsPerProof = +median(batch).toFixed(2);
result.batchSpeedup = +(median(single) / median(batch)).toFixed(1);
result.bisectOneBadMs = +(performance.now() - t).toFixed(0);
result.bisectFound = bisect.ok ? [] : bisect.invalid;
await terminateCurves();
console.log(JSON.stringify(result, null, 2));
