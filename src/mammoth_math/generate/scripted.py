"""`scripted:RULES.jsonl`: a backend that answers from a script, for fast tests of our own logic.

Like lm-evaluation-harness's DummyLM or llm's mock model, it stands in for a model where what is
under test is the code around it (strategies, hybrid fallback, resume, merge, the HTTP API), never a
model's behaviour. Each rule is one JSON line (or a dict given to `ScriptedBackend(rules=...)`):

    {"match": "Let's write a program", "texts": ["```python\\nprint(4)\\n```"], "completion_tokens": 7}
    {"match": null, "texts": ["The answer is 4."], "finish_reason": "stop"}

The first rule whose `match` occurs in the prompt (its messages joined, for a chat prompt) answers;
`match: null` matches anything. A rule's `texts` are served in turn (a queue per rule, the last one
repeating), so a test can script "fails, then succeeds"; answers are chosen by prompt content, not
call order, so batching and threads do not change them. Stop strings cut the text as a real backend
would; `--model-option delay=S` makes each call take S seconds (a run slow enough to interrupt). A prompt no rule matches is an error completion naming the prompt, not a silent empty answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, SamplingParams
from mammoth_math.common.store import BadLine, parse_jsonl
from mammoth_math.generate.base import (
    BackendBase,
    GenerateError,
    check_params,
    check_prompt,
    cut_at_stop,
    error_completion,
    is_chat,
)

_RULE_KEYS = {"match", "texts", "completion_tokens", "prompt_tokens", "finish_reason"}


class ScriptedBackend(BackendBase):
    def __init__(
        self,
        target: str = "",
        spec: str = "scripted",
        rules: Sequence[dict[str, Any]] = (),
        delay: float = 0.0,
    ) -> None:
        self.spec = spec
        self.delay = float(delay)  # seconds per generate() call: a run slow enough to interrupt
        self.rules = [dict(r) for r in rules] or _read_rules(Path(target))
        for i, rule in enumerate(self.rules):
            _check_rule(rule, f"rule {i + 1}")
        self._served = [0] * len(self.rules)
        self._lock = threading.Lock()
        self.calls = 0  # generate() calls, for tests that count round trips
        self.prompts: list[str] = []  # every prompt seen, in order

    def _answer(self, prompt: Prompt, params: SamplingParams) -> Completion:
        text = _prompt_text(prompt)
        with self._lock:
            self.prompts.append(text)
            for i, rule in enumerate(self.rules):
                if rule.get("match") is None or rule["match"] in text:
                    texts = rule["texts"]
                    reply = texts[min(self._served[i], len(texts) - 1)]
                    self._served[i] += 1
                    break
            else:
                return error_completion(f"scripted backend: no rule matches the prompt {text[:80]!r}")
        reply, stopped = cut_at_stop(reply, params.stop)
        finish = rule.get("finish_reason", "stop")
        tokens = int(rule.get("completion_tokens", max(1, len(reply.split()))))
        if tokens > params.max_tokens:  # as a real backend would: cut at the budget
            reply, tokens, finish = " ".join(reply.split()[: params.max_tokens]), params.max_tokens, "length"
        return Completion(
            text=reply,
            prompt_tokens=int(rule.get("prompt_tokens", len(text.split()))),
            completion_tokens=tokens,
            finish_reason="stop" if stopped else finish,
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        started = time.perf_counter()
        with self._lock:
            self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        out = []
        for i, prompt in enumerate(prompts):
            check_prompt(prompt, i)
            completions = tuple(self._answer(prompt, params) for _ in range(params.n))
            out.append(Generation(completions, self.spec, time.perf_counter() - started))
        return out

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]:
        """The scripted text in word-sized pieces, as a streaming server would send it."""
        pieces = self.generate([prompt], params)[0].completions[0].text.split(" ")
        for i, piece in enumerate(pieces):
            yield piece if i == len(pieces) - 1 else piece + " "


def _prompt_text(prompt: Prompt) -> str:
    if is_chat(prompt):
        return "\n".join(m["content"] for m in prompt)  # type: ignore[index]
    return str(prompt)


def _check_rule(rule: dict[str, Any], where: str) -> None:
    unknown = set(rule) - _RULE_KEYS
    if unknown:
        raise GenerateError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    texts = rule.get("texts")
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        raise GenerateError(f"{where}: field 'texts' must be a non-empty list of strings")
    if rule.get("match") is not None and not isinstance(rule["match"], str):
        raise GenerateError(f"{where}: field 'match' must be a string or null")


def _read_rules(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise GenerateError(f"scripted backend: cannot read {path}: {e}") from None
    rules = []
    for number, rule in parse_jsonl(lines):
        if isinstance(rule, BadLine):
            raise GenerateError(f"{path}:{number}: {rule}")
        if not isinstance(rule, dict):
            raise GenerateError(f"{path}:{number}: expected a JSON object")
        _check_rule(rule, f"{path}:{number}")
        rules.append(rule)
    if not rules:
        raise GenerateError(f"{path}: no rules")
    return rules
