"""PyTorch's time for one Grad-CAM on a torchvision model done well: forward with a hook on the target layer,
torch.autograd.grad of the top logit with respect to that activation only (no weight gradients, unlike
.backward()), channel weights and the weighted sum. WARMUP runs, then --runs timed ones,
torch.set_num_threads(THREADS).

usage: gradcam_bench.py NAME LAYER [--size H] [--seed S] [--runs N]     prints one JSON object with every time
"""
import argparse
import json
import statistics
import time

import torch

from gradcam_models import build, randomize_batchnorm
from gradcam_reference import module_at

THREADS = 2
WARMUP = 3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("layer")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    torch.manual_seed(args.seed)
    model = build(args.name).eval()
    with torch.no_grad():
        randomize_batchnorm(model, torch.Generator().manual_seed(args.seed + 1))
    captured = {}

    def keep(_module, _inputs, output):
        captured["activation"] = output

    module_at(model, args.layer).register_forward_hook(keep)
    pixels = torch.rand(1, 3, args.size, args.size)

    def gradcam():
        logits = model(pixels)
        activation = captured["activation"]
        (gradient,) = torch.autograd.grad(logits[0, int(logits.argmax())], activation)
        weights = gradient.mean(dim=(2, 3), keepdim=True)
        return torch.relu((weights * activation.detach()).sum(dim=1))

    for _ in range(WARMUP):
        gradcam()
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        gradcam()
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"ms": statistics.median(times), "times": times, "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
