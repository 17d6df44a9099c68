"""One enterprise's analysis (docs/analysis.md): why its score is what it
is, what if its data changed, and what each indicator alone must reach for a
target. Methods of :class:`cxjf.Snapshot` (``reasons``, ``what_if``,
``path``) call these; everyone else stays frozen, and a registered
enterprise is compared with the reference without itself, so that no change
gives exactly its actual score."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Mapping, Optional

import numpy as np
import pandas as pd

from . import _core

__all__ = ["WhatIf", "reasons", "what_if", "path"]


def reasons(snapshot: Any, row: int, top: int = 3) -> pd.DataFrame:
    """Strengths then weaknesses: one row per indicator with side
    (strength / weakness), id, name, value, median, points, median_points,
    gap and the sentences text_zh and text_en."""
    doc = json.loads(_core.reasons_json(snapshot._analyzer, int(row), int(top)))
    rows = [{"side": side[:-1] if side == "strengths" else "weakness", **r}
            for side in ("strengths", "weaknesses") for r in doc[side]]
    columns = ["side", "id", "name", "name_en", "unit", "value", "median", "points", "median_points", "gap",
               "text_zh", "text_en"]
    return pd.DataFrame(rows, columns=columns)


@dataclass
class WhatIf:
    """A what-if: the score, grade and would-be ranks before and after, and
    the indicators whose value or points changed (``lines``)."""

    score_before: float
    score_after: float
    grade_before: str
    grade_after: str
    ranks_before: Dict[str, Optional[int]]
    ranks_after: Dict[str, Optional[int]]
    lines: pd.DataFrame = field(repr=False)
    document: Dict[str, Any] = field(repr=False)

    @property
    def delta(self) -> float:
        return round(self.score_after - self.score_before, 10)


def what_if(snapshot: Any, row: int, values: Optional[Mapping[str, Optional[float]]] = None, *,
            add_qualifications: Iterable[str] = (), remove_qualifications: Iterable[str] = (),
            clear_negatives: Iterable[str] = ()) -> WhatIf:
    changes = [(str(k), math.nan if v is None else float(v)) for k, v in (values or {}).items()]
    doc = json.loads(_core.what_if_json(snapshot._analyzer, int(row), changes, list(add_qualifications),
                                        list(remove_qualifications), list(clear_negatives)))
    before, after = doc["before"]["ledger"]["indicators"], doc["after"]["ledger"]["indicators"]
    lines = pd.DataFrame({
        "id": [b["id"] for b in before],
        "name": [b["name"] for b in before],
        "value_before": [b["raw"] for b in before],
        "value_after": [a["raw"] for a in after],
        "points_before": [b["points"] for b in before],
        "points_after": [a["points"] for a in after],
    })
    lines = lines.astype({"value_before": float, "value_after": float})
    changed = (lines["value_before"].ne(lines["value_after"]) & ~(lines["value_before"].isna() & lines["value_after"].isna())) | (
        (lines["points_before"] - lines["points_after"]).abs() >= 0.0005)
    return WhatIf(float(doc["before"]["score"]), float(doc["after"]["score"]), doc["before"]["grade"],
                  doc["after"]["grade"], doc["before"]["ranks"], doc["after"]["ranks"],
                  lines[changed].reset_index(drop=True), doc)


def _target_kind(score: Optional[float], grade: Optional[str], top: Optional[int]) -> str:
    given = [k for k, v in (("score", score), ("grade", grade), ("top", top)) if v is not None]
    if len(given) > 1:
        raise ValueError(f"give one target: score, grade or top, not {' and '.join(given)}")
    return "grade" if grade is not None else "rank" if top is not None else "score"


def _path_doc(snapshot: Any, row: int, score: Optional[float], grade: Optional[str], top: Optional[int], level: str,
              fixed: Iterable[str], caps: Optional[Mapping[str, float]]) -> dict:
    kind = _target_kind(score, grade, top)
    return json.loads(_core.path_json(snapshot._analyzer, int(row), kind, -1.0 if score is None else float(score),
                                      grade or "", level, int(top or 0), list(fixed),
                                      [(str(k), float(v)) for k, v in (caps or {}).items()]))


def path(snapshot: Any, row: int, *, score: Optional[float] = None, grade: Optional[str] = None,
         top: Optional[int] = None, level: str = "province", fixed: Iterable[str] = (),
         caps: Optional[Mapping[str, float]] = None) -> pd.DataFrame:
    """One row per indicator the enterprise can act on: current, cap,
    reachable, the least value reaching the target (NaN when out of reach),
    effort (the relative increase) and the score there. The frame's
    ``attrs`` hold ``target``, ``score`` and ``reached``."""
    doc = _path_doc(snapshot, row, score, grade, top, level, fixed, caps)
    frame = pd.DataFrame(doc["single"], columns=["id", "name", "unit", "current", "cap", "reachable", "value", "effort",
                                                 "score"])
    frame = frame.astype({"current": float, "cap": float, "value": float, "effort": float, "score": float})
    frame.attrs.update(target=float(doc["target"]), score=float(doc["score"]), reached=doc["reached"])
    return frame


def plan(snapshot: Any, row: int, *, score: Optional[float] = None, grade: Optional[str] = None,
         top: Optional[int] = None, level: str = "province", fixed: Iterable[str] = (),
         caps: Optional[Mapping[str, float]] = None) -> pd.DataFrame:
    """The combined plan of least total effort for the same targets as
    :func:`path`: one row per indicator it changes (id, name, unit, current,
    value, effort). The frame's ``attrs`` hold ``target``, ``score`` (the
    score with the plan), ``reachable``, ``effort`` (the sum), ``optimal``
    (the search finished: no cheaper plan among its candidates) and
    ``lower_bound`` (no plan, with any values, costs less)."""
    doc = _path_doc(snapshot, row, score, grade, top, level, fixed, caps)
    p = doc["plan"]
    frame = pd.DataFrame(p["changes"], columns=["id", "name", "unit", "current", "value", "effort"])
    frame = frame.astype({"current": float, "value": float, "effort": float})
    frame.attrs.update(target=float(doc["target"]), score=float(p["score"]), reachable=p["reachable"],
                       effort=math.nan if p["effort"] is None else float(p["effort"]), optimal=p["optimal"],
                       lower_bound=math.nan if p["lower_bound"] is None else float(p["lower_bound"]))
    return frame


def distances(snapshot: Any, rows: Optional[Iterable[int]] = None, *, score: Optional[float] = None,
              grade: Optional[str] = None, top: Optional[int] = None, level: str = "province",
              fixed: Iterable[str] = (), caps: Optional[Mapping[str, float]] = None, plan: bool = False,
              threads: int = 0) -> pd.DataFrame:
    """For each registered row (default: all), its distance to the target:
    ``missing`` points, the cheapest single change (``indicator``,
    ``value``, ``effort``; empty when reached or when none alone reaches)
    and with ``plan=True`` the combined plan (``plan_effort``,
    ``plan_optimal``, ``plan_changes`` as ``id=value;...``; about a tenth of
    a second each on a national snapshot). Sorted by ``missing``, closest
    first, then by row."""
    kind = _target_kind(score, grade, top)
    chosen = list(range(len(snapshot.table))) if rows is None else [int(r) for r in rows]
    d = _core.distances(snapshot._analyzer, chosen, kind, -1.0 if score is None else float(score), grade or "",
                        level, int(top or 0), list(fixed), [(str(k), float(v)) for k, v in (caps or {}).items()],
                        bool(plan), int(threads))
    table = snapshot.table
    index = np.asarray(chosen, dtype=np.int64)
    frame = pd.DataFrame({
        "row": index,
        "credit_code": np.asarray(table.credit_code)[index],
        "name": np.asarray(table._core.strings("name"))[index],
        "score": snapshot.scores.published[index],
        "target": [float(t) for t in d["target"]],
        "missing": [float(m) for m in d["missing"]],
        "indicator": d["indicator"],
        "value": d["value"],
        "effort": d["effort"],
    })
    if plan:
        frame["plan_effort"] = d["plan_effort"]
        frame["plan_optimal"] = [bool(o) for o in d["plan_optimal"]]
        frame["plan_changes"] = d["plan_changes"]
    frame = frame.sort_values(["missing", "row"], kind="stable").reset_index(drop=True)
    return frame
