import torch

block = SqueezeExcitation(64, reduction=16)
x = torch.randn(2, 64, 8, 8, requires_grad=True)
y = block(x)
assert tuple(y.shape) == (2, 64, 8, 8)
gate = block.gate(x)
assert tuple(gate.shape) == (2, 64, 1, 1) and bool(((gate > 0) & (gate < 1)).all())
assert torch.allclose(y, x * gate)
y.sum().backward()
assert x.grad is not None and block.gate[1].weight.grad is not None
