"""A small keypoint-style ONNX model whose output is gathered at an ArgMax, for the default explain layer's test.

usage: argmax_decoder.py OUT.onnx

features = Relu(Conv(x)); scores = Sigmoid(Conv(features)); weighted = scores * centre weights (read only by ArgMax);
output = per channel, the mean score plus the position of the peak of weighted (a keypoint decoder's score and
location). The output depends on `weighted` only through the ArgMax, so its gradient there is zero; `scores` is the
last map it depends on through a gradient.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(0)
    initializers = [
        numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32) * 0.5, "w_features"),
        numpy_helper.from_array(rng.standard_normal((2, 4, 1, 1)).astype(np.float32) * 0.5, "w_scores"),
        numpy_helper.from_array((1.0 + rng.random((1, 2, 8, 8))).astype(np.float32), "centre"),
        numpy_helper.from_array(np.array([1, 2, 64], dtype=np.int64), "flat_shape"),
    ]
    nodes = [
        helper.make_node("Conv", ["input", "w_features"], ["conv_features"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv_features"], ["features"]),
        helper.make_node("Conv", ["features", "w_scores"], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["scores"]),
        helper.make_node("Mul", ["scores", "centre"], ["weighted"]),
        helper.make_node("Reshape", ["weighted", "flat_shape"], ["weighted_flat"]),
        helper.make_node("ArgMax", ["weighted_flat"], ["peak"], axis=2, keepdims=1),
        helper.make_node("Cast", ["peak"], ["peak_position"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["scores", "flat_shape"], ["scores_flat"]),
        helper.make_node("ReduceMean", ["scores_flat"], ["mean_score"], axes=[2], keepdims=1),
        helper.make_node("Add", ["mean_score", "peak_position"], ["output"]),
    ]
    graph = helper.make_graph(nodes, "argmax_decoder", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, 1])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
