"""A whole population (docs/population.md): a scheme's what-if (the same
enterprises under another model), year over year (two snapshots matched by
credit code) with the population stability index of every indicator, and
where scores differ, and the uncertainty of ranks under drawn weights.
:func:`compare` gives a :class:`Comparison` of DataFrames; the methods
:meth:`cxjf.Snapshot.compare`, ``distribution``, ``peer_fallbacks``,
``rank_bands`` and ``rank_sensitivity`` call these."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from .model import Model

__all__ = ["Comparison", "DrawCounts", "compare", "distribution", "draw_counts", "draw_weights", "merge_draw_counts",
           "peer_fallbacks", "rank_bands", "rank_sensitivity"]


@dataclass
class Comparison:
    """Two scorings of enterprises matched by credit code.

    ``enterprises``: one row per enterprise of either side (status matched,
    entrant or leaver; score, rank, grade and listed before and after; change).
    ``grades``: the grade transition matrix (rows before, columns after; the
    row 新进 counts entrants, the column 退出 leavers). ``regions``: every
    province, city and county's ≥ threshold list before and after, entered
    and left. ``agreement``: Spearman and Kendall's tau-b nationally
    (province NA) and per province. ``risers`` and ``fallers``: the biggest
    movers. ``shifts``: the PSI of every shared indicator nationally (group
    NA) and per baseline peer group, with its level. ``after``: the other
    side (the snapshot rescored, for a scheme's what-if). ``summary``: the
    JSON document the command line and the C ABI give."""

    enterprises: pd.DataFrame = field(repr=False)
    grades: pd.DataFrame
    regions: pd.DataFrame = field(repr=False)
    agreement: pd.DataFrame = field(repr=False)
    risers: pd.DataFrame = field(repr=False)
    fallers: pd.DataFrame = field(repr=False)
    shifts: pd.DataFrame = field(repr=False)
    after: Any = field(repr=False)
    summary: Dict[str, Any] = field(repr=False)

    @property
    def matched(self) -> int:
        return int(self.summary["matched"])

    @property
    def entrants(self) -> int:
        return int(self.summary["entrants"])

    @property
    def leavers(self) -> int:
        return int(self.summary["leavers"])


def _side(snapshot: Any, rows: np.ndarray) -> Dict[str, Any]:
    """Columns of one side for `rows` (-1: absent, NA)."""
    present = rows >= 0
    safe = np.where(present, rows, 0)
    scores, table = snapshot.scores, snapshot.table
    score = pd.array(np.where(present, scores.published[safe], np.nan), dtype="Float64")
    score[~present] = pd.NA
    rank = pd.array(np.where(present, scores.rank("national")[safe], 0), dtype="Int64")
    rank[~present] = pd.NA
    grade_ids = np.asarray(snapshot.model.grade_ids, dtype=object)
    grade = np.where(present, grade_ids[np.asarray(scores._core.grade)[safe]], None)
    # The least listed units, as the C++ core counts them
    # (src/population/population_impl.hpp): a threshold written with the
    # model's decimals is exact, any other rounds up.
    scaled = snapshot.model.list_threshold * 10 ** scores._core.decimals
    threshold = round(scaled) if abs(scaled - round(scaled)) <= 1e-7 else math.ceil(scaled)
    listed = pd.array(np.asarray(scores.published_units)[safe] >= threshold, dtype="boolean")
    listed[~present] = pd.NA
    return {"score": score, "rank": rank, "grade": grade, "listed": listed,
            "credit_code": np.asarray(table.credit_code)[safe], "name": np.asarray(table._core.strings("name"))[safe],
            "region": np.asarray(table.region_code)[safe], "present": present}


def compare(before: Any, after: Any, *, movers: int = 20, psi_bins: int = 10, threads: int = 0) -> Comparison:
    """Compares snapshot `before` with `after`: another snapshot (year over
    year), or a model (an id, a JSON path or a Model: the scheme's what-if,
    `before`'s enterprises fitted and scored under it). Enterprises are
    matched by credit code; ranks, grades and lists are each side's own."""
    from .scoring import Snapshot

    if not isinstance(after, Snapshot):
        after = Snapshot(_core.rescore(before._core, Model.load(after)._core, int(threads)))
    d = _core.compare(before._core, after._core, int(movers), int(psi_bins), int(threads))
    doc = json.loads(d["summary"])
    b, a = _side(before, d["before"]), _side(after, d["after"])
    status = np.where(b["present"] & a["present"], "matched", np.where(b["present"], "leaver", "entrant"))
    pick = lambda key: np.where(a["present"], a[key], b[key])  # noqa: E731: after's identity when present
    enterprises = pd.DataFrame({
        "credit_code": pick("credit_code"), "name": pick("name"), "region": pick("region"), "status": status,
        "score_before": b["score"], "score_after": a["score"],
        "change": (a["score"] - b["score"]).round(10),
        "rank_before": b["rank"], "rank_after": a["rank"],
        "grade_before": b["grade"], "grade_after": a["grade"],
        "listed_before": b["listed"], "listed_after": a["listed"],
    })
    g = doc["grades"]
    grades = pd.DataFrame(g["transitions"], index=[x or "新进" for x in g["before"]],
                          columns=[x or "退出" for x in g["after"]])
    grades.index.name, grades.columns.name = "before", "after"
    regions = pd.DataFrame(doc["regions"], columns=["region", "name", "enterprises_before", "enterprises_after",
                                                    "listed_before", "listed_after", "entered", "left"])
    agreement = pd.DataFrame(doc["agreement"], columns=["province", "name", "enterprises", "spearman", "kendall"])
    agreement = agreement.astype({"province": "Int64", "spearman": float, "kendall": float})
    mover_columns = ["credit_code", "name", "before", "after", "rank_before", "rank_after"]
    risers = pd.DataFrame(doc["risers"], columns=mover_columns).astype({"before": float, "after": float})
    fallers = pd.DataFrame(doc["fallers"], columns=mover_columns).astype({"before": float, "after": float})
    shifts = pd.DataFrame(doc["shifts"], columns=["indicator", "name", "group", "group_label", "count_before", "count_after",
                                                  "psi", "level", "edges", "bins_before", "bins_after"])
    shifts = shifts.astype({"group": "Int64", "psi": float})
    return Comparison(enterprises, grades, regions, agreement, risers, fallers, shifts, after, doc)


def distribution(snapshot: Any, by: str = "province") -> pd.DataFrame:
    """Published scores by ``province``, ``zone``, ``stage`` or
    ``industry``: the nation first (key -1), then each group with
    enterprises: enterprises, mean, q1, median, q3 (numpy's linear
    quantiles), listed_share (≥ the list threshold), and the gaps of mean
    and share to the nation's."""
    rows = _core.distribution(snapshot._core, str(by))
    return pd.DataFrame(rows, columns=["key", "label", "enterprises", "mean", "q1", "median", "q3", "listed_share",
                                       "mean_gap", "listed_gap"])


def peer_fallbacks(snapshot: Any) -> pd.DataFrame:
    """The finest peer-group keys (stage, industry, province, NA when not a
    key) whose enterprises were compared in a coarser group (``group``)
    because their own had fewer than the model's min_size members, most
    enterprises first."""
    return pd.DataFrame(_core.peer_fallbacks(snapshot._core),
                        columns=["stage", "industry", "province", "group", "enterprises"]).astype({"province": "Int64"})


def rank_bands(snapshot: Any, draws: int = 1000, *, spread: float = 0.25, concentration: float = 0.0, seed: int = 1,
               first_draw: int = 0, ties: Sequence[str] = (), missing: Sequence[str] = (),
               threads: int = 0, counts: Optional["DrawCounts"] = None, rows: Optional[slice] = None) -> pd.DataFrame:
    """Every enterprise's national rank under `draws` draws: each stage
    weight times (1 + spread u), u uniform in [-1, 1], renormalised to the
    base maximum (or, with ``concentration`` > 0, a Dirichlet draw around
    the weights), and one of the alternative ``ties`` rules ("weak",
    "strict", "mean") and ``missing`` policies ("zero", "peer_median",
    "exclude") when given. One row per enterprise in table order:
    credit_code, name, score, nominal (its rank), p05, median, p95 (ranks)
    and listed (the share of draws scoring at least the list threshold). The
    same for a seed on any thread count; draws ``first_draw`` .. on form a
    batch.

    Split over machines (docs/distributed.md): give the ``counts`` of every
    draw (:func:`draw_counts`, batches joined by :func:`merge_draw_counts`)
    and a range of ``rows`` (a slice of the table's rows, step 1); the frames
    of the ranges concatenate into the frame of one call, bit for bit."""
    options = (int(draws), int(first_draw), int(seed), float(spread), float(concentration), int(threads),
               ",".join(ties), ",".join(missing))
    n = len(snapshot)
    begin, end, step = (rows if rows is not None else slice(None)).indices(n)
    if step != 1:
        raise ValueError("rows is a slice of consecutive rows (step 1)")
    end = max(begin, end)
    if counts is None and rows is None:
        d = _core.rank_bands(snapshot._core, *options)
    else:
        if counts is None:
            counts = draw_counts(snapshot, draws, spread=spread, concentration=concentration, seed=seed,
                                 first_draw=first_draw, ties=ties, missing=missing, threads=threads)
        d = _core.rank_bands_of_rows(snapshot._core, *options, counts._parts, begin, end)
    table = snapshot.table
    # Sliced as Series, so that an empty range keeps the dtypes (its frame
    # concatenates with the others').
    text = pd.DataFrame({"credit_code": table.credit_code, "name": table._core.strings("name")}).iloc[begin:end]
    frame = pd.DataFrame({
        "credit_code": text["credit_code"], "name": text["name"],
        "score": snapshot.scores.published[begin:end],
        "nominal": d["nominal"], "p05": d["p05"], "median": d["median"], "p95": d["p95"], "listed": d["listed"],
    }, index=pd.RangeIndex(begin, end))
    frame.attrs.update(draws=int(draws), spread=float(spread), concentration=float(concentration), seed=int(seed))
    return frame


class DrawCounts:
    """Pass 1 of :func:`rank_bands` for a batch of draws: how many
    enterprises publish each value in each draw (``counts``: draws x values,
    int32). Small (4 bytes per draw and published value, about 40 kB a draw
    at two decimals) and picklable, so batches run on workers and meet on one
    machine."""

    __slots__ = ("_parts",)

    def __init__(self, parts: tuple) -> None:
        self._parts = parts

    @property
    def first_draw(self) -> int:
        return int(self._parts[0])

    @property
    def draws(self) -> int:
        return int(self._parts[1])

    @property
    def counts(self) -> np.ndarray:
        return self._parts[3]

    def __reduce__(self) -> tuple:
        return (DrawCounts, (self._parts,))

    def __repr__(self) -> str:
        return f"<cxjf.DrawCounts draws {self.first_draw}..{self.first_draw + self.draws - 1} over {self._parts[2]} values>"


def draw_counts(snapshot: Any, draws: int = 1000, *, spread: float = 0.25, concentration: float = 0.0, seed: int = 1,
                first_draw: int = 0, ties: Sequence[str] = (), missing: Sequence[str] = (),
                threads: int = 0) -> DrawCounts:
    """Pass 1 of :func:`rank_bands` for draws ``first_draw`` ..
    ``first_draw + draws - 1`` (the same options as rank_bands)."""
    return DrawCounts(_core.draw_counts(snapshot._core, int(draws), int(first_draw), int(seed), float(spread),
                                        float(concentration), int(threads), ",".join(ties), ",".join(missing)))


def merge_draw_counts(parts: Sequence[DrawCounts]) -> DrawCounts:
    """Batches of draw counts joined in draw order (in any order given);
    :class:`cxjf.CxjfError` unless they follow one another."""
    return DrawCounts(_core.merge_draw_counts([p._parts for p in parts]))


def draw_weights(model: Any, draw: int, *, spread: float = 0.25, concentration: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """The weights of draw `draw`: stages by indicators (0 for input-only)."""
    m = Model.load(model)
    w = _core.draw_weights(m._core, int(draw), int(seed), float(spread), float(concentration))
    doc = m.to_dict()
    stages = [s["id"] for s in doc["stages"]]
    ids = [i["id"] for i in doc["indicators"]]
    return pd.DataFrame(np.asarray(w).reshape(len(stages), len(ids)), index=stages, columns=ids)


def rank_sensitivity(snapshot: Any, samples: int = 64, *, spread: float = 0.25, seed: int = 1,
                     ties: Sequence[str] = (), missing: Sequence[str] = (), threads: int = 0) -> pd.DataFrame:
    """First-order and total sensitivity indices of the national rank and of
    list membership to each scored indicator's weights, and to the tie rule
    and missing policy when ``ties`` or ``missing`` offer alternatives
    (Saltelli's design, Jansen's estimators, over `samples` rows: samples x
    (inputs + 2) scorings). One row per input: rank_first, rank_total,
    listed_first, listed_total."""
    d = _core.rank_sensitivity(snapshot._core, int(samples), int(seed), float(spread), int(threads), ",".join(ties),
                               ",".join(missing))
    frame = pd.DataFrame({k: d[k] for k in ("rank_first", "rank_total", "listed_first", "listed_total")},
                         index=pd.Index(d["inputs"], name="input"))
    frame.attrs.update(samples=d["samples"], evaluations=d["evaluations"])
    return frame
