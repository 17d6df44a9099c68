"""Estimation of an upload against the frozen reference (docs/estimation.md),
cxjf against pandas + numpy searchsorted and against DuckDB SQL.

All three start from the same upload CSV bytes. The pandas peer builds its
reference once (outside the timing, as cxjf's reference is fitted once):
per peer group (stage x industry, stage, nation) and indicator, the sorted
peer values; and the sorted published scores per level for the ranks. A new
enterprise is scored as a newcomer: weak percentile (#{ref <= x} + 1) / (n + 1),
quantile full marks and min-max bounds with its value inserted among the
peers, the group-size test counting it; its ranks are 1 + the registered
enterprises with a strictly higher published score.

The DuckDB peer keeps the same reference as DuckDB tables, loaded once per
connection (DuckReference): per indicator the distinct peer values of every
group with their counts (#{ref <= v}, #{ref < v}) and the sorted values with
their positions, and per level the distinct published scores with the count
of registered enterprises at or above each. One SQL statement then scores the
upload, which DuckDB's read_csv parses: an ASOF join per indicator finds the
largest reference value <= x (its weak count, and where x would be
inserted), equality joins on (group, position) fetch the order statistics a
quantile with the newcomer inserted (or a peer median) interpolates between,
and the ranks are ASOF joins to the smallest strictly higher published
score."""

from __future__ import annotations

import csv
import io
import tempfile

import numpy as np
import pandas as pd

import exact
from peer_duckdb import dbl, method_sql, q, zero_rule
from peer_duckdb import tf as sql_tf
from peer_pandas import finish_totals, peerless_share, stages_of, tf

BOUNDARY = 1e-6  # units: totals this close to x.xx5 are re-scored exactly

ATTR = {"统一社会信用代码": "credit_code", "行政区划代码": "region_code", "一级行业": "industry",
        "企业资质": "qualifications", "负面清单": "negatives", "发展阶段": "stage"}


def upload_bytes(n: int, seed: int) -> bytes:
    import cxjf
    return cxjf.generate(n, seed=seed, unregistered_share=0.0).to_csv()


class Reference:
    def __init__(self, frame: pd.DataFrame, units: np.ndarray, model: dict):
        self.model = model
        self.frame = frame
        st = stages_of(frame, model)
        ind = frame["industry"].cat.codes.to_numpy().astype(np.int64)
        self.industries = list(frame["industry"].cat.categories)
        self.st = st
        self.k0 = st * 1000 + ind + 1
        self.size0 = pd.Series(self.k0).value_counts().to_dict()
        self.size1 = pd.Series(st).value_counts().to_dict()
        self.n = len(frame)
        self.values = {i["id"]: frame[i["id"]].to_numpy(dtype=float) for i in model["indicators"]}
        self.scored = [i for i in model["indicators"] if "category" in i]
        # group key -> row indices
        self.rows: dict[int, np.ndarray] = {}
        for k, idx in pd.Series(np.arange(self.n)).groupby(self.k0).indices.items():
            self.rows[int(k)] = idx
        for k, idx in pd.Series(np.arange(self.n)).groupby(st).indices.items():
            self.rows[100_000 + int(k)] = idx
        self.rows[200_000] = np.arange(self.n)
        self.sorted: dict[tuple[int, str], np.ndarray] = {}
        for key, idx in self.rows.items():
            for ind in self.scored:
                v = self.values[ind["id"]][idx]
                v = np.where(np.isnan(v), 0.0, v) if ind.get("missing", "zero") == "zero" else v[~np.isnan(v)]
                self.sorted[(key, ind["id"])] = np.sort(v)
        self.units_sorted = np.sort(units)
        prov = frame["region_code"].to_numpy() // 10000
        self.prov_units = {int(p): np.sort(units[idx]) for p, idx in pd.Series(np.arange(self.n)).groupby(prov).indices.items()}
        self.codes = pd.Index(frame["credit_code"].to_numpy())
        self.units = units


