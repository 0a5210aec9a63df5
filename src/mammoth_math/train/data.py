"""MathInstruct rows → token ids with response-only labels, plus the batch collators.

Prompt and response are tokenized separately and concatenated, so the prompt/response boundary is
exact (no BPE merge across it) and every prompt token gets label -100.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammoth_math.api import TrainingExample
from mammoth_math.api.formats import ALPACA_TEMPLATE, example_from_row
from mammoth_math.common.store import BadLine, jsonl_lines

IGNORE_INDEX = -100


class TrainDataError(ValueError):
    """A bad training data file; the message names the file, line and field."""


def read_examples(path: str | Path, limit: int | None = None) -> list[TrainingExample]:
    """MathInstruct JSONL rows (`instruction`, `output`, `source`, optional `rationale`)."""
    path = Path(path)
    if not path.is_file():
        raise TrainDataError(f"{path}: no such data file")
    examples: list[TrainingExample] = []
    for lineno, row in jsonl_lines(path):
        try:
            if isinstance(row, BadLine):
                raise ValueError(row)
            examples.append(example_from_row(row))
        except ValueError as e:
            raise TrainDataError(f"{path}:{lineno}: {e}") from None
        if limit is not None and len(examples) >= limit:
            break
    if not examples:
        raise TrainDataError(f"{path}: no training rows")
    return examples


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def format_prompt(instruction: str, template: str = "alpaca", tokenizer: Any = None) -> str:
    """The prompt text the model sees before its response (the same text evaluation must use)."""
    if template == "alpaca":
        return ALPACA_TEMPLATE.format(instruction=instruction)
    if template == "chat":
        if tokenizer is None or not getattr(tokenizer, "chat_template", None):
            raise TrainDataError("template=chat: the tokenizer has no chat template; use template=alpaca")
        messages = [{"role": "user", "content": instruction}]
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    raise TrainDataError(f"unknown template {template!r}")


@dataclass
class EncodeStats:
    kept: int = 0
    truncated: int = 0
    dropped_prompt_too_long: int = 0
    response_tokens: int = 0
    total_tokens: int = 0


@dataclass
class Encoded:
    features: list[dict[str, list[int]]] = field(default_factory=list)
    stats: EncodeStats = field(default_factory=EncodeStats)


def encode_examples(
    examples: Iterable[TrainingExample], tokenizer: Any, max_seq_len: int, template: str = "alpaca"
) -> Encoded:
    """input_ids / labels per example: prompt tokens → -100, response + EOS → their ids.

    A response that does not fit is cut at max_seq_len (still ends the sequence); a prompt that leaves
    fewer than 8 response tokens is dropped, since training on it would teach nothing useful.
    """
    if tokenizer.eos_token_id is None:
        raise TrainDataError("the tokenizer has no EOS token; responses could never end")
    out = Encoded()
    add_bos = template == "alpaca" and tokenizer.bos_token_id is not None and _adds_bos(tokenizer)
    for ex in examples:
        prompt = format_prompt(ex.instruction, template, tokenizer)
        prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        if add_bos:
            prompt_ids = [tokenizer.bos_token_id, *prompt_ids]
        response_ids = [*tokenizer(ex.output, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id]
        if len(prompt_ids) + 8 > max_seq_len:
            out.stats.dropped_prompt_too_long += 1
            continue
        if len(prompt_ids) + len(response_ids) > max_seq_len:
            response_ids = response_ids[: max_seq_len - len(prompt_ids)]
            out.stats.truncated += 1
        ids = prompt_ids + response_ids
        labels = [IGNORE_INDEX] * len(prompt_ids) + response_ids
        out.features.append({"input_ids": ids, "labels": labels})
        out.stats.kept += 1
        out.stats.response_tokens += len(response_ids)
        out.stats.total_tokens += len(ids)
    return out


def _adds_bos(tokenizer: Any) -> bool:
    """Whether the tokenizer itself prepends BOS in normal use (Llama does, Qwen/SmolLM2 do not)."""
    probe = tokenizer("a")["input_ids"]
    return bool(probe) and probe[0] == tokenizer.bos_token_id


def pack_features(features: list[dict[str, list[int]]], max_seq_len: int) -> list[dict[str, list[int]]]:
    """Greedy first-fit packing of whole examples into rows of at most max_seq_len tokens.

    position_ids restart at 0 for each example: transformers turns restarting positions (with no
    attention_mask) into a block-diagonal mask, so packed examples do not attend to each other.
    """
    rows: list[dict[str, list[int]]] = []
    for feat in sorted(features, key=lambda f: -len(f["input_ids"])):
        n = len(feat["input_ids"])
        target = next((r for r in rows if len(r["input_ids"]) + n <= max_seq_len), None)
        if target is None:
            target = {"input_ids": [], "labels": [], "position_ids": []}
            rows.append(target)
        target["input_ids"] += feat["input_ids"]
        target["labels"] += feat["labels"]
        target["position_ids"] += list(range(n))
    return rows


class Collator:
    """Pads a batch to its longest row (rounded up to a multiple of 8 for tensor-core friendly shapes)."""

    def __init__(self, pad_token_id: int, multiple_of: int = 8) -> None:
        self.pad_token_id = pad_token_id
        self.multiple_of = multiple_of

    def __call__(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        longest = max(len(b["input_ids"]) for b in batch)
        width = -(-longest // self.multiple_of) * self.multiple_of
        packed = "position_ids" in batch[0]
        ids, labels, extra = [], [], []
        for b in batch:
            pad = width - len(b["input_ids"])
            ids.append(list(b["input_ids"]) + [self.pad_token_id] * pad)
            labels.append(list(b["labels"]) + [IGNORE_INDEX] * pad)
            if packed:
                # Padding becomes its own "sequence" (positions from 0) so it never joins a real one.
                extra.append(list(b["position_ids"]) + list(range(pad)))
            else:
                extra.append([1] * len(b["input_ids"]) + [0] * pad)
        out = {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels)}
        out["position_ids" if packed else "attention_mask"] = torch.tensor(extra)
        return out
