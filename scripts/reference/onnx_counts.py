"""Independent facts about ONNX files, computed with the onnx package and numpy, for checking the inspector.

Usage: /usr/bin/python3 scripts/reference/onnx_counts.py [--dim NAME=VALUE ...] MODEL.onnx [...]
→ JSON on stdout, one entry per file:
  params    elements of floating-point initializers and Constant tensors of rank >= 1 (weights; integer shape
            constants, scalars and the scales/roi arguments of Resize and Upsample excluded)
  macs      Conv, ConvInteger, QLinearConv: output elements x prod(W.shape[1:]); ConvTranspose: input elements x prod(W.shape[1:]);
            Gemm, MatMul, MatMulInteger, QLinearMatMul: output elements x K; symbolic dims as 1
            (--dim binds symbolic input dims to values before shape inference)
  node_macs the MACs of each multiply-accumulating node (by first output), null where a shape stayed open
  shapes    every tensor's shape from onnx.shape_inference (dims: int, symbol name, or null)
  inputs    graph inputs that are not initializers, outputs: graph outputs, with dtype names and shapes
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def dims_of(value_info):
    tensor_type = value_info.type.tensor_type
    if not tensor_type.HasField('shape'):
        return None
    return [d.dim_value if d.HasField('dim_value') else (d.dim_param or None) for d in tensor_type.shape.dim]


def elements(shape):
    if shape is None or any(d is None for d in shape):
        return None
    return int(np.prod([d if isinstance(d, int) else 1 for d in shape], dtype=np.int64))


def resize_arguments(graph):
    """Names read only as Resize/Upsample scales or roi."""
    readers = {}
    for node in graph.node:
        for index, name in enumerate(node.input):
            readers.setdefault(name, []).append((node.op_type, index))
    return {name for name, uses in readers.items() if all(op in ('Resize', 'Upsample') and index >= 1 for op, index in uses)}


def summarize(path, dims):
    model = onnx.load(path)
    graph = model.graph
    for info in graph.input:
        for dim in info.type.tensor_type.shape.dim:
            if dim.dim_param in dims:
                dim.dim_value = dims[dim.dim_param]
    excluded = resize_arguments(graph)
    weights = [numpy_helper.to_array(t) for t in graph.initializer if t.name not in excluded]
    weights += [numpy_helper.to_array(a.t) for n in graph.node if n.op_type == 'Constant' and n.output[0] not in excluded
                for a in n.attribute if a.name == 'value']
    params = sum(int(w.size) for w in weights if w.ndim >= 1 and np.issubdtype(w.dtype, np.floating))

    inferred = shape_inference.infer_shapes(model, data_prop=True).graph
    shapes = {}
    for info in list(inferred.input) + list(inferred.value_info) + list(inferred.output):
        shapes[info.name] = dims_of(info)
    for tensor in graph.initializer:
        shapes[tensor.name] = list(tensor.dims)

    def node_macs(node):
        out = elements(shapes.get(node.output[0]))
        if node.op_type in ('Conv', 'ConvInteger', 'QLinearConv'):
            weight = shapes.get(node.input[3 if node.op_type == 'QLinearConv' else 1])
            return None if out is None or not weight else out * int(np.prod(weight[1:]))
        if node.op_type == 'ConvTranspose':
            x, weight = elements(shapes.get(node.input[0])), shapes.get(node.input[1])
            return None if x is None or not weight else x * int(np.prod(weight[1:]))
        if node.op_type == 'Gemm':
            trans_a = next((a.i for a in node.attribute if a.name == 'transA'), 0)
            a = shapes.get(node.input[0])
            return None if out is None or not a or len(a) != 2 else out * (a[0] if trans_a else a[1])
        if node.op_type in ('MatMul', 'MatMulInteger', 'QLinearMatMul'):
            a = shapes.get(node.input[0])
            return None if out is None or not a or not isinstance(a[-1], int) else out * a[-1]
        return 0

    # MACs per multiply-accumulating node, keyed by its first output; None where onnx's inference left a shape open.
    per_node = {node.output[0]: node_macs(node) for node in graph.node}
    per_node = {name: value for name, value in per_node.items() if value != 0}
    macs = sum(value for value in per_node.values() if value is not None)

    initializer_names = {t.name for t in graph.initializer}
    elem = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE
    io = lambda infos: [{'name': i.name, 'dtype': np.dtype(elem[i.type.tensor_type.elem_type]).name, 'shape': dims_of(i)} for i in infos]
    return {
        'ir_version': model.ir_version,
        'opset': next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx')),
        'params': params,
        'macs': int(macs),
        'node_macs': {name: (None if value is None else int(value)) for name, value in per_node.items()},
        'inputs': io([i for i in graph.input if i.name not in initializer_names]),
        'outputs': io(graph.output),
        'ops': {op: sum(1 for n in graph.node if n.op_type == op) for op in sorted({n.op_type for n in graph.node})},
        'shapes': shapes,
    }


if __name__ == '__main__':
    args = sys.argv[1:]
    dims = {}
    while args and args[0] == '--dim':
        name, value = args[1].split('=')
        dims[name] = int(value)
        args = args[2:]
    json.dump({path: summarize(path, dims) for path in args}, sys.stdout)
