"""Self-consistency and sampling metrics: majority vote by grader equivalence, unbiased pass@k."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import comb

Equal = Callable[[str, str], bool]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k (Chen et al., 2021): 1 - C(n-c, k) / C(n, k) for n samples, c correct."""
    if not 0 <= c <= n:
        raise ValueError(f"pass_at_k: need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass_at_k: need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def ks_for(n: int) -> list[int]:
    """The k values reported for n samples: 1, 2, 4, ... and n itself."""
    ks = [k for k in (1, 2, 4, 8, 16, 32, 64, 128) if k <= n]
    return ks + ([n] if n not in ks else [])


def group_answers(answers: Sequence[str | None], equal: Equal) -> list[tuple[str, list[int]]]:
    """Groups of equivalent answers as (representative, sample indices), biggest first; ties keep the
    group seen first. `None` (no answer) never forms a group."""
    groups: list[tuple[str, list[int]]] = []
    for i, a in enumerate(answers):
        if a is None or not str(a).strip():
            continue
        for rep, members in groups:
            if rep == a or equal(rep, a):
                members.append(i)
                break
        else:
            groups.append((a, [i]))
    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g][1]), groups[g][1][0]))
    return [groups[g] for g in order]


def majority(answers: Sequence[str | None], equal: Equal) -> tuple[str | None, int]:
    """maj@N's answer and its vote count; (None, 0) when no sample answered."""
    groups = group_answers(answers, equal)
    return (groups[0][0], len(groups[0][1])) if groups else (None, 0)
