"""Integer-quantized variants of a float32 ONNX CNN (Conv/Gemm with initializer weights), written with the onnx package.

No npm package ships a dynamically or statically quantized CNN; these two follow the layouts onnxruntime's quantizer
emits, so the inspector, predictor and explainers meet its ops:
  dynamic.onnx  every Conv → DynamicQuantizeLinear + ConvInteger + Cast + Mul (+ Add bias);
                every Gemm → DynamicQuantizeLinear + MatMulInteger + Cast + Mul (+ Add bias)   (opset 17)
  qlinear.onnx  every Conv → QuantizeLinear + QLinearConv + DequantizeLinear; every Gemm → QuantizeLinear +
                QLinearMatMul + DequantizeLinear + Add; weights uint8 per tensor, activations uint8 with a fixed
                scale (shapes and MACs are what is checked, not accuracy)                    (opset 13)

Usage: /usr/bin/python3 scripts/reference/onnx_quantized_variants.py MODEL.onnx OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

ACTIVATION_SCALE = 0.1
ACTIVATION_ZERO = 128


def quantize_weight(w):
    low, high = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
    scale = (high - low) / 255 or 1.0
    zero = int(round(-low / scale))
    q = np.clip(np.round(w / scale) + zero, 0, 255).astype(np.uint8)
    return q, np.float32(scale), np.uint8(zero)


def constants_of(graph):
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == 'Constant':
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def variant(model, mode):
    graph = model.graph
    values = constants_of(graph)
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    for index, node in enumerate(graph.node):
        if node.op_type not in ('Conv', 'Gemm') or node.input[1] not in values:
            nodes.append(node)
            continue
        p = f'q{index}_'
        x, y = node.input[0], node.output[0]
        w = values[node.input[1]]
        bias = values.get(node.input[2]) if len(node.input) > 2 else None
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == 'Gemm':
            if attrs.get('transB', 0):
                w = w.T
            if attrs.get('transA', 0) or attrs.get('alpha', 1.0) != 1.0 or attrs.get('beta', 1.0) != 1.0:
                nodes.append(node)
                continue
        wq, ws, wz = quantize_weight(w)
        conv_attrs = {k: v for k, v in attrs.items()} if node.op_type == 'Conv' else {}
        if mode == 'dynamic':
            nodes.append(helper.make_node('DynamicQuantizeLinear', [x], [p + 'xq', p + 'xs', p + 'xz']))
            op = 'ConvInteger' if node.op_type == 'Conv' else 'MatMulInteger'
            nodes.append(helper.make_node(op, [p + 'xq', const(p + 'w', wq), p + 'xz', const(p + 'wz', wz)], [p + 'acc'], **conv_attrs))
            nodes.append(helper.make_node('Cast', [p + 'acc'], [p + 'accf'], to=TensorProto.FLOAT))
            nodes.append(helper.make_node('Mul', [p + 'accf', p + 'xs'], [p + 'scaled1']))
            scaled = p + 'scaled'
            nodes.append(helper.make_node('Mul', [p + 'scaled1', const(p + 'ws', ws)], [scaled if bias is not None else y]))
        else:
            nodes.append(helper.make_node('QuantizeLinear', [x, const(p + 'xs', np.float32(ACTIVATION_SCALE)), const(p + 'xz', np.uint8(ACTIVATION_ZERO))], [p + 'xq']))
            ys, yz = const(p + 'ys', np.float32(ACTIVATION_SCALE)), const(p + 'yz', np.uint8(ACTIVATION_ZERO))
            args = [p + 'xq', p + 'xs', p + 'xz', const(p + 'w', wq), const(p + 'wsc', ws), const(p + 'wz', wz), ys, yz]
            if node.op_type == 'Conv':
                if bias is not None:
                    args.append(const(p + 'b', np.round(bias / (ACTIVATION_SCALE * ws)).astype(np.int32)))
                nodes.append(helper.make_node('QLinearConv', args, [p + 'yq'], **conv_attrs))
                nodes.append(helper.make_node('DequantizeLinear', [p + 'yq', ys, yz], [y]))
                continue
            nodes.append(helper.make_node('QLinearMatMul', args, [p + 'yq']))
            scaled = p + 'scaled'
            nodes.append(helper.make_node('DequantizeLinear', [p + 'yq', ys, yz], [scaled if bias is not None else y]))
        if bias is not None:
            shape = [1, -1] + [1] * (w.ndim - 2) if node.op_type == 'Conv' else [1, -1]
            nodes.append(helper.make_node('Add', [scaled, const(p + 'bias', bias.reshape(shape).astype(np.float32))], [y]))

    used = {name for node in nodes for name in node.input}
    kept = [t for t in graph.initializer if t.name in used]
    out = helper.make_graph(nodes, graph.name + '_' + mode, list(graph.input), list(graph.output), kept + inits)
    result = helper.make_model(out, opset_imports=[helper.make_opsetid('', 17 if mode == 'dynamic' else 13)], producer_name='onnx_quantized_variants.py')
    result.ir_version = 8
    onnx.checker.check_model(result)
    return result


if __name__ == '__main__':
    source, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    model = onnx.load(source)
    for mode in ('dynamic', 'qlinear'):
        onnx.save(variant(model, mode), os.path.join(out_dir, f'{mode}.onnx'))
