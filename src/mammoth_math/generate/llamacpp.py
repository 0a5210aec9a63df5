"""`gguf:PATH` — llama.cpp on CPU through xllamacpp's in-process server.

xllamacpp runs llama.cpp's own server loop inside our process: requests go to parallel slots
(continuous batching), each slot keeps its KV cache so a shared few-shot prefix is evaluated once
(`cache_prompt`), and chat messages are rendered by the GGUF's own chat template. The in-process
server also listens on 127.0.0.1; we protect that port with a random API key so only we can use it.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
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

_DONE = object()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """All cores but one. llama.cpp's threads meet at a barrier after every op, so one thread that loses
    its core stalls all of them: on 2 cores with the sandbox or grader busy beside generation, 2 threads
    decoded SmolLM2 at 6-13 tok/s and 1 thread at 77-80 tok/s (poll=0 did not help). Leaving a core free
    costs a little peak speed on an idle machine and avoids that collapse."""
    return max(1, _cpu_count() - 1)


def check_gguf(path: Path) -> Path:
    """llama.cpp's server exits the whole process on a bad model file, so check before loading."""
    if not path.is_file():
        raise GenerateError(f"gguf model not found: {path}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"GGUF":
        raise GenerateError(f"{path}: not a GGUF file (starts with {magic!r}, expected b'GGUF')")
    return path


class LlamaCppBackend(BackendBase):
    """A GGUF model served by llama.cpp slots; `generate` is thread-safe and shares the slots."""

    def __init__(
        self,
        path: str | Path,
        spec: str | None = None,
        *,
        n_ctx: int = 4096,
        n_parallel: int = 4,
        n_threads: int | None = None,
        seed: int | None = None,
        n_batch: int = 512,
        verbose: bool = False,
        cache_prompt: bool = True,
    ) -> None:
        import xllamacpp as xlc  # heavy native library: only when a GGUF backend is built

        self.path = check_gguf(Path(path).expanduser())
        self.spec = spec or f"gguf:{self.path}"
        self.n_parallel = max(1, int(n_parallel))
        self.n_ctx = int(n_ctx)  # per slot: a slot must hold one whole prompt + completion
        self.default_seed = seed
        threads = n_threads or default_threads()
        self._threads = threads
        params = xlc.CommonParams()
        params.model.path = str(self.path)
        params.n_parallel = self.n_parallel
        params.n_ctx = self.n_ctx * self.n_parallel  # llama.cpp splits n_ctx evenly over the slots
        params.n_batch = n_batch
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        # Reusing a slot's KV cache for a shared prefix (few-shot prompts) saves most prompt evaluation,
        # but greedy output may then depend on what the slot served before (different batch splits give
        # slightly different logits). `cache_prompt=False` trades that speed for bit-exact reruns.
        self.cache_prompt = bool(cache_prompt)
        params.cache_prompt = self.cache_prompt
        params.verbosity = 3 if verbose else 0
        if seed is not None:
            params.sampling.seed = seed
        self._api_key = secrets.token_hex(16)
        params.api_keys = [self._api_key]
        self._server: Any = xlc.Server(params)
        self._lock = threading.Lock()
        self._closed = False

    # --- requests ------------------------------------------------------------------------------

    def _payload(self, prompt: Prompt, params: SamplingParams, seed: int | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            # llama.cpp adds top_k=40 and min_p=0.05 by default; turn them off so SamplingParams means
            # the same thing here as on the hf / vllm / openai backends
            "top_k": 0,
            "min_p": 0.0,
            "stop": list(params.stop),
            "cache_prompt": self.cache_prompt,
        }
        seed = self.default_seed if seed is None else seed
        if seed is not None:
            payload["seed"] = seed
        if is_chat(prompt):
            payload["messages"] = messages(prompt)
        else:
            payload["prompt"] = prompt
        return payload

    def _server_or_fail(self) -> Any:
        if self._closed:
            raise GenerateError(f"{self.spec}: backend is closed")
        return self._server

    def _complete(self, prompt: Prompt, params: SamplingParams, seed: int | None) -> Completion:
        server = self._server_or_fail()
        payload = self._payload(prompt, params, seed)
        try:
            if is_chat(prompt):
                result = server.handle_chat_completions(payload)
            else:
                result = server.handle_completions(payload)
        except Exception as exc:  # the binding raises on malformed requests
            return error_completion(f"{type(exc).__name__}: {exc}")
        if "error" in result:
            err = result["error"]
            return error_completion(err.get("message", str(err)) if isinstance(err, dict) else str(err))
        choice = result["choices"][0]
        text = (choice["message"].get("content") or "") if is_chat(prompt) else choice.get("text", "")
        usage = result.get("usage", {})
        finish = "length" if choice.get("finish_reason") == "length" else "stop"
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=finish,
        )

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        prompts = [check_prompt(p, i) for i, p in enumerate(prompts)]
        if not prompts:
            return []
        started = time.perf_counter()
        tasks = [(p, i) for p in range(len(prompts)) for i in range(params.n)]
        # one thread per in-flight request is enough: llama.cpp queues anything beyond its slots, and
        # concurrent generate() calls from other threads interleave in that same queue
        workers = min(len(tasks), self.n_parallel)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llamacpp") as pool:
            futures = [
                pool.submit(self._complete, prompts[p], params, sample_seed(params, i)) for p, i in tasks
            ]
            results = [f.result() for f in futures]
        out: list[Generation] = []
        for p in range(len(prompts)):
            done = results[p * params.n : (p + 1) * params.n]
            out.append(generation(done, self.spec, started))
        return out

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]:
        """Yield text deltas of one completion; stopping iteration early cancels the request."""
        check_params(params)
        prompt = check_prompt(prompt)
        server = self._server_or_fail()
        payload = self._payload(prompt, one_sample(params), params.seed)
        payload["stream"] = True
        chat = is_chat(prompt)
        deltas: queue.Queue[Any] = queue.Queue()
        cancel = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            if isinstance(chunk, str):
                chunk = json.loads(chunk)
            if isinstance(chunk, dict) and "error" in chunk:
                deltas.put(GenerateError(f"{self.spec}: {chunk['error']}"))
            else:
                for choice in chunk.get("choices", []):
                    piece = (choice.get("delta") or {}).get("content") if chat else choice.get("text")
                    if piece:
                        deltas.put(piece)
            return cancel.is_set()  # True tells llama.cpp to stop this request

        def run() -> None:
            try:
                handler = server.handle_chat_completions if chat else server.handle_completions
                result = handler(payload, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    deltas.put(GenerateError(f"{self.spec}: {result['error']}"))
            except Exception as exc:
                deltas.put(GenerateError(f"{self.spec}: {type(exc).__name__}: {exc}"))
            finally:
                deltas.put(_DONE)

        worker = threading.Thread(target=run, name="llamacpp-stream", daemon=True)
        worker.start()
        try:
            while (item := deltas.get()) is not _DONE:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            cancel.set()
            worker.join()

    # --- model's own chat template -------------------------------------------------------------

    def render(self, prompt: Prompt) -> str:
        """The exact text the model sees: chat messages rendered by the GGUF's chat template."""
        prompt = check_prompt(prompt)
        if not is_chat(prompt):
            return prompt  # type: ignore[return-value]
        server = self._server_or_fail()
        request = urllib.request.Request(
            f"{server.listening_address}/apply-template",
            data=json.dumps({"messages": messages(prompt)}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self._api_key}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return str(json.loads(response.read())["prompt"])

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                # dropping the last reference stops llama.cpp's loop and frees the model
                self._server = None
