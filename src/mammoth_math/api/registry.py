"""A tiny name → object registry, plus third-party plugins through entry points."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistryError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it readable
        return str(self.args[0])


class Registry(Generic[T]):
    """Holds named entries of one kind (benchmarks, backends, sources, strategies).

    `builtin_modules` are our own entry modules (one file each), imported on first use so that
    importing a registry stays cheap. `entry_point_group` lets installed packages add entries without
    touching our code (simonw/llm-style plugins): each entry point is a module that registers on import.
    """

    def __init__(
        self, kind: str, entry_point_group: str | None = None, builtin_modules: Sequence[str] = ()
    ) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}
        self._group = entry_point_group
        self._builtins = tuple(builtin_modules)
        self._plugins_loaded = False

    def register(self, name: str) -> Callable[[T], T]:
        def decorator(obj: T) -> T:
            self.add(name, obj)
            return obj

        return decorator

    def add(self, name: str, obj: T) -> None:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = obj

    def get(self, name: str) -> T:
        self._load_plugins()
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise RegistryError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def names(self) -> list[str]:
        self._load_plugins()
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for module in self._builtins:
            importlib.import_module(module)
        if self._group is not None:
            for ep in metadata.entry_points(group=self._group):
                ep.load()
