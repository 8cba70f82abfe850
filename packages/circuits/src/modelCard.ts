import { modelCommitment } from './commitments.ts';
import type { QuantizedModel } from './model.ts';
import type { ModelMode } from './rangeAnalysis.ts';

/** What a registered zkML circuit tells its users about the model it proves. */
export interface ModelCard {
  model: string;
  description?: string;
  mode: ModelMode;
  /** Poseidon commitment of the quantized weights and biases (decimal). */
  modelCommitment: string;
  input: { shape: number[]; bits: number; scale?: number };
  layers: {
    inputs: number;
    outputs: number;
    activation: 'relu' | 'none';
    shift: number;
    weightBits: number;
    biasBits: number;
    outputScale?: number;
  }[];
  classes: number;
  /** Public signals in snarkjs order. */
  publicSignals: string[];
  /** How the prediction is chosen. */
  argmax: 'lowest index wins a tie';
}

/**
 * The model card of a model circuit: shapes, quantization, the model
 * commitment and the meaning of the public signals.
 */
export async function modelCard(model: QuantizedModel, mode: ModelMode): Promise<ModelCard> {
  const card: ModelCard = {
    model: model.name,
    mode,
    modelCommitment: (await modelCommitment(model)).toString(),
    input: { ...model.input },
    layers: model.layers.map((l) => {
      const layer: ModelCard['layers'][number] = {
        inputs: l.inputs,
        outputs: l.outputs,
        activation: l.activation,
        shift: l.shift,
        weightBits: l.weightBits,
        biasBits: l.biasBits,
      };
      if (l.outputScale !== undefined) layer.outputScale = l.outputScale;
      return layer;
    }),
    classes: model.layers.at(-1)!.outputs,
    publicSignals:
      mode === 'private'
        ? ['inputCommitment', 'prediction', 'modelCommitment']
        : ['inputCommitment', 'prediction'],
    argmax: 'lowest index wins a tie',
  };
  if (model.description !== undefined) card.description = model.description;
  return card;
}
