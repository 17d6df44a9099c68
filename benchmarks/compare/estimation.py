"""Estimation of an upload against the frozen reference (docs/estimation.md),
cxjf against pandas + numpy searchsorted.

Both start from the same upload CSV bytes. The pandas peer builds its
reference once (outside the timing, as cxjf's reference is fitted once):
per peer group (stage x industry, stage, nation) and indicator, the sorted
peer values; and the sorted published scores per level for the ranks. A new
enterprise is scored as a newcomer: weak percentile (#{ref <= x} + 1) / (n + 1),
quantile full marks and min-max bounds with its value inserted among the
peers, the group-size test counting it; its ranks are 1 + the registered
enterprises with a strictly higher published score."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

import exact
from peer_pandas import finish_totals, tf, qual_mask, stages_of

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
            elif m == "piecewise":
                b = np.asarray(ind["breakpoints"], dtype=float)
                sr = np.interp(xv, b[:, 0], b[:, 1])
            elif m == "steps":
                b = np.asarray(ind["breakpoints"], dtype=float)
                k = np.searchsorted(b[:, 0], xv, side="right")
                sr = np.where(k > 0, b[np.maximum(k - 1, 0), 1], 0.0)
            elif m == "min_max":
                lo_q, hi_q = ind.get("winsorize", [0, 1])
                fx = tf(tr, xv)
                St = tf(tr, S)
                lo, hi = q_inserted(St, fx, ins, lo_q), q_inserted(St, fx, ins, hi_q)
                with np.errstate(divide="ignore", invalid="ignore"):
                    sr = np.where(hi > lo, np.clip((fx - lo) / (hi - lo), 0, 1), (fx >= hi).astype(float))
            elif m == "boolean":
                sr = (xv != 0).astype(float)
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


def cxjf_estimate(snap, data: bytes) -> pd.DataFrame:
    rec = snap.estimate(data)
    r = rec.results
    return pd.DataFrame({"credit_code": r["credit_code"].to_numpy(),
                         "units": np.round(r["score"].to_numpy(dtype=float) * 100).astype(np.int64),
                         "rank_national": r["rank_national"].to_numpy(dtype=np.int64),
                         "rank_province": r["rank_province"].to_numpy(dtype=np.int64)})
