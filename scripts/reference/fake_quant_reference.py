"""PyTorch's fake quantization and its straight-through gradient, the reference for the QuantizeLinear and
DequantizeLinear gradient rules.

usage: fake_quant_reference.py < case.json > result.json
case: x (flat), dims, scales, zeroPoints, axis (null: per-tensor), qmin, qmax, projection (flat, like x)
result: y (flat fake-quantized x), grad (flat gradient of sum(y * projection) with respect to x)
"""
import json
import sys

import torch


def main():
    case = json.load(sys.stdin)
    x = torch.tensor(case["x"], dtype=torch.float32).reshape(case["dims"]).requires_grad_(True)
    if case["axis"] is None:
        y = torch.fake_quantize_per_tensor_affine(x, case["scales"][0], case["zeroPoints"][0], case["qmin"], case["qmax"])
    else:
        scales = torch.tensor(case["scales"], dtype=torch.float32)
        zero_points = torch.tensor(case["zeroPoints"], dtype=torch.int32)
        y = torch.fake_quantize_per_channel_affine(x, scales, zero_points, case["axis"], case["qmin"], case["qmax"])
    (y * torch.tensor(case["projection"], dtype=torch.float32).reshape(case["dims"])).sum().backward()
    json.dump({"y": y.detach().flatten().tolist(), "grad": x.grad.flatten().tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
