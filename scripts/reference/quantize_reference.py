"""PyTorch's own int8 quantization (torch.ao.quantization, qnnpack engine) of a seeded torchvision model, as an
independent reference for the ONNX quantizer.

usage: quantize_reference.py NAME INPUTS.bin COUNT [--seed S] [--size H]
INPUTS.bin holds COUNT preprocessed images (float32, [COUNT, 3, H, H], little endian). The model is rebuilt with the
weights gradcam_models.py exports for the same name and seed; it is calibrated on the same images, converted to int8
and run on them. Prints JSON: the float outputs and the cosine of each int8 output with the float one.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradcam_models import build, randomize_batchnorm  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("inputs")
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    float_model = build(args.name).eval()
    with torch.no_grad():
        randomize_batchnorm(float_model, torch.Generator().manual_seed(args.seed + 1))
    images = torch.from_numpy(np.fromfile(args.inputs, dtype="<f4").reshape(args.count, 3, args.size, args.size))

    quantizable = getattr(torchvision.models.quantization, args.name)(weights=None, quantize=False)
    quantizable.load_state_dict(float_model.state_dict())
    quantizable.eval()
    quantizable.fuse_model()
    torch.backends.quantized.engine = "qnnpack"
    quantizable.qconfig = torch.ao.quantization.get_default_qconfig("qnnpack")
    torch.ao.quantization.prepare(quantizable, inplace=True)
    with torch.no_grad():
        for image in images:
            quantizable(image.unsqueeze(0))
        torch.ao.quantization.convert(quantizable, inplace=True)
        floats = [float_model(image.unsqueeze(0)).flatten() for image in images]
        int8 = [quantizable(image.unsqueeze(0)).flatten() for image in images]
    cosines = [torch.nn.functional.cosine_similarity(a, b, dim=0).item() for a, b in zip(floats, int8)]
    print(json.dumps({"torch": torch.__version__, "float": [f.tolist() for f in floats], "cosines": cosines}))


if __name__ == "__main__":
    main()
