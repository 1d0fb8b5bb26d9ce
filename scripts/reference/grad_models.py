#!/usr/bin/python3
"""Reference gradients of whole CNNs from PyTorch autograd, for checking the ONNX gradient builder.

For each requested model this writes into OUT/<name>/:
  model.onnx            the model exported from PyTorch (float32, eval mode, initializers named by parameter names)
  input.bin             the fixed random input (float32, little endian)
  projection.bin        image-to-image models only: the fixed weights W of the objective sum(output * W)
  grad_<i>.bin          d objective / d tensor (float32), computed in float64 from the same weights
  manifest.json         names, shapes, objective and the list of gradient files

Classifiers use the logit of one class as objective; image-to-image models a fixed random projection of the output.
Weights are random (fixed seeds, no downloads); BatchNormalization statistics are randomised too so that the
inference-form BatchNormalization gradient is exercised with non-trivial mean and variance.

With --follow DIR (one model), it instead computes the same gradients in float64 along the branches a float32 engine
took: DIR/branches.json lists, in graph order, the input of every Relu, Clip (ReLU6) and MaxPool node as the engine
computed it; each ReLU/ReLU6 follows the engine's side of its kink and each max pooling the engine's argmax. Where
these gradients differ from the plain reference, the two engines took a different branch at a near tie.

Usage: grad_models.py --out DIR [--models resnet18,mobilenet_v2,...]
       grad_models.py --follow DIR --reference OUT/NAME --out DIR2 --models NAME
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

OPSET = 14
CLASSIFIER_CLASS = 281


class SmallUNet(nn.Module):
    """Two-level U-Net: the decoder upsamples with ConvTranspose and concatenates the encoder's skip tensors."""

    def __init__(self, channels=3, classes=2):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(),
            )

        self.enc1 = block(channels, 8)
        self.enc2 = block(8, 16)
        self.bottom = block(16, 32)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.dec2 = block(32, 16)
        self.up1 = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        self.dec1 = block(16, 8)
        self.head = nn.Conv2d(8, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        b = self.bottom(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(b), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


class OutputOf(nn.Module):
    """Segmentation models return a dict; export its 'out' tensor only."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)['out']


class FollowBranches:
    """Patches F.relu, F.hardtanh and F.max_pool2d so that call i takes the branches of the engine's float32 input i."""

    def __init__(self, engine_inputs):
        self.engine_inputs = engine_inputs
        self.call = 0
        self.changed = 0
        self.originals = {'relu': F.relu, 'hardtanh': F.hardtanh, 'max_pool2d': F.max_pool2d}

    def __enter__(self):
        F.relu, F.hardtanh, F.max_pool2d = self._relu, self._hardtanh, self._max_pool2d
        return self

    def __exit__(self, *exc):
        for name, original in self.originals.items():
            setattr(F, name, original)

    def _engine_input(self, x):
        if self.call >= len(self.engine_inputs):
            sys.exit(f'the model makes more ReLU/ReLU6/MaxPool calls than the ONNX graph has nodes ({len(self.engine_inputs)})')
        engine = self.engine_inputs[self.call]
        if tuple(engine.shape) != tuple(x.shape):
            sys.exit(f'call {self.call}: the engine\'s tensor has shape {tuple(engine.shape)}, PyTorch\'s {tuple(x.shape)}')
        self.call += 1
        return engine

    def _relu(self, x, inplace=False):
        on = self._engine_input(x) > 0
        self.changed += int((on != (x > 0)).sum())
        return torch.where(on, x, torch.zeros_like(x))

    def _hardtanh(self, x, min_val=-1.0, max_val=1.0, inplace=False):
        engine = self._engine_input(x)
        low, high = engine <= min_val, engine >= max_val
        self.changed += int((low != (x <= min_val)).sum() + (high != (x >= max_val)).sum())
        return torch.where(low, torch.full_like(x, min_val), torch.where(high, torch.full_like(x, max_val), x))

    @staticmethod
    def _pair(value):
        return tuple(value) if isinstance(value, (tuple, list)) else (value, value)

    def _max_pool2d(self, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        engine = self._engine_input(x)
        kernel, stride = self._pair(kernel_size), self._pair(stride if stride else kernel_size)
        padding, dilation = self._pair(padding), self._pair(dilation)
        pooled = self.originals['max_pool2d'](x, kernel, stride, padding, dilation, ceil_mode=ceil_mode)
        n, c, h, w = x.shape
        out_h, out_w = pooled.shape[2:]
        # Pad with -inf on the right too as far as ceil_mode windows reach, then take every window as a column.
        extra = [max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
                 for o, s, d, k, size, p in zip((out_h, out_w), stride, dilation, kernel, (h, w), padding)]

        def windows(t):
            padded = F.pad(t, (padding[1], padding[1] + extra[1], padding[0], padding[0] + extra[0]), value=float('-inf'))
            columns = F.unfold(padded.reshape(n * c, 1, *padded.shape[2:]), kernel, dilation=dilation, stride=stride)
            return columns.reshape(n, c, kernel[0] * kernel[1], out_h * out_w)

        ours, theirs = windows(x), windows(engine.to(x.dtype))
        chosen = theirs.argmax(dim=2, keepdim=True)
        self.changed += int((chosen != ours.argmax(dim=2, keepdim=True)).sum())
        followed = ours.gather(2, chosen).reshape(pooled.shape)
        return (followed, None) if return_indices else followed


def build(name):
    tv = torchvision.models
    builders = {
        'resnet18': lambda: tv.resnet18(weights=None),
        'mobilenet_v2': lambda: tv.mobilenet_v2(weights=None),
        'squeezenet1_1': lambda: tv.squeezenet1_1(weights=None),
        'densenet121': lambda: tv.densenet121(weights=None),
        'lraspp_mobilenet_v3_large': lambda: OutputOf(tv.segmentation.lraspp_mobilenet_v3_large(
            weights=None, weights_backbone=None, num_classes=3)),
        'unet': lambda: SmallUNet(),
    }
    if name not in builders:
        sys.exit(f'unknown model {name}; known: {", ".join(builders)}')
    image_to_image = name in ('lraspp_mobilenet_v3_large', 'unet')
    input_shape = (1, 3, 64, 64) if name == 'unet' else (1, 3, 224, 224)
    return builders[name](), image_to_image, input_shape


def randomise_batch_norm(model, generator):
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            count = module.num_features
            with torch.no_grad():
                module.running_mean.copy_(torch.randn(count, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(count, generator=generator) + 0.5)
                module.weight.copy_(torch.rand(count, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(count, generator=generator) * 0.1)


def chosen_parameters(model):
    """The first conv weight, the first BatchNorm weight and the last weight matrix/kernel of the model."""
    names = dict(model.named_parameters())
    batch_norm_weights = [f'{module_name}.weight' for module_name, module in model.named_modules()
                          if isinstance(module, nn.modules.batchnorm._BatchNorm)]
    kernels = [name for name, value in names.items() if value.dim() >= 2]
    chosen = [kernels[0]]
    if batch_norm_weights:
        chosen.append(batch_norm_weights[0])
    chosen.append(kernels[-1])
    return chosen


def write_float32(path, array):
    np.ascontiguousarray(array, dtype='<f4').tofile(path)


def prepare(name, seed):
    """The model with its fixed random weights and BatchNorm statistics, its input, and the generator to go on with."""
    torch.manual_seed(seed)
    model, image_to_image, input_shape = build(name)
    model.eval()
    generator = torch.Generator().manual_seed(seed + 1)
    randomise_batch_norm(model, generator)
    x = torch.randn(*input_shape, generator=generator)
    return model, image_to_image, input_shape, x, generator


def follow(name, seed, branches_dir, reference_dir, out_dir):
    """Gradients of the reference objective in float64 along the engine's ReLU/ReLU6/MaxPool branches."""
    model, image_to_image, _, x, _ = prepare(name, seed)
    with open(os.path.join(branches_dir, 'branches.json')) as f:
        listed = json.load(f)
    engine_inputs = [torch.tensor(np.fromfile(os.path.join(branches_dir, entry['file']), dtype='<f4')
                                  .astype(np.float64).reshape(entry['shape'])) for entry in listed]
    with open(os.path.join(reference_dir, 'manifest.json')) as f:
        manifest = json.load(f)
    reference = model.double()
    named = dict(reference.named_parameters())
    x64 = x.double().requires_grad_(True)
    targets = [x64] + [named[entry['tensor']] for entry in manifest['gradients'][1:]]
    with FollowBranches(engine_inputs) as branches:
        output = reference(x64)
    if branches.call != len(engine_inputs):
        sys.exit(f'the model made {branches.call} ReLU/ReLU6/MaxPool calls, the ONNX graph has {len(engine_inputs)} such nodes')
    if image_to_image:
        projection = torch.tensor(np.fromfile(os.path.join(reference_dir, manifest['objective']['weights']), dtype='<f4')
                                  .astype(np.float64).reshape(output.shape))
        objective = (output * projection).sum()
    else:
        objective = output[0, CLASSIFIER_CLASS]
    gradients = torch.autograd.grad(objective, targets)
    os.makedirs(out_dir, exist_ok=True)
    for index, gradient in enumerate(gradients):
        write_float32(os.path.join(out_dir, f'grad_{index}.bin'), gradient.detach().numpy())
    with open(os.path.join(out_dir, 'followed.json'), 'w') as f:
        json.dump({'changedDecisions': branches.changed, 'objective': objective.item()}, f)


def export(name, out_dir, seed):
    model, image_to_image, input_shape, x, generator = prepare(name, seed)

    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, 'model.onnx')
    # PRESERVE (with the model in eval mode) keeps BatchNormalization as its own inference-form node; EVAL would
    # fold it into the preceding Conv and rename the weights, losing the mapping to PyTorch parameters.
    torch.onnx.export(model, x, onnx_path, input_names=['input'], output_names=['output'], opset_version=OPSET,
                      do_constant_folding=False, export_params=True, keep_initializers_as_inputs=False,
                      training=torch.onnx.TrainingMode.PRESERVE)

    import onnx
    initializer_names = {tensor.name for tensor in onnx.load(onnx_path).graph.initializer}
    parameters = chosen_parameters(model)
    missing = [p for p in parameters if p not in initializer_names]
    if missing:
        sys.exit(f'{name}: parameters {missing} are not initializers of the exported model')

    # The reference runs in float64 from the same (float32-representable) weights, so the comparison measures
    # the float32 error of the engine under test rather than PyTorch's.
    reference = model.double()
    x64 = x.double().requires_grad_(True)
    output = reference(x64)
    manifest = {
        'model': 'model.onnx', 'seed': seed, 'torch': torch.__version__, 'opset': OPSET,
        'input': {'name': 'input', 'shape': list(input_shape), 'file': 'input.bin'},
        'output': {'name': 'output', 'shape': list(output.shape)},
    }
    if image_to_image:
        projection = torch.randn(*output.shape, generator=generator).double()
        objective = (output * projection).sum()
        write_float32(os.path.join(out_dir, 'projection.bin'), projection.numpy())
        manifest['objective'] = {'kind': 'weighted-sum', 'output': 'output', 'weights': 'projection.bin'}
    else:
        objective = output[0, CLASSIFIER_CLASS]
        manifest['objective'] = {'kind': 'select', 'output': 'output', 'index': [0, CLASSIFIER_CLASS]}
    named = dict(reference.named_parameters())
    targets = [x64] + [named[p] for p in parameters]
    gradients = torch.autograd.grad(objective, targets)

    write_float32(os.path.join(out_dir, 'input.bin'), x.numpy())
    entries = []
    for index, (tensor_name, gradient) in enumerate(zip(['input'] + parameters, gradients)):
        file = f'grad_{index}.bin'
        write_float32(os.path.join(out_dir, file), gradient.detach().numpy())
        entries.append({'tensor': tensor_name, 'shape': list(gradient.shape), 'file': file})
    manifest['objective']['value'] = objective.item()
    manifest['gradients'] = entries
    with open(os.path.join(out_dir, 'manifest.json.tmp'), 'w') as f:
        json.dump(manifest, f, indent=1)
    os.replace(os.path.join(out_dir, 'manifest.json.tmp'), os.path.join(out_dir, 'manifest.json'))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', required=True)
    parser.add_argument('--models', default='resnet18,mobilenet_v2,squeezenet1_1,densenet121,lraspp_mobilenet_v3_large,unet')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--follow', help='folder with the engine\'s branches.json: follow the engine\'s branches')
    parser.add_argument('--reference', help='with --follow: the model\'s reference folder written earlier')
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if args.follow:
        follow(args.models, args.seed, args.follow, args.reference, args.out)
        return
    for name in args.models.split(','):
        export(name, os.path.join(args.out, name), args.seed)
        print(f'{name}: written to {os.path.join(args.out, name)}')


if __name__ == '__main__':
    main()
