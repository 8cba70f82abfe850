import { CIRCOM_GADGETS } from './circomGadgets.ts';
import { modelParameters } from './commitments.ts';
import { type ConstraintBudget, constraintBudget } from './constraintBudget.ts';
import { linearRows, poolWindows } from './layers.ts';
import { inputSize, type ModelLayer, type QuantizedModel } from './model.ts';
import { packLayout } from './packing.ts';
import { POSEIDON_MAX_INPUTS } from './poseidon.ts';
import {
  analyzeRanges,
  type MaxStep,
  type ModelMode,
  type ModelRanges,
  type NeuronRange,
} from './rangeAnalysis.ts';

/** A generated circuit: circom source plus the facts it was sized from. */
export interface GeneratedCircuit {
  /** circom 2 source with `component main`; includes `circomlib/circuits/poseidon.circom`. */
  source: string;
  mode: ModelMode;
  ranges: ModelRanges;
  /** Predicted constraint count after `--O2`, by part. */
  budget: ConstraintBudget;
  /** Public signals in snarkjs order (all are outputs; the circuit has no public inputs). */
  publicSignalNames: string[];
}

/** Options of {@link generateCircom}. */
export interface GenerateOptions {
  /** `public` (default): weights are circuit constants; `private`: weights are private inputs. */
  mode?: ModelMode;
  /**
   * Also output the logits as public signals `logits[k]` (after the others).
   * Tests use it to compare every logit with the reference; it costs up to
   * one constraint per class and reveals the scores.
   */
  exposeLogits?: boolean;
}

/** Terms per emitted `+=` line: circom2 crashed on single expressions with hundreds of terms. */
const TERMS_PER_LINE = 8;

interface Term {
  coef: bigint;
  expr: string;
}

/** `var name = init;` followed by short `name += a * x - b * y ...;` lines. */
function sumVar(name: string, init: string, terms: readonly Term[]): string[] {
  const lines = [`var ${name} = ${init};`];
  for (let i = 0; i < terms.length; i += TERMS_PER_LINE) {
    const parts = terms.slice(i, i + TERMS_PER_LINE).map((t, k) => {
      const neg = t.coef < 0n;
      const abs = neg ? -t.coef : t.coef;
      const body = abs === 1n ? t.expr : `${abs} * ${t.expr}`;
      if (k === 0) return neg ? `- ${body}` : body;
      return `${neg ? '-' : '+'} ${body}`;
    });
    lines.push(`${name} += ${parts.join(' ')};`);
  }
  return lines;
}

/** The Poseidon chain of `poseidonChain` over `exprs`; returns its lines and output expression. */
function poseidonChainCircom(
  prefix: string,
  exprs: readonly string[],
  init: string,
): { lines: string[]; out: string } {
  const first = exprs.slice(0, POSEIDON_MAX_INPUTS);
  const lines = [
    `component ${prefix}0 = PoseidonEx(${first.length}, 1);`,
    `${prefix}0.initialState <== ${init};`,
  ];
  lines.push(...first.map((e, k) => `${prefix}0.inputs[${k}] <== ${e};`));
  let out = `${prefix}0.out[0]`;
  let call = 1;
  for (let i = POSEIDON_MAX_INPUTS; i < exprs.length; i += POSEIDON_MAX_INPUTS - 1) {
    const chunk = exprs.slice(i, i + POSEIDON_MAX_INPUTS - 1);
    const c = `${prefix}${call++}`;
    lines.push(`component ${c} = Poseidon(${chunk.length + 1});`, `${c}.inputs[0] <== ${out};`);
    lines.push(...chunk.map((e, k) => `${c}.inputs[${k + 1}] <== ${e};`));
    out = `${c}.out`;
  }
  return { lines, out };
}

/** Packs `items` (expression, width) per `packLayout` into var expressions named `${prefix}${e}`. */
function packCircom(
  prefix: string,
  items: readonly { expr: string; bits: number }[],
): { lines: string[]; names: string[] } {
  const { slots, elements } = packLayout(items.map((i) => i.bits));
  const terms: Term[][] = Array.from({ length: elements }, () => []);
  items.forEach((item, i) => {
    const slot = slots[i]!;
    terms[slot.element]!.push({ coef: 1n << BigInt(slot.offset), expr: item.expr });
  });
  const names = terms.map((_, e) => `${prefix}${e}`);
  return { lines: terms.flatMap((t, e) => sumVar(names[e]!, '0', t)), names };
}

