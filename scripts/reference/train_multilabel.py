#!/usr/bin/python3
"""PyTorch reference for multi-label training: the built-in small CNN on given grayscale images and label sets.

  train_multilabel.py REQUEST.json OUT.json
      REQUEST: {"height": H, "width": W, "classes": C, "train": FILE, "trainTargets": FILE, "test": FILE, "testTargets": FILE,
                "epochs": N, "batch": B, "lr": X, "seed": S, "threads": T}
      Images are N×H×W bytes (pixels in [0, 1] once divided by 255, as the PNG files the trainer reads hold them),
      targets N×C bytes of 0/1 (multi-hot). Trains PyTorch's MNIST example CNN (conv32-conv64-maxpool-dropout-dense128-
      dropout-dense) with BCEWithLogitsLoss and Adam at a constant rate, and writes
      {"microF1": micro F1 at sigmoid >= 0.5 on the test images, "seconds": training time}.
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

from train_mnist import SmallCnn, train_adam


def load(request, images, targets):
    height, width, classes = request['height'], request['width'], request['classes']
    x = np.fromfile(request[images], dtype=np.uint8).astype(np.float32).reshape(-1, 1, height, width) / 255
    y = np.fromfile(request[targets], dtype=np.uint8).astype(np.float32).reshape(-1, classes)
    return torch.from_numpy(x), torch.from_numpy(y)


def micro_f1(logits, targets):
    predicted = logits >= 0
    positive = targets > 0.5
    true_positives = (predicted & positive).sum().item()
    return 2 * true_positives / (predicted.sum().item() + positive.sum().item())


def main(request_path, out_path):
    with open(request_path) as handle:
        request = json.load(handle)
    torch.manual_seed(request['seed'])
    torch.set_num_threads(request.get('threads', 2))
    train_x, train_y = load(request, 'train', 'trainTargets')
    test_x, test_y = load(request, 'test', 'testTargets')
    features = 64 * ((request['height'] - 4) // 2) * ((request['width'] - 4) // 2)
    model = SmallCnn(request['classes'], features)
    seconds = train_adam(model, train_x, train_y, F.binary_cross_entropy_with_logits, request)
    model.eval()
    with torch.no_grad():
        logits = model(test_x)
    with open(out_path, 'w') as handle:
        json.dump({'microF1': micro_f1(logits, test_y), 'seconds': seconds}, handle)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
