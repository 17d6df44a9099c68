"""The errors cxjf raises.

Every error of the C++ library arrives as a :class:`CxjfError` (or one of its
subclasses) whose message says what to fix; ``code`` is the C++
``cxjf::ErrorCode`` by name (``invalid_input``, ``corrupt_snapshot``, ...).
"""

from __future__ import annotations

__all__ = ["CxjfError", "CxjfWarning", "FileError", "InputError", "ModelError", "QueryError", "SnapshotError"]


class CxjfError(Exception):
    """Base class of everything cxjf raises."""

    def __init__(self, message: str, code: str = "internal") -> None:
        super().__init__(message)
        self.message = message
        #: The kind of failure, as ``cxjf::ErrorCode`` names it.
        self.code = code

    def __reduce__(self):  # keep the attributes across pickling (multiprocessing)
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls, message, state):
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class ModelError(CxjfError, ValueError):
    """A model document failed validation; ``problems`` lists ``(json_path, message)``."""

    def __init__(self, message: str, code: str = "invalid_model", problems=()) -> None:
        super().__init__(message, code)
        self.problems: list[tuple[str, str]] = [tuple(p) for p in problems]


class InputError(CxjfError, ValueError):
    """Malformed input: ``row`` as a spreadsheet numbers it (the header is row 1,
    0 when not about one row) and ``column`` as written in the input (empty when
    not about one cell). For a DataFrame, row ``r`` is ``df.iloc[r - 2]``."""

    def __init__(self, message: str, code: str = "invalid_input", row: int = 0, column: str = "") -> None:
        super().__init__(message, code)
        self.row = row
        self.column = column


class QueryError(CxjfError):
    """A refused overview query: ``kind`` is ``bad_request``, ``forbidden`` or
    ``not_found``; ``path`` the JSON pointer of the offending request value."""

    def __init__(self, message: str, code: str = "invalid_argument", kind: str = "bad_request", path: str = "") -> None:
        super().__init__(message, code)
        self.kind = kind
        self.path = path


class SnapshotError(CxjfError):
    """A snapshot file is truncated, foreign or damaged."""

    def __init__(self, message: str, code: str = "corrupt_snapshot") -> None:
        super().__init__(message, code)


class FileError(CxjfError, OSError):
    """A file could not be read or written."""

    def __init__(self, message: str, code: str = "io") -> None:
        super().__init__(message, code)


class CxjfWarning(UserWarning):
    """Something cxjf did that the caller may not expect but that loses no
    data, e.g. columns matching nothing in the model, ignored when reading."""
