"""The overview query (docs/overview.md) three ways: all facets with
cross-filter exclusion, one ranking level (the province's cities, top 10
each), the first list page (20, score order, list threshold), for a province
principal with two facet selections (technology field, stage).

The peers read one prepared frame of the snapshot (attributes joined with
the published scores, the exact totals and the ranks) plus two long tables of
the multi-valued columns (technology fields, qualifications), built once
outside the timing as cxjf builds its OverviewIndex once."""

from __future__ import annotations

import numpy as np
import pandas as pd

PROVINCE = "440000"
FILTERS = {"tech_fields": ["电子信息"], "stages": ["稳定期"]}
TOP = 10
PAGE = 20


def prepare(snap) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    tf = snap.table.to_frame()
    sc = snap.scores
    threshold = float(snap.model.to_dict().get("list_threshold", 70))
    d = int(snap.model.to_dict()["scale"].get("decimals", 2))
    sf = sc.to_frame(order="table")
    base = pd.DataFrame({
        "rid": np.arange(len(tf), dtype=np.int64),
        "credit_code": tf["credit_code"].to_numpy(),
        "region_code": tf["region_code"].to_numpy().astype(np.int64),
        "zone": tf["zone"].astype(object).where(tf["zone"].notna(), None).to_numpy(),
        "industry": tf["industry"].astype(object).where(tf["industry"].notna(), "行业未知").to_numpy(),
        "stage": sf["stage"].astype(str).to_numpy(),
        "grade": sf["grade"].astype(str).to_numpy(),
        "units": sc.published_units.astype(np.int64),
        "total": np.asarray(sc.total, dtype=float),
        "rank_province": sc.rank("province").astype(np.int64),
    })
    base["province"] = base["region_code"] // 10000 * 10000
    base["city"] = base["region_code"] // 100 * 100
    base.attrs["threshold_units"] = int(round(threshold * 10 ** d))
    base.attrs["unit"] = 10 ** d

    def long(col):
        s = tf[col].astype(str).str.split(";").explode()
        s = s[s != ""]
        return pd.DataFrame({"rid": s.index.to_numpy().astype(np.int64), "value": s.to_numpy()})

    return base, long("tech_fields"), long("qualifications")


# -- cxjf ---------------------------------------------------------------------

def cxjf_query(index):
    return index.overview(f"province:{PROVINCE}", FILTERS, ranking={"top": TOP}, list={"page_size": PAGE})


def normalize_cxjf(a: dict) -> dict:
    """The parts every peer is checked on: facet counts (nonzero buckets),
    histogram counts, ranking nodes (count, max, top codes), list page."""
    out = {"total": a["total"]}
    for f, body in a["facets"].items():
        if f == "score":
            out["score"] = tuple(b["count"] for b in body["bins"])
        else:
            key = "label" if f in ("industry", "stage") else "value"
            out[f] = {str(b[key]): b["count"] for b in body["buckets"] if b["count"]}
    nodes = {}
    for nd in a["ranking"]["nodes"]:
        nodes[str(nd["key"])] = (nd["count"], round(float(nd["max"]) * 100), tuple(e["credit_code"] for e in nd["top"]))
    out["ranking"] = nodes
    out["list"] = tuple((e["credit_code"], e["rank"]) for e in a["list"]["items"])
    out["list_total"] = a["list"]["total"]
    return out


# -- pandas -------------------------------------------------------------------

