"""Trains one linear layer a few steps in PyTorch, as the reference for the tfjs training engine's losses and optimizers.

usage: optimizer_reference.py < case.json > result.json
case: kernel [in][out], bias [out], x [n][in], labels [n], steps, lr, optimizer (sgd|adam|adamw), momentum, nesterov,
weightDecay, loss (cross-entropy|focal|binary-cross-entropy), multiHot [n][classes], labelSmoothing, focalGamma, classWeights, soft [n][classes], temperature, alpha
result: losses (one per step, before the update), kernel [in][out], bias [out]
"""
import json
import sys

import torch
import torch.nn.functional as F


def main():
    case = json.load(sys.stdin)
    torch.set_default_dtype(torch.float32)
    kernel = torch.tensor(case["kernel"])
    layer = torch.nn.Linear(kernel.shape[0], kernel.shape[1])
    with torch.no_grad():
        layer.weight.copy_(kernel.t())
        layer.bias.copy_(torch.tensor(case["bias"]))
    x = torch.tensor(case["x"])
    labels = torch.tensor(case["labels"], dtype=torch.long)
    decay = case.get("weightDecay", 0.0)
    params = layer.parameters()
    if case["optimizer"] == "sgd":
        optimizer = torch.optim.SGD(params, lr=case["lr"], momentum=case.get("momentum", 0.0), nesterov=case.get("nesterov", False), weight_decay=decay)
    elif case["optimizer"] == "adam":
        optimizer = torch.optim.Adam(params, lr=case["lr"], weight_decay=decay)
    else:
        optimizer = torch.optim.AdamW(params, lr=case["lr"], weight_decay=decay)
    weights = torch.tensor(case["classWeights"]) if case.get("classWeights") else None
    losses = []
    for _ in range(case["steps"]):
        optimizer.zero_grad()
        logits = layer(x)
        if case.get("loss") == "binary-cross-entropy":
            loss = F.binary_cross_entropy_with_logits(logits, torch.tensor(case["multiHot"], dtype=torch.float32))
        elif case.get("loss", "cross-entropy") == "focal":
            log_p = F.log_softmax(logits, dim=1).gather(1, labels[:, None])[:, 0]
            per_sample = -((1 - log_p.exp()) ** case.get("focalGamma", 2.0)) * log_p
            w = weights[labels] if weights is not None else torch.ones_like(per_sample)
            loss = (per_sample * w).sum() / w.sum()
        else:
            loss = F.cross_entropy(logits, labels, weight=weights, label_smoothing=case.get("labelSmoothing", 0.0))
        if case.get("soft"):
            t = case["temperature"]
            alpha = case["alpha"]
            soft_loss = F.kl_div(F.log_softmax(logits / t, dim=1), torch.tensor(case["soft"]), reduction="batchmean")
            loss = (1 - alpha) * loss + alpha * t * t * soft_loss
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    json.dump({"losses": losses, "kernel": layer.weight.detach().t().tolist(), "bias": layer.bias.detach().tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
