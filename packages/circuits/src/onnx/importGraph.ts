/**
 * ONNX graph → {@link FloatNetwork}: walks the nodes in order along the one
 * running activation, maps each supported operator to Tender's layers, folds
 * BatchNormalization into the layer before it, drops Identity / Dropout, and
 * refuses everything else by operator and node name. Longer than 300 lines
 * because it is one table of operators and their checks.
 */
import { TenderError } from '@tender/core';
import {
  type FloatConv,
  type FloatNetwork,
  type FloatNetworkLayer,
  floatConvShapes,
  floatLayerOutputs,
} from './floatNetwork.ts';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor } from './readOnnx.ts';

/** The operators the importer understands (anything else is refused with `TENDER_MODEL_UNSUPPORTED`). */
export const SUPPORTED_OPERATORS = [
  'Gemm',
  'MatMul',
  'Add',
  'Conv',
  'Relu',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'ArgMax',
] as const;

/** What the import did besides mapping layers, for the import report. */
export interface GraphImportNotes {
  /** Nodes folded into the layer before them (BatchNormalization, a bias Add). */
  folded: string[];
  /** Nodes dropped because they compute the identity at inference (Identity, Dropout, Flatten, Reshape). */
  removed: string[];
}

function unsupported(node: OnnxNode, why: string): TenderError {
  return new TenderError('TENDER_MODEL_UNSUPPORTED', `ONNX node '${node.name}' (${node.opType}): ${why}`, {
    details: { node: node.name, operator: node.opType },
  });
}

function invalid(node: OnnxNode | undefined, why: string, extra: Record<string, unknown> = {}): TenderError {
  const where = node ? `ONNX node '${node.name}' (${node.opType})` : 'ONNX graph';
  return new TenderError('TENDER_MODEL_INVALID', `${where}: ${why}`, {
    details: { ...(node ? { node: node.name, operator: node.opType } : {}), ...extra },
  });
}

function ints(node: OnnxNode, name: string, fallback: number[]): number[] {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (!Array.isArray(a)) throw invalid(node, `attribute ${name} must be a list of integers`);
  return a;
}

function int(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (typeof a !== 'number') throw invalid(node, `attribute ${name} must be a number`);
  return a;
}

