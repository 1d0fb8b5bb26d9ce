"""A large float16 segmentation model for the end-to-end benchmark: torchvision deeplabv3_resnet50 with seeded random
weights (no download), exported to ONNX at SIZE×SIZE and converted to float16 throughout (inputs, weights, outputs),
as fp16 exports of real models are (about 80 MB).

usage: segmentation_fp16.py OUT.onnx [--size 1024] [--seed 0]
"""
import argparse
import os

import numpy as np
import onnx
import torch
import torchvision
from onnx import TensorProto, numpy_helper

from gradcam_models import OutputOnly


def to_float16(model):
    graph = model.graph
    # Inputs that onnx requires in float32 whatever the model's type: Resize's roi and scales.
    keep = {name for node in graph.node if node.op_type == "Resize" for name in node.input[1:3] if name}
    for initializer in graph.initializer:
        if initializer.data_type == TensorProto.FLOAT and initializer.name not in keep:
            initializer.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(initializer).astype(np.float16), initializer.name))
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.name == "value" and attribute.t.data_type == TensorProto.FLOAT and node.output[0] not in keep:
                attribute.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(attribute.t).astype(np.float16), attribute.t.name))
            if node.op_type == "Cast" and attribute.name == "to" and attribute.i == TensorProto.FLOAT:
                attribute.i = TensorProto.FLOAT16
    for value in [*graph.input, *graph.output, *graph.value_info]:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT and value.name not in keep:
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None, aux_loss=False, num_classes=21).eval()
    temporary = f"{args.out}.fp32.onnx"
    with torch.no_grad():
        torch.onnx.export(OutputOnly(model), torch.rand(1, 3, args.size, args.size), temporary, input_names=["image"], output_names=["logits"], opset_version=13)
    converted = to_float16(onnx.load(temporary))
    os.remove(temporary)
    onnx.checker.check_model(converted)
    onnx.save(converted, args.out)


if __name__ == "__main__":
    main()
