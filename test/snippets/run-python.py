"""Runs each snippet-plus-check program in its own namespace, importing torch once; prints a JSON result per program."""
import json
import sys
import traceback

import torch

torch.manual_seed(0)
results = {}
for program in json.load(sys.stdin):
    namespace = {'__name__': '__snippet__'}
    try:
        exec(compile(program['code'], program['name'], 'exec'), namespace)
        results[program['name']] = None
    except BaseException:
        results[program['name']] = traceback.format_exc(limit=6)
print(json.dumps(results))
