import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))
images = torch.rand(5, 3, 16, 16)
labels = torch.randint(0, 4, (5,))
adversarial = fgsm_attack(model, images, labels, epsilon=0.03)
assert adversarial.shape == images.shape and not adversarial.requires_grad
assert float((adversarial - images).abs().max()) <= 0.03 + 1e-6
assert float(adversarial.min()) >= 0 and float(adversarial.max()) <= 1
before = F.cross_entropy(model(images), labels)
after = F.cross_entropy(model(adversarial), labels)
assert after > before, (before, after)
