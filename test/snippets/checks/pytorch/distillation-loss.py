import torch

student = torch.randn(8, 10, requires_grad=True)
teacher = torch.randn(8, 10)
labels = torch.randint(0, 10, (8,))
loss = distillation_loss(student, teacher, labels, temperature=4.0, alpha=0.5)
assert loss.dim() == 0
hard = F.cross_entropy(student, labels)
assert torch.allclose(distillation_loss(student, teacher, labels, alpha=1.0), hard)
assert torch.allclose(distillation_loss(teacher.clone().requires_grad_(), teacher, labels, alpha=0.0), torch.tensor(0.0), atol=1e-6)
loss.backward()
assert student.grad is not None and torch.isfinite(student.grad).all()