/** A value between layers: a signal expression, or a constant the range analysis proved. */
type Value = { expr: string } | { value: bigint };

function describeLayer(layer: ModelLayer): string {
  if (layer.type === 'dense') return `dense ${layer.inputs} -> ${layer.outputs}`;
  const pool = layer.pool ? `, ${layer.pool.type}-pool ${layer.pool.kernel.join('x')}` : '';
  return `conv ${layer.inputShape.join('x')} -> ${layer.outChannels} channels, kernel ${layer.kernel.join('x')}, stride ${layer.stride.join('x')}${pool}`;
}

/**
 * Emits the max over each window of pre-activations (vars named in `zNames`)
 * as `TenderMax` steps sized by the range analysis; returns the expression of
 * each window's maximum.
 */
function maxPoolLines(
  li: number,
  zNames: readonly string[],
  windows: readonly number[][],
  steps: readonly MaxStep[][],
  body: string[],
): string[] {
  return windows.map((win, o) => {
    let m = zNames[win[0]!]!;
    steps[o]!.forEach((step, k) => {
      const b = zNames[win[k + 1]!]!;
      if (step.pick === 'b') m = b;
      if (step.pick !== 'compare') return;
      const c = `max${li}_${o}_${k}`;
      body.push(`component ${c} = TenderMax(${step.bits});`, `${c}.a <== ${m};`, `${c}.b <== ${b};`);
      m = `${c}.out`;
    });
    return m;
  });
}

/** Sum pooling of activations: linear, so each output is a signal `--O2` substitutes away. */
function sumPoolLines(
  li: number,
  acts: readonly Value[],
  windows: readonly number[][],
  body: string[],
): Value[] {
  body.push(`signal pool${li}[${windows.length}];`);
  return windows.map((win, o) => {
    let value = 0n;
    const terms: Term[] = [];
    for (const i of win) {
      const a = acts[i]!;
      if ('value' in a) value += a.value;
      else terms.push({ coef: 1n, expr: a.expr });
    }
    if (terms.length === 0) {
      body.push(`pool${li}[${o}] <== ${value};`);
      return { value };
    }
    body.push(...sumVar(`p${li}_${o}`, value.toString(), terms), `pool${li}[${o}] <== p${li}_${o};`);
    return { expr: `pool${li}[${o}]` };
  });
}

function gadgetLines(
  name: string,
  z: string,
  neuron: NeuronRange,
  shift: number,
): { lines: string[]; out: string } {
  switch (neuron.gadget) {
    case 'constant':
      return { lines: [], out: neuron.y.lo.toString() };
    case 'identity':
      return { lines: [], out: z };
    case 'rescale':
      return {
        lines: [`component ${name} = TenderRescale(${neuron.bits}, ${shift});`, `${name}.in <== ${z};`],
        out: `${name}.out`,
      };
    case 'relu':
      return {
        lines: [`component ${name} = TenderReluShift(${neuron.bits}, ${shift});`, `${name}.in <== ${z};`],
        out: `${name}.out`,
      };
  }
}

/**
 * Compiles a quantized MLP to a circom circuit (the string; `buildModelCircuit`
 * compiles and sets it up). Inputs: `pixels[n]` and `salt` (private), plus in
 * `private` mode every layer's `w<l>[out][in]` and `b<l>[out]`. Outputs, in
 * this order: `inputCommitment`, `prediction`, and in `private` mode
 * `modelCommitment`. Every range check is sized by `analyzeRanges`.
 *
 * In `public` mode weights are constants: dense layers are linear
 * combinations that `--O2` folds away, and the verification key binds the
 * model. In `private` mode each weight is range-checked to its width and
 * multiplied in one constraint, and the circuit outputs the Poseidon
 * commitment of the packed parameters (`modelCommitment`).
 *
 * @example
 * const { source, budget } = generateCircom(model, { mode: 'public' });
 */