def q_inserted(S: np.ndarray, v: np.ndarray, ins: np.ndarray, p: float) -> np.ndarray:
    """Type-7 quantile p of S (sorted) with v inserted where ins."""
    n = len(S)
    m = n + ins.astype(np.int64)
    h = (m - 1) * p
    k = np.floor(h).astype(np.int64)
    frac = h - k
    r = np.searchsorted(S, v, "left")

    def at(j):
        j = np.minimum(j, m - 1)
        from_s = np.where(ins & (j > r), j - 1, j)
        val = S[np.clip(from_s, 0, max(n - 1, 0))] if n else np.zeros(len(j))
        return np.where(ins & (j == r), v, val)

    lo = at(k)
    hi = at(k + 1)
    return np.where(k + 1 >= m, lo, lo + frac * (hi - lo))


def pandas_estimate(ref: Reference, data: bytes) -> pd.DataFrame:
    model = ref.model
    up = pd.read_csv(io.BytesIO(data), dtype={"统一社会信用代码": str, "企业资质": str, "负面清单": str, "发展阶段": str,
                                              "一级行业": str}, keep_default_na=False, na_values={})
    cols = {}
    for c in up.columns:
        if c in ATTR:
            cols[c] = ATTR[c]
    for ind in model["indicators"]:
        for c in up.columns:
            if c == ind["name_zh"] or c.startswith(ind["name_zh"] + "("):
                cols[c] = ind["id"]
    up = up.rename(columns=cols)
    for ind in model["indicators"]:
        up[ind["id"]] = pd.to_numeric(up[ind["id"]].replace("", np.nan), errors="coerce")
    up["industry"] = pd.Categorical(up["industry"].replace("", np.nan), categories=ref.industries)
    up["stage"] = up["stage"].replace("", np.nan)
    n = len(up)
    st = stages_of(up, model)
    ind_code = up["industry"].cat.codes.to_numpy().astype(np.int64)
    k0 = st * 1000 + ind_code + 1
    ms = model["peer_groups"].get("min_size", 30)
    s0 = np.array([ref.size0.get(int(k), 0) + 1 for k in k0]) if n else np.zeros(0)
    s1 = np.array([ref.size1.get(int(s), 0) + 1 for s in st]) if n else np.zeros(0)
    g = np.where(s0 >= ms, k0, np.where(s1 >= ms, 100_000 + st, 200_000))
    stage_ids = [s["id"] for s in model["stages"]]
    cats = [c["id"] for c in model["categories"]]
    cat_points = {c: np.zeros(n) for c in cats}
    cat_max = {c: np.zeros(n) for c in cats}
    cat_excl = {c: np.zeros(n) for c in cats}
    groups = pd.Series(np.arange(n)).groupby(g).indices
    for ind in ref.scored:
        i = ind["id"]
        wt = np.asarray([ind["weights"][s] for s in stage_ids], dtype=float)[st]
        cat = ind["category"]
        cat_max[cat] += wt
        x = up[i].to_numpy(dtype=float)
        miss = np.isnan(x)
        pol = ind.get("missing", "zero")
        m, tr = ind["method"], ind.get("transform", "none")
        s = np.zeros(n)
        xv_all = np.zeros(n)
        for key, rows in groups.items():
            S = ref.sorted.get((int(key), i), np.zeros(0))
            xr, mr = x[rows], miss[rows]
            if pol == "zero":
                xv, ins = np.where(mr, 0.0, xr), np.ones(len(rows), dtype=bool)
            elif pol == "peer_median":
                med = float(np.median(S)) if len(S) else 0.0
                xv, ins = np.where(mr, med, xr), ~mr
            else:
                xv, ins = np.where(mr, 0.0, xr), ~mr
            xv_all[rows] = xv
            nn = len(S) + ins
            if m == "percentile":
                weak = np.searchsorted(S, xv, "right") + ins
                strict = np.searchsorted(S, xv, "left")
                ties = ind.get("ties", "weak")
                sr = weak / nn if ties == "weak" else strict / nn if ties == "strict" else (weak + strict) / (2 * nn)
            elif m == "capped_ratio":
                fx = tf(tr, xv)
                if "full_mark" in ind:
                    ff = tf(tr, np.asarray([float(ind["full_mark"])]))[0]
                    sr = np.clip(fx / ff, 0, 1)
                else:
                    ff = q_inserted(tf(tr, S), fx, ins, ind["full_mark_quantile"])
                    with np.errstate(divide="ignore", invalid="ignore"):
                        sr = np.where(ff > 0, np.clip(fx / ff, 0, 1), (fx > 0).astype(float))
            elif m in ("piecewise", "steps", "boolean"):
                sr = peerless_share(ind, xv)
            elif m == "min_max":
                lo_q, hi_q = ind.get("winsorize", [0, 1])
                fx = tf(tr, xv)
                St = tf(tr, S)
                lo, hi = q_inserted(St, fx, ins, lo_q), q_inserted(St, fx, ins, hi_q)
                with np.errstate(divide="ignore", invalid="ignore"):
                    sr = np.where(hi > lo, np.clip((fx - lo) / (hi - lo), 0, 1), (fx >= hi).astype(float))
            else:
                raise NotImplementedError(m)
            s[rows] = sr
        if ind.get("zero_earns_zero"):
            s = np.where(xv_all <= 0, 0.0, s)
        if pol == "exclude":
            s = np.where(miss, 0.0, s)
            cat_excl[cat] += np.where(miss, wt, 0.0)
        cat_points[cat] += wt * s
    total = finish_totals(up, model, cats, cat_points, cat_excl, cat_max)
    d = int(model["scale"].get("decimals", 2))
    scaled = total * 10.0 ** d
    fl = np.floor(scaled)
    frac = scaled - fl
    units = (fl + (frac > 0.5)).astype(np.int64)
    for r in np.flatnonzero(np.abs(frac - 0.5) <= BOUNDARY):
        idx = ref.rows[int(g[r])]
        vals = {i["id"]: np.append(ref.values[i["id"]][idx], float(up[i["id"]].iloc[r])) for i in model["indicators"]}
        t = exact.exact_total(model, vals, len(idx), np.arange(len(idx) + 1), int(st[r]),
                              str(up["qualifications"].iloc[r]), str(up["negatives"].iloc[r]))
        units[r] = exact.round_units(t, d)
    # registered enterprises: their actual score
    pos = ref.codes.get_indexer(up["credit_code"].to_numpy())
    known = pos >= 0
    units = np.where(known, ref.units[np.maximum(pos, 0)], units)
    rank_national = len(ref.units_sorted) - np.searchsorted(ref.units_sorted, units, "right") + 1
    prov = up["region_code"].to_numpy().astype(np.int64) // 10000
    rank_province = np.empty(n, dtype=np.int64)
    for p, rows in pd.Series(np.arange(n)).groupby(prov).indices.items():
        U = ref.prov_units.get(int(p), np.zeros(0, dtype=np.int64))
        rank_province[rows] = len(U) - np.searchsorted(U, units[rows], "right") + 1
    return pd.DataFrame({"credit_code": up["credit_code"].to_numpy(), "units": units, "known": known,
                         "rank_national": rank_national, "rank_province": rank_province})


