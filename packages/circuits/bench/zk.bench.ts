/**
 * zk benchmark of the MNIST demo circuit (784-56-10, 8-bit pixels, input
 * commitment) against the same MLP built the common way, and of the
 * convolutional MNIST model imported from ONNX (`mnist-cnn`) beside it.
 *
 *   npm run bench:zk             # table
 *   npm run bench:zk -- --json   # JSON only on stdout, progress on stderr
 *   npm run bench:zk -- --runs 64 --curve multi --json
 *
 * From a fresh clone the first run builds the circuits (about two minutes on
 * two cores: MNIST compile + pot15 setup, baseline compile); later runs reuse
 * the cache in `.tender/cache/circuits`. Proving runs in a child process (one
 * warm `Prover`, witness calculator loaded once), so its peak RSS is the
 * prover's alone. Timings are medians over the runs after a warm-up proof.
 * With `--json`, use `npm run -s` (or skip npm's banner) for a clean JSON stream.
 */
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { batchVerify, type CircuitInput, type ProveResult, terminateCurves, verifyProof } from '@tender/zk';
import { compileBaselineCircuit } from '../src/baselineCircom.ts';
import { compileModelCircuit, devPtauPowerFor } from '../src/build.ts';
import { buildBuiltinCircuit, loadBuiltinModel, loadModel } from '../src/builtinCircuits.ts';
import { type FloatMlpJson, floatInput, floatMlpFromJson, floatPredict } from '../src/floatMlp.ts';
import { type Digit, loadMnist, quantizePixels } from '../src/mnistData.ts';
import type { QuantizedModel } from '../src/model.ts';
import { modelInput } from '../src/modelInput.ts';
import { importGraph } from '../src/onnx/importGraph.ts';
import { compareAccuracy } from '../src/onnx/importOnnxModel.ts';
import { readOnnx } from '../src/onnx/readOnnx.ts';
import { modelsDir } from '../src/paths.ts';
import { infer, inferrer } from '../src/reference.ts';

const json = process.argv.includes('--json');
const runsArg = process.argv.indexOf('--runs');
const BATCH = 32;
const runs = Math.max(BATCH, runsArg > 0 ? Number(process.argv[runsArg + 1]) : BATCH);
const curveArg = process.argv.indexOf('--curve');
// `single` (default): each proof on the prover's worker thread; `multi`: snarkjs spreads FFTs and
// multi-exponentiations over one curve thread per core (lower latency on an idle machine, ~60 MB more RSS).
const curve: 'multi' | 'single' = curveArg > 0 && process.argv[curveArg + 1] === 'multi' ? 'multi' : 'single';
const log = (message: string) => process.stderr.write(`[bench:zk] ${message}\n`);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

async function accuracies(model: QuantizedModel, file: string, test: Digit[]) {
  const float = floatMlpFromJson(
    JSON.parse(await readFile(path.join(modelsDir, `${file}.float.json`), 'utf8')) as FloatMlpJson,
  );
  const bits = model.input.bits;
  let q = 0;
  let f = 0;
  for (const d of test) {
    const px = quantizePixels(d.pixels, bits);
    if (infer(model, px).prediction === d.label) q++;
    if (floatPredict(float, floatInput(px, bits)) === d.label) f++;
  }
  return { floatAccuracy: f / test.length, quantizedAccuracy: q / test.length };
}

/** Float (the ONNX graph, evaluated by the importer) and quantized accuracy of the CNN on the held-out digits. */
async function cnnAccuracies(model: QuantizedModel, test: Digit[]) {
  const bytes = await readFile(path.join(modelsDir, 'mnist-cnn.onnx'));
  const { network } = importGraph(readOnnx(bytes));
  const acc = compareAccuracy(
    network,
    model,
    test.map((d) => Array.from(d.pixels)),
    1 / 255,
    test.map((d) => d.label),
  );
  const architecture = model.layers.map((l) =>
    l.type === 'conv'
      ? `conv ${l.inputShape.join('x')} -> ${l.outChannels} ${l.kernel.join('x')}/${l.stride.join('x')} relu>>${l.shift}`
      : `dense ${l.inputs} -> ${l.outputs}${l.activation === 'relu' ? ` relu>>${l.shift}` : ''}`,
  );
  return { ...acc, architecture };
}

interface Proved {
  results: ProveResult[];
  wallMs: number[];
  cpuMs: number[];
  maxRssKb: number;
}

