"""The overview (企业总览): scoped queries over a snapshot (docs/overview.md).

Requests and answers are the JSON documents of docs/overview.md, as dicts;
lists and rankings also come as DataFrames. Every query names a principal and
sees only its scope. Queries run in C++ without the GIL, so threads may query
one index at once.
"""

from __future__ import annotations

import base64

import json
from typing import Any, Optional

import pandas as pd

from . import _core
from .errors import CxjfError, QueryError
from .principal import Principal, PrincipalLike
from .table import _categorical_of

__all__ = ["OverviewIndex"]

# ErrorCode names of the answers' error codes (QueryError.code).
_ERROR_CODES = {"bad_request": "invalid_argument", "forbidden": "forbidden", "not_found": "not_found"}

# A request member left out (the C++ side's default applies).
_UNSET = object()


class OverviewIndex:
    """The index over a snapshot's enterprises, built once (Snapshot.index)."""

    __slots__ = ("_core", "snapshot")

    def __init__(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self._core = _core.OverviewIndex(snapshot._core)

    @property
    def memory_bytes(self) -> int:
        return self._core.memory_bytes()

    def query(self, request: dict[str, Any]) -> dict[str, Any]:
        """Answers a request document (with its principal). Raises QueryError
        (kind, path) when refused."""
        answer, refused = self._core.query_json(json.dumps(request, ensure_ascii=False))
        document = json.loads(answer)
        if refused:
            error = document["error"]
            kind = error.get("code", "internal")
            if kind not in _ERROR_CODES:
                raise CxjfError(error.get("message", "internal error"), "internal")
            raise QueryError(error.get("message", ""), _ERROR_CODES[kind], kind, error.get("path", ""))
        return document

    def _ask(self, principal: PrincipalLike, kind: str, **members: Any) -> dict[str, Any]:
        request: dict[str, Any] = {"principal": Principal.parse(principal).to_dict(), "kind": kind}
        request.update({k: v for k, v in members.items() if v is not _UNSET})
        return self.query(request)

    def overview(self, principal: PrincipalLike, filters: Optional[dict] = None, *, facets: Optional[list] = None,
                 histogram: Optional[dict] = None, ranking: Optional[dict] = None,
                 list: Optional[dict] = None) -> dict[str, Any]:
        """Facets, histogram and optionally a ranking and a list page.

        `ranking` and `list` are request members (dicts, docs/overview.md;
        ``{}`` for their defaults) or None to leave them out."""
        return self._ask(principal, "overview", filters=filters or {},
                         facets=facets if facets is not None else _UNSET,
                         histogram=histogram if histogram is not None else _UNSET,
                         ranking=ranking, list=list)

    def facets(self, principal: PrincipalLike, filters: Optional[dict] = None) -> dict[str, pd.DataFrame]:
        """Each facet's buckets as a DataFrame (value, label, count, share,
        mean, selected), and ``score`` the histogram's bins."""
        answer = self.overview(principal, filters)
        out = {name: pd.DataFrame(f["buckets"]) for name, f in answer["facets"].items() if "buckets" in f}
        if "score" in answer["facets"]:
            out["score"] = pd.DataFrame(answer["facets"]["score"]["bins"])
        return out

    def list(self, principal: PrincipalLike, filters: Optional[dict] = None, *, sort: str = "score",
             descending: Optional[bool] = None, page: int = 1, page_size: int = 20) -> pd.DataFrame:
        """A page of the enterprise list as a DataFrame; ``.attrs`` holds
        total, threshold, page and rank_level."""
        spec: dict[str, Any] = {"sort": sort, "page": page, "page_size": page_size}
        if descending is not None:
            spec["descending"] = descending
        answer = self._ask(principal, "list", filters=filters or {}, list=spec)
        page_answer = answer["list"]
        frame = items_frame(page_answer["items"], self.snapshot.model)
        frame.attrs.update({k: v for k, v in page_answer.items() if k != "items"})
        frame.attrs["matching"] = answer["total"]
        return frame

    def ranking(self, principal: PrincipalLike, filters: Optional[dict] = None, *, by: str = "region",
                parent: Optional[str] = None, top: Optional[int] = None, order_by: str = "count") -> pd.DataFrame:
        """The ranking's child nodes as a DataFrame (key, label, level, direct,
        count, mean, median, max, top: a DataFrame of each node's enterprises);
        ``.attrs["parent"]`` is the parent node as a dict."""
        spec: dict[str, Any] = {"by": by, "order_by": order_by}
        if parent is not None:
            spec["parent"] = str(parent)
        if top is not None:
            spec["top"] = top
        answer = self._ask(principal, "ranking", filters=filters or {}, ranking=spec)
        nodes = answer["ranking"]["nodes"]
        frame = pd.DataFrame(
            [{**{k: v for k, v in n.items() if k != "top"}, "direct": bool(n.get("direct", False)),
              "top": items_frame(n.get("top", []), self.snapshot.model)} for n in nodes],
            columns=["key", "label", "level", "direct", "count", "mean", "median", "max", "top"],
        )
        frame["direct"] = frame["direct"].astype(bool)
        frame.attrs["parent"] = answer["ranking"]["parent"]
        frame.attrs["total"] = answer["total"]
        return frame

    def export(self, principal: PrincipalLike, filters: Optional[dict] = None, *, sort: str = "score",
               descending: Optional[bool] = None, format: str = "csv") -> bytes:
        """The whole list as a file's bytes (needs can_export): `format` is
        ``"csv"``, ``"json"`` or ``"xlsx"`` (a workbook)."""
        spec: dict[str, Any] = {"sort": sort}
        if descending is not None:
            spec["descending"] = descending
        answer = self._ask(principal, "export", filters=filters or {}, list=spec, format=format)
        if answer.get("content_encoding") == "base64":
            return base64.b64decode(answer["content"])
        return answer["content"].encode("utf-8")

    def detail(self, principal: PrincipalLike, credit_code: str) -> dict[str, Any]:
        """One enterprise: basic facts, ranks, and the ledger for government roles."""
        return self._ask(principal, "detail", credit_code=credit_code)

    def __repr__(self) -> str:
        return f"<cxjf.OverviewIndex over {len(self.snapshot):,} enterprises, {self.memory_bytes / 2**20:.0f} MB>"


_ITEM_COLUMNS = ["credit_code", "name", "region", "region_name", "zone", "industry", "stage", "score", "grade", "rank"]


def items_frame(items: list, model: Any) -> pd.DataFrame:
    """List items (docs/overview.md) as a DataFrame: score as float, stage
    and grade as Categoricals in the model's order, as in every frame."""
    frame = pd.DataFrame(items, columns=_ITEM_COLUMNS)
    frame["score"] = pd.to_numeric(frame["score"]).astype("float64")
    frame["rank"] = frame["rank"].astype("int64")
    frame["stage"] = _categorical_of(frame["stage"], model.stage_names)
    frame["grade"] = _categorical_of(frame["grade"], model.grade_ids)
    return frame

