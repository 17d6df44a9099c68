"""Exact scoring of partitioned data, engine-free (docs/distributed.md).

The pieces :mod:`cxjf.dask` and :mod:`cxjf.spark` put on their engines, for
any engine that hands out pandas partitions:

- :func:`fit_part` fits one partition's registered rows: a
  :class:`~cxjf.Reference` that is the partition's exact summary (each finest
  peer group's size and sorted values), and :func:`merge` merges such
  summaries, in any order and grouping, into the reference one machine fits
  on all the rows, byte for byte.
- :func:`score_part` scores one partition's registered rows as members of
  the merged (broadcast) reference: the one-machine scores.
- Ranks need no global sort: a row's rank in its unit is 1 + the rows of
  the unit publishing a higher score (competition ranking; the number of
  distinct higher scores under dense ranking). :func:`rank_counts` counts a
  partition's rows per unit and published score, :func:`merge_rank_counts`
  adds the partitions' counts, :func:`rank_table` turns them into each
  published score's rank, and :func:`with_ranks` puts the ranks on a
  partition's scores.

The list order of one machine (published score, then exact total,
descending, then credit code) is ``sort_values(["score", "total",
"credit_code"], ascending=[False, False, True])`` on the scores. This module
imports no engine.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from .model import Model, ModelLike
from .scoring import RANK_LEVELS, Reference, fit, score
from .table import Table

__all__ = ["RANK_LEVELS", "fit_groups", "fit_part", "merge", "merge_groups", "merge_rank_counts", "rank_counts",
           "rank_lookups", "rank_table", "ranks_meta", "score_groups", "score_part", "scores_meta", "with_ranks"]

# The columns of score_part, with their dtypes (what an engine needs to know
# of a partition before it runs).
_SCORE_COLUMNS: dict[str, str] = {
    "credit_code": "object",
    "name": "object",
    "region_code": "int32",
    "zone": "object",
    "incubator": "object",
    "stage": "object",
    "peer_group": "object",
    "peer_group_id": "int32",
    "score": "float64",
    "published_units": "int64",
    "total": "float64",
    "grade": "object",
    "base": "float64",
    "bonus": "float64",
    "deduction": "float64",
    "veto": "bool",
}


def fit_part(frame: pd.DataFrame, model: ModelLike = None) -> Reference:
    """The reference of one partition's registered rows (columns named as
    the CSV's, as :meth:`cxjf.Table.from_frame` reads them): its exact
    summary for :func:`merge`. An empty partition gives an empty summary."""
    model = Model.load(model)
    return fit(Table.from_frame(frame, model), model)


def merge(parts: Iterable[Reference], model: ModelLike = None) -> Reference:
    """The reference fitted on all the partitions' rows, from their
    :func:`fit_part` summaries (or merges of them): equal byte for byte and
    by content hash, whatever the order and grouping."""
    parts = list(parts)
    model = Model.load(model if model is not None else (parts[0].model if parts else None))
    return Reference(_core.merge_references(model._core, [p._core for p in parts]), model)


def fit_groups(frame: pd.DataFrame, by: str, model: ModelLike = None) -> Dict[Any, Reference]:
    """:func:`fit_part` of each group of one partition (the rows sharing a
    value of column `by`: a panel's years, each its own population)."""
    model = Model.load(model)
    return {key: fit_part(rows.drop(columns=[by]), model) for key, rows in frame.groupby(by, sort=True)}


def merge_groups(parts: Iterable[Dict[Any, Reference]], model: ModelLike = None) -> Dict[Any, Reference]:
    """:func:`merge` group by group: each group's reference from the
    partitions' :func:`fit_groups`."""
    model = Model.load(model)
    pooled: Dict[Any, list] = {}
    for part in parts:
        for key, ref in part.items():
            pooled.setdefault(key, []).append(ref)
    return {key: merge(refs, model) for key, refs in sorted(pooled.items(), key=lambda kv: str(kv[0]))}


def score_groups(frame: pd.DataFrame, references: Dict[Any, Reference], by: str) -> pd.DataFrame:
    """:func:`score_part` of each group of one partition against its own
    group's reference, with the group in column `by` first; rows grouped,
    partition order within a group."""
    frames = []
    for key, rows in frame.groupby(by, sort=True):
        if key not in references:
            raise KeyError(f"no reference for {by} = {key!r}")
        scored = score_part(rows.drop(columns=[by]), references[key])
        scored.insert(0, by, key)
        frames.append(scored)
    if not frames:
        meta = scores_meta()
        meta.insert(0, by, pd.Series(dtype=frame[by].dtype if by in frame else object))
        return meta
    return pd.concat(frames, ignore_index=True)


def scores_meta() -> pd.DataFrame:
    """An empty frame with the columns and dtypes of :func:`score_part`."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _SCORE_COLUMNS.items()})


def _labels(codes: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Codes (-1 for none) as an object array of labels (None for none)."""
    table = np.asarray(list(names) + [None], dtype=object)
    return table[np.where(np.asarray(codes) < 0, len(names), codes)]


def score_part(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """One partition's registered rows, in partition order, scored as members
    of `reference` (the merged one): the scores one machine gives them, with
    their rank units (region code, zone, incubator, peer group). Columns as
    :func:`scores_meta`; no ranks yet (:func:`with_ranks`)."""
    model = reference.model
    table = Table.from_frame(frame, model)
    if len(table) == 0:
        return scores_meta()
    scores = score(table, reference)
    core, tcore = scores._core, table._core
    rows = np.flatnonzero(np.asarray(tcore.registered) != 0).astype(np.int64)
    zone_codes, zone_names = tcore.codes("zone")
    incubator_codes, incubator_names = tcore.codes("incubator")
    stage = np.asarray(core.stage)[rows]
    group = np.asarray(core.peer_group)[rows]
    out = pd.DataFrame({
        "credit_code": np.asarray(tcore.strings("credit_code", rows), dtype=object),
        "name": np.asarray(tcore.strings("name", rows), dtype=object),
        "region_code": np.asarray(tcore.region, dtype=np.int32)[rows],
        "zone": _labels(np.asarray(zone_codes)[rows], zone_names),
        "incubator": _labels(np.asarray(incubator_codes)[rows], incubator_names),
        "stage": _labels(stage, model.stage_names),
        "peer_group": _labels(group, reference.group_labels),
        "peer_group_id": group.astype(np.int32),
        "score": np.asarray(core.published_units)[rows] / 10.0 ** core.decimals,
        "published_units": np.asarray(core.published_units, dtype=np.int64)[rows],
        "total": np.asarray(core.total)[rows],
        "grade": _labels(np.asarray(core.grade)[rows], model.grade_ids),
        "base": np.asarray(core.base)[rows],
        "bonus": np.asarray(core.bonus)[rows],
        "deduction": np.asarray(core.deduction)[rows],
        "veto": np.asarray(core.veto, dtype=bool)[rows],
    })
    return out


def _units(scored: pd.DataFrame, level: str, by: Optional[str] = None) -> pd.Series:
    """Each row's unit at `level` as text, None where it has none (its rank
    is then NA); with `by`, units of different groups (years of a panel)
    are different units."""
    unit = _level_units(scored, level)
    if by is None:
        return unit
    return (scored[by].astype(str).astype(object) + "|" + unit.fillna("")).where(unit.notna(), None)


def _level_units(scored: pd.DataFrame, level: str) -> pd.Series:
    region = scored["region_code"].astype(np.int64)
    if level == "national":
        return pd.Series("", index=scored.index, dtype=object)
    if level == "province":
        return (region // 10000).astype(str).astype(object)
    if level == "city":
        return (region // 100).astype(str).astype(object).where(region % 10000 != 0, None)
    if level == "county":
        return region.astype(str).astype(object).where(region % 100 != 0, None)
    if level == "zone":
        return scored["zone"].astype(object).where(scored["zone"].notna(), None)
    if level == "incubator":
        return scored["incubator"].astype(object).where(scored["incubator"].notna(), None)
    if level == "peer_group":
        group = scored["peer_group_id"].astype(np.int64)
        return group.astype(str).astype(object).where(group >= 0, None)
    raise ValueError(f"unknown rank level {level!r}; levels are {', '.join(RANK_LEVELS)}")


_COUNT_COLUMNS = {"level": "object", "unit": "object", "published_units": "int64", "count": "int64"}


def rank_counts(scored: pd.DataFrame, by: Optional[str] = None) -> pd.DataFrame:
    """A partition's rows counted per level, unit and published score
    (columns level, unit, published_units, count): what crosses the network
    for ranks, at most one line per unit and distinct score. With `by`,
    each group (a panel's year) ranks apart."""
    frames = []
    for level in RANK_LEVELS:
        unit = _units(scored, level, by)
        part = pd.DataFrame({"unit": unit, "published_units": scored["published_units"].astype(np.int64)})
        part = part[part["unit"].notna()]
        counted = part.groupby(["unit", "published_units"], sort=False).size().rename("count").reset_index()
        counted.insert(0, "level", level)
        frames.append(counted)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.astype(_COUNT_COLUMNS) if len(out) else pd.DataFrame({c: pd.Series(dtype=t) for c, t in _COUNT_COLUMNS.items()})


def merge_rank_counts(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' :func:`rank_counts` added up."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _COUNT_COLUMNS.items()})
    both = pd.concat(frames, ignore_index=True)
    return both.groupby(["level", "unit", "published_units"], sort=False)["count"].sum().reset_index()


def rank_table(counts: pd.DataFrame, model: ModelLike = None) -> pd.DataFrame:
    """Each level's, unit's and published score's rank (columns level, unit,
    published_units, rank) from the counts of all the rows: 1 + the rows of
    the unit publishing more (competition), or 1 + the distinct scores above
    (dense), as `model` ranks ties."""
    dense = Model.load(model).to_dict().get("rank_ties") == "dense"
    c = counts.sort_values(["level", "unit", "published_units"], ascending=[True, True, False], kind="stable")
    key = [c["level"], c["unit"]]
    if dense:
        above = c.groupby(key, sort=False).cumcount()
    else:
        above = c.groupby(key, sort=False)["count"].cumsum() - c["count"]
    return pd.DataFrame({"level": c["level"].values, "unit": c["unit"].values,
                         "published_units": c["published_units"].values, "rank": (above + 1).astype(np.int32).values})


def rank_lookups(ranks: pd.DataFrame) -> Dict[str, pd.Series]:
    """:func:`rank_table` indexed for lookups, level by level (a Series of
    ranks by unit and published score): built once, read by every
    partition's :func:`with_ranks`."""
    out = {}
    for level in RANK_LEVELS:
        table = ranks[ranks["level"] == level]
        index = pd.MultiIndex.from_arrays([table["unit"].to_numpy(dtype=object),
                                           table["published_units"].to_numpy(dtype=np.int64)])
        out[level] = pd.Series(table["rank"].to_numpy(dtype=np.int32), index=index)
    return out


def with_ranks(scored: pd.DataFrame, ranks: Any, by: Optional[str] = None) -> pd.DataFrame:
    """A partition's scores with rank_<level> for every level (nullable
    Int32, NA where the row has no unit at that level), from
    :func:`rank_table` of all the rows (counted with the same `by`), or its
    :func:`rank_lookups`."""
    lookups = ranks if isinstance(ranks, dict) else rank_lookups(ranks)
    out = scored.copy()
    units = scored["published_units"].to_numpy(dtype=np.int64)
    for level in RANK_LEVELS:
        lookup = lookups[level]
        unit = _units(scored, level, by)
        has_unit = unit.notna().to_numpy()
        found = np.zeros(len(out), dtype=np.int32)
        if len(lookup) and has_unit.any():
            keys = pd.MultiIndex.from_arrays([unit.to_numpy(dtype=object)[has_unit], units[has_unit]])
            position = lookup.index.get_indexer(keys)
            found[has_unit] = np.where(position >= 0, lookup.to_numpy()[position], 0)
        out[f"rank_{level}"] = pd.array(found, dtype="Int32")
        out.loc[found == 0, f"rank_{level}"] = pd.NA
    return out


def ranks_meta() -> pd.DataFrame:
    """An empty frame with the columns and dtypes of :func:`with_ranks`."""
    meta = scores_meta()
    for level in RANK_LEVELS:
        meta[f"rank_{level}"] = pd.Series(dtype="Int32")
    return meta
