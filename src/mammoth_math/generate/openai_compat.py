"""`openai:BASE_URL#MODEL` — any OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp, Ollama).

Talks plain HTTP through httpx (no `openai` package). Each of the n samples is its own request with
seed + i: servers disagree on how they count tokens for `n > 1`, and separate requests give exact
per-sample counts while prefix caching on the server keeps the repeated prompt cheap.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, SamplingParams
from mammoth_math.generate.base import (
    BackendBase,
    GenerateError,
    check_params,
    check_prompt,
    error_completion,
    generation,
    is_chat,
    messages,
    one_sample,
    sample_seed,
)

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


def parse_target(target: str) -> tuple[str, str]:
    """`http://host:port/v1#model` → (base URL ending in /v1, model name)."""
    base, sep, model = target.partition("#")
    if not sep or not model:
        raise GenerateError(f"openai spec {target!r}: expected openai:BASE_URL#MODEL")
    if not base.startswith(("http://", "https://")):
        raise GenerateError(f"openai spec {target!r}: BASE_URL must start with http:// or https://")
    base = base.rstrip("/")
    if not base.endswith("/v1"):
        base += "/v1"
    return base, model


class OpenAIBackend(BackendBase):
    """Bounded-concurrency client with timeouts and retries (exponential backoff) on transient errors."""

    def __init__(
        self,
        target: str,
        spec: str | None = None,
        *,
        api_key: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout: float = 600.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        import httpx  # only the openai backend needs an HTTP client

        self.base_url, self.model = parse_target(target)
        self.spec = spec or f"openai:{target}"
        self.max_concurrency = max(1, int(max_concurrency))
        self.retries = max(0, int(retries))
        self.backoff = backoff
        key = api_key if api_key is not None else os.environ.get(api_key_env)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._httpx = httpx
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=self.max_concurrency),
        )
        # the semaphore bounds requests across every thread using this backend, not just per call
        self._slots = threading.BoundedSemaphore(self.max_concurrency)

    def _body(self, prompt: Prompt, params: SamplingParams, seed: int | None) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if params.stop:
            body["stop"] = list(params.stop)
        if seed is not None:
            body["seed"] = seed
        if is_chat(prompt):
            body["messages"] = messages(prompt)
            return "/chat/completions", body
        body["prompt"] = prompt
        return "/completions", body

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self.base_url + path
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with self._slots:
                    response = self._client.post(url, json=body)
            except self._httpx.TransportError as exc:  # connect / read timeouts, refused connections
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in _RETRY_STATUS:
                last = f"HTTP {response.status_code}: {response.text[:300]}"
                continue
            if response.status_code >= 400:
                raise GenerateError(f"{url}: HTTP {response.status_code}: {response.text[:500]}")
            try:
                return response.json()
            except ValueError as exc:
                raise GenerateError(f"{url}: response is not JSON: {response.text[:200]!r}") from exc
        raise GenerateError(f"{url}: failed after {self.retries + 1} attempts; last error: {last}")

    def _complete(self, prompt: Prompt, params: SamplingParams, seed: int | None) -> Completion:
        path, body = self._body(prompt, params, seed)
        try:
            data = self._post(path, body)
            choice = data["choices"][0]
            if is_chat(prompt):
                text = (choice.get("message") or {}).get("content") or ""
            else:
                text = choice.get("text") or ""
        except GenerateError as exc:
            return error_completion(str(exc))
        except (KeyError, IndexError, TypeError) as exc:
            return error_completion(f"{self.base_url}{path}: unexpected response shape ({exc!r})")
        usage = data.get("usage") or {}
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason="length" if choice.get("finish_reason") == "length" else "stop",
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        prompts = [check_prompt(p, i) for i, p in enumerate(prompts)]
        if not prompts:
            return []
        started = time.perf_counter()
        tasks = [(p, i) for p in range(len(prompts)) for i in range(params.n)]
        with ThreadPoolExecutor(max_workers=min(len(tasks), self.max_concurrency)) as pool:
            futures = [
                pool.submit(self._complete, prompts[p], params, sample_seed(params, i)) for p, i in tasks
            ]
            results = [f.result() for f in futures]
        return [
            generation(results[p * params.n : (p + 1) * params.n], self.spec, started)
            for p in range(len(prompts))
        ]

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]:
        """Server-sent events from the server, yielded as text deltas (no retries once streaming)."""
        check_params(params)
        prompt = check_prompt(prompt)
        path, body = self._body(prompt, one_sample(params), params.seed)
        body["stream"] = True
        url = self.base_url + path
        with self._slots, self._client.stream("POST", url, json=body) as response:
            if response.status_code >= 400:
                response.read()
                raise GenerateError(f"{url}: HTTP {response.status_code}: {response.text[:500]}")
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                event = json.loads(data)
                if "error" in event:
                    raise GenerateError(f"{url}: {event['error']}")
                for choice in event.get("choices", []):
                    piece = (
                        (choice.get("delta") or {}).get("content") if is_chat(prompt) else choice.get("text")
                    )
                    if piece:
                        yield piece

    def close(self) -> None:
        self._client.close()
