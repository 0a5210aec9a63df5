"""The scripted backend (a test double for our own logic): rules, queues, stops, budgets, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammoth_math.api import SamplingParams
from mammoth_math.generate import GenerateError, load_backend
from mammoth_math.generate.scripted import ScriptedBackend

RULES = [
    {
        "match": "program",
        "texts": ["```python\nprint(1)\n```", "```python\nprint(2)\n```"],
        "completion_tokens": 6,
    },
    {"match": "long", "texts": ["one two three four five six"]},
    {"match": None, "texts": ["The answer is 4.\nQuestion: next"]},
]


def test_first_matching_rule_answers_and_queues_repeat_their_last() -> None:
    b = ScriptedBackend(rules=RULES)
    params = SamplingParams(max_tokens=50)
    texts = [b.generate(["write a program"], params)[0].text for _ in range(3)]
    assert texts == ["```python\nprint(1)\n```", "```python\nprint(2)\n```", "```python\nprint(2)\n```"]
    chat = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "What is 2+2?"}]
    gen = b.generate([chat], SamplingParams(max_tokens=50, stop=("\nQuestion:",)))[0]
    assert gen.text == "The answer is 4." and gen.completions[0].finish_reason == "stop"
    assert b.calls == 4 and b.prompts[-1] == "be brief\nWhat is 2+2?"


def test_budget_cuts_with_finish_reason_length() -> None:
    c = ScriptedBackend(rules=RULES).generate(["long one"], SamplingParams(max_tokens=3))[0].completions[0]
    assert (c.text, c.completion_tokens, c.finish_reason) == ("one two three", 3, "length")


def test_n_samples_and_stream() -> None:
    b = ScriptedBackend(rules=RULES)
    assert len(b.generate(["x"], SamplingParams(n=3, max_tokens=50))[0].completions) == 3
    assert "".join(b.stream("long", SamplingParams(max_tokens=50))) == "one two three four five six"


def test_unmatched_prompt_is_an_error_completion() -> None:
    b = ScriptedBackend(rules=[{"match": "only this", "texts": ["x"]}])
    c = b.generate(["something else"], SamplingParams())[0].completions[0]
    assert c.finish_reason == "error" and "no rule matches" in (c.error or "")


def test_load_backend_reads_a_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RULES) + "\n")
    with load_backend(f"scripted:{path}") as b:
        assert b.spec == f"scripted:{path}"
        assert b.generate(["hello"], SamplingParams(max_tokens=50))[0].text.startswith("The answer is 4.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"match": "a", "texts": ["x"]}\nnot json\n', "rules.jsonl:2: invalid JSON"),
        ('{"match": "a"}\n', "rules.jsonl:1: field 'texts'"),
        ('{"texts": ["x"], "colour": 1}\n', "rules.jsonl:1: unknown field(s) colour"),
        ("[1, 2]\n", "rules.jsonl:1: expected a JSON object"),
        ("\n", "no rules"),
    ],
)
def test_bad_rules_name_file_line_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rules.jsonl"
    path.write_text(content)
    with pytest.raises(GenerateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_backend(f"scripted:{path}")
