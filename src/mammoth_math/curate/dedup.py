"""Exact and near-duplicate removal with datasketch MinHash LSH.

Two rows are duplicates only within the same rationale type: a question's CoT and PoT rows are the
hybrid data MAmmoTH wants, not a duplicate. The text compared is instruction + output, so two different
solutions of one question (RFT-style) both stay; the first row in recipe order wins."""

from __future__ import annotations

import hashlib

from mammoth_math.api import TrainingExample
from mammoth_math.curate.rows import Dropped, normalize_words, row_id


def shingles(words: list[str], n: int) -> set[bytes]:
    if len(words) < n:
        return {" ".join(words).encode()} if words else {b""}
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def minhashes(sets: list[set[bytes]], num_perm: int, seed: int = 1) -> list:
    """datasketch LeanMinHash objects, computed with numpy: crc32 per shingle, then datasketch's own
    permutations (a*h + b mod 2^61-1) applied to all shingles of a set at once. MinHash.bulk hashes
    each shingle with sha1 in Python (~100 us each here), too slow for 26k long rows."""
    import zlib

    import numpy as np
    from datasketch import LeanMinHash, MinHash

    template = MinHash(num_perm=num_perm, seed=seed, scheme="legacy")
    a, b = template.permutations
    prime, max_hash = np.uint64((1 << 61) - 1), np.uint64((1 << 32) - 1)
    out = []
    for shingle_set in sets:
        hv = np.fromiter((zlib.crc32(x) for x in shingle_set), dtype=np.uint64, count=len(shingle_set))
        phv = np.bitwise_and((np.outer(hv, a) + b) % prime, max_hash)
        out.append(LeanMinHash(seed=seed, hashvalues=phv.min(axis=0), scheme="legacy"))
    return out


def dedup(
    rows: list[TrainingExample], threshold: float = 0.9, num_perm: int = 128, ngram: int = 3
) -> tuple[list[TrainingExample], list[Dropped]]:
    from datasketch import MinHashLSH

    kept: list[TrainingExample] = []
    dropped: list[Dropped] = []
    exact: dict[str, str] = {}
    candidates: list[TrainingExample] = []
    words_of: list[list[str]] = []
    for row in rows:
        words = normalize_words(row.instruction + " \n " + row.output)
        key = hashlib.sha1((row.rationale + "|" + " ".join(words)).encode()).hexdigest()
        if key in exact:
            dropped.append(
                Dropped(row_id(row), row.source, "exact_duplicate", "", exact[key], row.instruction[:200])
            )
            continue
        exact[key] = row_id(row)
        candidates.append(row)
        words_of.append(words)
    sets = [shingles(w, ngram) for w in words_of]
    hashes = minhashes(sets, num_perm)
    lsh: dict[str, MinHashLSH] = {}
    for i, (row, mh) in enumerate(zip(candidates, hashes, strict=True)):
        if row.rationale not in lsh:  # building an index solves for its band sizes: once per type
            lsh[row.rationale] = MinHashLSH(threshold=threshold, num_perm=num_perm)
        index = lsh[row.rationale]
        match = None
        for other in index.query(mh):
            j = int(other)
            # LSH proposes candidates; the exact Jaccard decides, so no false positive is dropped
            jac = len(sets[i] & sets[j]) / max(1, len(sets[i] | sets[j]))
            if jac >= threshold:
                match = (j, jac)
                break
        if match is not None:
            j, jac = match
            dropped.append(
                Dropped(
                    row_id(row),
                    row.source,
                    "near_duplicate",
                    f"jaccard {jac:.2f}",
                    row_id(candidates[j]),
                    row.instruction[:200],
                )
            )
            continue
        index.insert(str(i), mh)
        kept.append(row)
    return kept, dropped
