"""The length-grouped sampler's order is a function of (seed, epoch) alone, so a resumed epoch is the
uninterrupted one (the end-to-end check is the 2-rank resume in test_multiprocess.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # imports torch + transformers' Trainer


def test_order_depends_on_seed_and_epoch_only() -> None:
    import torch

    from mammoth_math.train.sampling import EpochSeededLengthGroupedSampler

    lengths = [5, 80, 13, 40, 41, 7, 99, 60, 3, 22, 18, 71, 35, 9, 50, 64]

    def order(epoch: int, seed: int = 42) -> list[int]:
        sampler = EpochSeededLengthGroupedSampler(lengths, batch_size=2, seed=seed)
        sampler.set_epoch(epoch)
        torch.rand(17)  # whatever else drew from the global RNG must not matter
        return list(sampler)

    first = order(1)
    assert sorted(first) == list(range(len(lengths)))  # a permutation: every row once per epoch
    assert first == order(1)
    assert first != order(0) and first != order(1, seed=7)
    assert lengths[first[0]] == max(lengths)  # transformers' grouping: the longest batch comes first