# -- DuckDB ---------------------------------------------------------------------

def quantiles(ind: dict) -> list[float]:
    """The quantile probabilities an indicator takes among its peers."""
    if ind["method"] == "capped_ratio" and "full_mark" not in ind:
        return [float(ind["full_mark_quantile"])]
    if ind["method"] == "min_max":
        return [float(p) for p in ind.get("winsorize", [0, 1])]
    return []


class DuckReference:
    """The frozen reference as DuckDB tables, loaded once per connection
    (outside the timing, as the pandas peer's sorted arrays are). Groups are
    keyed as in the pandas peer (stage * 1000 + industry + 1, 100000 + stage,
    200000 for the nation) and all of them are kept: an upload row may fall
    back to any. The reference's stages come from stages_of, as the pandas
    peer's do; the upload's are computed in SQL.

    - e_ind (industry, code), e_stage (name, k): the industry codes and stage
      names the pandas peer maps through;
    - e_size (key, n): members of every stage x industry and stage group
      (the group-size test);
    - e_n (key, n_<i> ...): peers per group and indicator (reported values
      only under peer_median and exclude);
    - e_cnt (gk, v, le, lt): per indicator (numbered) and group, gk = ind *
      1000000 + key, the distinct peer values with #{ref <= v} and
      #{ref < v}, for the ASOF join of percentiles and insertion points
      (stored in (gk, v) order, and with one key column: DuckDB's ASOF join
      sorts its right side on every query, and both make that sort cheaper);
    - e_pos (ind, key, pos, v, tv): the sorted peer values (tv transformed)
      by position, for quantiles with insertion and peer medians;
    - e_reg (credit_code, units): registered enterprises' published scores;
    - e_rank_nation (units, ge), e_rank_province (province, units, ge): the
      distinct published scores with #{registered >= units}.

    The indicators share one e_cnt and one e_pos table, so that a query does
    one ASOF join and one position join over narrow long rows (upload row,
    indicator) rather than one join per indicator over the wide upload rows
    (each ASOF join also sorts its whole left side: ten of them took longer
    than the rest of the query)."""

    def __init__(self, con, frame: pd.DataFrame, units: np.ndarray, model: dict):
        self.con = con
        self.model = model
        st = stages_of(frame, model)
        ind = frame["industry"].cat.codes.to_numpy().astype(np.int64)
        self.st = st
        self.k0 = st * 1000 + ind + 1
        self.n = len(frame)
        self.values = {i["id"]: frame[i["id"]].to_numpy(dtype=float) for i in model["indicators"]}
        self.scored = [i for i in model["indicators"] if "category" in i]
        self.counted = [i for i in self.scored if i["method"] == "percentile" or quantiles(i)]
        self.positioned = [i for i in self.scored if quantiles(i) or i.get("missing", "zero") == "peer_median"]
        self.peers = [i for i in self.scored if i in self.counted or i in self.positioned]
        names: dict[str, int] = {}
        for k, s in enumerate(model["stages"]):  # as stages_of maps a written stage
            for key in (s["id"], s["name_zh"], s.get("name_en", "")):
                names[key] = k
                names[key.lower()] = k
        src = pd.DataFrame({
            "rid": np.arange(self.n, dtype=np.int64),
            "st": st, "k0": self.k0,
            "credit_code": frame["credit_code"].to_numpy(),
            "province": frame["region_code"].to_numpy().astype(np.int64) // 10000,
            "units": units.astype(np.int64),
            **{i["id"]: self.values[i["id"]] for i in self.peers},
        })
        tables = {"e_src": src,
                  "e_ind_src": pd.DataFrame({"industry": list(frame["industry"].cat.categories),
                                             "code": np.arange(len(frame["industry"].cat.categories), dtype=np.int64)}),
                  "e_stage_src": pd.DataFrame({"name": list(names), "k": np.asarray(list(names.values()), dtype=np.int64)})}
        for name, t in tables.items():
            con.register(name, t)
        run = con.execute
        run("CREATE OR REPLACE TABLE e_ref AS SELECT * FROM e_src")
        run("CREATE OR REPLACE TABLE e_ind AS SELECT * FROM e_ind_src")
        run("CREATE OR REPLACE TABLE e_stage AS SELECT * FROM e_stage_src")
        for name in tables:
            con.unregister(name)
        run("""CREATE OR REPLACE TEMP TABLE e_key AS
               SELECT rid, k0 AS key FROM e_ref UNION ALL SELECT rid, 100000 + st FROM e_ref
               UNION ALL SELECT rid, 200000 FROM e_ref""")
        run("CREATE OR REPLACE TABLE e_size AS SELECT key, count(*) AS n FROM e_key WHERE key < 200000 GROUP BY key")
        run("CREATE OR REPLACE TEMP TABLE e_n0 AS SELECT DISTINCT key FROM e_key")
        run("CREATE OR REPLACE TABLE e_cnt (gk BIGINT, v DOUBLE, le BIGINT, lt BIGINT)")
        run("CREATE OR REPLACE TABLE e_pos (ind INTEGER, key BIGINT, pos BIGINT, v DOUBLE, tv DOUBLE)")
        for k, ind in enumerate(self.peers):
            i, tr = ind["id"], ind.get("transform", "none")
            peer = f"coalesce(r.{i}, 0)" if ind.get("missing", "zero") == "zero" else f"r.{i}"
            run(f"""CREATE OR REPLACE TEMP TABLE e_one AS
                    SELECT key, row_number() OVER (PARTITION BY key ORDER BY v) - 1 AS pos, v, {sql_tf(tr, 'v')} AS tv
                    FROM (SELECT k.key, {peer} AS v FROM e_key k JOIN e_ref r USING (rid)) WHERE v IS NOT NULL""")
            run(f"""CREATE OR REPLACE TEMP TABLE e_n0 AS
                    SELECT e_n0.*, coalesce(c.n, 0) AS n_{i} FROM e_n0
                    LEFT JOIN (SELECT key, count(*) AS n FROM e_one GROUP BY key) c USING (key)""")
            if ind in self.counted:
                run(f"INSERT INTO e_cnt SELECT {k} * 1000000 + key, v, max(pos) + 1, min(pos) FROM e_one GROUP BY key, v ORDER BY key, v")
            if ind in self.positioned:
                run(f"INSERT INTO e_pos SELECT {k}, key, pos, v, tv FROM e_one ORDER BY key, pos")
        run("CREATE OR REPLACE TABLE e_n AS SELECT * FROM e_n0 ORDER BY key")
        run("DROP TABLE e_n0")
        run("DROP TABLE e_one")
        run("DROP TABLE e_key")
        run("CREATE OR REPLACE TABLE e_reg AS SELECT credit_code, units FROM e_ref")
        run("""CREATE OR REPLACE TABLE e_rank_nation AS
               SELECT units, CAST(sum(count(*)) OVER (ORDER BY units DESC) AS BIGINT) AS ge
               FROM e_ref GROUP BY units ORDER BY units""")
        run("""CREATE OR REPLACE TABLE e_rank_province AS
               SELECT province, units, CAST(sum(count(*)) OVER (PARTITION BY province ORDER BY units DESC) AS BIGINT) AS ge
               FROM e_ref GROUP BY province, units ORDER BY province, units""")
        self.rows: dict[int, np.ndarray] = {}

    def members(self, key: int) -> np.ndarray:
        """Reference rows of a group (for the exact re-scoring of a row)."""
        if key not in self.rows:
            self.rows[key] = (np.flatnonzero(self.k0 == key) if key < 100_000 else
                              np.flatnonzero(self.st == key - 100_000) if key < 200_000 else np.arange(self.n))
        return self.rows[key]

    def upload_sql(self, columns: list[str]) -> str:
        """The upload table `up` (read_csv, all VARCHAR) as typed columns, the
        headers matched as the pandas peer matches them."""
        src: dict[str, str] = {}
        for c in columns:
            if c in ATTR:
                src[ATTR[c]] = c
            for ind in self.model["indicators"]:
                if c == ind["name_zh"] or c.startswith(ind["name_zh"] + "("):
                    src[ind["id"]] = c

        def col(k):
            return '"' + src[k].replace('"', '""') + '"' if k in src else "NULL"

        xs = ", ".join(f"TRY_CAST({col(i['id'])} AS DOUBLE) AS x_{i['id']}" for i in self.model["indicators"])
        return f"""SELECT rowid AS rid, {col('credit_code')} AS credit_code,
                      CAST({col('region_code')} AS BIGINT) AS region_code, {col('industry')} AS industry,
                      {col('stage')} AS stage_text, coalesce({col('qualifications')}, '') AS qualifications,
                      coalesce({col('negatives')}, '') AS negatives, {xs}
                   FROM up"""

    def score_sql(self, columns: list[str]) -> list[str]:
        """The statements that fill the temporary table est: stage and peer
        group, the peer comparisons of every indicator (one ASOF join for the
        counts, one position join for quantiles and medians), points, totals
        and half-up units; registered codes take their published score."""
        model = self.model
        rule = model["stage_rule"]
        assert rule["basis"] == "revenue"
        assert model["peer_groups"]["chain"] == [["stage", "industry"], ["stage"], []]
        ms = model["peer_groups"].get("min_size", 30)
        rev = f"x_{rule['indicator']}"
        stage = " + ".join(f"(CASE WHEN {rev} >= {dbl(b)} THEN 1 ELSE 0 END)" for b in rule["bounds"])
        stage_ids = [s["id"] for s in model["stages"]]
        longs, counts, ins, mq, needs, got, fetched, qs = [], [], [], [], [], [], [], []
        for k, ind in enumerate(self.peers):
            i, pol = ind["id"], ind.get("missing", "zero")
            ins.append(f"{'TRUE' if pol == 'zero' else f'x_{i} IS NOT NULL'} AS ins_{i}")
            if ind in self.counted:
                longs.append(f"SELECT rid, {k} AS ind, {k} * 1000000 + grp AS gk, coalesce(x_{i}, 0) AS y FROM g")
                counts.append(f"max(le) FILTER (WHERE ind = {k}) AS le_{i}, max(lt) FILTER (WHERE ind = {k}) AS lt_{i}")
            if pol == "peer_median":  # type 7 median of the reported values: the middle one or two
                for t, pos in ((0, f"(n_{i} - 1) // 2"), (1, f"n_{i} // 2")):
                    needs.append(f"SELECT rid, grp AS key, {k} AS ind, {t} AS slot, {pos} AS pos FROM bq")
                    got.append(f"max(v) FILTER (WHERE ind = {k} AND slot = {t}) AS md{t}_{i}")
                fetched.append(f"(md0_{i} + md1_{i}) / 2 AS med_{i}")
            for t, p in enumerate(quantiles(ind)):
                # type 7 over m = n + ins values with x's transformed value inserted at lt: the
                # order statistics k and k + 1 of that merged list are x itself or the peers at
                # position k or k - 1
                m, r = f"(n_{i} + CAST(ins_{i} AS BIGINT))", f"lt_{i}"
                fx = sql_tf(ind.get("transform", "none"), f"coalesce(x_{i}, 0)")
                mq.append(f"{m} AS m{t}_{i}, ({m} - 1) * {dbl(p)} AS h{t}_{i}, "
                          f"CAST(floor(({m} - 1) * {dbl(p)}) AS BIGINT) AS k{t}_{i}")
                for side, slot, j in (("lo", 2 + 2 * t, f"least(k{t}_{i}, m{t}_{i} - 1)"),
                                      ("hi", 3 + 2 * t, f"least(k{t}_{i} + 1, m{t}_{i} - 1)")):
                    pos = f"greatest(least(CASE WHEN ins_{i} AND {j} > {r} THEN {j} - 1 ELSE {j} END, n_{i} - 1), 0)"
                    needs.append(f"SELECT rid, grp AS key, {k} AS ind, {slot} AS slot, {pos} AS pos FROM bq")
                    got.append(f"max(tv) FILTER (WHERE ind = {k} AND slot = {slot}) AS at_{side}{t}_{i}")
                    fetched.append(f"CASE WHEN ins_{i} AND {j} = {r} THEN {fx} ELSE coalesce(at_{side}{t}_{i}, 0) END AS {side}{t}_{i}")
                qs.append(f"CASE WHEN k{t}_{i} + 1 >= m{t}_{i} THEN lo{t}_{i} "
                          f"ELSE lo{t}_{i} + (h{t}_{i} - k{t}_{i}) * (hi{t}_{i} - lo{t}_{i}) END AS q{t}_{i}")
        used, points = [], {c["id"]: [] for c in model["categories"]}
        cat_max = {c["id"]: [] for c in model["categories"]}
        cat_excl = {c["id"]: [] for c in model["categories"]}
        for ind in self.scored:
            i, m, pol = ind["id"], ind["method"], ind.get("missing", "zero")
            u = f"u_{i}"
            used.append(f"coalesce(x_{i}, med_{i}, 0) AS {u}" if pol == "peer_median" else f"coalesce(x_{i}, 0) AS {u}")
            w = "(CASE st " + " ".join(f"WHEN {k} THEN {dbl(ind['weights'][s])}" for k, s in enumerate(stage_ids)) + " END)"
            if m == "percentile":
                nn = f"(n_{i} + CAST(ins_{i} AS BIGINT))"
                weak = f"(le_{i} + CAST(ins_{i} AS BIGINT))"
                ties = ind.get("ties", "weak")
                s = (f"{weak} / {nn}" if ties == "weak" else f"lt_{i} / {nn}" if ties == "strict"
                     else f"({weak} + lt_{i}) / (2 * {nn})")
                s = zero_rule(ind, u, s)
            else:
                s = method_sql(ind, u, f"q0_{i}", f"q0_{i}", f"q1_{i}")
            c = ind["category"]
            cat_max[c].append(w)
            if pol == "exclude":
                points[c].append(f"(CASE WHEN x_{i} IS NULL THEN 0 ELSE {w} * {s} END)")
                cat_excl[c].append(f"(CASE WHEN x_{i} IS NULL THEN {w} ELSE 0 END)")
            else:
                points[c].append(f"{w} * {s}")
        cats = []
        for k, c in enumerate(points):
            cats.append(f"{' + '.join(points[c]) or '0'} AS p{k}, {' + '.join(cat_max[c]) or '0'} AS mx{k}, "
                        f"{' + '.join(cat_excl[c]) or '0'} AS ex{k}")
        base = " + ".join(f"(CASE WHEN ex{k} = 0 THEN p{k} WHEN mx{k} - ex{k} > 0 THEN p{k} * mx{k} / (mx{k} - ex{k}) ELSE 0 END)"
                          for k in range(len(points)))

        def has(col, name):
            return f"contains(';' || {col} || ';', {q(';' + name + ';')})"

        bonus = []
        for item in model.get("bonus", []):
            if "qualification" in item:
                bonus.append(f"(CASE WHEN {has('qualifications', item['qualification'])} THEN {dbl(item['points'])} ELSE 0 END)")
            else:
                v = f"x_{item['indicator']}"
                bonus.append(f"(CASE WHEN {v} > 0 THEN least({dbl(item['per_unit'])} * {v}, {dbl(item['points'])}) ELSE 0 END)")
        negs = model.get("negatives", [])
        ded = " + ".join(f"(CASE WHEN {has('negatives', it['name_zh'])} THEN {dbl(it['points'])} ELSE 0 END)"
                         for it in negs if it["action"] == "deduct") or "0"
        veto = " OR ".join(has("negatives", it["name_zh"]) for it in negs if it["action"] == "veto") or "FALSE"
        d = int(model["scale"].get("decimals", 2))
        sep, union = ",\n       ", "\n  UNION ALL "
        assert longs and needs, "the DuckDB peer expects percentiles and quantiles or peer medians"
        # two statements: the counts and quantile positions go into a temporary table first,
        # so that the position join knows its side is 10 or so rows per upload row and builds
        # its hash table on them (estimated from the CTEs, it built it on the whole e_pos)
        return [f"""
CREATE OR REPLACE TEMP TABLE bq AS
WITH u AS ({self.upload_sql(columns)}),
s AS (SELECT u.*, coalesce(m0.k, m1.k, CASE WHEN {rev} IS NULL THEN 0 ELSE {stage} END) AS st, coalesce(e_ind.code, -1) AS ind
      FROM u LEFT JOIN e_ind USING (industry)
      LEFT JOIN e_stage m0 ON m0.name = u.stage_text LEFT JOIN e_stage m1 ON m1.name = lower(u.stage_text)),
g AS (SELECT s.*, CASE WHEN coalesce(z0.n, 0) + 1 >= {ms} THEN st * 1000 + ind + 1
                       WHEN coalesce(z1.n, 0) + 1 >= {ms} THEN 100000 + st ELSE 200000 END AS grp
      FROM s LEFT JOIN e_size z0 ON z0.key = s.st * 1000 + s.ind + 1 LEFT JOIN e_size z1 ON z1.key = 100000 + s.st),
l AS ({union.join(longs)}),
-- only the groups the upload uses go into the ASOF join's sort (mostly the finest level)
groups_used AS (SELECT DISTINCT gk FROM l),
-- the largest peer value <= y: its #{{ref <= v}} is y's weak count, and #{{ref < y}} (the strict
-- count, and where y is inserted) is its lt when it equals y, else its le
cnt AS (SELECT l.rid, l.ind, coalesce(c.le, 0) AS le, CASE WHEN c.v = l.y THEN c.lt ELSE coalesce(c.le, 0) END AS lt
        FROM l ASOF LEFT JOIN (SELECT * FROM e_cnt SEMI JOIN groups_used USING (gk)) c ON c.gk = l.gk AND l.y >= c.v),
cw AS (SELECT rid, {sep.join(counts)} FROM cnt GROUP BY rid),
a AS (SELECT g.*, n.* EXCLUDE (key), cw.* EXCLUDE (rid)
      FROM g JOIN cw USING (rid) LEFT JOIN e_n n ON n.key = g.grp),
b AS (SELECT a.*, {sep.join(ins)} FROM a),
bq AS (SELECT b.*, {sep.join(mq) or 'NULL AS no_quantile_position'} FROM b)
SELECT * FROM bq""", f"""
CREATE OR REPLACE TEMP TABLE est AS
WITH need AS ({union.join(needs)}),
gw AS (SELECT rid, {sep.join(got)} FROM need JOIN e_pos USING (ind, key, pos) GROUP BY rid),
c AS (SELECT bq.*, {sep.join(fetched)} FROM bq LEFT JOIN gw USING (rid)),
cq AS (SELECT c.*, {sep.join(qs) or 'NULL AS no_quantile'} FROM c),
v AS (SELECT cq.*, {sep.join(used)} FROM cq),
p AS (SELECT rid, credit_code, region_code, st, grp, {sep.join(cats)},
             least({' + '.join(bonus) or '0'}, {dbl(model['scale'].get('bonus_max', 0))}) AS bonus,
             {ded} AS ded, {veto} AS veto
      FROM v),
t AS (SELECT rid, credit_code, region_code, st, grp,
             CASE WHEN veto THEN 0.0 ELSE least(greatest({base} + bonus - ded, 0), {dbl(model['scale']['total_max'])}) END
               * {dbl(10 ** d)} AS scaled
      FROM p)
SELECT rid, t.credit_code, region_code // 10000 AS province, st, grp, e_reg.units IS NOT NULL AS known,
       coalesce(e_reg.units, CAST(floor(scaled) AS BIGINT) + CASE WHEN scaled - floor(scaled) > 0.5 THEN 1 ELSE 0 END) AS units,
       abs(scaled - floor(scaled) - 0.5) <= {BOUNDARY} AS near
FROM t LEFT JOIN e_reg USING (credit_code)
"""]


