"""Request/response shapes of the HTTP API and their validation.

Pydantic models describe the JSON (they feed /openapi.json); the limits that depend on `ServeConfig`
are checked afterwards. Every failure becomes an `ApiError` whose message names the offending field,
so a client sees `choices[2]: expected a string` rather than a bare 422.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mammoth_math.api import AnswerType
from mammoth_math.serve.config import ServeConfig


class ApiError(Exception):
    """A client error with its HTTP status; `field` names the part of the request at fault."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        return {"detail": self.message, "field": self.field}


def _strategy_names() -> list[str]:
    from mammoth_math.solve import STRATEGIES

    return STRATEGIES.names()


class SolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(description="the problem; LaTeX allowed")
    mode: str = Field(
        "hybrid",
        description="decoding strategy: a registered one (cot, pot, hybrid, plugins)",
        json_schema_extra=lambda schema: schema.update(enum=_strategy_names()),  # listed when asked
    )
    choices: list[str] = Field(default_factory=list, description="option texts for a multiple-choice problem")
    answer_type: Literal["number", "choice", "latex", "text"] | None = Field(
        None, description="how to read the answer; default: choice when choices are given, else number"
    )
    max_tokens: int | None = Field(None, ge=1, description="generation budget per attempt")

    @field_validator("mode")
    @classmethod
    def _registered_mode(cls, mode: str) -> str:
        # the strategy registry is the one list of modes: a plugin strategy is served like ours
        from mammoth_math.solve import STRATEGIES

        if mode not in STRATEGIES:
            known = ", ".join(repr(m) for m in STRATEGIES.names())
            raise ValueError(f"unknown mode {mode!r}; known: {known}")
        return mode


class ExecuteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    code: str = Field(
        description="a Python program; solution()'s return value or the last printed line is the answer"
    )


class ExecutionOut(BaseModel):
    status: str
    answer: str | None = None
    stdout: str = ""
    stderr: str = ""
    error: str | None = None
    seconds: float = 0.0


class SolveResponse(BaseModel):
    question: str
    answer: str | None
    mode_used: str
    program: str | None = None
    execution: ExecutionOut | None = None
    rationale: str | None = None
    fallback_reason: str | None = None
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ErrorResponse(BaseModel):
    detail: str
    field: str | None = None


# ------------------------------------------------------------------------------------------------


def parse_json(body: bytes) -> dict[str, Any]:
    """Decode a request body; 400 for anything that is not a JSON object."""
    if not body.strip():
        raise ApiError(400, "empty request body; expected a JSON object")
    try:
        data = json.loads(body)
    except UnicodeDecodeError as e:
        raise ApiError(400, f"request body is not UTF-8: {e.reason} at byte {e.start}") from None
    except json.JSONDecodeError as e:
        raise ApiError(400, f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"expected a JSON object, got {type(data).__name__}")
    return data


def _validate(model: type[BaseModel], data: dict[str, Any]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(x) if isinstance(x, str) else f"[{x}]" for x in err["loc"]).replace(".[", "[")
        message = str(err["msg"])
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
        raise ApiError(422, f"{field}: {message}", field=field) from None


def validate_solve(data: dict[str, Any], config: ServeConfig) -> SolveRequest:
    req: SolveRequest = _validate(SolveRequest, data)
    if not req.question.strip():
        raise ApiError(422, "question: must not be empty", field="question")
    if len(req.question) > config.max_question_chars:
        raise ApiError(
            422,
            f"question: {len(req.question)} characters; the limit is {config.max_question_chars}",
            field="question",
        )
    if len(req.choices) > config.max_choices:
        raise ApiError(
            422, f"choices: {len(req.choices)} given; the limit is {config.max_choices}", "choices"
        )
    for i, choice in enumerate(req.choices):
        if len(choice) > config.max_choice_chars:
            raise ApiError(
                422, f"choices[{i}]: longer than {config.max_choice_chars} characters", f"choices[{i}]"
            )
    if req.answer_type == "choice" and not req.choices:
        raise ApiError(422, "answer_type: 'choice' needs a non-empty choices list", field="answer_type")
    if req.max_tokens is not None and req.max_tokens > config.max_tokens_limit:
        raise ApiError(
            422,
            f"max_tokens: {req.max_tokens} exceeds the server limit {config.max_tokens_limit}",
            "max_tokens",
        )
    return req


def validate_execute(data: dict[str, Any], config: ServeConfig) -> ExecuteRequest:
    req: ExecuteRequest = _validate(ExecuteRequest, data)
    if not req.code.strip():
        raise ApiError(422, "code: must not be empty", field="code")
    if len(req.code) > config.max_code_chars:
        raise ApiError(422, f"code: {len(req.code)} characters; the limit is {config.max_code_chars}", "code")
    return req


def answer_type_of(req: SolveRequest) -> AnswerType:
    if req.answer_type is not None:
        return AnswerType(req.answer_type)
    return AnswerType.CHOICE if req.choices else AnswerType.NUMBER


def request_body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The `openapi_extra` that documents a body we read by hand (to enforce the size limit first)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