function str(node: OnnxNode, name: string, fallback: string): string {
  const a: OnnxAttribute | undefined = node.attributes.get(name);
  return typeof a === 'string' ? a : fallback;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Padding `[top, left, bottom, right]` for ONNX `auto_pad` / `pads` on an input of `[h, w]`. */
function convPadding(
  node: OnnxNode,
  hw: [number, number],
  kernel: [number, number],
  stride: [number, number],
): [number, number, number, number] {
  const auto = str(node, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') {
    const pads = ints(node, 'pads', [0, 0, 0, 0]);
    if (pads.length !== 4 || pads.some((p) => p < 0))
      throw invalid(node, `pads [${pads}] must be 4 non-negative numbers`);
    return pads as [number, number, number, number];
  }
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto !== 'SAME_UPPER' && auto !== 'SAME_LOWER') throw unsupported(node, `auto_pad ${auto}`);
  const total = [0, 1].map((d) => {
    const out = Math.ceil(hw[d]! / stride[d]!);
    return Math.max(0, (out - 1) * stride[d]! + kernel[d]! - hw[d]!);
  });
  const begin = total.map((t) => (auto === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
  return [begin[0]!, begin[1]!, total[0]! - begin[0]!, total[1]! - begin[1]!];
}

/** The running state of the walk: the activation tensor, its shape (no batch) and the layer that made it. */
interface Walk {
  name: string;
  shape: number[];
  layer: FloatNetworkLayer | undefined;
  /** Whether the running activation is the last layer's raw linear output (bias and BatchNorm may still fold in). */
  linear: boolean;
}

/**
 * Maps a decoded ONNX graph to a {@link FloatNetwork}. Rules: one graph input
 * of float type shaped `[batch, C, H, W]` or `[batch, N]` (batch 1 or
 * symbolic); every node reads the running activation plus constants
 * (initializers); hidden conv/dense layers end in ReLU and the last one does
 * not; pooling follows a conv layer; the graph output is the last node's.
 * Throws `TENDER_MODEL_UNSUPPORTED` naming the node for an operator or
 * attribute outside these rules, `TENDER_MODEL_INVALID` for shapes that do
 * not line up or a graph that is not well formed.
 */
export function importGraph(graph: OnnxGraph): { network: FloatNetwork; notes: GraphImportNotes } {
  if (graph.inputs.length !== 1) {
    throw invalid(undefined, `needs exactly one input, has ${graph.inputs.length}`, {
      inputs: graph.inputs.map((i) => i.name),
    });
  }
  const input = graph.inputs[0]!;
  if (input.elemType !== 1)
    throw invalid(undefined, `input '${input.name}' must be float32`, { input: input.name });
  const dims = input.shape;
  if (!dims || (dims.length !== 4 && dims.length !== 2) || dims.slice(1).some((d) => d === null || d <= 0)) {
    throw invalid(
      undefined,
      `input '${input.name}' must have shape [batch, C, H, W] or [batch, N], has [${dims ?? '?'}]`,
      {
        input: input.name,
      },
    );
  }
  if (dims[0] !== null && dims[0] !== 1)
    throw invalid(undefined, `input '${input.name}': batch must be 1 or symbolic`);
  const inputShape = dims.slice(1) as number[];
  const layers: FloatNetworkLayer[] = [];
  const notes: GraphImportNotes = { folded: [], removed: [] };
  let output: FloatNetwork['output'] = 'logits';
  const walk: Walk = { name: input.name, shape: inputShape, layer: undefined, linear: false };

  const constant = (node: OnnxNode, index: number, what: string): OnnxTensor => {
    const name = node.inputs[index];
    const t = name ? graph.initializers.get(name) : undefined;
    if (!t) throw unsupported(node, `its ${what} ('${name ?? ''}') must be a constant (initializer)`);
    return t;
  };
  const activationIn = (node: OnnxNode) => {
    if (node.inputs[0] !== walk.name) {
      throw unsupported(
        node,
        `reads '${node.inputs[0]}', not the running activation '${walk.name}' (only chains of layers are supported)`,
      );
    }
    if (output === 'argmax') throw unsupported(node, 'nothing may follow ArgMax');
  };
  const advance = (node: OnnxNode, shape: number[] = walk.shape) => {
    walk.name = node.outputs[0] ?? '';
    walk.shape = shape;
  };
  const openLayer = (node: OnnxNode, layer: FloatNetworkLayer, shape: number[]) => {
    const prev = walk.layer;
    if (prev && !prev.relu)
      throw unsupported(node, 'the layer before it has no ReLU (hidden layers end in ReLU)');
    layers.push(layer);
    walk.layer = layer;
    walk.linear = true;
    advance(node, shape);
  };

  for (const node of graph.nodes) {
    switch (node.opType) {
      case 'Identity':
      case 'Dropout': {
        activationIn(node);
        if (node.outputs.length > 1 && node.outputs[1]) throw unsupported(node, 'its mask output is used');
        notes.removed.push(node.name);
        walk.name = node.outputs[0] ?? '';
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        activationIn(node);
        const n = size(walk.shape);
        if (node.opType === 'Flatten') {
          const axis = int(node, 'axis', 1);
          if (axis !== 1) throw unsupported(node, `axis ${axis} (only 1: keep the batch, flatten the rest)`);
        } else {
          const target = Array.from(constant(node, 1, 'shape').data);
          const resolved = target.map((d, i) => (d === 0 ? ([1, ...walk.shape][i] ?? 0) : d));
          const known = resolved.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
          const full = resolved.map((d) => (d === -1 ? n / known : d));
          if (full.length !== 2 || full[0] !== 1 || full[1] !== n) {
            throw unsupported(node, `reshape to [${target}] is not a flatten of [1, ${walk.shape}]`);
          }
        }
        notes.removed.push(node.name);
        advance(node, [n]);
        walk.linear = false;
        break;
      }
      case 'Conv': {
        activationIn(node);
        if (walk.shape.length !== 3) throw invalid(node, `needs a [C, H, W] input, gets [${walk.shape}]`);
        const w = constant(node, 1, 'weight');
        const [c, h, wd] = walk.shape as [number, number, number];
        if (w.dims.length !== 4 || w.dims[1] !== c) {
          throw invalid(node, `weight shape [${w.dims}] does not fit an input of ${c} channels`, {
            weight: w.name,
          });
        }
        if (int(node, 'group', 1) !== 1) throw unsupported(node, 'grouped convolution (group ≠ 1)');
        if (ints(node, 'dilations', [1, 1]).some((d) => d !== 1))
          throw unsupported(node, 'dilated convolution');
        const kernel = [w.dims[2]!, w.dims[3]!] as [number, number];
        const ks = ints(node, 'kernel_shape', kernel);
        if (ks[0] !== kernel[0] || ks[1] !== kernel[1])
          throw invalid(node, `kernel_shape [${ks}] differs from the weight's [${kernel}]`);
        const stride = ints(node, 'strides', [1, 1]) as [number, number];
        const oc = w.dims[0]!;
        const b = node.inputs[2] ? constant(node, 2, 'bias') : undefined;
        if (b && size(b.dims) !== oc)
          throw invalid(node, `bias has ${size(b.dims)} values, needs ${oc}`, { bias: b.name });
        const layer: FloatConv = {
          type: 'conv',
          inputShape: [c, h, wd],
          outChannels: oc,
          kernel,
          stride,
          padding: convPadding(node, [h, wd], kernel, stride),
          weights: Float64Array.from(w.data),
          bias: b ? Float64Array.from(b.data) : new Float64Array(oc),
          relu: false,
        };
        const [, ch, cw] = floatConvShapes(layer).conv;
        if (!(ch >= 1 && cw >= 1))
          throw invalid(node, `a ${kernel.join('x')} kernel does not fit the input [${walk.shape}]`);
        openLayer(node, layer, [oc, ch, cw]);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        activationIn(node);
        if (walk.shape.length !== 1)
          throw invalid(node, `needs a flat input (Flatten first), gets [${walk.shape}]`);
        const n = walk.shape[0]!;
        const w = constant(node, 1, 'weight');
        const transB = node.opType === 'Gemm' ? int(node, 'transB', 0) : 0;
        if (node.opType === 'Gemm' && int(node, 'transA', 0) !== 0) throw unsupported(node, 'transA = 1');
        if (w.dims.length !== 2 || w.dims[transB ? 1 : 0] !== n) {
          throw invalid(node, `weight shape [${w.dims}] does not take ${n} inputs`, { weight: w.name });
        }
        const m = w.dims[transB ? 0 : 1]!;
        const alpha =
          node.opType === 'Gemm' ? ((node.attributes.get('alpha') as number | undefined) ?? 1) : 1;
        const beta = node.opType === 'Gemm' ? ((node.attributes.get('beta') as number | undefined) ?? 1) : 1;
        const weights = new Float64Array(m * n);
        for (let o = 0; o < m; o++)
          for (let i = 0; i < n; i++) weights[o * n + i] = alpha * w.data[transB ? o * n + i : i * m + o]!;
        const bias = new Float64Array(m);
        if (node.opType === 'Gemm' && node.inputs[2]) {
          const c = constant(node, 2, 'bias');
          if (size(c.dims) !== m)
            throw invalid(node, `bias has ${size(c.dims)} values, needs ${m}`, { bias: c.name });
          for (let o = 0; o < m; o++) bias[o] = beta * c.data[o]!;
        }
        openLayer(node, { type: 'dense', inputs: n, outputs: m, weights, bias, relu: false }, [m]);
        break;
      }
      case 'Add': {
        activationIn(node);
        const layer = walk.layer;
        if (!layer || !walk.linear)
          throw unsupported(
            node,
            'adds to something other than a conv/dense output (only a bias add is supported)',
          );
        const c = constant(node, 1, 'addend');
        const outs = layer.type === 'dense' ? layer.outputs : layer.outChannels;
        if (size(c.dims) !== outs)
          throw invalid(node, `adds ${size(c.dims)} values to ${outs} outputs`, { addend: c.name });
        for (let o = 0; o < outs; o++) layer.bias[o] = layer.bias[o]! + c.data[o]!;
        notes.folded.push(node.name);
        advance(node);
        break;
      }
      case 'BatchNormalization': {
        activationIn(node);
        const layer = walk.layer;
        if (!layer || !walk.linear)
          throw unsupported(
            node,
            'only a BatchNormalization right after a conv or dense layer can be folded',
          );
        const outs = layer.type === 'dense' ? layer.outputs : layer.outChannels;
        const [scale, shift, mean, variance] = [1, 2, 3, 4].map((i) =>
          constant(node, i, ['scale', 'bias', 'mean', 'var'][i - 1]!),
        );
        for (const t of [scale!, shift!, mean!, variance!]) {
          if (size(t.dims) !== outs)
            throw invalid(node, `'${t.name}' has ${size(t.dims)} values, needs ${outs}`);
        }
        const eps = (node.attributes.get('epsilon') as number | undefined) ?? 1e-5;
        const per = layer.weights.length / outs;
        for (let o = 0; o < outs; o++) {
          const g = scale!.data[o]! / Math.sqrt(variance!.data[o]! + eps);
          for (let k = 0; k < per; k++) layer.weights[o * per + k] = layer.weights[o * per + k]! * g;
          layer.bias[o] = (layer.bias[o]! - mean!.data[o]!) * g + shift!.data[o]!;
        }
        notes.folded.push(node.name);
        advance(node);
        break;
      }
      case 'Relu': {
        activationIn(node);
        const layer = walk.layer;
        if (!layer) throw unsupported(node, 'ReLU on the input (it must follow a conv or dense layer)');
        if (layer.relu) throw unsupported(node, 'a second ReLU on the same layer');
        if (
          !walk.linear &&
          !(layer.type === 'conv' && layer.pool?.type === 'max' && walk.shape.length === 3)
        ) {
          throw unsupported(
            node,
            'ReLU must follow a conv/dense layer (or its max pooling, which commutes with it)',
          );
        }
        layer.relu = true;
        walk.linear = false;
        advance(node);
        break;
      }
      case 'MaxPool':
      case 'AveragePool':
      case 'GlobalAveragePool': {
        activationIn(node);
        const layer = walk.layer;
        if (layer?.type !== 'conv' || layer.pool || walk.shape.length !== 3) {
          throw unsupported(node, 'pooling must follow a conv layer (once)');
        }
        const max = node.opType === 'MaxPool';
        if (!max && !layer.relu)
          throw unsupported(node, 'average pooling before the ReLU (put it after the ReLU)');
        const [c, h, w] = walk.shape as [number, number, number];
        let kernel: [number, number] = [h, w];
        let stride: [number, number] = [1, 1];
        if (node.opType !== 'GlobalAveragePool') {
          kernel = ints(node, 'kernel_shape', []) as [number, number];
          if (kernel.length !== 2) throw invalid(node, 'kernel_shape must have 2 numbers');
          stride = ints(node, 'strides', [1, 1]) as [number, number];
          const auto = str(node, 'auto_pad', 'NOTSET');
          if (
            (auto !== 'NOTSET' && auto !== 'VALID') ||
            ints(node, 'pads', [0, 0, 0, 0]).some((p) => p !== 0)
          ) {
            throw unsupported(node, 'padded pooling');
          }
          if (ints(node, 'dilations', [1, 1]).some((d) => d !== 1))
            throw unsupported(node, 'dilated pooling');
          if (
            int(node, 'ceil_mode', 0) !== 0 &&
            [0, 1].some((d) => ([h, w][d]! - kernel[d]!) % stride[d]! !== 0)
          ) {
            throw unsupported(node, 'ceil_mode with windows that overhang the input');
          }
          if (max && node.outputs[1]) throw unsupported(node, 'its Indices output is used');
        }
        layer.pool = { type: max ? 'max' : 'average', kernel, stride };
        const [, ph, pw] = floatConvShapes(layer).pooled;
        if (!(ph >= 1 && pw >= 1))
          throw invalid(node, `a ${kernel.join('x')} window does not fit [${walk.shape}]`);
        walk.linear = false;
        advance(node, [c, ph, pw]);
        break;
      }
      case 'ArgMax': {
        activationIn(node);
        const axis = int(node, 'axis', 0);
        if (walk.shape.length !== 1 || (axis !== 1 && axis !== -1))
          throw unsupported(node, 'ArgMax must run over the flat logits (axis 1)');
        if (int(node, 'select_last_index', 0) !== 0)
          throw unsupported(node, 'select_last_index = 1 (Tender breaks ties to the lowest index)');
        output = 'argmax';
        walk.name = node.outputs[0] ?? '';
        break;
      }
      default:
        throw unsupported(
          node,
          `operator ${node.opType} is not supported (supported: ${SUPPORTED_OPERATORS.join(', ')})`,
        );
    }
  }
  const last = layers.at(-1);
  if (!last) throw invalid(undefined, 'has no conv or dense layer');
  if (last.relu || (last.type === 'conv' && last.pool))
    throw unsupported(
      graph.nodes.at(-1)!,
      'the last layer must give the logits (no ReLU or pooling after it)',
    );
  const out = graph.outputs[0];
  if (graph.outputs.length !== 1 || out?.name !== walk.name) {
    throw invalid(
      undefined,
      `its output must be the last node's ('${walk.name}'), is [${graph.outputs.map((o) => o.name)}]`,
    );
  }
  if (floatLayerOutputs(last) < 2) throw invalid(undefined, 'needs at least two classes');
  return { network: { inputShape, layers, output }, notes };
}