export function generateCircom(model: QuantizedModel, opts: GenerateOptions = {}): GeneratedCircuit {
  const mode = opts.mode ?? 'public';
  const classes = model.layers.at(-1)!.outputs;
  const ranges = analyzeRanges(model, mode);
  const budget = constraintBudget(model, mode, ranges);
  const n = inputSize(model);
  const bits = model.input.bits;
  const body: string[] = [];
  const decl: string[] = [`signal input pixels[${n}];`, 'signal input salt;'];
  const publicSignalNames = ['inputCommitment', 'prediction'];
  if (mode === 'private') {
    model.layers.forEach((l, li) => {
      decl.push(`signal input w${li}[${l.outputs}][${l.inputs}];`, `signal input b${li}[${l.outputs}];`);
    });
    publicSignalNames.push('modelCommitment');
  }
  decl.push(...publicSignalNames.map((s) => `signal output ${s};`));
  if (opts.exposeLogits) {
    decl.push(`signal output logits[${classes}];`);
    publicSignalNames.push(...Array.from({ length: classes }, (_, k) => `logits[${k}]`));
  }

  body.push('// inputs: each pixel is range-checked to its width, so the packing below is injective');
  body.push(`component pixelBits[${n}];`);
  body.push(`for (var i = 0; i < ${n}; i++) {`);
  body.push(`    pixelBits[i] = TenderBits(${bits});`, '    pixelBits[i].in <== pixels[i];', '}');
  body.push('// input commitment: Poseidon chain over the packed pixels, salt as the initial state');
  const packed = packCircom(
    'packIn',
    Array.from({ length: n }, (_, i) => ({ expr: `pixels[${i}]`, bits })),
  );
  body.push(...packed.lines);
  const inChain = poseidonChainCircom('inputHash', packed.names, 'salt');
  body.push(...inChain.lines, `inputCommitment <== ${inChain.out};`);

  if (mode === 'private') {
    body.push('// private weights: range-checked to their widths, committed with a Poseidon chain');
    model.layers.forEach((l, li) => {
      body.push(`component w${li}Bits[${l.outputs}][${l.inputs}];`, `component b${li}Bits[${l.outputs}];`);
      body.push(`for (var o = 0; o < ${l.outputs}; o++) {`);
      body.push(`    for (var i = 0; i < ${l.inputs}; i++) {`);
      body.push(`        w${li}Bits[o][i] = TenderBits(${l.weightBits});`);
      body.push(`        w${li}Bits[o][i].in <== w${li}[o][i] + ${2n ** BigInt(l.weightBits - 1)};`, '    }');
      body.push(`    b${li}Bits[o] = TenderBits(${l.biasBits});`);
      body.push(`    b${li}Bits[o].in <== b${li}[o] + ${2n ** BigInt(l.biasBits - 1)};`, '}');
    });
    const { widths } = modelParameters(model);
    const exprs: string[] = [];
    model.layers.forEach((l, li) => {
      const wOff = 2n ** BigInt(l.weightBits - 1);
      const bOff = 2n ** BigInt(l.biasBits - 1);
      for (let o = 0; o < l.outputs; o++)
        for (let i = 0; i < l.inputs; i++) exprs.push(`(w${li}[${o}][${i}] + ${wOff})`);
      for (let o = 0; o < l.outputs; o++) exprs.push(`(b${li}[${o}] + ${bOff})`);
    });
    const params = packCircom(
      'packW',
      exprs.map((expr, i) => ({ expr, bits: widths[i]! })),
    );
    body.push(...params.lines);
    const wChain = poseidonChainCircom('modelHash', params.names, '0');
    body.push(...wChain.lines, `modelCommitment <== ${wChain.out};`);
  }

  // layers; an input is a signal expression or a constant the range analysis proved
  let xs: Value[] = Array.from({ length: n }, (_, i) => ({ expr: `pixels[${i}]` }));
  const last = model.layers.length - 1;
  model.layers.forEach((layer, li) => {
    const isLast = li === last;
    const outName = isLast ? 'scores' : `act${li}`;
    body.push(`// layer ${li}: ${describeLayer(layer)}${isLast ? ' (logits)' : `, ReLU, >> ${layer.shift}`}`);
    const rows = linearRows(layer);
    const windows = poolWindows(layer);
    const maxPool = layer.type === 'conv' && layer.pool?.type === 'max';
    const gadgets = isLast ? rows.length : ranges.hidden[li]!.length;
    body.push(`signal ${outName}[${gadgets}];`);
    const live = xs.flatMap((x, i) => ('expr' in x ? [{ i, expr: x.expr }] : []));
    const fixed = xs.flatMap((x, i) => ('value' in x && x.value !== 0n ? [{ i, value: x.value }] : []));
    if (mode === 'private' && live.length > 0) {
      body.push(`signal prod${li}[${layer.outputs}][${live.length}];`);
    }
    // pre-activation of every row, as a circom var holding a linear expression
    const zNames: string[] = [];
    rows.forEach((row, o) => {
      const zName = `z${li}_${o}`;
      zNames.push(zName);
      const neuron = isLast || maxPool ? undefined : ranges.hidden[li]![o]!;
      if (neuron?.gadget === 'constant') return;
      if (mode === 'public') {
        let bias = BigInt(row.bias);
        const terms: Term[] = [];
        row.inputs.forEach((i, k) => {
          const w = row.weights[k]!;
          const x = xs[i]!;
          if (w === 0) return;
          if ('value' in x) bias += BigInt(w) * x.value;
          else terms.push({ coef: BigInt(w), expr: x.expr });
        });
        body.push(...sumVar(zName, bias.toString(), terms));
      } else {
        body.push(...live.map((x, k) => `prod${li}[${o}][${k}] <== w${li}[${o}][${x.i}] * ${x.expr};`));
        const terms = [
          ...live.map((_, k) => ({ coef: 1n, expr: `prod${li}[${o}][${k}]` })),
          ...fixed.map((f) => ({ coef: f.value, expr: `w${li}[${o}][${f.i}]` })),
        ];
        body.push(...sumVar(zName, `b${li}[${o}]`, terms));
      }
    });
    if (isLast) {
      zNames.forEach((z, o) => {
        body.push(`${outName}[${o}] <== ${z};`);
      });
      return;
    }
    // max pooling runs on the pre-activations: max commutes with the monotone ReLU and shift
    const gadgetInputs = maxPool ? maxPoolLines(li, zNames, windows!, ranges.pools[li]!, body) : zNames;
    const next: Value[] = [];
    ranges.hidden[li]!.forEach((neuron, o) => {
      if (neuron.gadget === 'constant') {
        body.push(`${outName}[${o}] <== ${neuron.y.lo};`);
        next.push({ value: neuron.y.lo });
        return;
      }
      const g = gadgetLines(`relu${li}_${o}`, gadgetInputs[o]!, neuron, layer.shift);
      body.push(...g.lines, `${outName}[${o}] <== ${g.out};`);
      next.push({ expr: `${outName}[${o}]` });
    });
    xs = windows && !maxPool ? sumPoolLines(li, next, windows, body) : next;
  });

  // argmax: one-hot selector, the selected logit beats every lower index and ties every higher one
  body.push('// argmax (lowest index wins a tie): sel is one-hot at the prediction c, and for every k');
  body.push('// L[c] - L[k] - [k < c] is range-checked to be non-negative');
  body.push(
    `signal sel[${classes}];`,
    `signal selLogit[${classes}];`,
    'var selSum = 0;',
    'var pred = 0;',
    'var best = 0;',
  );
  body.push(
    '// witness only: circom compares field elements as signed values',
    `var values[${classes}];`,
    `for (var k = 0; k < ${classes}; k++) values[k] = scores[k];`,
    `var top = tenderArgmax(${classes}, values);`,
  );
  body.push(`for (var k = 0; k < ${classes}; k++) {`);
  body.push('    sel[k] <-- k == top ? 1 : 0;');
  body.push('    sel[k] * (sel[k] - 1) === 0;', '    selSum += sel[k];', '    pred += k * sel[k];');
  body.push('    selLogit[k] <== sel[k] * scores[k];', '    best += selLogit[k];', '}');
  body.push('selSum === 1;', 'prediction <== pred;');
  if (opts.exposeLogits) body.push(`for (var k = 0; k < ${classes}; k++) logits[k] <== scores[k];`);
  for (let k = 0; k < classes; k++) {
    const later = Array.from({ length: classes - 1 - k }, (_, m) => ` - sel[${k + 1 + m}]`).join('');
    const gap = `best - scores[${k}]${later}`;
    const d = ranges.argmax.diffBits[k]!;
    if (d === 0) body.push(`${gap} === 0;`);
    else body.push(`component gap${k} = TenderBits(${d});`, `gap${k}.in <== ${gap};`);
  }

  const header = [
    'pragma circom 2.1.0;',
    `// Generated by @tender/circuits from model "${model.name}" (${mode} weights). Do not edit: regenerate.`,
    `// Expected constraints after --O2: ${budget.total}.`,
    'include "circomlib/circuits/poseidon.circom";',
  ];
  const source = [
    ...header,
    CIRCOM_GADGETS,
    'template TenderModel() {',
    ...[...decl, ...body].map((l) => `    ${l}`),
    '}',
    '',
    'component main = TenderModel();',
    '',
  ].join('\n');
  return { source, mode, ranges, budget, publicSignalNames };
}
