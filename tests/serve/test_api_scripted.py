"""/v1/solve (JSON and SSE) in the fast tier: a real `mammoth-math serve` on 127.0.0.1 with the
scripted backend standing in for the model (the SmolLM2 versions are in test_solve.py, slow)."""

from __future__ import annotations

import httpx
import pytest

from mammoth_math.serve.app import parse_sse


@pytest.mark.parametrize(
    ("body", "mode_used", "answer", "reason"),
    [
        ({"question": "What is 6 times 7?", "mode": "cot"}, "cot", "42", None),
        ({"question": "What is 6 times 7?", "mode": "pot"}, "pot", None, None),
        ({"question": "What is 6 times 7?"}, "pot", None, None),  # hybrid: the program answers
        ({"question": "Please crash."}, "cot", "42", "error"),  # hybrid: the program fails, CoT answers
    ],
)
def test_solve_json(
    scripted_client: httpx.Client, body: dict, mode_used: str, answer: str | None, reason: str | None
) -> None:
    r = scripted_client.post("/v1/solve", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["mode_used"] == mode_used and data["fallback_reason"] == reason
    if mode_used == "pot":
        assert data["execution"]["status"] == "ok" and data["answer"] == "42"  # shown as the number
        assert data["execution"]["stdout"] == "The total is: 42\n"  # the raw output stays here
    else:
        assert data["answer"] == answer and data["rationale"].startswith("Six sevens")


def test_unknown_mode_is_a_422_naming_the_field(scripted_client: httpx.Client) -> None:
    r = scripted_client.post("/v1/solve", json={"question": "q", "mode": "nope"})
    assert r.status_code == 422 and r.json()["field"] == "mode"


@pytest.mark.parametrize("path", ["/v1/solve/stream", "/v1/solve?stream=true"])
def test_solve_sse(scripted_client: httpx.Client, path: str) -> None:
    with scripted_client.stream("POST", path, json={"question": "What is 6 times 7?", "mode": "cot"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = list(parse_sse(r.iter_lines()))
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "result" and names.count("result") == 1
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens.strip() == "Six sevens are forty-two. The answer is 42."
    assert events[-1][1]["answer"] == "42"


def test_http_and_cli_share_one_public_shape() -> None:
    from mammoth_math.serve.schemas import SolveResponse
    from mammoth_math.solve import PUBLIC_FIELDS

    assert tuple(SolveResponse.model_fields) == PUBLIC_FIELDS
