import torch

fpn = FPN((64, 128, 256, 512), out_channels=128)
features = [torch.randn(2, c, 64 // 2 ** i, 64 // 2 ** i) for i, c in enumerate((64, 128, 256, 512))]
outputs = fpn(features)
assert [tuple(o.shape) for o in outputs] == [(2, 128, 64 // 2 ** i, 64 // 2 ** i) for i in range(4)]
sum(o.mean() for o in outputs).backward()
assert all(layer.weight.grad is not None for layer in fpn.lateral)
