"""Fit + score of the generated national sample (520,000 registered
enterprises x 18 indicators) from Python, against the C++ benchmark.

    python benchmarks/python/fit_score_bench.py [--cxx build/benchmarks/cxjf_bench] [--n 520000]

Measures, as medians of repetitions (as benchmarks/fit_score_bench.cpp does,
the input table is prepared outside the timing):

- core:      Snapshot.build on a cxjf Table, the C++ call through the
             binding (the table handed over without a copy, as the C++
             benchmark moves it); the Python overhead of the binding itself;
- frame:     Snapshot.build(DataFrame): converting the DataFrame's columns to
             a C++ table (every row checked, as the CSV reader checks it)
             plus the fit and score;
- to_frame:  the scores back as a DataFrame (list order, all columns);
- csv:       for scale, what C++ spends reading the same rows from the table
             CSV (read_table_csv).

and, when the C++ benchmark program is given or found, its BM_FitScoreRank
median, and the overheads relative to it.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import cxjf
from cxjf import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]


def median_seconds(run, repetitions: int, setup=lambda: None) -> tuple[float, list[float]]:
    times = []
    for _ in range(repetitions):
        argument = setup()
        start = time.perf_counter()
        result = run(argument)
        times.append(time.perf_counter() - start)
        del result
    return statistics.median(times), times


def cxx_median_ms(program: str, repetitions: int) -> float | None:
    if not program or not os.access(program, os.X_OK):
        return None
    out = subprocess.run(
        [program, "--benchmark_filter=BM_FitScoreRank", f"--benchmark_repetitions={repetitions}",
         "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
        check=True, capture_output=True, text=True).stdout
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            unit = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
            return b["real_time"] * unit
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=520_000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--cxx", default=str(ROOT / "build" / "benchmarks" / "cxjf_bench"),
                        help="the C++ benchmark program (default build/benchmarks/cxjf_bench)")
    args = parser.parse_args()

    model = cxjf.Model.default()
    table = cxjf.generate(args.n, seed=42, model=model, unregistered_share=0.0)
    frame = table.to_frame()
    reps = args.repetitions

    core, core_all = median_seconds(lambda t: _core.Snapshot.build_consuming(model._core, t), reps,
                                    setup=lambda: table._core.copy())
    whole, whole_all = median_seconds(lambda f: cxjf.Snapshot.build(f, model), reps, setup=lambda: frame)
    snap = cxjf.Snapshot.build(table)
    to_frame, _ = median_seconds(lambda s: s.to_frame(), reps, setup=lambda: snap)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sample.csv")
        table.to_csv(path)
        csv, _ = median_seconds(lambda p: _core.read_table_csv(p, model._core), max(1, reps // 2), setup=lambda: path)

    cxx = cxx_median_ms(args.cxx, reps)
    print(f"cxjf {cxjf.__version__}, Python {sys.version.split()[0]}, {args.n:,} enterprises, medians of {reps}")
    print(f"  core      Snapshot.build(Table), no copy        {core * 1e3:8.1f} ms   (runs {', '.join(f'{t*1e3:.0f}' for t in core_all)})")
    print(f"  frame     Snapshot.build(DataFrame)             {whole * 1e3:8.1f} ms   (runs {', '.join(f'{t*1e3:.0f}' for t in whole_all)})")
    print(f"            of which DataFrame -> C++ table       {(whole - core) * 1e3:8.1f} ms")
    print(f"  to_frame  scores back as a DataFrame            {to_frame * 1e3:8.1f} ms")
    print(f"  csv       C++ read_table_csv of the same rows   {csv * 1e3:8.1f} ms   (for scale)")
    if cxx is None:
        print(f"  C++ BM_FitScoreRank: not run ({args.cxx} not found; `make bench` builds it)")
        return 0
    print(f"  C++ BM_FitScoreRank                             {cxx:8.1f} ms")
    print(f"  overhead of the binding (core vs C++)           {(core * 1e3 / cxx - 1) * 100:+7.1f} %   (target < 20 %)")
    print(f"  DataFrame in, fit + score (frame vs C++)        {(whole * 1e3 / cxx - 1) * 100:+7.1f} %")
    print(f"  DataFrame in, fit + score, scores out           {((whole + to_frame) * 1e3 / cxx - 1) * 100:+7.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
