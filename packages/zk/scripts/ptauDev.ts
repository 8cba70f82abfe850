// `npm run ptau:dev -- <power> [out]`: makes a development (single-contributor) powers-of-tau file and
// prints its sha256. Takes minutes (2^12) to the better part of an hour (2^16) on two cores. Never run by tests.
// Use the result with TENDER_PTAU_FILE=<out> TENDER_PTAU_SHA256=<printed sha256>; never in production.
import path from 'node:path';
import { makeDevPtau } from '../src/ptauDev.ts';

const power = Number(process.argv[2]);
if (!process.argv[2] || !Number.isInteger(power)) {
  console.error(
    'usage: npm run ptau:dev -- <power> [out file]   (e.g. 16 for circuits up to 65,536 constraints)',
  );
  process.exit(2);
}
const out = path.resolve(process.argv[3] ?? `pot${power}.ptau`);
const started = performance.now();
const sha256 = await makeDevPtau(power, out, (line) => console.error(`[ptau:dev] ${line}`));
console.error(`[ptau:dev] done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`${out}\nsha256 ${sha256}\nTENDER_PTAU_FILE=${out} TENDER_PTAU_SHA256=${sha256}`);
