"""The experiment spec (YAML): base model, arms, evaluation. Parsed and fully checked before anything runs;
every error names the file and the key path (`arms.cot.train.lora_rank`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class SpecError(ValueError):
    """A malformed experiment spec; the message names the file and the key."""


EVAL_MODES = ("cot", "pot", "hybrid")  # the default arms' decoding modes; any registered strategy is allowed
EXPORT_TYPES = ("f16", "q8_0", "f32")
_ARM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TOP = {"name", "base_model", "tokenizer", "data_dir", "train_config", "train", "arms", "eval", "export", "compare",
        "cost"}  # fmt: skip
# A train recipe's keys the experiment sets itself for every arm.
_OWNED = ("model", "tokenizer", "data", "output_dir", "resume", "overwrite")
_ARM = {"mix", "recipe", "union", "train", "eval", "model"}
_EVAL = {"benchmarks", "limit", "modes", "prompt_style", "shots", "max_tokens", "batch_size", "workers",
         "backend", "backend_options", "exec_timeout", "seed"}  # fmt: skip
_COST = {"train_seconds_per_row", "export_seconds", "curate_seconds", "tokens_per_second",
         "prompt_seconds_per_problem", "tokens_per_problem", "hybrid_fallback_share", "piece_hours"}  # fmt: skip
# Measured on this 2-core machine for Qwen2.5-Coder-0.5B (issue #15): 45 s per LoRA step of 8 rows
# of ~250 tokens in fp32; llama.cpp decodes ~36 tokens/s. The tiny-model tests override them.
DEFAULT_COST: dict[str, Any] = {
    "train_seconds_per_row": 5.6,
    "export_seconds": 60.0,
    "curate_seconds": 60.0,
    "tokens_per_second": 36.0,
    "prompt_seconds_per_problem": 0.5,
    "tokens_per_problem": {"cot": 200, "pot": 120},
    "hybrid_fallback_share": 0.15,  # hybrid after pot and cot: only fallbacks miss the cache
    "piece_hours": 2.0,
}


@dataclass(frozen=True)
class EvalSpec:
    benchmarks: tuple[str, ...]
    modes: tuple[str, ...] = EVAL_MODES
    limit: int | None = None
    prompt_style: str = "alpaca"
    shots: int = 0
    max_tokens: int | None = None  # None: each benchmark's own budget per path, as `eval` uses
    batch_size: int = 4
    workers: int = 2
    backend: str = "gguf"  # how a trained model is served when not exported: "hf" or "vllm"
    backend_options: dict[str, Any] = field(default_factory=dict)
    exec_timeout: float = 5.0
    seed: int = 0


@dataclass(frozen=True)
class Arm:
    name: str
    recipe: dict[str, Any] | None = None  # a curate recipe (inline `mix` or the file `recipe` names)
    union: tuple[str, ...] = ()  # the union of these arms' curated rows
    train: dict[str, Any] | None = None  # None: no training (the base model is evaluated)
    eval: EvalSpec | None = None
    model: str | None = None  # eval model spec for an untrained arm (default: the base model)

    @property
    def trains(self) -> bool:
        return self.train is not None


@dataclass(frozen=True)
class Spec:
    name: str
    path: str
    base_model: str
    tokenizer: str | None
    data_dir: str | None
    train: dict[str, Any]
    arms: tuple[Arm, ...]
    eval: EvalSpec
    export: str | None  # an EXPORT_TYPES entry, or None: evaluate the HF weights with eval.backend
    baseline: str | None
    cost: dict[str, Any]
    raw: dict[str, Any]

    def arm(self, name: str) -> Arm:
        return next(a for a in self.arms if a.name == name)


def _mapping(value: Any, where: str, allowed: set[str] | None = None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected a mapping, got {type(value).__name__}")
    if allowed is not None and (bad := sorted(set(value) - allowed)):
        raise SpecError(f"{where}: unknown key(s) {bad}; known: {sorted(allowed)}")
    return value


def _eval(data: dict[str, Any], where: str, base: EvalSpec | None = None) -> EvalSpec:
    from dataclasses import replace

    from mammoth_math.benchmarks import names as benchmark_names

    data = _mapping(data, where, _EVAL)
    values: dict[str, Any] = {}
    for key, value in data.items():
        at = f"{where}.{key}"
        if key in ("benchmarks", "modes"):
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not items or not all(isinstance(x, str) for x in items):
                raise SpecError(f"{at}: expected a non-empty list of names")
            known = benchmark_names() if key == "benchmarks" else _strategy_names()
            if bad := [x for x in items if x not in known and not x.endswith((".yaml", ".yml"))]:
                raise SpecError(f"{at}: unknown {key[:-1]}(s) {bad}; known: {', '.join(known)}")
            values[key] = tuple(items)
        elif key in ("limit", "shots", "max_tokens", "batch_size", "workers", "seed"):
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or value < (0 if key in ("shots", "seed") else 1)
            ):
                raise SpecError(f"{at}: expected a positive integer, got {value!r}")
            values[key] = value
        elif key == "prompt_style" and value not in ("alpaca", "chat"):
            raise SpecError(f"{at}: expected alpaca or chat, got {value!r}")
        elif key == "backend" and value not in ("gguf", "hf", "vllm"):
            raise SpecError(f"{at}: expected gguf, hf or vllm, got {value!r}")
        elif key == "backend_options":
            values[key] = dict(_mapping(value, at))
        elif key == "exec_timeout":
            if not isinstance(value, (int, float)) or value <= 0:
                raise SpecError(f"{at}: expected a positive number of seconds, got {value!r}")
            values[key] = float(value)
        else:
            values[key] = value
    if base is not None:
        return replace(base, **values)
    if "benchmarks" not in values:
        raise SpecError(f"{where}.benchmarks: required (at least one benchmark)")
    return EvalSpec(**values)


def _recipe(arm: dict[str, Any], where: str, root: Path) -> dict[str, Any] | None:
    from mammoth_math.curate import RecipeError, parse_recipe

    if "mix" in arm and "recipe" in arm:
        raise SpecError(f"{where}: give either 'mix' or 'recipe', not both")
    if "mix" in arm:
        data, at = arm["mix"], f"{where}.mix"
    elif "recipe" in arm:
        path = (root / str(arm["recipe"])).resolve()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as e:
            raise SpecError(f"{where}.recipe: cannot read {path}: {e.strerror}") from None
        at = f"{where}.recipe ({path})"
    else:
        return None
    try:
        parse_recipe(data, at)
    except RecipeError as e:
        raise SpecError(str(e)) from None
    return dict(data)


def parse_spec(data: Any, path: str = "spec", root: Path | None = None) -> Spec:
    root = root or Path.cwd()
    top = _mapping(data, path, _TOP)
    if not isinstance(top.get("base_model"), str) or not top["base_model"].strip():
        raise SpecError(f"{path}: base_model: required (a model spec, e.g. qwen0.5b, smollm2, gguf:FILE)")
    train = {
        **_train_config(top.get("train_config"), path, root),
        **_mapping(top.get("train"), f"{path}: train"),
    }
    _check_train(train, f"{path}: train", validate=False)
    ev = _eval(top.get("eval") or {}, f"{path}: eval")
    arms_raw = _mapping(top.get("arms"), f"{path}: arms")
    if not arms_raw:
        raise SpecError(f"{path}: arms: required (at least one arm)")
    arms: list[Arm] = []
    for name, raw in arms_raw.items():
        where = f"{path}: arms.{name}"
        if not isinstance(name, str) or not _ARM_NAME.match(name):
            raise SpecError(f"{where}: arm names are lower-case letters, digits, '-' and '_'")
        arm = _mapping(raw, where, _ARM)
        overrides = arm.get("train", {})
        trains = overrides is not False
        union = arm.get("union") or []
        if not isinstance(union, list) or not all(isinstance(u, str) for u in union):
            raise SpecError(f"{where}.union: expected a list of arm names")
        recipe = _recipe(arm, where, root)
        if trains and recipe is None and not union:
            raise SpecError(f"{where}: a trained arm needs 'mix', 'recipe' or 'union' (or train: false)")
        if union and recipe is not None:
            raise SpecError(f"{where}: 'union' takes its rows from other arms; drop 'mix'/'recipe'")
        if trains:
            own = _mapping(overrides, f"{where}.train")
            _check_train(own, f"{where}.train", validate=False)
            merged = {**train, **own}
            _check_train(merged, f"{where}.train", validate=True)
        if not trains and not arm.get("model") and not _evaluable(top["base_model"]):
            raise SpecError(
                f"{where}.model: the base model {top['base_model']!r} cannot be evaluated untrained; "
                "name an eval model spec here"
            )
        arm_eval = _eval(arm["eval"], f"{where}.eval", ev) if arm.get("eval") else None
        arms.append(
            Arm(name, recipe, tuple(union), dict(merged) if trains else None, arm_eval, arm.get("model"))
        )
    names = {a.name for a in arms}
    for a in arms:
        for u in a.union:
            if u not in names:
                raise SpecError(f"{path}: arms.{a.name}.union: no arm named {u!r}")
            if not arms[[x.name for x in arms].index(u)].recipe:
                raise SpecError(f"{path}: arms.{a.name}.union: arm {u!r} has no curated rows of its own")
    export = top.get("export", {"type": "f16"})
    if export is False or export is None:
        export_type = None
    else:
        export_type = _mapping(export, f"{path}: export", {"type"}).get("type", "f16")
        if export_type not in EXPORT_TYPES:
            raise SpecError(f"{path}: export.type: expected one of {EXPORT_TYPES}, got {export_type!r}")
    compare = _mapping(top.get("compare"), f"{path}: compare", {"baseline"})
    cost = {**DEFAULT_COST, **_mapping(top.get("cost"), f"{path}: cost", _COST)}
    return Spec(
        name=str(top.get("name", Path(path).stem)),
        path=path,
        base_model=top["base_model"].strip(),
        tokenizer=top.get("tokenizer"),
        data_dir=top.get("data_dir"),
        train=train,
        arms=tuple(arms),
        eval=ev,
        export=export_type,
        baseline=compare.get("baseline"),
        cost=cost,
        raw=dict(top),
    )


def _check_train(values: dict[str, Any], where: str, *, validate: bool) -> None:
    """Keys and types of a train block; with `validate`, the whole TrainConfig check (with the data
    path the run will give it)."""
    from mammoth_math.train import ConfigError, config_from_dict

    if owned := [k for k in _OWNED if k in values]:
        raise SpecError(f"{where}: {owned} are set by the experiment (base_model, tokenizer, arms)")
    try:
        config_from_dict({**values, "data": "train.jsonl"}, where, validate=validate)
    except ConfigError as e:
        raise SpecError(str(e)) from None


def _train_config(value: Any, path: str, root: Path) -> dict[str, Any]:
    """`train_config: recipes/train/X.yaml`: a train recipe as the defaults of every arm, minus the keys
    the experiment sets (so MAmmoTH's hyperparameters keep one home)."""
    if value is None:
        return {}
    file = (root / str(value)).resolve()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise SpecError(f"{path}: train_config: cannot read {file}: {e}") from None
    return {k: v for k, v in _mapping(data, f"{path}: train_config ({file})").items() if k not in _OWNED}


def _evaluable(model: str) -> bool:
    """Whether `model` is a spec the generate stage can load as is (an alias or a prefixed spec)."""
    from mammoth_math.generate import BACKENDS, MODEL_ALIASES

    prefix, sep, _ = model.partition(":")
    return model in MODEL_ALIASES or (bool(sep) and prefix in BACKENDS) or model.endswith(".gguf")


def load_spec(path: str | Path) -> Spec:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SpecError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise SpecError(f"{path}: invalid YAML: {e}") from None
    return parse_spec(data, str(path), path.parent)


def _strategy_names() -> list[str]:
    """Decoding modes an experiment may evaluate with: the strategy registry's (plugins included)."""
    from mammoth_math.evaluate import eval_modes

    return [m for m in eval_modes() if m != "vote"]
