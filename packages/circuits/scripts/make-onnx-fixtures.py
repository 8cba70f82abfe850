#!/usr/bin/python3
"""Writes the small ONNX files the importer's tests read (committed under
packages/circuits/src/onnx/fixtures/), with onnx.helper so every operator
and attribute is exactly what the test means (no exporter rewrites):

    apt-get install -y python3-onnx
    /usr/bin/python3 packages/circuits/scripts/make-onnx-fixtures.py

Weights are random (numpy, fixed seed): the tests compare the importer's
float evaluation with onnxruntime, not accuracy.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'onnx', 'fixtures')
rng = np.random.default_rng(20240607)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def w(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def save(name, nodes, inits, in_shape, out_shape, out_type=TensorProto.FLOAT, in_name='x', out_name='y'):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(out_name, out_type, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='tender-fixtures')
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, name + '.onnx'))
    print('wrote', name)


def main():
    os.makedirs(OUT, exist_ok=True)
    # MLP on a flat input: MatMul + Add, Relu, Identity, Gemm (transB) to 5 logits
    save('mlp', [
        helper.make_node('MatMul', ['x', 'w1'], ['h0'], name='fc1'),
        helper.make_node('Add', ['h0', 'b1'], ['h1'], name='fc1_bias'),
        helper.make_node('Relu', ['h1'], ['h2'], name='relu1'),
        helper.make_node('Identity', ['h2'], ['h3'], name='noop'),
        helper.make_node('Gemm', ['h3', 'w2', 'b2'], ['y'], name='fc2', transB=1, alpha=0.5, beta=2.0),
    ], [const('w1', w(20, 12)), const('b1', w(12)), const('w2', w(5, 12)), const('b2', w(5))], ['N', 20], ['N', 5])

    # CNN: Conv (pads 1) + BatchNormalization + Relu + MaxPool 2x2/2, Conv (VALID) + Relu,
    # GlobalAveragePool, Dropout, Flatten, Gemm to 3 logits
    save('cnn-bn-maxpool', [
        helper.make_node('Conv', ['x', 'c1w', 'c1b'], ['a0'], name='conv1', kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node('BatchNormalization', ['a0', 'bn_s', 'bn_b', 'bn_m', 'bn_v'], ['a1'], name='bn1', epsilon=1e-3),
        helper.make_node('Relu', ['a1'], ['a2'], name='relu1'),
        helper.make_node('MaxPool', ['a2'], ['a3'], name='pool1', kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('Conv', ['a3', 'c2w', 'c2b'], ['a4'], name='conv2', auto_pad='VALID'),
        helper.make_node('Relu', ['a4'], ['a5'], name='relu2'),
        helper.make_node('GlobalAveragePool', ['a5'], ['a6'], name='gap'),
        helper.make_node('Dropout', ['a6'], ['a7'], name='drop'),
        helper.make_node('Flatten', ['a7'], ['a8'], name='flat', axis=1),
        helper.make_node('Gemm', ['a8', 'fw', 'fb'], ['y'], name='fc', transB=1),
    ], [
        const('c1w', w(4, 1, 3, 3)), const('c1b', w(4)),
        const('bn_s', (1 + rng.random(4)).astype(np.float32)), const('bn_b', w(4)),
        const('bn_m', w(4, scale=0.2)), const('bn_v', (0.5 + rng.random(4)).astype(np.float32)),
        const('c2w', w(6, 4, 3, 3, scale=0.3)), const('c2b', w(6)),
        const('fw', w(3, 6)), const('fb', w(3)),
    ], [1, 1, 8, 8], [1, 3])

    # CNN with stride 2 and SAME padding, max-pool before the ReLU, average pooling, Reshape,
    # MatMul + Add, ArgMax output
    save('cnn-avgpool-argmax', [
        helper.make_node('Conv', ['x', 'cw', 'cb'], ['a0'], name='conv', strides=[2, 2], auto_pad='SAME_UPPER'),
        helper.make_node('MaxPool', ['a0'], ['a1'], name='maxpool', kernel_shape=[2, 2], strides=[1, 1]),
        helper.make_node('Relu', ['a1'], ['a2'], name='relu'),
        helper.make_node('Conv', ['a2', 'dw', 'db'], ['a3'], name='conv2', kernel_shape=[2, 2]),
        helper.make_node('Relu', ['a3'], ['a4'], name='relu2'),
        helper.make_node('AveragePool', ['a4'], ['a5'], name='avgpool', kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('Reshape', ['a5', 'shape'], ['a6'], name='reshape'),
        helper.make_node('MatMul', ['a6', 'fw'], ['a7'], name='fc'),
        helper.make_node('Add', ['a7', 'fb'], ['logits'], name='fc_bias'),
        helper.make_node('ArgMax', ['logits'], ['y'], name='argmax', axis=1, keepdims=1),
    ], [
        const('cw', w(3, 2, 3, 3)), const('cb', w(3)), const('dw', w(4, 3, 2, 2)), const('db', w(4)),
        const('shape', np.array([1, -1], dtype=np.int64)),
        const('fw', w(4, 4)), const('fb', w(4)),
    ], [1, 2, 10, 10], [1, 1], out_type=TensorProto.INT64)

    # an operator the importer must refuse by name
    save('unsupported-sigmoid', [
        helper.make_node('Gemm', ['x', 'w1', 'b1'], ['h0'], name='fc1'),
        helper.make_node('Sigmoid', ['h0'], ['h1'], name='squash'),
        helper.make_node('Gemm', ['h1', 'w2', 'b2'], ['y'], name='fc2'),
    ], [const('w1', w(6, 4)), const('b1', w(4)), const('w2', w(4, 3)), const('b2', w(3))], [1, 6], [1, 3])

    # shapes that do not line up: the second Gemm takes 5 inputs, the first gives 4
    save('shape-mismatch', [
        helper.make_node('Gemm', ['x', 'w1', 'b1'], ['h0'], name='fc1'),
        helper.make_node('Relu', ['h0'], ['h1'], name='relu1'),
        helper.make_node('Gemm', ['h1', 'w2', 'b2'], ['y'], name='fc2'),
    ], [const('w1', w(6, 4)), const('b1', w(4)), const('w2', w(5, 3)), const('b2', w(3))], [1, 6], [1, 3])


if __name__ == '__main__':
    main()
