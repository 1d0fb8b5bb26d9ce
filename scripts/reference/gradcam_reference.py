"""PyTorch reference for the CAM methods: the same seeded torchvision model as gradcam_models.py, autograd for gradients.

usage: gradcam_reference.py NAME INPUT.f32 --layer MODULE [--class K] [--seed S] [--size H]
                             [--methods gradcam,gradcam++,...] [--noisy NOISY.f32]
INPUT.f32 holds the preprocessed input, float32 little-endian NCHW [1,3,H,W] (so both sides see the same numbers);
NOISY.f32 the SmoothGrad samples [S,3,H,W] (their noise comes from the caller's seeded generator).
MODULE is a dotted torchvision module path, e.g. layer4 (resnet18) or features (mobilenet_v2).
Prints JSON: class, score (the logit), logits, and per method the map before upsampling and normalization
(CAM methods at the layer's resolution, pixel methods at the input's).
"""
import argparse
import json

import numpy as np
import torch

from gradcam_models import build, randomize_batchnorm


def module_at(model, dotted):
    module = model
    for part in dotted.split("."):
        module = module[int(part)] if part.isdigit() else getattr(module, part)
    return module


def gradcam(activations, grads):
    weights = grads.mean(axis=(2, 3), keepdims=True)
    return np.maximum((weights * activations).sum(axis=1), 0)[0]


def gradcam_plus_plus(activations, grads):
    # Chattopadhyay et al. 2018, eq. 19 with the exponential-score simplification (as in pytorch-grad-cam).
    grads2 = grads ** 2
    grads3 = grads2 * grads
    sum_activations = activations.sum(axis=(2, 3), keepdims=True)
    alpha = grads2 / (2 * grads2 + sum_activations * grads3 + 1e-6)
    alpha = np.where(grads != 0, alpha, 0)
    weights = (np.maximum(grads, 0) * alpha).sum(axis=(2, 3), keepdims=True)
    return np.maximum((weights * activations).sum(axis=1), 0)[0]


def layercam(activations, grads):
    return np.maximum((np.maximum(grads, 0) * activations).sum(axis=1), 0)[0]


def eigencam(activations):
    channels = activations.shape[1]
    matrix = activations[0].reshape(channels, -1).T
    matrix = matrix - matrix.mean(axis=0)
    _, _, vt = np.linalg.svd(matrix, full_matrices=False)
    projection = matrix @ vt[0]
    if (projection * activations[0].sum(axis=0).reshape(-1)).sum() < 0:
        projection = -projection
    return np.maximum(projection, 0).reshape(activations.shape[2:])


def class_score(model, batch, target):
    with torch.no_grad():
        return model(batch)[:, target].double()


def class_probability(model, batch, target):
    with torch.no_grad():
        return torch.softmax(model(batch).double(), dim=1)[:, target]


def scorecam(model, pixels, activations, target):
    upsampled = torch.nn.functional.interpolate(torch.from_numpy(activations), size=pixels.shape[2:], mode="bilinear", align_corners=False)[0]
    weights = np.zeros(activations.shape[1])
    for k in range(activations.shape[1]):
        mask = upsampled[k]
        low, high = float(mask.min()), float(mask.max())
        if high > low:
            masked = torch.from_numpy(pixels) * ((mask - low) / (high - low)).float()
            weights[k] = float(class_probability(model, masked, target)[0])
    return np.maximum((weights[None, :, None, None] * activations).sum(axis=1), 0)[0]


def input_gradients(model, inputs, target):
    batch = torch.from_numpy(np.ascontiguousarray(inputs)).requires_grad_(True)
    model(batch)[:, target].sum().backward()
    return batch.grad.double().numpy()


def occlusion(model, pixels, target):
    height, width = pixels.shape[2:]
    window = max(1, round(min(height, width) / 7))
    stride = max(1, round(window / 2))

    def starts(size):
        return sorted({min(start, size - window) for start in range(0, size, stride) if start + window < size + stride})

    base = float(class_score(model, torch.from_numpy(pixels), target)[0])
    drop = np.zeros((height, width))
    covered = np.zeros((height, width))
    for top in starts(height):
        for left in starts(width):
            occluded = pixels.copy()
            occluded[:, :, top:top + window, left:left + window] = 0
            drop[top:top + window, left:left + window] += base - float(class_score(model, torch.from_numpy(occluded), target)[0])
            covered[top:top + window, left:left + window] += 1
    return np.where(covered > 0, drop / np.maximum(covered, 1), 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("input")
    parser.add_argument("--layer", required=True)
    parser.add_argument("--class", dest="target", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--methods", default="gradcam,gradcam++")
    parser.add_argument("--noisy")
    parser.add_argument("--steps", type=int, default=32)
    args = parser.parse_args()
    methods = args.methods.split(",")
    torch.manual_seed(args.seed)
    model = build(args.name).eval()
    with torch.no_grad():
        randomize_batchnorm(model, torch.Generator().manual_seed(args.seed + 1))
    pixels = np.fromfile(args.input, dtype="<f4").reshape(1, 3, args.size, args.size)
    captured = {}

    def keep(_module, _inputs, output):
        output.retain_grad()
        captured["activation"] = output

    hook = module_at(model, args.layer).register_forward_hook(keep)
    logits = model(torch.from_numpy(pixels.copy()))
    hook.remove()
    target = int(logits.argmax(dim=1)) if args.target is None else args.target
    logits[0, target].backward()
    activation = captured["activation"]
    activations = activation.detach().double().numpy()
    grads = activation.grad.detach().double().numpy()
    cams = {}
    for method in methods:
        if method == "gradcam":
            cams[method] = gradcam(activations, grads)
        elif method == "gradcam++":
            cams[method] = gradcam_plus_plus(activations, grads)
        elif method == "layercam":
            cams[method] = layercam(activations, grads)
        elif method == "eigencam":
            cams[method] = eigencam(activations)
        elif method == "scorecam":
            cams[method] = scorecam(model, pixels, activation.detach().numpy(), target)
        elif method == "saliency":
            cams[method] = np.abs(input_gradients(model, pixels, target)[0]).max(axis=0)
        elif method == "smoothgrad":
            noisy = np.fromfile(args.noisy, dtype="<f4").reshape(-1, 3, args.size, args.size)
            cams[method] = np.abs(input_gradients(model, noisy, target).mean(axis=0)).max(axis=0)
        elif method == "integrated-gradients":
            path = np.stack([pixels[0] * ((step + 0.5) / args.steps) for step in range(args.steps)]).astype(np.float32)
            cams[method] = (pixels[0] * input_gradients(model, path, target).mean(axis=0)).sum(axis=0)
        elif method == "occlusion":
            cams[method] = occlusion(model, pixels, target)
        else:
            raise SystemExit(f"unknown method {method}")
    print(json.dumps({
        "class": target,
        "score": float(logits[0, target]),
        "logits": logits[0].detach().tolist(),
        "cam": {name: {"shape": list(cam.shape), "values": cam.reshape(-1).tolist()} for name, cam in cams.items()},
    }))


if __name__ == "__main__":
    main()
