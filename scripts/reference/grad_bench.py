#!/usr/bin/python3
"""PyTorch autograd timings that the gradient benchmark puts next to the ONNX engine's.

  grad_bench.py export DIR     writes DIR/resnet18.onnx and DIR/mnist_cnn.onnx (seeded random weights)
  grad_bench.py time DIR       times PyTorch on the same models and prints one JSON object

Timed: resnet18 224x224 batch 1, forward + gradient of one logit w.r.t. the input and the last conv activation;
the MNIST CNN (conv32-conv64-maxpool-dense128-dense10) batch 32, forward + cross-entropy + gradients w.r.t. all
weights. Both as medians of several runs after warm-up, with torch.set_num_threads(THREADS).
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

THREADS = 2
CLASS_INDEX = 281
MNIST_BATCH = 32


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 12 * 12, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def resnet18():
    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=None).eval()


def mnist_cnn():
    torch.manual_seed(0)
    return MnistCnn().train()


def export(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, model, shape in (('resnet18', resnet18(), (1, 3, 224, 224)), ('mnist_cnn', mnist_cnn(), (MNIST_BATCH, 1, 28, 28))):
        target = os.path.join(out_dir, f'{name}.onnx')
        torch.onnx.export(model, torch.zeros(*shape), target + '.tmp', input_names=['input'], output_names=['output'],
                          opset_version=14, do_constant_folding=False, keep_initializers_as_inputs=False,
                          training=torch.onnx.TrainingMode.PRESERVE)
        os.replace(target + '.tmp', target)


def median_ms(step, warmup, runs):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def time_resnet18(runs):
    model = resnet18()
    last_conv = [m for m in model.modules() if isinstance(m, nn.Conv2d)][-1]
    captured = {}
    last_conv.register_forward_hook(lambda _m, _i, output: captured.__setitem__('activation', output))
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))

    def step():
        image = x.clone().requires_grad_(True)
        logits = model(image)
        torch.autograd.grad(logits[0, CLASS_INDEX], [image, captured['activation']])

    return median_ms(step, 3, runs)


def time_mnist(runs):
    model = mnist_cnn()
    generator = torch.Generator().manual_seed(2)
    images = torch.rand(MNIST_BATCH, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (MNIST_BATCH,), generator=generator)
    parameters = list(model.parameters())

    def step():
        loss = F.cross_entropy(model(images), labels)
        torch.autograd.grad(loss, parameters)

    return median_ms(step, 5, runs)


def blas_library():
    """The BLAS shared library actually loaded (Debian switches it with update-alternatives)."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open('/proc/self/maps') as maps:
        paths = {line.split()[-1] for line in maps if 'blas' in line.split()[-1].lower()}
    return ', '.join(sorted({os.path.realpath(path) for path in paths})) or 'none found'


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('export', 'time'):
        sys.exit(__doc__)
    if sys.argv[1] == 'export':
        export(sys.argv[2])
        return
    torch.set_num_threads(THREADS)
    runs = int(os.environ.get('GRAD_BENCH_RUNS', '10'))
    with torch.no_grad():
        blas = blas_library()
    result = {
        'torch': torch.__version__, 'threads': THREADS, 'blas': blas,
        'openblas': 'openblas' in blas.lower(),
        'resnet18_ms': time_resnet18(runs),
        'mnist_step_ms': time_mnist(runs),
        'mnist_batch': MNIST_BATCH,
    }
    print(json.dumps(result))


if __name__ == '__main__':
    main()
