import torchvision

model = torchvision.models.resnet18(num_classes=10).eval()
cam = GradCAM(model, model.layer4)
image = torch.rand(2, 3, 64, 64)
heatmap = cam(image, class_index=[3, 7])
assert tuple(heatmap.shape) == (2, 64, 64), heatmap.shape
assert float(heatmap.min()) >= 0 and float(heatmap.max()) <= 1 + 1e-6
assert cam.activations.shape == (2, 512, 2, 2) and cam.gradients.shape == (2, 512, 2, 2)
cam.remove()
assert not model.layer4._forward_hooks
