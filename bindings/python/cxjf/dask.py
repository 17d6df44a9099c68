"""cxjf on Dask: the one-machine scores, bit for bit, from a Dask DataFrame
(docs/distributed.md). ``pip install "cxjf[dask]"``.

- :func:`fit`: each partition's registered rows fitted where they lie, the
  summaries merged in a tree (:func:`cxjf.distributed.merge`): the reference
  of one machine, byte for byte.
- :func:`score`: every partition scored against that reference, broadcast
  once; ranks at every level from per-unit counts, no global sort.
- :func:`estimate`: an upload of any size estimated partition by partition
  (an estimate depends on its own row only).
- :func:`rank_bands`: the Monte Carlo of :func:`cxjf.population.rank_bands`
  with its draws and then its rows spread over the workers.

Each returns lazily where Dask does (DataFrames) and computes what must be
known before the next step (the reference, the rank counts).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import pandas as pd

try:
    import dask
    import dask.dataframe as dd
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError('cxjf.dask needs Dask: pip install "cxjf[dask]"') from e

from . import distributed
from .model import Model, ModelLike
from .population import DrawCounts, draw_counts, merge_draw_counts, rank_bands as _rank_bands
from .scoring import Reference, Snapshot

__all__ = ["estimate", "fit", "rank_bands", "score"]


def _shared(obj: Any) -> Any:
    """`obj` as one argument every task reads: scattered to every worker once
    when a distributed client is running, else one node of the graph (never
    a copy per task)."""
    try:
        from dask.distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        return dask.delayed(obj, pure=True)
    # In a list: a dict given to scatter is scattered value by value under
    # its own keys, which the next call's dict would overwrite.
    return dask.delayed(client.scatter([obj], broadcast=True, hash=False)[0])


def _merge_tree(parts: list, merge_fn: Any, model: Model, fan_in: int = 8) -> Any:
    """Delayed merges of delayed summaries, `fan_in` at a time."""
    merge = dask.delayed(merge_fn, pure=True)
    while len(parts) > 1:
        parts = [merge(parts[i:i + fan_in], model) for i in range(0, len(parts), fan_in)]
    return parts[0] if parts else merge([], model)


def fit(frame: "dd.DataFrame", model: ModelLike = None, *, by: Optional[str] = None) -> Union[Reference, Dict[Any, Reference]]:
    """The reference of the registered rows of `frame` (columns named as the
    CSV's): each partition's summary fitted on its worker, merged in a tree;
    equal byte for byte to :func:`cxjf.fit` on all the rows. With `by` (a
    column such as a panel's year), one reference per value, each fitted on
    that value's rows alone."""
    model = Model.load(model)
    if by is None:
        fit_part = dask.delayed(distributed.fit_part, pure=True)
        return _merge_tree([fit_part(p, model) for p in frame.to_delayed()], distributed.merge, model).compute()
    fit_groups = dask.delayed(distributed.fit_groups, pure=True)
    parts = [fit_groups(p, by, model) for p in frame.to_delayed()]
    return _merge_tree(parts, distributed.merge_groups, model).compute()


def score(frame: "dd.DataFrame", model: ModelLike = None, *, reference: Any = None,
          by: Optional[str] = None) -> "dd.DataFrame":
    """The registered rows of `frame` scored as one machine scores them
    (:meth:`cxjf.Snapshot.build`, then ``to_frame(order="table")``'s
    values): a Dask DataFrame with the columns of
    :func:`cxjf.distributed.ranks_meta`, partition by partition in the
    input's order. The reference is fitted first (:func:`fit`) unless given;
    the partitions are scored and their rank counts computed before the
    DataFrame is returned (the scores stay on the workers, persisted).

    With `by` (a panel's year, say), each value's rows are scored and ranked
    as a population of their own, as if each were built alone; the column
    comes first, and `reference` is then a dict of references by value."""
    if reference is None:
        reference = fit(frame, model, by=by)
    ref = _shared(reference)
    if by is None:
        meta = distributed.scores_meta()
        scored = frame.map_partitions(distributed.score_part, ref, meta=meta, align_dataframes=False)
        ranks_model = reference.model
    else:
        meta = distributed.scores_meta()
        meta.insert(0, by, pd.Series(dtype=frame._meta[by].dtype))
        scored = frame.map_partitions(distributed.score_groups, ref, by, meta=meta, align_dataframes=False)
        ranks_model = next(iter(reference.values())).model if reference else Model.load(model)
    # Scored once and kept on the workers: the counts and the ranks both read it.
    scored = scored.persist()
    counts = scored.map_partitions(distributed.rank_counts, by, meta=distributed.rank_counts(distributed.scores_meta()))
    ranks = distributed.rank_table(distributed.merge_rank_counts([counts.compute()]), ranks_model)
    table = _shared(distributed.rank_lookups(ranks))
    out_meta = distributed.with_ranks(meta, ranks.iloc[:0], by)
    return scored.map_partitions(distributed.with_ranks, table, by, meta=out_meta, align_dataframes=False)


def estimate(frame: "dd.DataFrame", snapshot: Snapshot, principal: Any = "torch_center",
             **options: Any) -> Tuple["dd.DataFrame", "dd.DataFrame"]:
    """An upload too large for one machine (columns as the template's),
    estimated against `snapshot` for `principal`, partition by partition:
    (results, errors) as Dask DataFrames, each row's estimate the one a
    single upload of it gives. Errors carry the partition's row number (row
    2 is a partition's first) and a ``partition`` column. `options` are
    those of :meth:`cxjf.Snapshot.estimate`."""
    snap = _shared(snapshot)

    def one(part: pd.DataFrame, snapshot: Snapshot, which: str, partition_info: Optional[dict] = None) -> pd.DataFrame:
        record = snapshot.estimate(part, principal, **options)
        out = record.results if which == "results" else record.errors.copy()
        if which == "errors":
            out.insert(0, "partition", (partition_info or {}).get("number", -1))
        return out

    empty = frame._meta
    meta_record = snapshot.estimate(empty, principal, **options)
    errors_meta = meta_record.errors.copy()
    errors_meta.insert(0, "partition", pd.Series(dtype="int64"))
    results = frame.map_partitions(one, snap, "results", meta=meta_record.results, align_dataframes=False)
    errors = frame.map_partitions(one, snap, "errors", meta=errors_meta, align_dataframes=False)
    return results, errors


def rank_bands(snapshot: Snapshot, draws: int = 1000, *, batches: int = 8, row_blocks: int = 8,
               ties: Sequence[str] = (), missing: Sequence[str] = (), **options: Any) -> pd.DataFrame:
    """:func:`cxjf.population.rank_bands` spread over the workers: the draws
    counted in `batches` batches (pass 1), then the bands of `row_blocks`
    ranges of rows (pass 2), the snapshot sent to each worker once. The frame
    equals the one-machine call's, bit for bit. `options` are rank_bands'
    (spread, concentration, seed, first_draw, threads per task)."""
    first = int(options.pop("first_draw", 0))
    draws = int(draws)
    snap = dask.delayed(snapshot, pure=True)
    sizes = [draws // batches + (1 if b < draws % batches else 0) for b in range(max(1, min(batches, draws)))]
    count = dask.delayed(draw_counts, pure=True)
    parts, at = [], first
    for size in sizes:
        parts.append(count(snap, size, first_draw=at, ties=ties, missing=missing, **options))
        at += size
    counts: DrawCounts = dask.delayed(merge_draw_counts, pure=True)(parts)
    n = len(snapshot)
    blocks = max(1, min(row_blocks, n))
    edges = [n * b // blocks for b in range(blocks + 1)]
    band = dask.delayed(_rank_bands, pure=True)
    frames = [band(snap, draws, first_draw=first, ties=ties, missing=missing, counts=counts,
                   rows=slice(edges[b], edges[b + 1]), **options) for b in range(blocks)]
    computed = dask.compute(*frames)
    out = pd.concat(computed)
    out.attrs = dict(computed[0].attrs)
    return out
