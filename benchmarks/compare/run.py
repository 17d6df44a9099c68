"""cxjf against pandas and DuckDB on the same work.

    python benchmarks/compare/run.py --quick      # 100,000 rows, equality checks only
    python benchmarks/compare/run.py              # full: 100,000 / 520,000 / 2,000,000, timed

Work items, each done by cxjf, pandas and DuckDB:

- fit + score: fit and score the generated national sample with the default
  model (models/torch-2022.json), publish half-up, competition ranks
  nationally and per province;
- overview: all facets with cross-filter exclusion, one ranking level and
  the first list page for province:440000 with two facet selections
  (电子信息, 稳定期);
- estimation: a 10,000-row upload of new enterprises scored as newcomers
  against the frozen reference, with their would-be ranks.

Before anything is timed, every peer's answer is checked equal to cxjf's:
published scores (integer units of 0.01), national and province ranks;
facet counts, histogram, ranking nodes and the list page; estimated
scores and ranks. A mismatch names the first differing enterprise and fails
the run (exit status 1). The quick mode prints `N passed, 0 failed` last.

Timing: repetitions interleaved (cxjf, cxjf 1 thread, pandas, DuckDB, DuckDB
1 thread, cxjf, ...), medians. cxjf runs fit + score and estimation with its
default threads (one per core) and with threads=1 (checked equal to the
default first); its overview query runs on the calling thread. DuckDB runs
with its default threads and with SET threads = 1. Peak memory is
measured apart, one call in a fresh process per implementation: the rise of
the peak resident set (VmHWM, reset through /proc/self/clear_refs after
malloc_trim) above the resident set at the call's start.
Inputs are prepared outside the timing: cxjf's Table, pandas' DataFrame
(to_frame of the same table), DuckDB's table loaded from that frame; for the
overview the cxjf index, and the peers' joined frame and long tables of the
multi-valued columns; for estimation cxjf's fitted snapshot (whose estimation index is
built by the equality check, as a service builds it once), the pandas
peer's sorted reference and the DuckDB peer's reference tables (one set per
connection), all three taking the same upload CSV bytes.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import pathlib
import platform
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cxjf  # noqa: E402
import estimation  # noqa: E402
import overview  # noqa: E402
import peer_duckdb  # noqa: E402
import peer_pandas  # noqa: E402

ROOT = HERE.parents[1]
SEED = 42
UPLOAD_ROWS = 10_000
UPLOAD_SEED = 7


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def report(self, name: str, problem: str | None) -> None:
        if problem is None:
            self.passed += 1
            print(f"  ok    {name}", flush=True)
        else:
            self.failed += 1
            print(f"  FAIL  {name}: {problem}", flush=True)


def first_row_difference(ref: pd.DataFrame, got: pd.DataFrame, columns) -> str | None:
    if len(ref) != len(got):
        return f"{len(got)} rows, cxjf has {len(ref)}"
    for col in columns:
        a, b = ref[col].to_numpy(), got[col].to_numpy()
        bad = np.flatnonzero(a != b)
        if len(bad):
            i = int(bad[0])
            return (f"{len(bad)} rows differ in {col}; first: enterprise {ref['credit_code'].iloc[i]} (row {i}): "
                    f"cxjf {a[i]!r}, peer {b[i]!r}")
    return None


def peak_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure(fn):
    """(seconds, peak MB above the start, result)"""
    gc.collect()
    can = peak_reset()
    rss0 = status_kb("VmRSS")
    t0 = time.perf_counter()
    result = fn()
    dt = time.perf_counter() - t0
    peak = (status_kb("VmHWM") - rss0) / 1024 if can else float("nan")
    return dt, peak, result


def duck(threads: int | None):
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    return con


def setup(n: int, model: cxjf.Model):
    table = cxjf.generate(n, seed=SEED, unregistered_share=0.0, model=model)
    snap = cxjf.Snapshot.build(table)
    frame = snap.table.to_frame()
    return table, snap, frame


def cxjf_frame(snap) -> pd.DataFrame:
    sc = snap.scores
    return pd.DataFrame({"credit_code": snap.table.to_frame()["credit_code"].to_numpy(),
                         "units": sc.published_units.astype(np.int64),
                         "rank_national": sc.rank("national").astype(np.int64),
                         "rank_province": sc.rank("province").astype(np.int64)})


class Work:
    """The inputs and the three implementations of each work item at one size."""

    def __init__(self, n: int, model: cxjf.Model, md: dict) -> None:
        self.table, self.snap, self.frame = setup(n, model)
        table, snap, frame = self.table, self.snap, self.frame
        self.ref = cxjf_frame(snap)
        cons = {"duckdb": duck(None), "duckdb-1t": duck(1)}
        sql = peer_duckdb.score_sql(md)
        for con in cons.values():
            peer_duckdb.load(con, frame, md)
        self.fit_score = {
            "cxjf": lambda: cxjf.Snapshot.build(table),
            "cxjf-1t": lambda: cxjf.Snapshot.build(table, threads=1),
            "pandas": lambda: peer_pandas.fit_score(frame, md),
            "duckdb": lambda: peer_duckdb.fit_score(cons["duckdb"], frame, md, sql),
            "duckdb-1t": lambda: peer_duckdb.fit_score(cons["duckdb-1t"], frame, md, sql),
        }
        index = snap.index
        base, tech, qual = overview.prepare(snap)
        for con in cons.values():
            overview.duckdb_load(con, base, tech, qual)
        self.overview = {
            "cxjf": lambda: overview.cxjf_query(index),
            "pandas": lambda: overview.pandas_query(base, tech, qual),
            "duckdb": lambda: overview.duckdb_query(cons["duckdb"], base.attrs),
            "duckdb-1t": lambda: overview.duckdb_query(cons["duckdb-1t"], base.attrs),
        }
        units = snap.scores.published_units.astype(np.int64)
        eref = estimation.Reference(frame, units, md)
        dref = {name: estimation.DuckReference(con, frame, units, md) for name, con in cons.items()}
        data = estimation.upload_bytes(UPLOAD_ROWS, UPLOAD_SEED)
        self.estimation = {"cxjf": lambda: estimation.cxjf_estimate(snap, data),
                           "cxjf-1t": lambda: estimation.cxjf_estimate(snap, data, threads=1),
                           "pandas": lambda: estimation.pandas_estimate(eref, data),
                           "duckdb": lambda: estimation.duckdb_estimate(dref["duckdb"], data),
                           "duckdb-1t": lambda: estimation.duckdb_estimate(dref["duckdb-1t"], data)}

    def ops(self):
        return (("fit+score", self.fit_score), ("overview", self.overview), ("estimation", self.estimation))


def memory_child(op: str, impl: str, n: int) -> float:
    """Peak resident set rise of one call, in a fresh process (run as a child)."""
    import ctypes
    model = cxjf.Model.default()
    w = Work(n, model, model.to_dict())
    fn = dict(w.ops())[op][impl]
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # give the setup's freed heap back first
    except OSError:
        pass
    dt, peak, res = measure(fn)
    return peak


def memory_of(op: str, impl: str, n: int) -> float:
    import subprocess
    out = subprocess.run([sys.executable, str(HERE / "run.py"), "--memory-child", op, impl, str(n)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def run_size(n: int, reps: int, checks: Checks, model: cxjf.Model, md: dict, timed: bool, results: list) -> None:
    print(f"\n== {n:,} enterprises ==", flush=True)
    t0 = time.perf_counter()
    w = Work(n, model, md)
    print(f"  inputs prepared in {time.perf_counter() - t0:.1f} s", flush=True)
    cols = ["units", "rank_national", "rank_province"]
    checks.report(f"fit+score cxjf-1t == cxjf at {n:,} (scores, national and province ranks)",
                  first_row_difference(w.ref, cxjf_frame(w.fit_score["cxjf-1t"]()), cols))
    for name in ("pandas", "duckdb", "duckdb-1t"):
        checks.report(f"fit+score {name} == cxjf at {n:,} (scores, national and province ranks)",
                      first_row_difference(w.ref, w.fit_score[name](), cols))
    ov_ref = overview.normalize_cxjf(w.overview["cxjf"]())
    for name in ("pandas", "duckdb", "duckdb-1t"):
        checks.report(f"overview {name} == cxjf at {n:,} (facet counts, histogram, ranking, list page)",
                      overview.first_difference(ov_ref, w.overview[name]()))
    e_ref = w.estimation["cxjf"]()
    for name in ("cxjf-1t", "pandas", "duckdb", "duckdb-1t"):
        checks.report(f"estimation {name} == cxjf, {UPLOAD_ROWS:,} rows against {n:,} (scores, ranks)",
                      first_row_difference(e_ref, w.estimation[name](), ["credit_code"] + cols))
    if not timed or checks.failed:
        return

    for op, impls in w.ops():
        r = reps if op != "overview" else max(reps, 20)
        times = {k: [] for k in impls}
        for _ in range(r):
            for name, fn in impls.items():
                gc.collect()
                t1 = time.perf_counter()
                res = fn()
                times[name].append(time.perf_counter() - t1)
                del res
        for name in impls:
            med = statistics.median(times[name])
            results.append({"op": op, "impl": name, "n": n, "median_s": med, "reps": r, "peak_mb": float("nan")})
            print(f"  {op:10s} {name:10s} median {med * 1e3:10.2f} ms  ({r} reps)", flush=True)
    del w
    gc.collect()
    for row in results:
        if row["n"] == n:
            row["peak_mb"] = memory_of(row["op"], row["impl"], n)
            print(f"  peak    {row['op']:10s} {row['impl']:10s} +{row['peak_mb']:8.1f} MB", flush=True)


def fmt_t(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def write_results(results: list, out_dir: pathlib.Path, sizes: list[int], reps: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = pd.DataFrame(results)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# cxjf against pandas and DuckDB", "",
             f"Generated by `python benchmarks/compare/run.py` on {datetime.date.today().isoformat()}: "
             f"{platform.system()} {platform.release()}, {platform.machine()}, {os.cpu_count()} logical CPUs, "
             f"Python {platform.python_version()}, cxjf {cxjf.__version__}, pandas {pd.__version__}, "
             f"numpy {np.__version__}, DuckDB {duckdb.__version__}.", "",
             "Every peer's answer was checked equal to cxjf's before timing. Medians of interleaved repetitions "
             f"({reps} for fit + score and estimation, 20 for the overview query). `cxjf`: its default threads "
             "(one per core) for fit + score and estimation, one for the overview query (a query runs on the calling "
             "thread); `cxjf 1t`: `threads=1`. `duckdb`: DuckDB's default threads; `duckdb-1t`: `SET threads = 1`. "
             "Ratio: cxjf time / peer time (below 1: cxjf faster; 0.05 = cxjf 20x faster); the last ratio compares "
             "one thread with one thread. Peak: one call in a fresh process, rise of the peak resident set above the "
             "resident set at the call's start.", ""]
    lines += ["| work | rows | cxjf | cxjf 1t | pandas | DuckDB | DuckDB 1t | cxjf/pandas | cxjf/DuckDB | "
              "cxjf 1t/DuckDB 1t | peak cxjf / pandas / DuckDB / DuckDB 1t (MB) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for op in ("fit+score", "overview", "estimation"):
        for n in sizes:
            sub = df[(df.op == op) & (df.n == n)].set_index("impl")
            if sub.empty:
                continue

            def t(k):
                return fmt_t(sub.loc[k, "median_s"]) if k in sub.index else "—"

            def ratio(k, mine="cxjf"):
                if k not in sub.index or mine not in sub.index:
                    return "—"
                return f"{sub.loc[mine, 'median_s'] / sub.loc[k, 'median_s']:.3f}"

            def pk(k):
                return f"{sub.loc[k, 'peak_mb']:.0f}" if k in sub.index else "—"

            rows = f"{n:,}" if op != "estimation" else f"{UPLOAD_ROWS:,} vs {n:,}"
            lines.append(f"| {op} | {rows} | {t('cxjf')} | {t('cxjf-1t')} | {t('pandas')} | {t('duckdb')} | "
                         f"{t('duckdb-1t')} | {ratio('pandas')} | {ratio('duckdb')} | {ratio('duckdb-1t', 'cxjf-1t')} | "
                         f"{pk('cxjf')} / {pk('pandas')} / {pk('duckdb')} / {pk('duckdb-1t')} |")
    if len(sizes) > 1:
        lo, hi = min(sizes), max(sizes)
        lines += ["", f"Scaling from {lo:,} to {hi:,} rows (x{hi / lo:.0f}): time ratio and the exponent b of "
                  "time ~ n^b (n log n over this range is about b = 1.08).", "",
                  "| work | cxjf | cxjf 1t | pandas | DuckDB | DuckDB 1t |", "| --- | --- | --- | --- | --- | --- |"]
        for op in ("fit+score", "overview", "estimation"):
            cells = []
            for k in ("cxjf", "cxjf-1t", "pandas", "duckdb", "duckdb-1t"):
                a = df[(df.op == op) & (df.n == lo) & (df.impl == k)]["median_s"]
                b = df[(df.op == op) & (df.n == hi) & (df.impl == k)]["median_s"]
                if len(a) and len(b):
                    ratio = float(b.iloc[0] / a.iloc[0])
                    cells.append(f"x{ratio:.1f} (b = {np.log(ratio) / np.log(hi / lo):.2f})")
                else:
                    cells.append("—")
            lines.append(f"| {op} | " + " | ".join(cells) + " |")
    # The whole job's section is end_to_end.py's: kept as it was.
    previous = out_dir / "compare.md"
    tail = ""
    if previous.exists() and "\n## The whole job\n" in previous.read_text(encoding="utf-8"):
        tail = "\n## The whole job\n" + previous.read_text(encoding="utf-8").split("\n## The whole job\n", 1)[1]
    (out_dir / "compare.md").write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for ax, op in zip(axes, ("fit+score", "overview", "estimation")):
        for k, style in (("cxjf", "o-"), ("cxjf-1t", "o--"), ("pandas", "s-"), ("duckdb", "^-"), ("duckdb-1t", "v--")):
            sub = df[(df.op == op) & (df.impl == k)].sort_values("n")
            if len(sub):
                ax.plot(sub["n"], sub["median_s"], style, label=k)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("registered enterprises (rows)")
        ax.set_ylabel("median time (s)")
        ax.set_title(op if op != "estimation" else f"estimation of {UPLOAD_ROWS:,} rows")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "compare.png", dpi=110)
    print(f"\nwrote {out_dir / 'compare.md'} and {out_dir / 'compare.png'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100,000 rows, one repetition, equality checks only")
    parser.add_argument("--sizes", default="100000,520000,2000000")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    parser.add_argument("--memory-child", nargs=3, metavar=("OP", "IMPL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        op, impl, n = args.memory_child
        print(memory_child(op, impl, int(n)))
        return 0
    model = cxjf.Model.default()
    md = model.to_dict()
    checks = Checks()
    results: list = []
    start = time.perf_counter()
    if args.quick:
        run_size(100_000, 1, checks, model, md, timed=False, results=results)
    else:
        sizes = [int(s) for s in args.sizes.split(",")]
        for n in sizes:
            run_size(n, args.repetitions, checks, model, md, timed=True, results=results)
            if checks.failed:
                break
        if not checks.failed:
            write_results(results, pathlib.Path(args.out), sizes, args.repetitions)
    print(f"\n{time.perf_counter() - start:.1f} s")
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
