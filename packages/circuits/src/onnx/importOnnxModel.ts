import { TenderError } from '@tender/core';
import { devPtauPowerFor } from '../build.ts';
import { type ConstraintBudget, constraintBudget } from '../constraintBudget.ts';
import type { QuantizedModel } from '../model.ts';
import { argmax, inferrer } from '../reference.ts';
import { type FloatNetwork, floatNetworkForward } from './floatNetwork.ts';
import { type GraphImportNotes, importGraph } from './importGraph.ts';
import {
  type Calibration,
  type LayerCalibration,
  type QuantizationOptions,
  quantizeNetwork,
} from './quantizeNetwork.ts';
import { readOnnx } from './readOnnx.ts';

/** Options of {@link importOnnxModel}. */
export interface ImportOnnxOptions extends QuantizationOptions {
  /** Model name (lowercase letters, digits, dashes). */
  name: string;
  description?: string;
  /** Labels of the calibration inputs: the report then gives both accuracies on them. */
  labels?: readonly number[];
}

/** Float vs quantized predictions on a labelled set, with counts. */
export interface AccuracyReport {
  samples: number;
  floatCorrect: number;
  quantizedCorrect: number;
  /** Inputs where the quantized model predicts what the float model predicts. */
  agree: number;
  floatAccuracy: number;
  quantizedAccuracy: number;
}

/** What {@link importOnnxModel} tells besides the model. */
export interface ImportReport {
  /** sha256 of the ONNX bytes (hex). */
  sourceSha256: string;
  opsetVersion: number;
  /** Layers as imported: `conv 1x28x28 -> 8, 5x5/2, relu` ... */
  architecture: string[];
  output: FloatNetwork['output'];
  notes: GraphImportNotes;
  calibration: { samples: number; bits: number; scale: number; layers: LayerCalibration[] };
  /** Predicted circuit size (public weights) and the powers of tau it needs. */
  constraints: ConstraintBudget;
  ptauPower: number;
  /** On the calibration inputs (agreement only) or, with labels, accuracy too. */
  accuracy: AccuracyReport;
}

/** The float network and its quantized model, as {@link importOnnxModel} returns them. */
export interface ImportedModel {
  model: QuantizedModel;
  network: FloatNetwork;
  report: ImportReport;
}

function describe(network: FloatNetwork): string[] {
  return network.layers.map((l) => {
    const act = l.relu ? ', relu' : '';
    if (l.type === 'dense') return `dense ${l.inputs} -> ${l.outputs}${act}`;
    const pool = l.pool ? `, ${l.pool.type}-pool ${l.pool.kernel.join('x')}/${l.pool.stride.join('x')}` : '';
    return `conv ${l.inputShape.join('x')} -> ${l.outChannels}, ${l.kernel.join('x')}/${l.stride.join('x')} pad ${l.padding.join(',')}${act}${pool}`;
  });
}

/**
 * Compares a quantized model with its float network on labelled integer
 * inputs (`p · scale` is what the float network sees); `labels` absent counts
 * only the agreement between the two.
 */
export function compareAccuracy(
  network: FloatNetwork,
  model: QuantizedModel,
  inputs: readonly ArrayLike<number>[],
  scale: number,
  labels?: readonly number[],
): AccuracyReport {
  const run = inferrer(model);
  let floatCorrect = 0;
  let quantizedCorrect = 0;
  let agree = 0;
  inputs.forEach((x, k) => {
    const f = argmax(
      Array.from(
        floatNetworkForward(
          network,
          Float64Array.from(x, (p) => p * scale),
        ),
      ),
    );
    const q = run(Array.from(x)).prediction;
    if (f === q) agree++;
    if (labels) {
      if (f === labels[k]) floatCorrect++;
      if (q === labels[k]) quantizedCorrect++;
    }
  });
  const n = inputs.length;
  return {
    samples: n,
    floatCorrect,
    quantizedCorrect,
    agree,
    floatAccuracy: labels ? floatCorrect / n : Number.NaN,
    quantizedAccuracy: labels ? quantizedCorrect / n : Number.NaN,
  };
}

/**
 * Imports an ONNX model (the bytes of a `.onnx` file) as a Tender model:
 * decode (`readOnnx`), map the operators (`importGraph`: Gemm, MatMul + Add,
 * Conv, Relu, MaxPool, AveragePool, GlobalAveragePool, Flatten / Reshape,
 * BatchNormalization folded, Identity / Dropout dropped, ArgMax or logits
 * out), quantize with the calibration set (`quantizeNetwork`), and size the
 * circuit. Returns the model description the compiler takes, the float
 * network (for float evaluation) and a report. Throws, naming the node or
 * field: `TENDER_MODEL_INVALID` (malformed file, shapes that do not line up),
 * `TENDER_MODEL_UNSUPPORTED` (an operator or attribute outside the list, a
 * circuit larger than the largest powers of tau, 2^16), `TENDER_INPUT_INVALID`
 * (a calibration set that does not fit the input). Nothing is written.
 *
 * @example
 * const { model, report } = importOnnxModel(await readFile('cnn.onnx'), { inputs, bits: 8, scale: 1 / 255 }, { name: 'my-cnn' });
 */
export async function importOnnxModel(
  bytes: Uint8Array,
  calibration: Calibration,
  opts: ImportOnnxOptions,
): Promise<ImportedModel> {
  const { createHash } = await import('node:crypto');
  const graph = readOnnx(bytes);
  const { network, notes } = importGraph(graph);
  if (opts.labels && opts.labels.length !== calibration.inputs.length) {
    throw new TenderError(
      'TENDER_INPUT_INVALID',
      `calibration labels: ${opts.labels.length} labels for ${calibration.inputs.length} inputs`,
      { details: { field: 'labels' } },
    );
  }
  const { model, layers } = quantizeNetwork(network, calibration, opts);
  const constraints = constraintBudget(model, 'public');
  let ptauPower: number;
  try {
    ptauPower = devPtauPowerFor(constraints.total, 2);
  } catch (error) {
    throw new TenderError(
      'TENDER_MODEL_UNSUPPORTED',
      `model ${opts.name} needs about ${constraints.total} constraints, more than the largest powers of tau (2^16) holds`,
      { cause: error, details: { constraints: constraints.total } },
    );
  }
  const report: ImportReport = {
    sourceSha256: createHash('sha256').update(bytes).digest('hex'),
    opsetVersion: graph.opsetVersion,
    architecture: describe(network),
    output: network.output,
    notes,
    calibration: {
      samples: calibration.inputs.length,
      bits: calibration.bits,
      scale: calibration.scale,
      layers,
    },
    constraints,
    ptauPower,
    accuracy: compareAccuracy(network, model, calibration.inputs, calibration.scale, opts.labels),
  };
  return { model, network, report };
}
