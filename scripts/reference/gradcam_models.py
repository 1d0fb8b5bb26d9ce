"""Exports torchvision architectures with seeded random weights to ONNX for tests and benchmarks.

usage: gradcam_models.py NAME OUT.onnx [--seed S] [--size H]
NAME: resnet18 | mobilenet_v2 | squeezenet1_1 | lraspp_mobilenet_v3_large | fcn_resnet50
"""
import argparse

import torch
import torchvision


class OutputOnly(torch.nn.Module):
    """Segmentation models return a dict; ONNX wants a tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def build(name):
    if name in ("lraspp_mobilenet_v3_large", "fcn_resnet50"):
        model = getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None, num_classes=21)
        return OutputOnly(model)
    return getattr(torchvision.models, name)(weights=None)


def randomize_batchnorm(model, generator):
    # Fresh BatchNorm statistics are 0/1, which hides mistakes in how they are folded; give them real values.
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.copy_(torch.randn(module.num_features, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(module.num_features, generator=generator) * 0.5 + 0.75)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = build(args.name).eval()
    with torch.no_grad():
        randomize_batchnorm(model, torch.Generator().manual_seed(args.seed + 1))
    example = torch.zeros(1, 3, args.size, args.size)
    torch.onnx.export(model, example, args.out, input_names=["input"], output_names=["output"], opset_version=13, do_constant_folding=True)


if __name__ == "__main__":
    main()
