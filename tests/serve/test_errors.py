"""Bad requests get a 4xx with a message naming the problem, and never disturb the server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.slow  # needs the server fixture (model load)


def test_malformed_json_is_400_with_position(client: httpx.Client) -> None:
    r = client.post(
        "/v1/solve", content=b'{"question": "1+1", ', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert "malformed JSON" in r.json()["detail"]
    assert "line 1 column" in r.json()["detail"]


@pytest.mark.parametrize("body", [b"", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_non_object_bodies_are_400(client: httpx.Client, body: bytes) -> None:
    r = client.post("/v1/solve", content=body)
    assert r.status_code == 400, r.text
    assert r.json()["detail"]


def test_oversize_body_is_413_before_parsing(client: httpx.Client) -> None:
    # not even JSON: the size check must come first
    r = client.post("/v1/solve", content=b"x" * (64 * 1024 + 1))
    assert r.status_code == 413
    assert "limit is 65536 bytes" in r.json()["detail"]


def test_oversize_chunked_body_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:  # a generator body goes out chunked, without Content-Length
        for _ in range(20):
            yield b" " * 8192

    r = client.post("/v1/execute", content=chunks())
    assert r.status_code == 413
    assert "exceeds the limit" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"mode": "cot"}, "question", "required"),
        ({"question": 12}, "question", "string"),
        ({"question": "   "}, "question", "empty"),
        ({"question": "x" * 4001}, "question", "limit is 4000"),
        ({"question": "1+1", "mode": "magic"}, "mode", "'cot'"),
        ({"question": "1+1", "choices": ["a", 3]}, "choices[1]", "string"),
        ({"question": "1+1", "answer_type": "choice"}, "answer_type", "choices"),
        ({"question": "1+1", "max_tokens": 0}, "max_tokens", "greater than"),
        ({"question": "1+1", "max_tokens": 100000}, "max_tokens", "limit"),
        ({"question": "1+1", "temprature": 1}, "temprature", "unknown field"),
    ],
)
def test_invalid_solve_fields_are_422_naming_the_field(
    client: httpx.Client, body: dict, field: str, words: str
) -> None:
    r = client.post("/v1/solve", json=body)
    assert r.status_code == 422, r.text
    data = r.json()
    assert data["field"] == field
    assert data["detail"].startswith(f"{field}:")
    assert words in data["detail"]


def test_stream_endpoint_validates_before_streaming(client: httpx.Client) -> None:
    r = client.post("/v1/solve/stream", json={"question": "2+2", "mode": "nope"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "field"), [({}, "code"), ({"code": ""}, "code"), ({"code": "x" * 20001}, "code")]
)
def test_invalid_execute_is_422(client: httpx.Client, body: dict, field: str) -> None:
    r = client.post("/v1/execute", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_bad_query_parameter_is_422(client: httpx.Client) -> None:
    r = client.post("/v1/solve?stream=perhaps", json={"question": "1+1"})
    assert r.status_code == 422
    assert "stream" in r.json()["detail"]


def test_health_and_openapi(client: httpx.Client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert "smollm2" in health["model"].lower() or "smollm" in health["model"].lower()
    schema = client.get("/openapi.json").json()
    for path in ("/v1/solve", "/v1/solve/stream", "/v1/execute", "/health"):
        assert path in schema["paths"], path
    body = schema["paths"]["/v1/solve"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["question"]
    assert set(body["properties"]["mode"]["enum"]) == {"cot", "pot", "hybrid"}
