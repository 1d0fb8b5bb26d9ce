import torch
from collections import OrderedDict

features = OrderedDict((str(level), torch.randn(2, 256, 64 // 2 ** level, 64 // 2 ** level)) for level in range(4))
rpn = RPNHead(256, num_anchors=3)
logits, deltas = rpn(list(features.values()))
assert [tuple(l.shape) for l in logits] == [(2, 3, 64 // 2 ** i, 64 // 2 ** i) for i in range(4)]
assert [tuple(d.shape) for d in deltas] == [(2, 12, 64 // 2 ** i, 64 // 2 ** i) for i in range(4)]
proposals = [torch.tensor([[10.0, 10.0, 100.0, 120.0], [0.0, 0.0, 40.0, 40.0]]), torch.tensor([[30.0, 20.0, 200.0, 250.0]])]
image_sizes = [(256, 256), (256, 256)]
box_head = BoxHead(256, num_classes=5)
class_logits, box_deltas = box_head(features, proposals, image_sizes)
assert tuple(class_logits.shape) == (3, 5) and tuple(box_deltas.shape) == (3, 20)
mask_head = MaskHead(256, num_classes=5)
masks = mask_head(features, proposals, image_sizes)
assert tuple(masks.shape) == (3, 5, 28, 28), masks.shape
(class_logits.sum() + box_deltas.sum() + masks.mean() + sum(l.sum() for l in logits)).backward()
assert mask_head.mask_logits.weight.grad is not None and box_head.fc1.weight.grad is not None and rpn.conv.weight.grad is not None
