"""fit + score + ranks of the default model's rules in DuckDB SQL, generated
from the model's document (models/torch-2022.json): window counts and ranks
for percentiles, quantile_cont / median aggregates per peer group for full
marks, min-max bounds and peer medians."""

from __future__ import annotations

import numpy as np
import pandas as pd

import exact

BOUNDARY = 1e-6


def q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def tf(kind: str, e: str) -> str:
    if kind == "none":
        return e
    if kind == "log1p":
        return f"(sign({e}) * ln(1 + abs({e})))"
    return f"(sign({e}) * sqrt(abs({e})))"


def num(v) -> str:
    return repr(float(v))


def dbl(v) -> str:
    """A DOUBLE literal. DuckDB reads 0.9 as DECIMAL, and (m - 1) * p, the
    weights and the breakpoints must be the doubles pandas computes with."""
    return f"CAST({num(v)} AS DOUBLE)"


def method_sql(ind: dict, u: str, full: str, lo: str, hi: str) -> str:
    """s of a method that needs no peer counts, for the value column `u`
    (after imputation), given the SQL of the group's full mark and min-max
    bounds."""
    m, tr = ind["method"], ind.get("transform", "none")
    if m == "capped_ratio":
        fx = tf(tr, u)
        if "full_mark" in ind:
            ff = float(np.sign(ind["full_mark"]) * {"none": lambda v: v, "log1p": np.log1p, "sqrt": np.sqrt}[tr](abs(ind["full_mark"])))
            s = f"least(greatest({fx} / {dbl(ff)}, 0), 1)"
        else:
            s = f"(CASE WHEN {full} > 0 THEN least(greatest({fx} / {full}, 0), 1) WHEN {fx} > 0 THEN 1 ELSE 0 END)"
    elif m == "piecewise":  # s0 + (x - x0) / (x1 - x0) * (s1 - s0), as docs/scoring.md writes it
        b = ind["breakpoints"]
        parts = [f"WHEN {u} <= {dbl(b[0][0])} THEN {dbl(b[0][1])}", f"WHEN {u} >= {dbl(b[-1][0])} THEN {dbl(b[-1][1])}"]
        for (x0, s0), (x1, s1) in zip(b, b[1:]):
            parts.append(f"WHEN {u} < {dbl(x1)} THEN {dbl(s0)} + ({u} - {dbl(x0)}) / ({dbl(x1)} - {dbl(x0)}) "
                         f"* ({dbl(s1)} - {dbl(s0)})")
        s = "(CASE " + " ".join(parts) + " END)"
    elif m == "steps":
        b = ind["breakpoints"]
        s = "(CASE " + " ".join(f"WHEN {u} >= {dbl(x)} THEN {dbl(v)}" for x, v in reversed(b)) + " ELSE 0 END)"
    elif m == "min_max":
        fx = tf(tr, u)
        s = f"(CASE WHEN {hi} > {lo} THEN least(greatest(({fx} - {lo}) / ({hi} - {lo}), 0), 1) WHEN {fx} >= {hi} THEN 1 ELSE 0 END)"
    elif m == "boolean":
        s = f"(CASE WHEN {u} <> 0 THEN 1 ELSE 0 END)"
    else:
        raise NotImplementedError(m)
    return zero_rule(ind, u, s)


def zero_rule(ind: dict, u: str, s: str) -> str:
    """s forced to 0 where the value used is <= 0, when the indicator says so
    (last, so that it also covers a peer-median imputation)."""
    return f"(CASE WHEN {u} <= 0 THEN 0 ELSE {s} END)" if ind.get("zero_earns_zero") else s


def load(con, frame: pd.DataFrame, model: dict) -> None:
    """The input table, created once (outside the timing, as cxjf's Table is)."""
    ids = [ind["id"] for ind in model["indicators"]]
    t = pd.DataFrame({
        "rid": np.arange(len(frame), dtype=np.int64),
        "credit_code": frame["credit_code"].to_numpy(),
        "region_code": frame["region_code"].to_numpy(),
        "ind": frame["industry"].cat.codes.to_numpy().astype(np.int64),
        "qualifications": frame["qualifications"].astype(str).to_numpy(),
        "negatives": frame["negatives"].astype(str).to_numpy(),
        **{i: frame[i].to_numpy(dtype=float) for i in ids},
    })
    assert not ("stage" in frame and frame["stage"].notna().any()), "DuckDB peer: stages from the rule only"
    con.execute("DROP TABLE IF EXISTS t")
    con.register("t_src", t)
    con.execute("CREATE TABLE t AS SELECT * FROM t_src")
    con.unregister("t_src")


