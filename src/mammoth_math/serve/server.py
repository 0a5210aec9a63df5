"""Load the model and the sandbox once, then run the app under uvicorn."""

from __future__ import annotations

import ipaddress
import logging

from mammoth_math.serve.config import ServeConfig

log = logging.getLogger("mammoth_math.serve")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    model: str = "default",
    host: str = "127.0.0.1",
    port: int = 8000,
    config: ServeConfig | None = None,
    log_level: str = "info",
    exec_timeout: float = 5.0,
    unsafe_no_isolation: bool = False,
) -> None:
    """Blocking: serve `model` on host:port until interrupted.

    Each sandbox gets as many parallel programs as its queue has workers; both sandbox servers start
    before the model loads, so nobody pays their warm-up, and a sandbox that cannot run programs stops
    the server with SandboxUnavailable (unless `unsafe_no_isolation`)."""
    import uvicorn

    from mammoth_math.api import SandboxUnavailable
    from mammoth_math.execute import Sandbox, SandboxConfig
    from mammoth_math.generate import load_backend
    from mammoth_math.serve.app import create_app
    from mammoth_math.solve import require_executor

    if not is_loopback(host):
        log.warning(
            "listening on %s: the API has no authentication; anyone who can reach it can use it", host
        )
    cfg = config or ServeConfig()
    # one sandbox for model-written programs, one for /v1/execute: user floods cannot starve solves
    model_sandbox = Sandbox(
        SandboxConfig(
            timeout=exec_timeout, workers=cfg.solve_workers, unsafe_no_isolation=unsafe_no_isolation
        )
    )
    user_sandbox = Sandbox(
        SandboxConfig(
            timeout=exec_timeout, workers=cfg.execute_workers, unsafe_no_isolation=unsafe_no_isolation
        )
    )
    # both started before the model loads: requests default to hybrid, and /v1/execute is programs only
    for name, sandbox in (("model", model_sandbox), ("user", user_sandbox)):
        try:
            require_executor(sandbox, ["pot"])
        except SandboxUnavailable:
            model_sandbox.close()
            user_sandbox.close()
            raise
        log.info("%s sandbox isolation: %s", name, sandbox.isolation)
    backend = load_backend(model)
    app = create_app(backend, model_sandbox, cfg, user_executor=user_sandbox)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
