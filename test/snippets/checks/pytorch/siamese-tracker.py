import torch

tracker = SiameseTracker(channels=16)
template = torch.randn(3, 3, 63, 63)
search = torch.randn(3, 3, 127, 127)
response = tracker(template, search)
# the embedding maps 63 -> 28 and 127 -> 60, so the response is 60 - 28 + 1 = 33 wide
assert tuple(response.shape) == (3, 1, 33, 33), response.shape
response.amax(dim=(2, 3)).sum().backward()
assert tracker.embedding[0].weight.grad is not None
