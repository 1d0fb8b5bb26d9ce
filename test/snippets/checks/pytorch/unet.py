for depth, base in ((4, 32), (2, 8)):
    model = UNet(in_channels=3, num_classes=2, base_channels=base, depth=depth)
    x = torch.randn(2, 3, 64, 48)
    y = model(x)
    assert tuple(y.shape) == (2, 2, 64, 48), y.shape
    y.square().mean().backward()
    assert all(p.grad is not None for p in model.parameters())