RANK_SQL = """
SELECT e.credit_code, e.units, e.known,
       1 + coalesce(rn.ge, 0) AS rank_national, 1 + coalesce(rp.ge, 0) AS rank_province
FROM est e
ASOF LEFT JOIN e_rank_nation rn ON e.units < rn.units
ASOF LEFT JOIN e_rank_province rp ON rp.province = e.province AND e.units < rp.units
ORDER BY e.rid
"""


def duckdb_estimate(ref: DuckReference, data: bytes) -> pd.DataFrame:
    """The upload scored in DuckDB: read_csv of the bytes (through a temporary
    file: reading a file object needs fsspec), the scoring statements into a
    temporary table, exact re-scoring of the rows near a rounding boundary
    (exact.py, as the other peers), the ranks by ASOF joins
    (1 + #{registered with a higher score})."""
    con, model = ref.con, ref.model
    # The template's dialect is known (comma, double quotes, a header line), so the sniffer is
    # off (it took 40 of read_csv's 65 ms); the column names are the header's, parsed here.
    columns = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")]))
    types = "{" + ", ".join(f"{q(c)}: 'VARCHAR'" for c in columns) + "}"
    with tempfile.NamedTemporaryFile(suffix=".csv") as fh:
        fh.write(data)
        fh.flush()
        con.execute(f"""CREATE OR REPLACE TEMP TABLE up AS SELECT * FROM read_csv({q(fh.name)}, auto_detect = false,
                        header = true, delim = ',', quote = '"', escape = '"', columns = {types})""")
    for sql in ref.score_sql(columns):
        con.execute(sql)
    near = con.execute("SELECT rid, grp, st FROM est WHERE near AND NOT known ORDER BY rid").fetchall()
    if near:
        d = int(model["scale"].get("decimals", 2))
        up = con.execute(f"SELECT * FROM ({ref.upload_sql(columns)}) WHERE list_contains(?, rid) ORDER BY rid",
                         [[r for r, _, _ in near]]).df().set_index("rid")
        for rid, grp, st in near:
            idx = ref.members(int(grp))
            row = up.loc[rid]
            vals = {i["id"]: np.append(ref.values[i["id"]][idx], float(row[f"x_{i['id']}"]))  # NULL: NaN
                    for i in model["indicators"]}
            t = exact.exact_total(model, vals, len(idx), np.arange(len(idx) + 1), int(st),
                                  str(row["qualifications"]), str(row["negatives"]))
            con.execute("UPDATE est SET units = ? WHERE rid = ?", [exact.round_units(t, d), int(rid)])
    return con.execute(RANK_SQL).df()


def cxjf_estimate(snap, data: bytes, threads: int = 0) -> pd.DataFrame:
    rec = snap.estimate(data, threads=threads)
    r = rec.results
    return pd.DataFrame({"credit_code": r["credit_code"].to_numpy(),
                         "units": np.round(r["score"].to_numpy(dtype=float) * 100).astype(np.int64),
                         "rank_national": r["rank_national"].to_numpy(dtype=np.int64),
                         "rank_province": r["rank_province"].to_numpy(dtype=np.int64)})
