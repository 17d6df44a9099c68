"""The whole job as a user runs it, from files on disk to files on disk.

    python benchmarks/compare/end_to_end.py --quick   # 20,000 enterprises, equality checks only
    python benchmarks/compare/end_to_end.py           # 520,000 enterprises, timed

Work items:

- score: the enterprise CSV (`cxjf generate`, 8 % unregistered) to a scores
  CSV. cxjf: its command line, `cxjf score --input --out --snapshot` (which
  also writes the snapshot). DuckDB: `read_csv`, the SQL peer of
  peer_duckdb.py on the registered rows, `COPY ... TO`. pandas: `read_csv`,
  the peer of peer_pandas.py, `to_csv`. The peers write fewer columns than
  cxjf (code, name, region, score, national and province ranks) and no
  snapshot.
- estimate: `cxjf estimate` on a 10,000-row upload against the snapshot the
  score job wrote (loading it, reading the upload, scoring, writing results).
- analyst: Python from `pandas.read_csv` of the same CSV to scores in a
  DataFrame: `cxjf.Table.from_frame`, `Snapshot.build`, `to_frame`, against
  pandas' peer on the frame it read.

Every output is read back and checked equal before anything is timed:
published scores and national and province ranks, per credit code. Timing:
repetitions interleaved, medians; cxjf's own phase lines (reading, fitting and
scoring, writing) are collected too. `--write` puts the table into
benchmarks/results/compare.md (the section after its "The whole job" heading)
and prints the phases.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import cxjf  # noqa: E402
import estimation  # noqa: E402
import exact  # noqa: E402
import peer_duckdb  # noqa: E402
import peer_pandas  # noqa: E402
from run import Checks, first_row_difference  # noqa: E402

ROOT = HERE.parents[1]
SEED = 42
UPLOAD_ROWS = 10_000
UPLOAD_SEED = 7
# The template's attribute headers (docs/input.md) and the peers' names.
ATTRIBUTES = {"统一社会信用代码": "credit_code", "企业名称": "name", "行政区划代码": "region_code", "国家高新区": "zone",
              "孵化器": "incubator", "一级行业": "industry", "技术领域": "tech_fields", "企业资质": "qualifications",
              "负面清单": "negatives", "成立日期": "founded", "是否入统": "registered", "发展阶段": "stage"}
TEXT = ["credit_code", "name", "zone", "incubator", "industry", "tech_fields", "qualifications", "negatives",
        "registered", "stage"]


def cli() -> str:
    for candidate in (os.environ.get("CXJF_CLI"), str(ROOT / "build" / "cxjf"), shutil.which("cxjf")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("the cxjf program is not built: run `make` or set CXJF_CLI")


def industries() -> list[str]:
    """The 20 GB/T 4754 sections in letter order, as the CSV names them."""
    return list(cxjf.generate(1, seed=1).to_frame()["industry"].cat.categories)


def header_map(csv: pathlib.Path, md: dict) -> dict[str, str]:
    """CSV header -> the peers' column name."""
    names = dict(ATTRIBUTES)
    for ind in md["indicators"]:
        names[f"{ind['name_zh']}({ind['unit']})" if ind.get("unit") else ind["name_zh"]] = ind["id"]
    with open(csv, encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(",")
    return {h: names[h] for h in header}


def units_text(units: np.ndarray, decimals: int) -> pd.Series:
    """Published units as the published text (7058 -> '70.58')."""
    u = pd.Series(units, dtype="int64")
    scale = 10 ** decimals
    return (u // scale).astype(str) + "." + (u % scale).astype(str).str.zfill(decimals)


# -- the three score jobs ------------------------------------------------------

def cxjf_job(csv: pathlib.Path, out: pathlib.Path, snap: pathlib.Path, threads: int = 0) -> str:
    r = subprocess.run([cli(), "score", "--input", str(csv), "--out", str(out), "--snapshot", str(snap),
                        "--threads", str(threads)], capture_output=True, text=True, check=True)
    return r.stderr


def pandas_frame(csv: pathlib.Path, names: dict[str, str], sections: list[str]) -> pd.DataFrame:
    """The registered enterprises of the CSV in the shape peer_pandas reads."""
    frame = pd.read_csv(csv, encoding="utf-8-sig", dtype={h: str for h, c in names.items() if c in TEXT})
    frame = frame.rename(columns=names)
    frame = frame[frame["registered"] == "是"].reset_index(drop=True)
    for c in ("qualifications", "negatives"):
        frame[c] = frame[c].fillna("")
    frame["industry"] = pd.Categorical(frame["industry"], categories=sections)
    return frame


def pandas_job(csv: pathlib.Path, out: pathlib.Path, md: dict, names: dict[str, str], sections: list[str]) -> None:
    frame = pandas_frame(csv, names, sections)
    res = peer_pandas.fit_score(frame, md)
    d = int(md["scale"].get("decimals", 2))
    result = pd.DataFrame({"credit_code": frame["credit_code"], "name": frame["name"],
                           "region_code": frame["region_code"], "units": res["units"],
                           "rank_national": res["rank_national"], "rank_province": res["rank_province"]})
    result = result.sort_values(["units", "credit_code"], ascending=[False, True])
    result.insert(3, "score", units_text(result["units"].to_numpy(), d).to_numpy())
    result.drop(columns="units").to_csv(out, index=False, encoding="utf-8-sig")


def duckdb_job(con, csv: pathlib.Path, out: pathlib.Path, md: dict, names: dict[str, str], sections: list[str],
               sql: str) -> None:
    ids = [ind["id"] for ind in md["indicators"]]
    types = ", ".join(f"'{h}': 'VARCHAR'" for h, c in names.items() if c in TEXT)
    select = ", ".join(f'"{h}" AS {c}' for h, c in names.items())
    con.execute(f"CREATE OR REPLACE TABLE raw AS SELECT {select} FROM read_csv('{csv}', header = true, "
                f"types = {{{types}}})")
    section_list = "[" + ", ".join(peer_duckdb.q(s) for s in sections) + "]"
    con.execute(f"""CREATE OR REPLACE TABLE t AS
        SELECT (row_number() OVER (ORDER BY rowid) - 1)::BIGINT AS rid, credit_code, name,
               region_code::BIGINT AS region_code,
               coalesce(list_position({section_list}, industry) - 1, -1)::BIGINT AS ind,
               coalesce(qualifications, '') AS qualifications, coalesce(negatives, '') AS negatives,
               {", ".join(f"{i}::DOUBLE AS {i}" for i in ids)}
        FROM raw WHERE registered = '是'""")
    res = con.execute(sql).df()
    units = res["units"].to_numpy().copy()
    near = np.flatnonzero(res["near"].to_numpy())
    if len(near):
        # Within rounding distance of a boundary: the exact total, as the peer does.
        d = int(md["scale"].get("decimals", 2))
        # NULL (missing) comes back masked: NaN, as the peer reads it.
        values = {k: np.ma.filled(np.ma.asarray(v, dtype=float), np.nan)
                  for k, v in con.execute(f"SELECT {', '.join(ids)} FROM t ORDER BY rid").fetchnumpy().items()}
        texts = con.execute("SELECT rid, qualifications, negatives FROM t WHERE rid IN (SELECT unnest(?))",
                            [near.tolist()]).df().set_index("rid")
        g, st = res["grp"].to_numpy(), res["st"].to_numpy()
        for i in near:
            t = exact.exact_total(md, values, int(i), peer_pandas.members(g, st, int(i)), int(st[i]),
                                  str(texts.loc[i, "qualifications"]), str(texts.loc[i, "negatives"]))
            units[i] = exact.round_units(t, d)
    pub = pd.DataFrame({"rid": res["rid"].to_numpy(), "units": units})
    con.register("pub", pub)
    d = int(md["scale"].get("decimals", 2))
    scale = 10 ** d
    con.execute(f"""COPY (
        SELECT t.credit_code, t.name, t.region_code,
               (p.units // {scale})::VARCHAR || '.' || lpad((p.units % {scale})::VARCHAR, {d}, '0') AS score,
               rank() OVER (ORDER BY p.units DESC) AS rank_national,
               rank() OVER (PARTITION BY t.region_code // 10000 ORDER BY p.units DESC) AS rank_province
        FROM t JOIN pub p USING (rid) ORDER BY p.units DESC, t.credit_code) TO '{out}' (HEADER, DELIMITER ',')""")
    con.unregister("pub")


def read_scores(path: pathlib.Path) -> pd.DataFrame:
    f = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return f[["credit_code", "score", "rank_national", "rank_province"]].sort_values("credit_code").reset_index(drop=True)


# -- the analyst's path --------------------------------------------------------

def analyst_cxjf(csv: pathlib.Path, model) -> pd.DataFrame:
    frame = pd.read_csv(csv, encoding="utf-8-sig", dtype={"统一社会信用代码": str, "行政区划代码": str})
    return cxjf.Snapshot.build(cxjf.Table.from_frame(frame, model)).to_frame()


def analyst_pandas(csv: pathlib.Path, md: dict, names: dict[str, str], sections: list[str]) -> pd.DataFrame:
    return peer_pandas.fit_score(pandas_frame(csv, names, sections), md)


# -- the run -------------------------------------------------------------------

PHASES = {"reading": "read", "fitting and scoring": "fit + score", "writing snapshot": "write snapshot",
          "writing": "write scores"}


def phases(stderr: str) -> dict[str, float]:
    """cxjf's progress lines ('reading x.csv ... 812 ms') as seconds per phase."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"(.*?) \.\.\. ([\d.]+) (ms|s)$", line.strip())
        if not m:
            continue
        seconds = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
        for prefix, name in PHASES.items():
            if m.group(1).startswith(prefix):
                out[name] = seconds
                break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 enterprises, equality checks only")
    parser.add_argument("--n", type=int, default=520_000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/results/compare.md")
    args = parser.parse_args()
    n = 20_000 if args.quick else args.n
    model = cxjf.Model.default()
    md = model.to_dict()
    sections = industries()
    checks = Checks()
    report = checks.report

    def difference(ref: pd.DataFrame, got: pd.DataFrame) -> str | None:
        return first_row_difference(ref, got, list(ref.columns))

    with tempfile.TemporaryDirectory(prefix="cxjf-e2e-") as tmp:
        d = pathlib.Path(tmp)
        csv, upload = d / "enterprises.csv", d / "upload.csv"
        subprocess.run([cli(), "generate", "--n", str(n), "--seed", str(SEED), "--out", str(csv)], check=True,
                       capture_output=True)
        upload.write_bytes(estimation.upload_bytes(UPLOAD_ROWS, UPLOAD_SEED))
        names = header_map(csv, md)
        sql = peer_duckdb.score_sql(md)
        cons = {"duckdb": duckdb.connect(), "duckdb-1t": duckdb.connect()}
        cons["duckdb-1t"].execute("SET threads = 1")
        out = {k: d / f"scores-{k}.csv" for k in ("cxjf", "cxjf-1t", "pandas", "duckdb", "duckdb-1t")}
        snap = d / "enterprises.snap"
        jobs = {
            "cxjf": lambda: cxjf_job(csv, out["cxjf"], snap),
            "cxjf-1t": lambda: cxjf_job(csv, out["cxjf-1t"], d / "one-thread.snap", threads=1),
            "pandas": lambda: pandas_job(csv, out["pandas"], md, names, sections),
            "duckdb": lambda: duckdb_job(cons["duckdb"], csv, out["duckdb"], md, names, sections, sql),
            "duckdb-1t": lambda: duckdb_job(cons["duckdb-1t"], csv, out["duckdb-1t"], md, names, sections, sql),
        }
        estimate = [cli(), "estimate", "--snapshot", str(snap), "--input", str(upload), "--out", str(d / "est.csv")]

        print(f"== the whole job, {n:,} enterprises ==", flush=True)
        for job in jobs.values():
            job()
        ref = read_scores(out["cxjf"])
        for name in ("cxjf-1t", "pandas", "duckdb", "duckdb-1t"):
            report(f"score {name} == cxjf (scores CSV read back: score, national and province ranks)",
                   difference(ref, read_scores(out[name])))
        report("cxjf-1t snapshot == cxjf snapshot (byte for byte)",
               None if (d / "one-thread.snap").read_bytes() == snap.read_bytes() else "the files differ")
        subprocess.run(estimate, check=True, capture_output=True)
        est = pd.read_csv(d / "est.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        report(f"estimate: one result row per upload row ({UPLOAD_ROWS:,})",
               None if len(est) == UPLOAD_ROWS else f"{len(est)} rows")
        mine = analyst_cxjf(csv, model)
        theirs = analyst_pandas(csv, md, names, sections)
        ref_units = pd.DataFrame({"credit_code": mine["credit_code"].astype(str),
                                  "units": np.rint(mine["score"].astype(float).to_numpy()
                                                   * 10 ** int(md["scale"].get("decimals", 2))).astype(np.int64)}
                                 ).sort_values("credit_code").reset_index(drop=True)
        got_units = pd.DataFrame({"credit_code": theirs["credit_code"].astype(str),
                                  "units": theirs["units"].astype(np.int64)}).sort_values("credit_code").reset_index(
                                      drop=True)
        report("analyst: cxjf from a pandas frame == pandas peer (scores)", difference(ref_units, got_units))
        if args.quick or checks.failed:
            print(f"\n{checks.passed} passed, {checks.failed} failed")
            return 1 if checks.failed else 0

        timed = dict(jobs)
        timed["cxjf estimate"] = lambda: subprocess.run(estimate, check=True, capture_output=True)
        timed["analyst cxjf"] = lambda: analyst_cxjf(csv, model)
        timed["analyst pandas"] = lambda: analyst_pandas(csv, md, names, sections)
        times: dict[str, list[float]] = {k: [] for k in timed}
        cxjf_phases: dict[str, list[float]] = {}
        for _ in range(args.repetitions):
            for name, job in timed.items():
                t0 = time.perf_counter()
                result = job()
                times[name].append(time.perf_counter() - t0)
                if name == "cxjf":
                    for phase, s in phases(result).items():
                        cxjf_phases.setdefault(phase, []).append(s)
        med = {k: statistics.median(v) for k, v in times.items()}
        for k, v in med.items():
            print(f"  {k:16s} median {v:8.3f} s ({args.repetitions} reps)")
        phase_med = {k: statistics.median(v) for k, v in cxjf_phases.items()}
        print("  cxjf phases: " + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in phase_med.items()))
        print(f"  snapshot {snap.stat().st_size / 1e6:.1f} MB, CSV {csv.stat().st_size / 1e6:.1f} MB")
        if args.write:
            write(n, args.repetitions, med, phase_med, snap.stat().st_size, csv.stat().st_size)
    print(f"\n{checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


def write(n: int, reps: int, med: dict, phase_med: dict, snap_bytes: int, csv_bytes: int) -> None:
    path = ROOT / "benchmarks" / "results" / "compare.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = text.split("\n## The whole job\n")[0].rstrip("\n")

    def t(k):
        return f"{med[k]:.2f} s"

    lines = ["", "## The whole job", "",
             f"Generated by `python benchmarks/compare/end_to_end.py --write`: {n:,} generated enterprises "
             f"(8 % unregistered), a {csv_bytes / 1e6:.0f} MB CSV on disk, medians of {reps} interleaved repetitions, "
             "each a fresh process for cxjf. Every output was read back and checked equal first (scores, national and "
             "province ranks). cxjf writes all its columns and the snapshot "
             f"({snap_bytes / 1e6:.0f} MB); the peers write six columns and no snapshot.", "",
             "| job | cxjf | cxjf 1t | pandas | DuckDB | DuckDB 1t | cxjf/pandas | cxjf/DuckDB | cxjf 1t/DuckDB 1t |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| CSV to scores CSV | {t('cxjf')} | {t('cxjf-1t')} | {t('pandas')} | {t('duckdb')} | {t('duckdb-1t')} | "
             f"{med['cxjf'] / med['pandas']:.3f} | {med['cxjf'] / med['duckdb']:.3f} | "
             f"{med['cxjf-1t'] / med['duckdb-1t']:.3f} |",
             f"| read_csv to scores frame (Python) | {t('analyst cxjf')} | — | {t('analyst pandas')} | — | — | "
             f"{med['analyst cxjf'] / med['analyst pandas']:.3f} | — | — |", "",
             "cxjf's phases (its progress lines, medians): " +
             ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in phase_med.items()) + ". "
             f"`cxjf estimate` of a {UPLOAD_ROWS:,}-row upload against that snapshot, end to end (load, read, score, "
             f"write): {med['cxjf estimate']:.2f} s."]
    path.write_text(head + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