def score_sql(model: dict) -> str:
    rule = model["stage_rule"]
    assert rule["basis"] == "revenue"
    pg = model["peer_groups"]
    assert pg["chain"] == [["stage", "industry"], ["stage"], []]
    ms = pg.get("min_size", 30)
    rev = rule["indicator"]
    stage = " + ".join(f"(CASE WHEN {rev} >= {num(b)} THEN 1 ELSE 0 END)" for b in rule["bounds"])
    stage_ids = [s["id"] for s in model["stages"]]
    scored = [ind for ind in model["indicators"] if "category" in ind]
    aggs, used_cols, wins = ["count(*) AS gn"], [], []
    for ind in scored:
        i, pol = ind["id"], ind.get("missing", "zero")
        tr = ind.get("transform", "none")
        peer = f"coalesce({i}, 0)" if pol == "zero" else i
        if pol == "peer_median":
            aggs.append(f"median({i}) AS med_{i}")
            used_cols.append(f"coalesce({i}, a.med_{i}, 0) AS u_{i}")
        elif pol == "zero":
            used_cols.append(f"coalesce({i}, 0) AS u_{i}")
        else:
            used_cols.append(f"{i} AS u_{i}")
        m = ind["method"]
        if m == "capped_ratio" and "full_mark_quantile" in ind:
            aggs.append(f"quantile_cont({tf(tr, peer)}, {num(ind['full_mark_quantile'])}) AS fq_{i}")
        if m == "min_max":
            lo, hi = ind.get("winsorize", [0, 1])
            aggs.append(f"quantile_cont({tf(tr, peer)}, {num(lo)}) AS lo_{i}")
            aggs.append(f"quantile_cont({tf(tr, peer)}, {num(hi)}) AS hi_{i}")
        if m == "percentile":
            assert pol == "zero"
            wins.append(f"count(*) OVER (PARTITION BY key ORDER BY u_{i}) AS wk_{i}")
            if ind.get("ties", "weak") != "weak":
                wins.append(f"rank() OVER (PARTITION BY key ORDER BY u_{i}) - 1 AS sr_{i}")
    # normalized values
    cat_terms: dict[str, list[str]] = {c["id"]: [] for c in model["categories"]}
    cat_max: dict[str, list[str]] = {c["id"]: [] for c in model["categories"]}
    cat_excl: dict[str, list[str]] = {c["id"]: [] for c in model["categories"]}
    for ind in scored:
        i, m, tr = ind["id"], ind["method"], ind.get("transform", "none")
        u = f"u_{i}"
        w = "CASE st " + " ".join(f"WHEN {k} THEN {num(ind['weights'][s])}" for k, s in enumerate(stage_ids)) + " END"
        if m == "percentile":
            ties = ind.get("ties", "weak")
            s = (f"wk_{i} / gn" if ties == "weak" else f"sr_{i} / gn" if ties == "strict"
                 else f"(wk_{i} + sr_{i}) / (2 * gn)")
            s = zero_rule(ind, u, s)
        else:
            s = method_sql(ind, u, f"fq_{i}", f"lo_{i}", f"hi_{i}")
        c = ind["category"]
        cat_max[c].append(w)
        if ind.get("missing", "zero") == "exclude":
            cat_terms[c].append(f"coalesce(({w}) * {s}, 0)")
            cat_excl[c].append(f"(CASE WHEN {u} IS NULL THEN {w} ELSE 0 END)")
        else:
            cat_terms[c].append(f"({w}) * {s}")
    cat_cols = []
    for k, c in enumerate(cat_terms):
        pts = " + ".join(cat_terms[c]) or "0"
        mx = " + ".join(cat_max[c]) or "0"
        ex = " + ".join(cat_excl[c]) or "0"
        cat_cols.append(f"{pts} AS p{k}, {mx} AS mx{k}, {ex} AS ex{k}")
    base = " + ".join(f"(CASE WHEN ex{k} = 0 THEN p{k} WHEN mx{k} - ex{k} > 0 THEN p{k} * mx{k} / (mx{k} - ex{k}) ELSE 0 END)"
                      for k in range(len(cat_terms)))
    bonus_terms = []
    for item in model.get("bonus", []):
        if "qualification" in item:
            bonus_terms.append(f"(CASE WHEN contains(';' || qualifications || ';', {q(';' + item['qualification'] + ';')}) "
                               f"THEN {num(item['points'])} ELSE 0 END)")
        else:
            v = item["indicator"]
            bonus_terms.append(f"(CASE WHEN {v} > 0 THEN least({num(item['per_unit'])} * {v}, {num(item['points'])}) ELSE 0 END)")
    bonus = f"least({' + '.join(bonus_terms) or '0'}, {num(model['scale'].get('bonus_max', 0))})"
    ded = " + ".join(f"(CASE WHEN contains(';' || negatives || ';', {q(';' + it['name_zh'] + ';')}) THEN {num(it['points'])} ELSE 0 END)"
                     for it in model.get("negatives", []) if it["action"] == "deduct") or "0"
    veto = " OR ".join(f"contains(';' || negatives || ';', {q(';' + it['name_zh'] + ';')})"
                       for it in model.get("negatives", []) if it["action"] == "veto") or "false"
    tmax = num(model["scale"]["total_max"])
    d = int(model["scale"].get("decimals", 2))
    return f"""
WITH s AS (SELECT *, CASE WHEN {rev} IS NULL THEN 0 ELSE {stage} END AS st FROM t),
sz AS (SELECT *, count(*) OVER (PARTITION BY st, ind) AS n0, count(*) OVER (PARTITION BY st) AS n1 FROM s),
g AS (SELECT * EXCLUDE (n0, n1),
        CASE WHEN n0 >= {ms} THEN st * 1000 + ind + 1 WHEN n1 >= {ms} THEN 100000 + st ELSE 200000 END AS grp FROM sz),
x AS (SELECT g.*, grp AS key FROM g WHERE grp < 100000
      UNION ALL
      SELECT g.*, f.k AS key FROM g JOIN (SELECT DISTINCT grp AS k FROM g WHERE grp >= 100000) f
        ON f.k = 200000 OR g.st = f.k - 100000),
a AS (SELECT key, {', '.join(aggs)} FROM x GROUP BY key),
u AS (SELECT x.*, a.* EXCLUDE (key), {', '.join(used_cols)} FROM x JOIN a USING (key)),
w AS (SELECT *, {', '.join(wins)} FROM u),
c AS (SELECT rid, st, grp, region_code, {', '.join(cat_cols)}, {bonus} AS bonus, {ded} AS ded, {veto} AS veto
      FROM w WHERE key = grp),
tot AS (SELECT rid, st, grp, region_code,
          CASE WHEN veto THEN 0.0 ELSE least(greatest({base} + bonus - ded, 0), {tmax}) END AS total FROM c),
r AS (SELECT *, total * {10 ** d}.0 AS scaled FROM tot)
SELECT rid, st, grp, region_code,
       CAST(floor(scaled) AS BIGINT) + CASE WHEN scaled - floor(scaled) > 0.5 THEN 1 ELSE 0 END AS units,
       abs(scaled - floor(scaled) - 0.5) <= {BOUNDARY} AS near
FROM r ORDER BY rid
"""


