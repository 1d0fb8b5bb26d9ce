import torchvision

logits = torch.randn(16, 5, requires_grad=True)
targets = (torch.rand(16, 5) > 0.7).float()
loss = focal_loss(logits, targets)
reference = torchvision.ops.sigmoid_focal_loss(logits, targets, alpha=0.25, gamma=2.0, reduction='mean')
assert loss.dim() == 0 and torch.allclose(loss, reference, atol=1e-6), (loss, reference)
assert focal_loss(logits, targets, reduction='none').shape == (16, 5)
loss.backward()
assert logits.grad is not None and torch.isfinite(logits.grad).all()
