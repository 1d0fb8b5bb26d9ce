"""A TensorFlow.js layers model in channels-first layout, derived from the real weights of the shared MNIST ONNX model.

No npm package ships a channels-first (NCHW) TensorFlow.js model; this one is the ONNX model layer for layer:
Conv2D(8, 5×5, same, ReLU) → MaxPooling2D(2) → Conv2D(16, 5×5, same, ReLU) → MaxPooling2D(3) → Flatten → Dense(10),
every convolution and pooling with data_format channels_first, so its input is [N, 1, 28, 28] and its outputs equal
the ONNX model's (the Flatten keeps the NCHW order, as the ONNX Reshape does).

Usage: /usr/bin/python3 scripts/reference/tfjs_nchw_from_onnx.py mnist.onnx OUT_DIR   (writes model.json, weights.bin)
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    graph = onnx.load(source).graph
    values = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    convs = [node for node in graph.node if node.op_type == "Conv"]
    adds = {node.input[0]: node.input[1] for node in graph.node if node.op_type == "Add"}
    matmul = next(node for node in graph.node if node.op_type == "MatMul")
    pools = [node for node in graph.node if node.op_type == "MaxPool"]
    if len(convs) != 2 or len(pools) != 2:
        raise SystemExit(f"{source}: expected the MNIST CNN (2 Conv, 2 MaxPool, MatMul), found {len(convs)} Conv and {len(pools)} MaxPool")
    weights = []
    layers = []
    for index, (conv, pool) in enumerate(zip(convs, pools), start=1):
        kernel = values[conv.input[1]]
        bias = values[adds[conv.output[0]]].reshape(-1)
        name = f"conv{index}"
        config = {"name": name, "filters": int(kernel.shape[0]), "kernel_size": list(kernel.shape[2:]), "strides": [1, 1], "padding": "same",
                  "data_format": "channels_first", "dilation_rate": [1, 1], "activation": "relu", "use_bias": True, "trainable": True, "dtype": "float32"}
        if index == 1:
            config["batch_input_shape"] = [None, int(kernel.shape[1]), 28, 28]
        layers.append({"class_name": "Conv2D", "config": config})
        weights += [(f"{name}/kernel", kernel.transpose(2, 3, 1, 0)), (f"{name}/bias", bias)]
        size = [attribute.ints for attribute in pool.attribute if attribute.name == "kernel_shape"][0]
        layers.append({"class_name": "MaxPooling2D", "config": {"name": f"pool{index}", "pool_size": list(size), "strides": list(size), "padding": "valid", "data_format": "channels_first", "trainable": True}})
    dense = values[matmul.input[1]] if matmul.input[1] in values else None
    if dense is None:
        reshape = next(node for node in graph.node if node.output[0] == matmul.input[1])
        dense = values[reshape.input[0]]
    dense = dense.reshape(-1, dense.shape[-1])
    layers.append({"class_name": "Flatten", "config": {"name": "flatten", "trainable": True}})
    layers.append({"class_name": "Dense", "config": {"name": "dense", "units": int(dense.shape[1]), "activation": "linear", "use_bias": True, "trainable": True}})
    weights += [("dense/kernel", dense), ("dense/bias", values[adds[matmul.output[0]]].reshape(-1))]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "weights.bin"), "wb") as file:
        for _, array in weights:
            file.write(np.ascontiguousarray(array, dtype="<f4").tobytes())
    model = {
        "format": "layers-model", "generatedBy": "tfjs_nchw_from_onnx.py", "convertedBy": None,
        "modelTopology": {"class_name": "Sequential", "config": {"name": "mnist_nchw", "layers": layers}, "keras_version": "tfjs-layers", "backend": "tensor_flow.js"},
        "weightsManifest": [{"paths": ["weights.bin"], "weights": [{"name": name, "shape": list(array.shape), "dtype": "float32"} for name, array in weights]}],
    }
    with open(os.path.join(out_dir, "model.json"), "w") as file:
        json.dump(model, file)


if __name__ == "__main__":
    main()
