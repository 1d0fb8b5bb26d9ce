#!/usr/bin/python3
"""Evaluates PyTorch layer calls for the hover's numbers: for each JSON line {"call": "nn.Conv2d(...)", "input": [N, C, …]}
(a functional call names its input x: "F.max_pool2d(x, 3)"); without "input", only the parameters.
The calls are evaluated with nn, F, torch and torchvision.ops (as ops and misc_nn_ops) in scope.
prints {"parameters": sum of numel, "output": output shape} (or {"error": …} when PyTorch rejects the call or input).

Usage: layer_calls.py < calls.jsonl
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.ops

torch.set_num_threads(1)
for line in sys.stdin:
    request = json.loads(line)
    try:
        with torch.no_grad():
            call = request['call']
            if call.startswith('F.'):
                result = {'parameters': 0}
                output = eval(call, {'F': F, 'torch': torch, 'x': torch.zeros(*request['input'])})
            else:
                module = eval(call, {'nn': nn, 'torch': torch, 'F': F, 'ops': torchvision.ops, 'misc_nn_ops': torchvision.ops.misc})
                result = {'parameters': sum(p.numel() for p in module.parameters())}
                if request.get('input') is None:
                    print(json.dumps(result), flush=True)
                    continue
                output = module(torch.zeros(*request['input'], dtype=torch.long) if isinstance(module, nn.Embedding) else torch.zeros(*request['input']))
            result['output'] = list(output.shape)
    except Exception as error:  # PyTorch's own rejection of the call is the answer
        result = {'error': str(error).splitlines()[0][:200]}
    print(json.dumps(result), flush=True)
