import { createRequire } from 'node:module';
import { TenderError } from '@tender/core';
import type * as OnnxProto from 'onnx-proto';

type Long = { toString(): string };

/** A tensor of an ONNX file, decoded to doubles (float tensors) or integers (int64 / int32 tensors). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float64Array;
}

/** One attribute value of an ONNX node (only the kinds the importer reads). */
export type OnnxAttribute = number | number[] | string | OnnxTensor;

/** One node of an ONNX graph. */
export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output: its name and shape (`null` for a symbolic dimension such as the batch). */
export interface OnnxValue {
  name: string;
  elemType: number;
  shape: (number | null)[] | null;
}

/** The parts of an ONNX model the importer uses. */
export interface OnnxGraph {
  opsetVersion: number;
  /** Graph inputs that are not initializers (the model's real inputs). */
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
}

/** ONNX `TensorProto.DataType` values the importer reads. */
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof OnnxProto;

function invalid(message: string, details: Record<string, unknown> = {}): TenderError {
  return new TenderError('TENDER_MODEL_INVALID', message, { details });
}

function num(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : Number(v.toString());
}

function tensor(t: OnnxProto.onnx.ITensorProto, where: string): OnnxTensor {
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map(num);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? 0;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  let data: Float64Array;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw invalid(`${where}: tensor '${name}' keeps its data in an external file; embed it`, {
      tensor: name,
    });
  }
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size = type === FLOAT || type === INT32 ? 4 : type === INT64 || type === DOUBLE ? 8 : 0;
    if (size === 0)
      throw invalid(`${where}: tensor '${name}' has unsupported data type ${type}`, { tensor: name });
    if (raw.byteLength !== count * size) {
      throw invalid(
        `${where}: tensor '${name}' holds ${raw.byteLength} bytes, its shape [${dims}] needs ${count * size}`,
        {
          tensor: name,
        },
      );
    }
    data = Float64Array.from({ length: count }, (_, i) => {
      if (type === FLOAT) return view.getFloat32(i * 4, true);
      if (type === INT32) return view.getInt32(i * 4, true);
      if (type === DOUBLE) return view.getFloat64(i * 8, true);
      return Number(view.getBigInt64(i * 8, true));
    });
  } else {
    const values: number[] =
      type === FLOAT
        ? (t.floatData ?? [])
        : type === DOUBLE
          ? (t.doubleData ?? [])
          : type === INT64
            ? (t.int64Data ?? []).map(num)
            : type === INT32
              ? (t.int32Data ?? [])
              : [];
    if (![FLOAT, DOUBLE, INT32, INT64].includes(type)) {
      throw invalid(`${where}: tensor '${name}' has unsupported data type ${type}`, { tensor: name });
    }
    if (values.length !== count) {
      throw invalid(
        `${where}: tensor '${name}' holds ${values.length} values, its shape [${dims}] needs ${count}`,
        {
          tensor: name,
        },
      );
    }
    data = Float64Array.from(values);
  }
  return { name, dims, data };
}

function attribute(a: OnnxProto.onnx.IAttributeProto, where: string): OnnxAttribute | undefined {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT:
      return a.f ?? 0;
    case T.INT:
      return num(a.i);
    case T.STRING:
      return Buffer.from(a.s ?? new Uint8Array()).toString('utf8');
    case T.INTS:
      return (a.ints ?? []).map(num);
    case T.FLOATS:
      return a.floats ?? [];
    case T.TENSOR:
      return a.t ? tensor(a.t, where) : undefined;
    default:
      return undefined; // graphs, sparse tensors...: no supported operator reads them
  }
}

function value(v: OnnxProto.onnx.IValueInfoProto): OnnxValue {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim;
  return {
    name: v.name ?? '',
    elemType: t?.elemType ?? 0,
    shape: dims
      ? dims.map((d) =>
          d.dimValue !== null && d.dimValue !== undefined && !d.dimParam ? num(d.dimValue) : null,
        )
      : null,
  };
}

/**
 * Decodes an ONNX model (the protobuf bytes of a `.onnx` file) into the parts
 * the importer uses: the graph's nodes in file order (ONNX requires them
 * topologically sorted), its initializers decoded to numbers, its real inputs
 * (inputs that are not initializers) and outputs. Throws
 * `TENDER_MODEL_INVALID` when the bytes are not an ONNX model or a tensor
 * does not hold what its shape says.
 */
export function readOnnx(bytes: Uint8Array): OnnxGraph {
  let model: OnnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new TenderError('TENDER_MODEL_INVALID', 'not an ONNX model: the protobuf does not decode', {
      cause: error,
      details: { reason: error instanceof Error ? error.message : String(error) },
    });
  }
  const graph = model.graph;
  if (!graph?.node || graph.node.length === 0) throw invalid('not an ONNX model: it has no graph nodes');
  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? [])
    initializers.set(t.name ?? '', tensor(t, `initializer '${t.name}'`));
  const nodes: OnnxNode[] = graph.node.map((n, i) => {
    const name = n.name || `#${i}`;
    const attributes = new Map<string, OnnxAttribute>();
    for (const a of n.attribute ?? []) {
      const v = attribute(a, `node '${name}'`);
      if (v !== undefined) attributes.set(a.name ?? '', v);
    }
    return {
      name,
      opType: n.opType ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes,
    };
  });
  const domain = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    opsetVersion: num(domain?.version),
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(value),
    outputs: (graph.output ?? []).map(value),
    nodes,
    initializers,
  };
}
