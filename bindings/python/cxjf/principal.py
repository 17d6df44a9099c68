"""Principal: who a query or an estimation runs for (DESIGN.md §3)."""

from __future__ import annotations

import dataclasses
from typing import Union

from . import _core

__all__ = ["Principal"]


@dataclasses.dataclass(frozen=True)
class Principal:
    """A role (``torch_center``, ``province``, ``city``, ``county``, ``zone``,
    ``incubator``, ``enterprise``, ``public``), its unit's code and whether it
    may export. ``Principal.parse("province:440000+export")`` reads the CLI's
    form."""

    role: str
    code: str = ""
    can_export: bool = False

    @classmethod
    def parse(cls, text: "PrincipalLike") -> "Principal":
        if isinstance(text, Principal):
            return text
        if isinstance(text, dict):
            return cls(str(text["role"]), str(text.get("code", "")), bool(text.get("can_export", False)))
        rest, can_export = str(text), False
        if rest.endswith("+export"):
            rest, can_export = rest[: -len("+export")], True
        role, _, code = rest.partition(":")
        principal = cls(role, code, can_export)
        principal._core()  # the C++ side checks the role's name
        return principal

    def to_dict(self) -> dict:
        out: dict = {"role": self.role}
        if self.code:
            out["code"] = self.code
        if self.can_export:
            out["can_export"] = True
        return out

    def _core(self) -> _core.Principal:
        return _core.Principal(self.role, self.code, self.can_export)

    def __str__(self) -> str:
        return self._core().label()


PrincipalLike = Union[Principal, str, dict]
