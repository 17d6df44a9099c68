"""A panel of generated years scored on a local Dask cluster and in one
process, side by side (docs/distributed.md).

    python benchmarks/distributed/panel.py                      # 20 years x 500,000 = 10,000,000 rows
    python benchmarks/distributed/panel.py --years 4 --n 100000 # a quick look

Each year is its own population (generated with its own seed) and is split
into two partitions, so every year's reference is merged from two summaries;
a partition is generated where it is read (twice: the fit pass, then the
scoring pass), so that no worker holds the panel.
Dask: a LocalCluster of `--workers` worker processes of one thread each;
``cxjf.dask.score(..., by="year")``; the rows are generated on the workers
and only per-year sums come back. One process: for each year,
``Snapshot.build`` on the same frame. Both are checked equal before the
figures are printed: every year's reference hash, and per year the count,
the sum of published units and of national ranks. Reported: wall time of
each (generation included in both, as the rows have to come from
somewhere), the ratio, the peak resident memory of each worker and of the
one process, and the bytes of the fit summaries against the bytes of the
rows they summarise.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

import cxjf
from cxjf import distributed


def year_frame(year: int, n: int) -> pd.DataFrame:
    return cxjf.generate(n, seed=1000 + year).to_frame()


def half(year: int, n: int, which: int) -> pd.DataFrame:
    frame = year_frame(year, n)
    cut = len(frame) // 2
    part = frame.iloc[:cut] if which == 0 else frame.iloc[cut:]
    return part.assign(year=year)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarise(scored: pd.DataFrame) -> pd.DataFrame:
    return scored.groupby("year").agg(count=("published_units", "size"), units=("published_units", "sum"),
                                      ranks=("rank_national", "sum"))


def run_dask(years: list[int], n: int, workers: int):
    import dask
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    import cxjf.dask as cd

    # The partitions are generated where they are read, in the fit pass and
    # again in the scoring pass, and never held: the workers' memory is what
    # scoring a partition takes, plus the references of all the years. Text
    # stays as pandas objects (no conversion to Arrow strings).
    dask.config.set({"dataframe.convert-string": False})
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        ddf = dd.from_map(lambda spec: half(spec[0], n, spec[1]), [(y, w) for y in years for w in (0, 1)])
        refs = cd.fit(ddf, by="year")
        scored = cd.score(ddf, reference=refs, by="year")
        sums = scored.map_partitions(summarise).compute().groupby(level=0).sum()
        seconds = time.perf_counter() - start
        peaks = client.run(peak_mb)
    return seconds, refs, sums, sorted(peaks.values())


def run_one(years: list[int], n: int):
    start = time.perf_counter()
    hashes, rows = {}, []
    for y in years:
        snap = cxjf.Snapshot.build(year_frame(y, n))
        hashes[y] = snap.reference.content_hash
        f = snap.to_frame(order="table")
        rows.append(pd.DataFrame({"year": [y], "count": [len(f)], "units": [int(snap.scores.published_units.sum())],
                                  "ranks": [int(f["rank_national"].astype("int64").sum())]}))
    return time.perf_counter() - start, hashes, pd.concat(rows).set_index("year")


def summary_sizes(n: int, parts: int = 8) -> tuple[int, int, int]:
    """Bytes of the fit summaries of one year of `n` rows in `parts`
    partitions, of the merged reference, and of the rows as CSV."""
    frame = year_frame(0, n)
    bounds = np.linspace(0, len(frame), parts + 1).astype(int)
    summaries = [distributed.fit_part(frame.iloc[a:b]).to_bytes() for a, b in zip(bounds[:-1], bounds[1:])]
    merged = distributed.merge([cxjf.Reference.from_bytes(s, cxjf.Model.default()) for s in summaries])
    return sum(len(s) for s in summaries), len(merged.to_bytes()), len(frame.to_csv(index=False).encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--n", type=int, default=500_000, help="rows per year")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--summary-n", type=int, default=520_000, help="rows of the year whose summaries are sized")
    args = parser.parse_args()
    years = list(range(2005, 2005 + args.years))

    dask_s, refs, dask_sums, peaks = run_dask(years, args.n, args.workers)
    one_s, hashes, one_sums = run_one(years, args.n)
    for y in years:
        if refs[y].content_hash != hashes[y]:
            print(f"year {y}: the Dask reference {refs[y].content_hash} is not {hashes[y]}", file=sys.stderr)
            return 1
    if not dask_sums.sort_index().astype("int64").equals(one_sums.sort_index().astype("int64")):
        print("the per-year sums differ:\n", dask_sums, "\n", one_sums, file=sys.stderr)
        return 1
    rows = args.years * args.n
    print(f"{rows:,} rows ({args.years} years x {args.n:,}), equal: references, counts, scores and ranks")
    print(f"  Dask, {args.workers} workers x 1 thread: {dask_s:.1f} s; peak RSS per worker "
          + ", ".join(f"{p:,.0f} MB" for p in peaks))
    print(f"  one process:                  {one_s:.1f} s; peak RSS {peak_mb():,.0f} MB")
    print(f"  ratio Dask / one process: {dask_s / one_s:.2f}")
    summaries, merged, csv = summary_sizes(args.summary_n)
    print(f"  fit summaries of {args.summary_n:,} rows in 8 partitions: {summaries / 1e6:.1f} MB "
          f"(merged reference {merged / 1e6:.1f} MB) against {csv / 1e6:.1f} MB of rows as CSV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
