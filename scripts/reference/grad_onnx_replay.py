#!/usr/bin/python3
"""Replays an ONNX CNN in float64 PyTorch and writes autograd gradients of one output element.

Where finite differences are too coarse (deep ReLU networks on 0-255 pixels have kinks closer together than float32
rounding allows steps), this gives an exact reference computed from the model's own weights (float16 weights are
exactly representable in float64). Only the operators of plain CNN classifiers are replayed.

Usage: grad_onnx_replay.py MODEL.onnx INPUT_NAME INPUT.bin(float32) OUTPUT_NAME FLAT_INDEX OUT_DIR WEIGHT [WEIGHT...]
Writes OUT_DIR/grad_<i>.bin (float32) for the input (i = 0) and each weight, and OUT_DIR/objective.json.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attribute(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def symmetric_pads(node):
    pads = list(attribute(node, 'pads', [0, 0, 0, 0]))
    half = len(pads) // 2
    if pads[:half] != pads[half:]:
        raise SystemExit(f'{node.op_type} {node.name}: asymmetric pads are not replayed')
    return tuple(pads[:half])


def run_node(node, inputs, opset):
    op = node.op_type
    if op == 'Conv':
        bias = inputs[2] if len(inputs) > 2 else None
        return F.conv2d(inputs[0], inputs[1], bias, stride=tuple(attribute(node, 'strides', [1, 1])),
                        padding=symmetric_pads(node), dilation=tuple(attribute(node, 'dilations', [1, 1])),
                        groups=attribute(node, 'group', 1))
    if op == 'Relu':
        return F.relu(inputs[0])
    if op == 'MaxPool':
        return F.max_pool2d(inputs[0], tuple(attribute(node, 'kernel_shape')), tuple(attribute(node, 'strides', [1, 1])),
                            padding=symmetric_pads(node), ceil_mode=bool(attribute(node, 'ceil_mode', 0)))
    if op == 'Concat':
        return torch.cat(inputs, attribute(node, 'axis'))
    if op in ('Dropout', 'Identity'):
        return inputs[0]
    if op == 'GlobalAveragePool':
        return inputs[0].mean(dim=(2, 3), keepdim=True)
    if op == 'Softmax':
        axis = attribute(node, 'axis', 1 if opset < 13 else -1)
        if opset < 13:
            # Before opset 13 Softmax flattens the dims from axis on into one and normalises over it.
            shape = inputs[0].shape
            return torch.softmax(inputs[0].reshape(*shape[:axis], -1), -1).reshape(shape)
        return torch.softmax(inputs[0], axis)
    raise SystemExit(f'operator {op} is not replayed')


def main():
    if len(sys.argv) < 8:
        sys.exit(__doc__)
    model_path, input_name, input_file, output_name, flat_index, out_dir, *weights = sys.argv[1:]
    model = onnx.load(model_path)
    opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    values = {t.name: torch.tensor(numpy_helper.to_array(t).astype(np.float64)) for t in model.graph.initializer}
    for name in weights:
        values[name].requires_grad_(True)
    shape = [d.dim_value for d in next(i for i in model.graph.input if i.name == input_name).type.tensor_type.shape.dim]
    x = torch.tensor(np.fromfile(input_file, dtype='<f4').astype(np.float64).reshape(shape), requires_grad=True)
    values[input_name] = x
    for node in model.graph.node:
        values[node.output[0]] = run_node(node, [values[name] for name in node.input if name], opset)
    objective = values[output_name].flatten()[int(flat_index)]
    gradients = torch.autograd.grad(objective, [x] + [values[name] for name in weights])
    os.makedirs(out_dir, exist_ok=True)
    for index, gradient in enumerate(gradients):
        gradient.detach().numpy().astype('<f4').tofile(os.path.join(out_dir, f'grad_{index}.bin'))
    with open(os.path.join(out_dir, 'objective.json'), 'w') as f:
        json.dump({'value': objective.item()}, f)


if __name__ == '__main__':
    main()
