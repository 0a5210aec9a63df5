"""Errors for bad data files: always name the file, the line (or item) and the field."""

from __future__ import annotations


class DataError(ValueError):
    def __init__(self, file: str, location: str, message: str, field: str | None = None) -> None:
        self.file = file
        self.location = location
        self.field = field
        where = f"{file}:{location}" if location else file
        what = f"field {field!r}: {message}" if field else message
        super().__init__(f"{where}: {what}")


class RowError(ValueError):
    """Raised by a row parser; the reader adds the file and line."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        super().__init__(message)


def require(row: dict, field: str, kind: type | tuple[type, ...] = str) -> object:
    """row[field], checked for presence and type."""
    if not isinstance(row, dict):
        raise RowError(None, f"expected a JSON object, got {type(row).__name__}")
    if field not in row or row[field] is None:
        raise RowError(field, "missing")
    value = row[field]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        names = "/".join(t.__name__ for t in _as_tuple(kind))
        raise RowError(field, f"expected {names}, got {type(value).__name__} {value!r:.60}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
