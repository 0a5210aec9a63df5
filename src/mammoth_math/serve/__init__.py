"""serve: the HTTP API (FastAPI + uvicorn) and the web page over one model and one sandbox.

`create_app(backend, executor, config)` builds the ASGI app; `serve(...)` loads a model and runs it.
FastAPI is imported only when one of those is used, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import Any

from mammoth_math.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mammoth_math.serve.app import create_app

        return create_app
    if name == "serve":
        from mammoth_math.serve.server import serve

        return serve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
