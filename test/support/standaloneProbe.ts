// Run inside a copy of the repository (by test/standalone.test.ts): records every file the circuit
// build and the ceremony open through node:fs, builds the `tiny` built-in circuit (compile + Groth16
// setup from the committed pot12), resolves what the stack's `mnist` build would use, and prints JSON.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const opened = new Set<string>();
const record = (target: unknown) => {
  if (typeof target === 'string') opened.add(path.resolve(target));
  else if (target instanceof URL) opened.add(path.resolve(target.pathname));
};
type Fn = (...args: unknown[]) => unknown;
const wrap = (owner: Record<string, unknown>, names: string[]) => {
  for (const name of names) {
    const original = owner[name] as Fn;
    owner[name] = (...args: unknown[]) => {
      record(args[0]);
      return original.apply(owner, args);
    };
  }
};
wrap(fs as unknown as Record<string, unknown>, [
  'open',
  'openSync',
  'readFile',
  'readFileSync',
  'createReadStream',
  'existsSync',
  'statSync',
  'stat',
]);
wrap(fs.promises as unknown as Record<string, unknown>, ['open', 'readFile', 'stat']);
syncBuiltinESMExports();

const zk = await import('@tender/zk');
const circuits = await import('@tender/circuits');
const config = await import('@tender/config');

const tiny = await circuits.buildBuiltinCircuit('tiny');
const mnistModel = await circuits.loadBuiltinModel('mnist');
const mnistPower = circuits.devPtauPowerFor(8578, 2);
const hashes: Record<string, string> = {};
for (const power of zk.devPtauPowers) hashes[power] = (await zk.sha256File(zk.devPtau(power).path)).slice(2);

console.log(
  JSON.stringify({
    roots: [zk.repoRoot, config.repoRoot(), config.dataDir()],
    dirs: [zk.zkCacheDir, zk.devPtauDir, circuits.circuitsCacheDir, circuits.modelsDir],
    ptau: zk.devPtauPowers.map((power) => ({ ...zk.devPtau(power), actual: hashes[power] })),
    mnist: { name: mnistModel.name, ptau: zk.devPtau(mnistPower).path },
    tiny: [tiny.wasmPath, tiny.zkeyPath, tiny.vkeyPath, tiny.r1csPath, tiny.symPath],
    opened: [...opened],
  }),
);
await zk.terminateCurves();
