"""Small seeded networks with each kind of output, exported to ONNX, and PyTorch's Grad-CAM of the explain objective
for that kind, computed by its rule (explain/objective.ts) on the PyTorch output.

usage: objective_reference.py export LAYOUT OUT.onnx [--seed S]
       objective_reference.py gradcam LAYOUT INPUT.f32 [--seed S] [--box N] [--class K]
LAYOUT is the output of the network's head; for detections:
  rows     [1, N, 5+C]: cx, cy, w, h, objectness, C class scores (YOLOv5-style); box score: objectness (class k's score with --class)
  columns  [1, 4+C, N]: cx, cy, w, h, C class scores (YOLOv8-style); box score: the top class's score
  ssd      scores [1, N, 1+C] (softmax, class 0 background) beside boxes [1, N, 4]; box score: the top non-background class's score
and for the other kinds:
  dense1   [1, 1, H, W] sigmoid map; objective: the map summed over the pixels above 0.5
  dense    [1, K, H, W] logits; objective: class k's map (default: the most frequent class other than 0 among the
           pixels' argmax) summed over the pixels whose argmax is k
  sequence [1, T, C] logits; objective: the sum over the steps of each step's largest logit
INPUT.f32 holds the preprocessed input, float32 little-endian NCHW [1, 3, SIZE, SIZE].
gradcam prints JSON: the objective's value (score), for detections box, class and coordinates, and the Grad-CAM map (ReLU of the channels weighted by their mean
gradient, at the backbone's last ReLU), the gradient from torch.autograd.
"""
import argparse
import json

import numpy as np
import torch
from torch import nn

SIZE = 64
ANCHORS = 2
CLASSES = 5
DENSE = ("dense1", "dense", "sequence")


class Network(nn.Module):
    def __init__(self, layout):
        super().__init__()
        self.layout = layout
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
        )
        self.features_per_anchor = {"rows": 5 + CLASSES, "columns": 4 + CLASSES, "ssd": 4 + 1 + CLASSES, "dense1": 1, "dense": CLASSES, "sequence": CLASSES}[layout]
        self.head = nn.Conv2d(16, self.features_per_anchor if layout in DENSE else ANCHORS * self.features_per_anchor, 1)
        if layout in DENSE:
            # Larger weights, so that classes (and pixels above the threshold) differ across the image.
            nn.init.normal_(self.head.weight, std=1.0)
            nn.init.zeros_(self.head.bias)

    def forward(self, x):
        cells = self.head(self.features(x))
        if self.layout == "dense1":
            return nn.functional.interpolate(torch.sigmoid(cells), scale_factor=4, mode="bilinear", align_corners=False)
        if self.layout == "dense":
            return nn.functional.interpolate(cells, scale_factor=4, mode="bilinear", align_corners=False)
        if self.layout == "sequence":
            # Columns as steps: [1, C, H, W] → mean over H → [1, W, C].
            return cells.mean(dim=2).permute(0, 2, 1)
        batch, _, height, width = cells.shape
        # [1, A·K, H, W] → [1, A·H·W, K]: one row per anchor of each cell.
        rows = cells.reshape(batch, ANCHORS, self.features_per_anchor, height * width).permute(0, 1, 3, 2).reshape(batch, -1, self.features_per_anchor)
        if self.layout == "rows":
            return torch.cat([rows[..., :4], torch.sigmoid(rows[..., 4:])], dim=-1)
        if self.layout == "columns":
            return torch.cat([rows[..., :4], torch.sigmoid(rows[..., 4:])], dim=-1).permute(0, 2, 1)
        return rows[..., :4], torch.softmax(rows[..., 4:], dim=-1)


def build(layout, seed):
    torch.manual_seed(seed)
    return Network(layout).eval()


def export(args):
    model = build(args.layout, args.seed)
    names = ["boxes", "scores"] if args.layout == "ssd" else ["output"]
    torch.onnx.export(model, torch.rand(1, 3, SIZE, SIZE), args.out, input_names=["image"], output_names=names, opset_version=13)


def gradcam(args):
    model = build(args.layout, args.seed)
    pixels = torch.from_numpy(np.fromfile(args.input, dtype="<f4").reshape(1, 3, SIZE, SIZE).copy())
    captured = {}

    def keep(_module, _inputs, output):
        output.retain_grad()
        captured["activation"] = output

    model.features.register_forward_hook(keep)
    result = model(pixels)
    if args.layout in DENSE:
        score = dense_objective(args.layout, result, args.target)
        score.backward()
        print(json.dumps({"score": float(score), "cam": gradcam_map(captured["activation"])}))
        return
    boxes, scores = result if args.layout == "ssd" else (None, result)
    # boxes × features, whatever the layout.
    table = scores[0].T if args.layout == "columns" else scores[0]
    first = {"rows": 4, "columns": 4, "ssd": 1}[args.layout]
    if args.target is not None:
        first += args.target + (1 if args.layout == "rows" else 0)
        end = first + 1
    else:
        end = first + 1 if args.layout == "rows" else table.shape[1]
    candidates = table[:, first:end].detach().clone()
    if args.box is not None:
        keep_only = torch.full_like(candidates, -float("inf"))
        keep_only[args.box] = candidates[args.box]
        candidates = keep_only
    # The largest candidate, first in the output's own element order on ties.
    order = candidates.T if args.layout == "columns" else candidates
    flat = int(order.reshape(-1).argmax())
    if args.layout == "columns":
        feature, box = divmod(flat, candidates.shape[0])
    else:
        box, feature = divmod(flat, candidates.shape[1])
    feature += first
    score = table[box, feature]
    score.backward()
    class_base = {"rows": 5, "columns": 4, "ssd": 1}[args.layout]
    box_class = int(table[box, 5:].argmax()) if args.layout == "rows" and args.target is None else feature - class_base
    coordinates = (boxes[0, box] if boxes is not None else table[box, :4]).tolist()
    print(json.dumps({"box": box, "class": box_class, "score": float(score), "coordinates": coordinates, "cam": gradcam_map(captured["activation"])}))


def dense_objective(layout, output, target):
    if layout == "sequence":
        return output.max(dim=-1).values.sum()
    if layout == "dense1":
        plane = output[0, 0]
        threshold = 0.5 if float(plane.min()) >= 0 and float(plane.max()) <= 1 else 0.0
        mask = (plane > threshold).to(plane.dtype)
        return (plane * (mask if float(mask.sum()) > 0 else torch.ones_like(plane))).sum()
    predicted = output[0].argmax(dim=0)
    counts = torch.bincount(predicted.reshape(-1), minlength=output.shape[1])
    chosen = target if target is not None else (int(counts[1:].argmax()) + 1 if int(counts[1:].max()) > 0 else 0)
    mask = (predicted == chosen).to(output.dtype)
    plane = output[0, chosen]
    return (plane * (mask if float(mask.sum()) > 0 else torch.ones_like(plane))).sum()


def gradcam_map(activation):
    activations = activation.detach().double().numpy()
    grads = activation.grad.detach().double().numpy()
    weights = grads.mean(axis=(2, 3))[0]
    cam = np.maximum((weights[:, None, None] * activations[0]).sum(axis=0), 0)
    return {"shape": list(cam.shape), "values": cam.reshape(-1).tolist()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["export", "gradcam"])
    parser.add_argument("layout", choices=["rows", "columns", "ssd", *DENSE])
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--box", type=int)
    parser.add_argument("--class", dest="target", type=int)
    args = parser.parse_args()
    if args.command == "export":
        args.out = args.path
        export(args)
    else:
        args.input = args.path
        gradcam(args)


if __name__ == "__main__":
    main()
