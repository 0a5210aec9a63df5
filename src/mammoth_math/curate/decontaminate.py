"""Remove training rows whose question overlaps a registered benchmark's test question.

Two checks on lower-cased word tokens (punctuation and LaTeX braces ignored):
- verbatim: any shared 13-gram (the GPT-3 / OpenAI contamination test; 13 words is long enough that
  chance matches between different problems are rare, short enough to catch a question embedded in
  a longer prompt). A benchmark question shorter than 13 words matches only when the whole question
  occurs in the row.
- paraphrase: word-bigram Jaccard >= 0.5 (MinHash LSH proposes, exact Jaccard confirms). Reworded
  copies (a few words swapped, numbers kept) keep most bigrams; different problems of one template
  rarely share half. Such rows are removed too and reported with their similarity.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from mammoth_math.api import Problem, TrainingExample
from mammoth_math.curate.dedup import minhashes, shingles
from mammoth_math.curate.rows import Dropped, normalize_words, row_id


@dataclass
class BenchmarkIndex:
    n: int = 13
    paraphrase_threshold: float = 0.5
    num_perm: int = 128
    grams: dict[str, str] = field(default_factory=dict)  # n-gram -> "benchmark:id"
    short: dict[str, str] = field(default_factory=dict)  # whole short question -> "benchmark:id"
    items: list[tuple[str, set[bytes]]] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)
    lsh: object = None

    def add(self, problems: Sequence[Problem]) -> None:
        new: list[tuple[str, set[bytes]]] = []
        for p in problems:
            ref = f"{p.benchmark}:{p.id}"
            words = normalize_words(p.question)
            if not words:
                continue
            self.questions[ref] = p.question
            if len(words) < self.n:
                self.short[" ".join(words)] = ref
            for i in range(len(words) - self.n + 1):
                self.grams.setdefault(" ".join(words[i : i + self.n]), ref)
            new.append((ref, shingles(words, 2)))
        self._index(new)

    def _index(self, new: list[tuple[str, set[bytes]]]) -> None:
        from datasketch import MinHashLSH

        if self.lsh is None:
            self.lsh = MinHashLSH(threshold=self.paraphrase_threshold, num_perm=self.num_perm)
        start = len(self.items)
        self.items.extend(new)
        for k, mh in enumerate(minhashes([s for _, s in new], self.num_perm)):
            self.lsh.insert(str(start + k), mh)  # type: ignore[attr-defined]

    def match(self, question: str, mh: object, sets: set[bytes]) -> tuple[str, str, float] | None:
        """(kind, benchmark ref, score) of the first overlap, or None."""
        words = normalize_words(question)
        for i in range(len(words) - self.n + 1):
            ref = self.grams.get(" ".join(words[i : i + self.n]))
            if ref is not None:
                return "benchmark_ngram", ref, 1.0
        if self.short:
            joined = f" {' '.join(words)} "
            for text, ref in self.short.items():
                if len(text.split()) >= 4 and f" {text} " in joined:
                    return "benchmark_ngram", ref, 1.0
        best: tuple[str, str, float] | None = None
        for key in self.lsh.query(mh):  # type: ignore[attr-defined]
            ref, other = self.items[int(key)]
            jac = len(sets & other) / max(1, len(sets | other))
            if jac >= self.paraphrase_threshold and (best is None or jac > best[2]):
                best = ("benchmark_paraphrase", ref, jac)
        return best


def benchmark_index(
    benchmarks: Sequence[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    n: int = 13,
    paraphrase_threshold: float = 0.5,
    extra: Sequence[Problem] = (),
) -> tuple[BenchmarkIndex, dict[str, int]]:
    """The index over every registered benchmark (or the named ones); returns (index, sizes)."""
    from mammoth_math.benchmarks import load_benchmark, names

    index = BenchmarkIndex(n=n, paraphrase_threshold=paraphrase_threshold)
    sizes: dict[str, int] = {}
    for name in benchmarks or names():
        loaded = load_benchmark(name, data_dir, skip_invalid=True)
        index.add(loaded.problems)
        sizes[name] = len(loaded.problems)
    if extra:
        index.add(extra)
        sizes["extra"] = len(extra)
    return index, sizes


def decontaminate(
    rows: list[TrainingExample], index: BenchmarkIndex
) -> tuple[list[TrainingExample], list[Dropped]]:
    # one MinHash per distinct question (a question's CoT and PoT rows share it)
    questions = sorted({r.instruction for r in rows})
    sets = {q: shingles(normalize_words(q), 2) for q in questions}
    hashes = dict(zip(questions, minhashes([sets[q] for q in questions], index.num_perm), strict=True))
    verdict: dict[str, tuple[str, str, float] | None] = {}
    kept: list[TrainingExample] = []
    dropped: list[Dropped] = []
    for row in rows:
        q = row.instruction
        if q not in verdict:
            verdict[q] = index.match(q, hashes[q], sets[q])
        hit = verdict[q]
        if hit is None:
            kept.append(row)
            continue
        kind, ref, score = hit
        detail = (
            f"{index.n}-gram overlap with: {index.questions[ref][:160]}"
            if kind == "benchmark_ngram"
            else (f"bigram jaccard {score:.2f} with: {index.questions[ref][:160]}")
        )
        dropped.append(Dropped(row_id(row), row.source, kind, detail, ref, row.instruction[:200]))
    return kept, dropped
