#!/usr/bin/python3
"""PyTorch training timings and memory that the training benchmark puts next to the ONNX training engine's.

  train_bench.py steps       images/s of full training steps (forward, cross-entropy, backward, Adam update) of the
                             MNIST CNN (conv32-conv64-maxpool-dropout-dense128-dropout-dense10), batch 64
  train_bench.py memory [B]  peak resident memory of this process after one training step (train-mode BatchNorm,
                             SGD with momentum) of torchvision's resnet18, batch B (32), 224x224

Both print one JSON object, timed with torch.set_num_threads(THREADS).
"""
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grad_bench import MnistCnn  # noqa: E402

THREADS = 2
BATCH = 64


class MnistCnnWithDropout(MnistCnn):
    """The benchmark CNN with the built-in CNN's two Dropouts (0.25 after pooling, 0.5 after dense128)."""

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = F.relu(self.fc1(torch.flatten(F.dropout(x, 0.25, self.training), 1)))
        return self.fc2(F.dropout(x, 0.5, self.training))


def steps(runs):
    torch.manual_seed(0)
    model = MnistCnnWithDropout().train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(2)
    images = torch.rand(BATCH, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (BATCH,), generator=generator)

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()

    for _ in range(5):
        step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    step_ms = statistics.median(times)
    return {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': BATCH, 'step_ms': step_ms, 'images_per_sec': BATCH / (step_ms / 1000)}


def memory(batch):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.rand(batch, 3, 224, 224)
    labels = torch.randint(0, 1000, (batch,))
    optimizer.zero_grad()
    F.cross_entropy(model(images), labels).backward()
    optimizer.step()
    return {'batch': batch, 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    torch.set_num_threads(THREADS)
    if len(sys.argv) >= 2 and sys.argv[1] == 'steps':
        print(json.dumps(steps(int(sys.argv[2]) if len(sys.argv) > 2 else 20)))
    elif len(sys.argv) >= 2 and sys.argv[1] == 'memory':
        print(json.dumps(memory(int(sys.argv[2]) if len(sys.argv) > 2 else 32)))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