RANK_SQL = """
SELECT rid,
       rank() OVER (ORDER BY units DESC) AS rank_national,
       rank() OVER (PARTITION BY region_code // 10000 ORDER BY units DESC) AS rank_province
FROM pub ORDER BY rid
"""


def fit_score(con, frame: pd.DataFrame, model: dict, sql: str) -> pd.DataFrame:
    res = con.execute(sql).df()
    units = res["units"].to_numpy().copy()
    near = np.flatnonzero(res["near"].to_numpy())
    if len(near):
        d = int(model["scale"].get("decimals", 2))
        g = res["grp"].to_numpy()
        st = res["st"].to_numpy()
        values = {ind["id"]: frame[ind["id"]].to_numpy(dtype=float) for ind in model["indicators"]}
        quals = frame["qualifications"].to_numpy()
        negs = frame["negatives"].to_numpy()
        from peer_pandas import members
        for i in near:
            t = exact.exact_total(model, values, int(i), members(g, st, int(i)), int(st[i]), str(quals[i]), str(negs[i]))
            units[i] = exact.round_units(t, d)
    pub = pd.DataFrame({"rid": res["rid"].to_numpy(), "units": units, "region_code": res["region_code"].to_numpy()})
    con.register("pub", pub)
    ranks = con.execute(RANK_SQL).df()
    con.unregister("pub")
    return pd.DataFrame({"credit_code": frame["credit_code"].to_numpy(), "units": units, "stage": res["st"].to_numpy(),
                         "rank_national": ranks["rank_national"].to_numpy(), "rank_province": ranks["rank_province"].to_numpy()})
