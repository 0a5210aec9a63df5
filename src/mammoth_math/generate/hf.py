"""`hf:NAME_OR_PATH` — transformers on CPU or GPU, optionally with a PEFT adapter.

Loads from a local directory or the Hugging Face hub. Chat messages are rendered with the tokenizer's
own chat template. torch modules are not safe to drive from several threads at once, so requests are
serialised with a lock; within one call the prompts are batched (left padding).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mammoth_math.api.protocols import Prompt
from mammoth_math.api.records import Completion, Generation, SamplingParams
from mammoth_math.generate.base import (
    BackendBase,
    GenerateError,
    check_params,
    check_prompt,
    cut_at_stop,
    generation,
    is_chat,
    messages,
    one_sample,
)


class HFBackend(BackendBase):
    def __init__(
        self,
        name_or_path: str,
        spec: str | None = None,
        *,
        adapter: str | Path | None = None,
        device: str | None = None,
        dtype: str | None = None,
        batch_size: int = 8,
        trust_remote_code: bool = False,
    ) -> None:
        import torch  # heavy: only when an hf backend is built
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self._torch = torch
        self.spec = spec or f"hf:{name_or_path}"
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.batch_size = max(1, batch_size)
        torch_dtype: Any = "auto"
        if dtype is not None:
            if not hasattr(torch, dtype):
                raise GenerateError(f"{self.spec}: unknown dtype {dtype!r} (try float32, bfloat16, float16)")
            torch_dtype = getattr(torch, dtype)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(name_or_path, trust_remote_code=trust_remote_code)
            model = AutoModelForCausalLM.from_pretrained(
                name_or_path, dtype=torch_dtype, trust_remote_code=trust_remote_code
            )
        except OSError as exc:
            raise GenerateError(f"{self.spec}: cannot load model or tokenizer: {exc}") from exc
        if adapter is not None:
            from peft import PeftModel

            if not Path(adapter).exists() and "/" not in str(adapter):
                raise GenerateError(f"{self.spec}: adapter {adapter} not found")
            model = PeftModel.from_pretrained(model, str(adapter))
        self.model = model.to(self.device).eval()
        self.tokenizer.padding_side = "left"  # decoder-only batching pads on the left
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._lock = threading.Lock()

    def render(self, prompt: Prompt) -> str:
        """The exact text the model sees: chat messages through the tokenizer's chat template."""
        prompt = check_prompt(prompt)
        if not is_chat(prompt):
            return prompt  # type: ignore[return-value]
        if not self.tokenizer.chat_template:
            raise GenerateError(f"{self.spec}: the tokenizer has no chat template; send plain text prompts")
        return str(
            self.tokenizer.apply_chat_template(messages(prompt), tokenize=False, add_generation_prompt=True)
        )

    def _encode(self, texts: list[str], chat: list[bool]) -> Any:
        # a rendered chat template already holds its special tokens (BOS included); plain text gets
        # the tokenizer's usual ones
        ids = [
            self.tokenizer(t, add_special_tokens=not c)["input_ids"] for t, c in zip(texts, chat, strict=True)
        ]
        return self.tokenizer.pad({"input_ids": ids}, return_tensors="pt").to(self.device)

    def _gen_kwargs(self, params: SamplingParams, n: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_tokens,
            "num_return_sequences": n,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if params.temperature > 0:
            kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p, top_k=0)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        return kwargs

    def _decode(self, ids: Any, prompt_len: int, params: SamplingParams) -> Completion:
        new = ids[prompt_len:].tolist()
        eos = self.tokenizer.eos_token_id
        pad = self.tokenizer.pad_token_id
        hit_eos = eos is not None and eos in new
        if hit_eos:
            new = new[: new.index(eos)]
        while new and pad is not None and new[-1] == pad and pad != eos:
            new.pop()
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        text, hit_stop = cut_at_stop(text, params.stop)
        finish = "stop" if hit_eos or hit_stop or len(new) < params.max_tokens else "length"
        return Completion(text=text, prompt_tokens=0, completion_tokens=len(new), finish_reason=finish)

    def generate(self, prompts: Sequence[Prompt], params: SamplingParams) -> list[Generation]:
        check_params(params)
        texts = [self.render(check_prompt(p, i)) for i, p in enumerate(prompts)]
        chat = [is_chat(p) for p in prompts]
        out: list[Generation] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            started = time.perf_counter()
            with self._lock, self._torch.inference_mode():
                if params.seed is not None:
                    self._torch.manual_seed(params.seed)  # under the lock: the RNG is global
                enc = self._encode(batch, chat[start : start + self.batch_size])
                ids = self.model.generate(**enc, **self._gen_kwargs(params, params.n))
            width = enc["input_ids"].shape[1]
            lengths = enc["attention_mask"].sum(dim=1).tolist()
            for b in range(len(batch)):
                completions = [self._decode(ids[b * params.n + i], width, params) for i in range(params.n)]
                completions = [
                    Completion(c.text, int(lengths[b]), c.completion_tokens, c.finish_reason)
                    for c in completions
                ]
                out.append(generation(completions, self.spec, started))
        return out

    def stream(self, prompt: Prompt, params: SamplingParams) -> Iterator[str]:
        """Text deltas through transformers' TextIteratorStreamer; stop strings end the stream."""
        from transformers import TextIteratorStreamer

        check_params(params)
        params = one_sample(params)
        text = self.render(check_prompt(prompt))
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with self._lock, self._torch.inference_mode():
                    if params.seed is not None:
                        self._torch.manual_seed(params.seed)
                    enc = self._encode([text], [is_chat(prompt)])
                    self.model.generate(**enc, **self._gen_kwargs(params, 1), streamer=streamer)
            except BaseException as exc:  # surfaced in the consumer thread below
                errors.append(exc)
                streamer.on_finalized_text("", stream_end=True)

        worker = threading.Thread(target=run, name="hf-stream", daemon=True)
        worker.start()
        # hold back a tail as long as the longest stop string so a stop split over deltas is not leaked
        hold = max((len(s) for s in params.stop), default=0)
        pending = ""
        for piece in streamer:
            pending += piece
            cut, hit = cut_at_stop(pending, params.stop)
            if hit:
                if cut:
                    yield cut
                pending = ""
                break
            if len(pending) > hold:
                yield pending[: len(pending) - hold]
                pending = pending[len(pending) - hold :]
        else:
            if pending:
                yield pending
        worker.join()
        if errors:
            raise GenerateError(f"{self.spec}: {errors[0]}") from errors[0]
