"""The ASGI app: POST /v1/solve (JSON or server-sent events), POST /v1/execute, GET /health, the page at /.

One model and one sandbox serve every request. Solve requests go through a bounded `JobQueue` whose
worker threads call `Solver.solve` concurrently, so the backend batches them in its parallel slots;
/v1/execute has its own queue so quick sandbox runs never wait behind generations.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from mammoth_math import __version__
from mammoth_math.api import AnswerType, Backend, Executor, Problem, SamplingParams, SolveResult, to_dict
from mammoth_math.serve.batcher import SolveBatcher, SolveJob
from mammoth_math.serve.config import ServeConfig
from mammoth_math.serve.jobs import JobQueue, Overloaded
from mammoth_math.serve.schemas import (
    ApiError,
    ErrorResponse,
    ExecuteRequest,
    ExecutionOut,
    SolveRequest,
    SolveResponse,
    answer_type_of,
    parse_json,
    request_body_schema,
    validate_execute,
    validate_solve,
)
from mammoth_math.solve import public_dict

log = logging.getLogger("mammoth_math.serve")

STATIC_DIR = resources.files("mammoth_math.serve") / "static"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in {
        400: "malformed JSON or not a JSON object",
        413: "body larger than the limit",
        422: "a missing or invalid field (named in `field`)",
        429: "queue full; retry after the Retry-After header",
    }.items()
}


def solve_payload(result: SolveResult, answer_type: AnswerType) -> dict[str, Any]:
    """The JSON a client gets: the one public shape `solve --json` prints too (solve/output.py)."""
    return public_dict(result, answer_type)


def create_app(
    backend: Backend,
    executor: Executor,
    config: ServeConfig | None = None,
    *,
    user_executor: Executor | None = None,
    close_on_shutdown: bool = True,
) -> FastAPI:
    """Build the app around an already loaded backend and sandbox (the CLI loads them once).

    `executor` runs the programs the model writes; `user_executor` (default: the same) runs the
    programs clients send to /v1/execute. Two sandboxes keep a flood of hostile user programs from
    occupying the workers that solve requests need."""
    from mammoth_math.solve import Solver  # the solve stage; imported here so `serve` stays thin

    cfg = config or ServeConfig()
    user_exec = user_executor or executor
    solve_jobs = JobQueue("solve", cfg.solve_workers, cfg.solve_queue)
    batch_solver = Solver(backend, executor, mode="hybrid", prompt_style="chat", shots=0)

    def solve_many(problems: list[Problem], mode: str, params: SamplingParams) -> list[SolveResult]:
        return [r[0] for r in batch_solver.solve_problems(problems, samples=1, params=params, mode=mode)]

    # at most solve_workers requests are past the JobQueue at once, so that is the largest batch
    batcher = SolveBatcher(solve_many, max_batch=cfg.solve_workers)
    exec_jobs = JobQueue("execute", cfg.execute_workers, cfg.execute_queue)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        batcher.close()
        solve_jobs.close()
        exec_jobs.close()
        if close_on_shutdown:
            backend.close()
            for ex in {id(executor): executor, id(user_exec): user_exec}.values():
                close = getattr(ex, "close", None)
                if callable(close):
                    close()

    app = FastAPI(
        title="mammoth-math",
        version=__version__,
        description="Solve math problems with chain-of-thought, program-of-thought or hybrid decoding; "
        "programs run in a sandbox.",
        lifespan=lifespan,
    )
    app.state.config = cfg
    app.state.queues = (solve_jobs, exec_jobs)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(Overloaded)
    async def _overloaded(_: Request, exc: Overloaded) -> JSONResponse:
        headers = {"Retry-After": str(cfg.retry_after_s)}
        return JSONResponse({"detail": str(exc), "field": None}, status_code=429, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err.get("loc", ()))
        return JSONResponse({"detail": f"{field}: {err.get('msg')}", "field": field}, status_code=422)

    async def read_body(request: Request) -> dict[str, Any]:
        """The JSON body, refusing oversize bodies before reading (Content-Length) or while reading."""
        limit = cfg.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise ApiError(400, f"invalid Content-Length header {declared!r}")
            if int(declared) > limit:
                raise ApiError(413, f"request body is {declared} bytes; the limit is {limit} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:  # chunked upload without a Content-Length
                raise ApiError(413, f"request body exceeds the limit of {limit} bytes")
        return parse_json(bytes(body))

    def solve_batched(req: SolveRequest) -> dict[str, Any]:
        job = SolveJob(
            question=req.question,
            mode=req.mode,
            answer_type=answer_type_of(req),
            choices=tuple(req.choices),
            max_tokens=req.max_tokens or cfg.default_max_tokens,
        )
        return solve_payload(batcher.solve(job), job.answer_type)

    def solve_streamed(req: SolveRequest, on_token: Callable[[str], None]) -> dict[str, Any]:
        params = SamplingParams(temperature=0.0, max_tokens=req.max_tokens or cfg.default_max_tokens)
        solver = Solver(backend, executor, mode=req.mode, prompt_style="chat", shots=0, params=params)
        answer_type = answer_type_of(req)
        result = solver.solve(
            req.question, answer_type=answer_type, choices=tuple(req.choices), on_token=on_token
        )
        return solve_payload(result, answer_type)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(str(STATIC_DIR / "index.html"), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    async def sandbox_state() -> str:
        def isolation() -> str:  # the Sandbox reports its isolation; other executors may not
            return str(getattr(user_exec, "isolation", "unknown"))

        try:  # on a thread: a sandbox restarting after a crash may take a moment to answer
            return await asyncio.wait_for(asyncio.to_thread(isolation), timeout=2.0)
        except asyncio.TimeoutError:
            return "starting"
        except RuntimeError as e:
            return f"unavailable: {e}"

    @app.get("/health", summary="liveness, model and queue state")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "model": getattr(backend, "spec", ""),
            "sandbox": await sandbox_state(),
            "queues": {q.name: q.stats() for q in (solve_jobs, exec_jobs)},
            "batches": {"count": batcher.batches, "largest": batcher.largest_batch},
            "limits": {
                "max_body_bytes": cfg.max_body_bytes,
                "max_question_chars": cfg.max_question_chars,
                "max_code_chars": cfg.max_code_chars,
                "max_tokens_limit": cfg.max_tokens_limit,
            },
        }

    @app.post(
        "/v1/solve",
        summary="answer one question (JSON; `?stream=true` for server-sent events)",
        response_model=SolveResponse,
        responses=ERRORS,
        openapi_extra=request_body_schema(SolveRequest),
    )
    async def solve(request: Request, stream: bool = False) -> Response:
        req = validate_solve(await read_body(request), cfg)
        if stream:
            return sse_response(req)
        try:
            payload = await solve_jobs.run(lambda: solve_batched(req))
        except Overloaded:
            raise
        except Exception as e:  # a backend failure: report it, keep serving
            log.exception("solve failed")
            return JSONResponse({"detail": f"solve failed: {type(e).__name__}: {e}", "field": None}, 500)
        return JSONResponse(payload)

    @app.post(
        "/v1/solve/stream",
        summary="answer one question, streaming `token` events then one `result` event (SSE)",
        responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
        openapi_extra=request_body_schema(SolveRequest),
    )
    async def solve_stream(request: Request) -> Response:
        return sse_response(validate_solve(await read_body(request), cfg))

    def sse_response(req: SolveRequest) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def on_token(text: str) -> None:  # called on the worker thread
            try:
                loop.call_soon_threadsafe(events.put_nowait, ("token", text))
            except RuntimeError:  # loop closed during shutdown
                pass

        # submit() admits now, so a full queue is still a plain 429 rather than a broken stream
        future = solve_jobs.submit(lambda: solve_streamed(req, on_token))
        # scheduled after every token callback of the job, so `done` arrives last
        future.add_done_callback(lambda _: events.put_nowait(("done", None)))

        async def body() -> AsyncIterator[str]:
            yield sse("start", {"mode": req.mode})
            while (event := await events.get())[0] == "token":
                yield sse("token", {"text": event[1]})
            exc = future.exception()
            if exc is None:
                yield sse("result", future.result())
            else:
                log.error("streamed solve failed: %r", exc)
                yield sse("error", {"detail": f"solve failed: {type(exc).__name__}: {exc}"})

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(body(), media_type="text/event-stream", headers=headers)

    @app.post(
        "/v1/execute",
        summary="run one Python program in the sandbox",
        response_model=ExecutionOut,
        responses=ERRORS,
        openapi_extra=request_body_schema(ExecuteRequest),
    )
    async def execute(request: Request) -> Response:
        req = validate_execute(await read_body(request), cfg)
        try:
            (execution,) = await exec_jobs.run(lambda: user_exec.run([req.code]))
        except Overloaded:
            raise
        except Exception as e:  # the sandbox promises not to raise; if it does, say so and keep serving
            log.exception("sandbox failed")
            return JSONResponse({"detail": f"sandbox failed: {type(e).__name__}: {e}", "field": None}, 500)
        return JSONResponse(to_dict(execution))

    return app


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def parse_sse(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """Decode a text/event-stream line by line into (event, data) pairs (used by tests and the load test)."""
    event, data = "message", ""
    for line in lines:
        if line == "":
            if data:
                yield event, json.loads(data)
            event, data = "message", ""
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()
