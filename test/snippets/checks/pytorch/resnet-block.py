import torch

basic = BasicBlock(16, 32, stride=2)
y = basic(torch.randn(2, 16, 32, 32))
assert tuple(y.shape) == (2, 32, 16, 16), y.shape
same = BasicBlock(16, 16)
assert isinstance(same.shortcut, nn.Identity)
bottleneck = Bottleneck(64, 16, stride=1)
z = bottleneck(torch.randn(2, 64, 8, 8))
assert tuple(z.shape) == (2, 64, 8, 8) and isinstance(bottleneck.shortcut, nn.Identity)
down = Bottleneck(64, 32, stride=2)
w = down(torch.randn(2, 64, 8, 8))
assert tuple(w.shape) == (2, 128, 4, 4), w.shape
(y.mean() + z.mean() + w.mean()).backward()
assert basic.conv1.weight.grad is not None and down.conv3.weight.grad is not None
