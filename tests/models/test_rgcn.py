"""The RGCN's group encoder: its fused inference path equals the per-group one."""

from __future__ import annotations

import torch

from models.rgcn import GroupEncoder


def test_fused_inference_equals_the_per_group_encoders() -> None:
    torch.manual_seed(0)
    groups = [[0, 3, 4], [1], [2, 5, 6, 7], [8, 9]]  # interleaved columns
    encoder = GroupEncoder(groups, 16)
    x = torch.randn(50, 10) * 3
    trained = encoder(x)  # grad enabled: one product per group
    assert trained.requires_grad
    with torch.no_grad():
        fused_no_grad = encoder(x)
    with torch.inference_mode():
        fused = encoder(x)
    torch.testing.assert_close(fused, trained.detach(), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(fused_no_grad, fused)
    bias, weight = encoder.fused(10)
    assert weight.shape == (10, 16) and bias.shape == (16,)
    share = 4
    for k, group in enumerate(groups):  # each group's block holds its encoder, zeros elsewhere
        block = weight[:, k * share:(k + 1) * share]
        torch.testing.assert_close(block[group], encoder.encoders[k].weight.t())
        others = [i for i in range(10) if i not in group]
        assert not block[others].any()