function proveInChild(
  circuit: { wasmPath: string; zkeyPath: string },
  inputs: CircuitInput[],
): Promise<Proved> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./proveRun.ts', import.meta.url), {
      serialization: 'advanced',
      stdio: 'inherit',
    });
    child.once('message', (m) => resolve(m as Proved));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`prover process exited with ${code}`));
    });
    child.send({ circuit, inputs, curve });
  });
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const { test } = loadMnist();
  log(`building the MNIST circuit (cached after the first run)`);
  const mnist = await buildBuiltinCircuit('mnist', { log });
  const acc = await accuracies(mnist.model, 'mnist-784-56-10', test);

  // 1 warm-up + `runs` proofs of distinct held-out digits
  const digits = Array.from({ length: runs + 1 }, (_, i) => test[(i * 61) % test.length]!);
  log(`proving ${digits.length} digits in a child process (first one warms up)`);
  const proved = await proveInChild(
    { wasmPath: mnist.wasmPath, zkeyPath: mnist.zkeyPath },
    digits.map((d) => modelInput(mnist.model, d.pixels)),
  );
  const measured = proved.results.slice(1);
  measured.forEach((r, i) => {
    if (Number(r.publicSignals[1]) !== infer(mnist.model, Array.from(digits[i + 1]!.pixels)).prediction) {
      throw new Error('a proof predicts something else than the reference');
    }
  });

  log('verifying one by one and in batches of 32');
  const items = measured
    .slice(0, BATCH)
    .map((r) => ({ vkey: mnist.vkey, publicSignals: r.publicSignals, proof: r.proof }));
  await verifyProof(items[0]!.vkey, items[0]!.publicSignals, items[0]!.proof); // warm-up
  await batchVerify(items.slice(0, 2)); // warm-up
  // Interleaved rounds, so that a change in the (shared) machine's load hits both alike.
  const verifyMs: number[] = [];
  const batchMs: number[] = [];
  for (let round = 0; round < 9; round++) {
    const t0 = performance.now();
    for (const it of items) await verifyProof(it.vkey, it.publicSignals, it.proof);
    verifyMs.push((performance.now() - t0) / items.length);
    const t1 = performance.now();
    const res = await batchVerify(items);
    batchMs.push(performance.now() - t1);
    if (!res.ok) throw new Error('batch verification rejected valid proofs');
  }
  await terminateCurves();

  log('building the CNN imported from ONNX (cached after the first run)');
  const cnn = await buildBuiltinCircuit('mnist-cnn', { log });
  const cnnAcc = await cnnAccuracies(cnn.model, test);
  log(`proving ${digits.length} digits with the CNN in a child process (first one warms up)`);
  const cnnProved = await proveInChild(
    { wasmPath: cnn.wasmPath, zkeyPath: cnn.zkeyPath },
    digits.map((d) => modelInput(cnn.model, d.pixels)),
  );
  const cnnMeasured = cnnProved.results.slice(1);
  const cnnRun = inferrer(cnn.model);
  cnnMeasured.forEach((r, i) => {
    if (Number(r.publicSignals[1]) !== cnnRun(Array.from(digits[i + 1]!.pixels)).prediction) {
      throw new Error('a CNN proof predicts something else than the reference');
    }
  });
  await terminateCurves();

  log('compiling the baseline (common construction) of the same MLP (cached after the first run)');
  const baselineModel = await loadBuiltinModel('mnist');
  const baseline = await compileBaselineCircuit(baselineModel, { log });
  let baselinePower: number | null;
  try {
    baselinePower = devPtauPowerFor(baseline.constraints, baseline.publicSignals);
  } catch {
    baselinePower = null;
  }
  // A baseline that fits a development ptau would be set up and proved here; the MNIST one needs 2^17.
  if (baselinePower !== null)
    log('note: the baseline fits a ptau, but proving it is not implemented in this bench');

  log('compiling the 4-bit and 1-bit input variants');
  const variants: Record<string, unknown> = {};
  for (const [key, file] of [
    ['4bit', 'mnist-784-56-10-4bit'],
    ['1bit', 'mnist-784-56-10-1bit'],
  ] as const) {
    const model = await loadModel(file);
    const compiled = await compileModelCircuit(model, { log });
    variants[key] = {
      model: file,
      inputBits: model.input.bits,
      constraints: compiled.constraints,
      ...(await accuracies(model, file, test)),
    };
  }

  const witnessMs = median(measured.map((r) => r.witnessMs));
  const groth16Ms = median(measured.map((r) => r.proveMs));
  const proveMs = median(measured.map((r) => r.witnessMs + r.proveMs));
  const verifyMedian = median(verifyMs);
  const batchPerProof = median(batchMs) / BATCH;
  const result = {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // the machine is shared: the 1-minute load average before and after the run says how quiet it was
      loadAvg1m: [round(loadBefore, 2), round(os.loadavg()[0]!, 2)],
    },
    mnist: {
      model: mnist.model.name,
      inputBits: mnist.model.input.bits,
      constraints: mnist.constraints,
      publicSignals: mnist.publicSignals,
      witnessMs: round(witnessMs),
      groth16Ms: round(groth16Ms),
      proveMs: round(proveMs),
      proveWallMs: round(median(proved.wallMs.slice(1))),
      // CPU time of the proving process per proof (all its threads): what a proof costs when the shared machine is busy
      proveCpuMs: round(median(proved.cpuMs.slice(1))),
      runs: measured.length,
      curve,
      peakRssMb: round(proved.maxRssKb / 1024),
      verifyMs: round(verifyMedian, 2),
      batchSize: BATCH,
      batchVerifyMsPerProof: round(batchPerProof, 2),
      batchSpeedup: round(verifyMedian / batchPerProof, 2),
      floatAccuracy: acc.floatAccuracy,
      quantizedAccuracy: acc.quantizedAccuracy,
      heldOutDigits: test.length,
      budget: mnist.budget,
    },
    cnn: {
      model: cnn.model.name,
      architecture: cnnAcc.architecture,
      constraints: cnn.constraints,
      publicSignals: cnn.publicSignals,
      witnessMs: round(median(cnnMeasured.map((r) => r.witnessMs))),
      groth16Ms: round(median(cnnMeasured.map((r) => r.proveMs))),
      proveMs: round(median(cnnMeasured.map((r) => r.witnessMs + r.proveMs))),
      proveCpuMs: round(median(cnnProved.cpuMs.slice(1))),
      runs: cnnMeasured.length,
      peakRssMb: round(cnnProved.maxRssKb / 1024),
      floatAccuracy: cnnAcc.floatAccuracy,
      quantizedAccuracy: cnnAcc.quantizedAccuracy,
      floatCorrect: cnnAcc.floatCorrect,
      quantizedCorrect: cnnAcc.quantizedCorrect,
      heldOutDigits: test.length,
      budget: cnn.budget,
    },
    baseline: {
      constraints: baseline.constraints,
      publicSignals: baseline.publicSignals,
      powerNeeded: Math.ceil(Math.log2(baseline.constraints + baseline.publicSignals + 1)),
      proveMs: null,
      peakRssMb: null,
    },
    ratios: { constraints: round(baseline.constraints / mnist.constraints, 2) },
    variants,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const m = result.mnist;
  const c = result.cnn;
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  const rows: [string, string, string, string][] = [
    [
      'constraints',
      String(m.constraints),
      String(c.constraints),
      `${result.baseline.constraints} (${result.ratios.constraints}x)`,
    ],
    [
      'public signals',
      String(m.publicSignals),
      String(c.publicSignals),
      String(result.baseline.publicSignals),
    ],
    ['witness (ms, median)', String(m.witnessMs), String(c.witnessMs), '-'],
    [
      'prove = witness + Groth16 (ms, median)',
      String(m.proveMs),
      String(c.proveMs),
      `null (needs 2^${result.baseline.powerNeeded})`,
    ],
    ['  of which Groth16 (ms, median)', String(m.groth16Ms), String(c.groth16Ms), '-'],
    ['  CPU time per proof (ms, median)', String(m.proveCpuMs), String(c.proveCpuMs), '-'],
    ['peak RSS of the prover (MB)', String(m.peakRssMb), String(c.peakRssMb), 'null'],
    ['verify one proof (ms, median)', String(m.verifyMs), 'same', '-'],
    [
      `batch verify, per proof at ${BATCH} (ms)`,
      `${m.batchVerifyMsPerProof} (${m.batchSpeedup}x faster)`,
      'same',
      '-',
    ],
    [
      'float accuracy (held-out)',
      pct(m.floatAccuracy),
      `${pct(c.floatAccuracy)} (${c.floatCorrect}/${c.heldOutDigits})`,
      'same model',
    ],
    [
      'quantized accuracy (held-out)',
      pct(m.quantizedAccuracy),
      `${pct(c.quantizedAccuracy)} (${c.quantizedCorrect}/${c.heldOutDigits})`,
      'same model',
    ],
  ];
  const heads = ['MNIST 784-56-10, 8-bit', 'MNIST CNN (ONNX), 8-bit'];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length), heads[0]!.length);
  const w2 = Math.max(...rows.map((r) => r[2].length), heads[1]!.length);
  console.log(
    `${''.padEnd(w0)}  ${heads[0]!.padEnd(w1)}  ${heads[1]!.padEnd(w2)}  baseline (common construction of the MLP)`,
  );
  for (const [a, b, d, e] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${d.padEnd(w2)}  ${e}`);
  console.log(`CNN: ${c.architecture.join(' | ')}`);
  console.log(
    `\n${m.runs} proofs after a warm-up (curve ${curve}) on ${result.machine.cpus} CPUs (${result.machine.cpuModel}), ` +
      `${result.machine.node}; load average ${result.machine.loadAvg1m.join(' -> ')}`,
  );
  for (const [key, v] of Object.entries(variants) as [
    string,
    { constraints: number; quantizedAccuracy: number; floatAccuracy: number },
  ][]) {
    console.log(
      `variant ${key}: ${v.constraints} constraints, quantized ${(v.quantizedAccuracy * 100).toFixed(2)} % (float ${(v.floatAccuracy * 100).toFixed(2)} %)`,
    );
  }
}

await main();
