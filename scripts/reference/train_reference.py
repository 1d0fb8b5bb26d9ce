#!/usr/bin/python3
"""PyTorch references for the ONNX training engine (float64 autograd).

  train_reference.py resnet18 OUT
      Exports torchvision's resnet18 (random weights, randomised BatchNorm statistics, eval mode, BatchNormalization
      kept as its own node) to OUT/model.onnx,
      then runs one TRAIN-mode forward of a fixed batch of 4 with cross-entropy against fixed labels and writes the
      loss, the gradients of chosen parameters and the BatchNorm running statistics after the step.
  train_reference.py bn-cnn OPSET OUT
      Exports a small CNN with two BatchNorms (conv-bn-relu twice, pool, linear; randomised statistics, eval mode) at
      the given opset to OUT/model.onnx (below opset 14 BatchNormalization has no training_mode: it is exported in
      inference form), then writes what one TRAIN-mode step of a fixed batch of 6 with cross-entropy gives, as resnet18.
  train_reference.py steps REQUEST.json OUT.json
      Replays the built-in small CNN (weights read from an ONNX file, Dropout off) for a few optimizer steps on the
      given batches and writes the loss of every step: cross-entropy against class indices, or with "loss": "bce"
      BCEWithLogitsLoss against multi-hot rows.
  train_reference.py losses REQUEST.json OUT.json
      Value and d loss / d logits of cross-entropy (label smoothing, class weights), focal loss, binary
      cross-entropy and distillation for the given logits.
  train_reference.py multilabel-metrics REQUEST.json OUT.json
      Multi-label metrics of probabilities against multi-hot targets at a threshold: per-class precision, recall, F1
      and average precision (scikit-learn's definition: sum over the distinct scores of (R_n - R_n-1) P_n), micro and
      macro F1, mean average precision over the classes with a positive, subset accuracy.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grad_models import build, randomise_batch_norm  # noqa: E402

RESNET_GRADIENTS = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'layer1.0.conv1.weight', 'layer3.0.downsample.1.weight',
                    'layer4.1.bn2.weight', 'fc.weight', 'fc.bias']
RESNET_STATISTICS = ['bn1.running_mean', 'bn1.running_var', 'layer2.0.bn1.running_var', 'layer4.1.bn2.running_mean', 'layer4.1.bn2.running_var']


def write_float32(path, array):
    np.asarray(array, dtype='<f4').tofile(path)


class BnCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.bn2 = nn.BatchNorm2d(16, momentum=0.3)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


BN_CNN_GRADIENTS = ['conv1.weight', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'bn2.weight', 'fc.weight']
BN_CNN_STATISTICS = ['bn1.running_mean', 'bn1.running_var', 'bn2.running_mean', 'bn2.running_var']


def resnet18(out):
    generator = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    model = build('resnet18')[0]
    train_step_reference(model, generator, torch.rand(4, 3, 224, 224, generator=generator), torch.tensor([3, 281, 7, 999]), 14,
                         RESNET_GRADIENTS, RESNET_STATISTICS, out)


def bn_cnn(opset, out):
    generator = torch.Generator().manual_seed(9)
    torch.manual_seed(9)
    train_step_reference(BnCnn(), generator, torch.rand(6, 3, 12, 12, generator=generator), torch.tensor([0, 4, 2, 2, 1, 3]), opset,
                         BN_CNN_GRADIENTS, BN_CNN_STATISTICS, out)


def train_step_reference(model, generator, x, labels, opset, gradient_names, statistic_names, out):
    """Exports the model in eval mode (BatchNorm statistics randomised), then one float64 train-mode step of x."""
    os.makedirs(out, exist_ok=True)
    randomise_batch_norm(model, generator)
    model.eval()
    torch.onnx.export(model, x, os.path.join(out, 'model.onnx'), input_names=['input'], output_names=['output'], opset_version=opset,
                      do_constant_folding=False, export_params=True, keep_initializers_as_inputs=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    model = model.double().train()
    loss = F.cross_entropy(model(x.double()), labels)
    loss.backward()
    parameters = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    manifest = {'loss': loss.item(), 'labels': labels.tolist(), 'input': 'input.bin', 'gradients': [], 'statistics': []}
    write_float32(os.path.join(out, 'input.bin'), x.numpy())
    for index, name in enumerate(gradient_names):
        write_float32(os.path.join(out, f'grad_{index}.bin'), parameters[name].grad.numpy())
        manifest['gradients'].append({'tensor': name, 'shape': list(parameters[name].shape), 'file': f'grad_{index}.bin'})
    for index, name in enumerate(statistic_names):
        write_float32(os.path.join(out, f'stat_{index}.bin'), buffers[name].numpy())
        manifest['statistics'].append({'tensor': name, 'file': f'stat_{index}.bin'})
    with open(os.path.join(out, 'manifest.json'), 'w') as handle:
        json.dump(manifest, handle)


class SmallCnn(nn.Module):
    """The built-in CNN without its Dropouts (conv32-conv64-maxpool-dense128-dense)."""

    def __init__(self, channels, classes, features):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(features, 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def steps(request_file, out_file):
    import onnx
    from onnx import numpy_helper
    with open(request_file) as handle:
        request = json.load(handle)
    weights = {t.name: numpy_helper.to_array(t) for t in onnx.load(request['model']).graph.initializer}
    channels, classes = weights['conv1.weight'].shape[1], weights['fc2.weight'].shape[0]
    model = SmallCnn(channels, classes, weights['fc1.weight'].shape[1]).double()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.copy_(torch.from_numpy(weights[name]).double())
    kind, lr, decay = request['optimizer'], request['lr'], request['weightDecay']
    if kind == 'sgd':
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=request['momentum'], nesterov=request['nesterov'], weight_decay=decay)
    elif kind == 'adam':
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=decay)
    else:
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=decay)
    shape = request['shape']
    data = np.fromfile(request['batches'], dtype='<f4').reshape(-1, *shape)
    losses = []
    for step, labels in enumerate(request['labels']):
        optimizer.zero_grad()
        logits = model(torch.from_numpy(data[step]).double())
        if request.get('loss') == 'bce':
            loss = F.binary_cross_entropy_with_logits(logits, torch.tensor(labels, dtype=torch.float64))
        else:
            loss = F.cross_entropy(logits, torch.tensor(labels))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with open(out_file, 'w') as handle:
        json.dump({'losses': losses}, handle)


def losses(request_file, out_file):
    with open(request_file) as handle:
        request = json.load(handle)
    logits_values = np.array(request['logits'], dtype=np.float64).reshape(request['batch'], request['classes'])
    labels = torch.tensor(request['labels'])
    weights = torch.tensor(request['classWeights'], dtype=torch.float64)
    results = {}

    def record(name, function):
        logits = torch.from_numpy(logits_values.copy()).requires_grad_()
        value = function(logits)
        value.backward()
        results[name] = {'value': value.item(), 'gradient': logits.grad.flatten().tolist()}

    record('cross-entropy', lambda z: F.cross_entropy(z, labels, weight=weights, label_smoothing=request['smoothing']))

    def focal(z):
        log_p = F.log_softmax(z, 1).gather(1, labels[:, None])[:, 0]
        return (-weights[labels] * (1 - log_p.exp()) ** request['gamma'] * log_p).mean()
    record('focal', focal)
    multi_hot = torch.tensor(request['multiHot'], dtype=torch.float64).reshape(request['batch'], request['classes'])
    record('binary-cross-entropy', lambda z: F.binary_cross_entropy_with_logits(z, multi_hot))
    teacher = torch.tensor(request['teacher'], dtype=torch.float64).reshape(request['batch'], request['classes'])
    temperature, alpha = request['temperature'], request['alpha']

    def distillation(z):
        soft = F.kl_div(F.log_softmax(z / temperature, 1), F.softmax(teacher / temperature, 1), reduction='batchmean')
        return alpha * temperature ** 2 * soft + (1 - alpha) * F.cross_entropy(z, labels)
    record('distillation', distillation)
    with open(out_file, 'w') as handle:
        json.dump(results, handle)


def multilabel_metrics(request_file, out_file):
    with open(request_file) as handle:
        request = json.load(handle)
    classes = request['classes']
    scores = np.array(request['probabilities'], dtype=np.float64).reshape(-1, classes)
    truth = np.array(request['targets'], dtype=np.float64).reshape(-1, classes) > 0.5
    decided = scores >= request['threshold']
    per_class = []
    for k in range(classes):
        tp = int(np.sum(decided[:, k] & truth[:, k]))
        precision = tp / decided[:, k].sum() if decided[:, k].any() else 0.0
        recall = tp / truth[:, k].sum() if truth[:, k].any() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        ap = None
        if truth[:, k].any():
            ap = 0.0
            previous = 0.0
            for threshold in sorted(set(scores[:, k].tolist()), reverse=True):
                chosen = scores[:, k] >= threshold
                recall_at = np.sum(chosen & truth[:, k]) / truth[:, k].sum()
                ap += (recall_at - previous) * np.sum(chosen & truth[:, k]) / chosen.sum()
                previous = recall_at
        per_class.append({'precision': precision, 'recall': recall, 'f1': f1, 'averagePrecision': ap})
    tp = np.sum(decided & truth)
    result = {
        'perClass': per_class,
        'microF1': 2 * tp / (decided.sum() + truth.sum()),
        'macroF1': float(np.mean([c['f1'] for c in per_class])),
        'meanAveragePrecision': float(np.mean([c['averagePrecision'] for c in per_class if c['averagePrecision'] is not None])),
        'subsetAccuracy': float(np.mean(np.all(decided == truth, axis=1))),
    }
    with open(out_file, 'w') as handle:
        json.dump(result, handle)


if __name__ == '__main__':
    command = sys.argv[1]
    if command == 'resnet18':
        resnet18(sys.argv[2])
    elif command == 'bn-cnn':
        bn_cnn(int(sys.argv[2]), sys.argv[3])
    elif command == 'steps':
        steps(sys.argv[2], sys.argv[3])
    elif command == 'losses':
        losses(sys.argv[2], sys.argv[3])
    elif command == 'multilabel-metrics':
        multilabel_metrics(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f'unknown command {command}')