def pandas_query(base: pd.DataFrame, tech: pd.DataFrame, qual: pd.DataFrame) -> dict:
    n = len(base)
    scope = (base["province"].to_numpy() == int(PROVINCE))
    tmask = np.zeros(n, dtype=bool)
    tmask[tech["rid"].to_numpy()[tech["value"].isin(FILTERS["tech_fields"]).to_numpy()]] = True
    smask = base["stage"].isin(FILTERS["stages"]).to_numpy()
    full = scope & tmask & smask
    out = {"total": int(full.sum())}

    def counts(col, mask):
        return {str(k): int(v) for k, v in base.loc[mask, col].value_counts().items() if v}

    def long_counts(tbl, mask):
        r = tbl["rid"].to_numpy()
        return {str(k): int(v) for k, v in tbl.loc[mask[r], "value"].value_counts().items() if v}

    out["tech_field"] = long_counts(tech, scope & smask)
    out["qualification"] = long_counts(qual, full)
    out["industry"] = counts("industry", full)
    out["grade"] = counts("grade", full)
    out["stage"] = counts("stage", scope & tmask)
    out["province"] = counts("province", full)
    out["zone"] = counts("zone", full & base["zone"].notna().to_numpy())
    units = base["units"].to_numpy()[full]
    unit = base.attrs["unit"]
    bins = np.minimum(units // (10 * unit), 9)
    out["score"] = tuple(int(c) for c in np.bincount(bins, minlength=10))
    sel = base.loc[full].sort_values(["units", "total", "credit_code"], ascending=[False, False, True])
    node = np.where(sel["region_code"].to_numpy() == int(PROVINCE), sel["region_code"].to_numpy(), sel["city"].to_numpy())
    sel = sel.assign(node=node)
    listed = sel[sel["units"] >= base.attrs["threshold_units"]]
    agg = sel.groupby("node").agg(count=("units", "size"), max=("units", "max"))
    tops = listed.groupby("node").head(TOP).groupby("node")["credit_code"].agg(tuple)
    out["ranking"] = {str(k): (int(r["count"]), int(r["max"]), tops.get(k, ())) for k, r in agg.iterrows()}
    page = listed.head(PAGE)
    out["list"] = tuple(zip(page["credit_code"].tolist(), page["rank_province"].astype(int).tolist()))
    out["list_total"] = len(listed)
    return out


# -- DuckDB -------------------------------------------------------------------

def duckdb_load(con, base, tech, qual):
    for name, df in (("ov", base), ("ov_tech", tech), ("ov_qual", qual)):
        con.register(name + "_src", df)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_src")
        con.unregister(name + "_src")


def duckdb_query(con, base_attrs) -> dict:
    tf = ", ".join("'" + v + "'" for v in FILTERS["tech_fields"])
    st = ", ".join("'" + v + "'" for v in FILTERS["stages"])
    thr = base_attrs["threshold_units"]
    unit = base_attrs["unit"]
    masks = f"""
    WITH m AS (
      SELECT o.*, (rid IN (SELECT rid FROM ov_tech WHERE value IN ({tf}))) AS tm, (stage IN ({st})) AS sm
      FROM ov o WHERE province = {PROVINCE})
    """
    facets = con.execute(masks + f"""
      SELECT 'tech_field' AS f, t.value AS v, count(*) AS c FROM m JOIN ov_tech t USING (rid) WHERE sm GROUP BY ALL
      UNION ALL SELECT 'qualification', q.value, count(*) FROM m JOIN ov_qual q USING (rid) WHERE sm AND tm GROUP BY ALL
      UNION ALL SELECT 'industry', industry, count(*) FROM m WHERE sm AND tm GROUP BY ALL
      UNION ALL SELECT 'grade', grade, count(*) FROM m WHERE sm AND tm GROUP BY ALL
      UNION ALL SELECT 'stage', stage, count(*) FROM m WHERE tm GROUP BY ALL
      UNION ALL SELECT 'province', CAST(province AS VARCHAR), count(*) FROM m WHERE sm AND tm GROUP BY ALL
      UNION ALL SELECT 'zone', zone, count(*) FROM m WHERE sm AND tm AND zone IS NOT NULL GROUP BY ALL
      UNION ALL SELECT 'score', CAST(least(units // {10 * unit}, 9) AS VARCHAR), count(*) FROM m WHERE sm AND tm GROUP BY ALL
    """).fetchall()
    out: dict = {"tech_field": {}, "qualification": {}, "industry": {}, "grade": {}, "stage": {}, "province": {}, "zone": {}}
    score = [0] * 10
    for f, v, c in facets:
        if f == "score":
            score[int(v)] = int(c)
        else:
            out[f][str(v)] = int(c)
    out["score"] = tuple(score)
    out["total"] = sum(score)
    ranking = con.execute(masks + f"""
      , s AS (SELECT *, CASE WHEN region_code = {PROVINCE} THEN region_code ELSE city END AS node,
                   row_number() OVER (PARTITION BY CASE WHEN region_code = {PROVINCE} THEN region_code ELSE city END,
                                                   units >= {thr}
                                      ORDER BY units DESC, total DESC, credit_code) AS pos
              FROM m WHERE sm AND tm)
      SELECT node, count(*), max(units),
             list(credit_code ORDER BY units DESC, total DESC, credit_code) FILTER (WHERE units >= {thr} AND pos <= {TOP})
      FROM s GROUP BY node
    """).fetchall()
    out["ranking"] = {str(k): (int(c), int(mx), tuple(top or ())) for k, c, mx, top in ranking}
    page = con.execute(masks + f"""
      SELECT credit_code, rank_province, count(*) OVER () FROM m WHERE sm AND tm AND units >= {thr}
      ORDER BY units DESC, total DESC, credit_code LIMIT {PAGE}
    """).fetchall()
    out["list"] = tuple((c, int(r)) for c, r, _ in page)
    out["list_total"] = int(page[0][2]) if page else 0
    return out


def first_difference(ref: dict, got: dict) -> str | None:
    for k in ref:
        if ref[k] != got.get(k):
            a, b = ref[k], got.get(k)
            if isinstance(a, dict) and isinstance(b, dict):
                for kk in sorted(set(a) | set(b)):
                    if a.get(kk) != b.get(kk):
                        return f"{k}[{kk}]: cxjf {a.get(kk)!r}, peer {b.get(kk)!r}"
            if isinstance(a, tuple) and isinstance(b, tuple):
                for j, (x, y) in enumerate(zip(a, b)):
                    if x != y:
                        return f"{k}[{j}]: cxjf {x!r}, peer {y!r} (first differing enterprise or bin)"
            return f"{k}: cxjf {a!r}, peer {b!r}"
    return None
