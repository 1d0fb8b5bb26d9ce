"""Exports torchvision architectures to ONNX and writes an independent count of their parameters and MACs.

Usage: /usr/bin/python3 scripts/reference/torchvision_counts.py OUT_DIR

Random weights (fixed seed), nothing downloaded. For each model, OUT_DIR/<name>.onnx and one entry in
OUT_DIR/counts.json:
  parameters     sum(p.numel()) over model.parameters()
  running_stats  elements of BatchNorm running_mean/running_var buffers (ONNX BatchNormalization keeps them
                 as weight inputs, so an ONNX weight count is parameters + running_stats)
  macs           multiply-accumulates of nn.Conv2d, nn.ConvTranspose2d and nn.Linear, counted by forward hooks
                 for a batch of one:
                   Conv2d           output elements x (in_channels / groups) x kH x kW
                   ConvTranspose2d  input elements x (out_channels / groups) x kH x kW
                   Linear           output elements x in_features
BatchNormalization is kept as its own node (TrainingMode.PRESERVE on a model in eval mode) so that no
convolution gains a folded bias the PyTorch model does not have.
"""
import json
import os
import sys

import torch
import torchvision

MODELS = [
    # name, constructor, input size, dynamic batch axis
    ('resnet18', lambda: torchvision.models.resnet18(), 224, True),
    ('mobilenet_v2', lambda: torchvision.models.mobilenet_v2(), 224, False),
    ('squeezenet1_1', lambda: torchvision.models.squeezenet1_1(), 224, False),
    ('lraspp_mobilenet_v3_large', lambda: torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None), 224, True),
    ('fcn_resnet50', lambda: torchvision.models.segmentation.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False), 224, False),
]

OPSET = 14


class MainOutput(torch.nn.Module):
    """Segmentation models return a dict; ONNX export wants tensors."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        out = self.model(x)
        return out['out'] if isinstance(out, dict) else out


def count_macs(model, example):
    total = 0

    def conv_hook(module, inputs, output):
        nonlocal total
        kh, kw = module.kernel_size
        total += output.numel() * (module.in_channels // module.groups) * kh * kw

    def conv_transpose_hook(module, inputs, output):
        nonlocal total
        kh, kw = module.kernel_size
        total += inputs[0].numel() * (module.out_channels // module.groups) * kh * kw

    def linear_hook(module, inputs, output):
        nonlocal total
        total += output.numel() * module.in_features

    handles = []
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            handles.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, torch.nn.ConvTranspose2d):
            handles.append(module.register_forward_hook(conv_transpose_hook))
        elif isinstance(module, torch.nn.Linear):
            handles.append(module.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(example)
    for handle in handles:
        handle.remove()
    return total


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    only = set(sys.argv[2:])
    counts = {}
    for name, make, size, dynamic_batch in MODELS:
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = MainOutput(make()).eval()
        example = torch.randn(1, 3, size, size)
        running_stats = sum(
            m.running_mean.numel() + m.running_var.numel()
            for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
        )
        target = os.path.join(out_dir, name + '.onnx')
        partial = target + '.partial'
        torch.onnx.export(
            model, example, partial, opset_version=OPSET, input_names=['input'], output_names=['output'],
            training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
            dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}} if dynamic_batch else None,
        )
        os.replace(partial, target)
        with torch.no_grad():
            output_shape = list(model(example).shape)
        counts[name] = {
            'file': name + '.onnx',
            'input': [1, 3, size, size],
            'output': output_shape,
            'dynamic_batch': dynamic_batch,
            'opset': OPSET,
            'parameters': sum(p.numel() for p in model.parameters()),
            'running_stats': running_stats,
            'macs': count_macs(model, example),
        }
        print(name, counts[name], flush=True)
    counts_file = os.path.join(out_dir, 'counts.json')
    with open(counts_file + '.partial', 'w') as handle:
        json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'models': counts}, handle, indent=2)
    os.replace(counts_file + '.partial', counts_file)


if __name__ == '__main__':
    main()
