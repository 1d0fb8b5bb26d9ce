block = CBAM(32, reduction=8)
x = torch.randn(2, 32, 16, 16, requires_grad=True)
y = block(x)
assert tuple(y.shape) == (2, 32, 16, 16)
assert bool((y.abs() <= x.abs() + 1e-6).all()), 'attention only scales features down'
y.sum().backward()
assert block.spatial.weight.grad is not None and block.mlp[0].weight.grad is not None
