"""fit + score + ranks of the default model's rules in pandas (vectorised:
groupby-rank for percentiles, groupby-quantile for full marks and min-max
bounds, groupby-median for peer_median). Reads the model's document, so the
rules come from models/torch-2022.json, not from cxjf's code."""

from __future__ import annotations

import numpy as np
import pandas as pd

import exact

BOUNDARY = 1e-6  # units: totals this close to x.xx5 are re-scored exactly


def stages_of(frame: pd.DataFrame, model: dict) -> np.ndarray:
    rule = model["stage_rule"]
    assert rule["basis"] == "revenue"
    rev = frame[rule["indicator"]].to_numpy(dtype=float)
    st = np.searchsorted(np.asarray(rule["bounds"], dtype=float), rev, side="right")
    st[np.isnan(rev)] = 0
    if "stage" in frame and frame["stage"].notna().any():  # a stage written in the data wins
        names = {}
        for k, s in enumerate(model["stages"]):
            for key in (s["id"], s["name_zh"], s.get("name_en", "")):
                names[key] = k
                names[key.lower()] = k
        given = frame["stage"].astype(object).map(lambda v: names.get(v, names.get(str(v).lower(), -1)) if isinstance(v, str) else -1)
        given = given.to_numpy()
        st = np.where(given >= 0, given, st)
    return st.astype(np.int64)


def peer_groups(frame: pd.DataFrame, model: dict, st: np.ndarray) -> np.ndarray:
    pg = model["peer_groups"]
    assert pg["chain"] == [["stage", "industry"], ["stage"], []], "benchmark peers implement the default chain"
    min_size = pg.get("min_size", 30)
    industry = frame["industry"].cat.codes.to_numpy().astype(np.int64)  # -1: 行业未知, its own group
    k0 = st * 1000 + (industry + 1)
    size0 = np.bincount(k0)[k0]
    size1 = np.bincount(st)[st]
    return np.where(size0 >= min_size, k0, np.where(size1 >= min_size, 100_000 + st, 200_000))


def expand(g: np.ndarray, st: np.ndarray):
    """The peer groups as (row, key) pairs: a row whose group is its stage x
    industry appears once; a coarser group used by some row (a stage, the
    nation) brings ALL its members, since they are its peers too. Returns
    src (row of each pair), key, and pos (the pair where each row is its own
    group's member: its statistics are read there)."""
    n = len(g)
    fine = g < 100_000
    src = [np.flatnonzero(fine)]
    key = [g[fine]]
    for k in np.unique(g[~fine]):
        idx = np.arange(n) if k == 200_000 else np.flatnonzero(st == k - 100_000)
        src.append(idx)
        key.append(np.full(len(idx), k))
    src = np.concatenate(src)
    key = np.concatenate(key)
    own = np.flatnonzero(key == g[src])
    pos = np.empty(n, dtype=np.int64)
    pos[src[own]] = own
    return src, key, pos


def members(g: np.ndarray, st: np.ndarray, i: int) -> np.ndarray:
    k = g[i]
    if k < 100_000:
        return np.flatnonzero(g == k)
    if k < 200_000:
        return np.flatnonzero(st == k - 100_000)
    return np.arange(len(g))


def peerless_share(ind: dict, xv: np.ndarray) -> np.ndarray:
    """s of a method that does not look at the peers: piecewise, steps, boolean."""
    if ind["method"] == "boolean":
        return (xv != 0).astype(float)
    b = np.asarray(ind["breakpoints"], dtype=float)
    if ind["method"] == "piecewise":
        return np.interp(xv, b[:, 0], b[:, 1])
    k = np.searchsorted(b[:, 0], xv, side="right")
    return np.where(k > 0, b[np.maximum(k - 1, 0), 1], 0.0)


def tf(kind: str, v: np.ndarray) -> np.ndarray:
    if kind == "none":
        return v
    if kind == "log1p":
        return np.sign(v) * np.log1p(np.abs(v))
    return np.sign(v) * np.sqrt(np.abs(v))


def qual_mask(col: pd.Series, name: str) -> np.ndarray:
    return (";" + col.astype(str) + ";").str.contains(";" + name + ";", regex=False).to_numpy()


def finish_totals(frame: pd.DataFrame, model: dict, cats, cat_points: dict, cat_excl: dict, cat_max: dict) -> np.ndarray:
    """Category reweighting for excluded indicators, capped bonus, deductions,
    veto and the clamp to [0, total_max]: the part of a total after the
    indicators (shared by the fit + score and the estimation peers)."""
    n = len(frame)
    base = np.zeros(n)
    for c in cats:
        present = cat_max[c] - cat_excl[c]
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(present > 0, cat_points[c] * cat_max[c] / present, 0.0)
        base += np.where(cat_excl[c] == 0, cat_points[c], scaled)
    quals = frame["qualifications"]
    negs = frame["negatives"]
    bonus = np.zeros(n)
    for item in model.get("bonus", []):
        if "qualification" in item:
            bonus += np.where(qual_mask(quals, item["qualification"]), float(item["points"]), 0.0)
        else:
            v = frame[item["indicator"]].to_numpy(dtype=float)
            bonus += np.where(v > 0, np.minimum(item["per_unit"] * v, item["points"]), 0.0)
    bonus = np.minimum(bonus, float(model["scale"].get("bonus_max", 0)))
    ded = np.zeros(n)
    veto = np.zeros(n, dtype=bool)
    for item in model.get("negatives", []):
        m = qual_mask(negs, item["name_zh"])
        if item["action"] == "veto":
            veto |= m
        else:
            ded += np.where(m, float(item["points"]), 0.0)
    total = np.clip(base + bonus - ded, 0.0, float(model["scale"]["total_max"]))
    total = np.where(veto, 0.0, total)
    return total


def total_scores(frame: pd.DataFrame, model: dict):
    """Exact-enough totals (doubles), stage and peer group of every row."""
    n = len(frame)
    st = stages_of(frame, model)
    g = peer_groups(frame, model, st)
    src, key, pos = expand(g, st)
    stage_ids = [s["id"] for s in model["stages"]]
    cats = [c["id"] for c in model["categories"]]
    cat_points = {c: np.zeros(n) for c in cats}
    cat_max = {c: np.zeros(n) for c in cats}
    cat_excl = {c: np.zeros(n) for c in cats}
    for ind in model["indicators"]:
        if "category" not in ind:
            continue
        assert ind.get("direction", "higher") == "higher"
        wt = np.asarray([ind["weights"][s] for s in stage_ids], dtype=float)[st]
        cat = ind["category"]
        cat_max[cat] += wt
        x = frame[ind["id"]].to_numpy(dtype=float)
        miss = np.isnan(x)
        policy = ind.get("missing", "zero")
        method = ind["method"]
        tr = ind.get("transform", "none")
        if policy == "zero":
            xv = np.where(miss, 0.0, x)
            peers = pd.Series(xv[src])  # every member is a peer
        else:
            peers = pd.Series(x[src])  # reported values only (NaN ignored by groupby)
            if policy == "peer_median":
                med = peers.groupby(key).transform("median").to_numpy()[pos]
                xv = np.where(miss, np.where(np.isnan(med), 0.0, med), x)
            else:
                xv = np.where(miss, 0.0, x)
        if method == "percentile":
            assert policy == "zero"
            grp = peers.groupby(key)
            cnt = grp.transform("size").to_numpy()[pos]
            weak = grp.rank(method="max").to_numpy()[pos]
            ties = ind.get("ties", "weak")
            if ties == "weak":
                s = weak / cnt
            else:
                strict = grp.rank(method="min").to_numpy()[pos] - 1
                s = strict / cnt if ties == "strict" else (weak + strict) / (2 * cnt)
        elif method == "capped_ratio":
            fx = tf(tr, xv)
            if "full_mark" in ind:
                ff = tf(tr, np.asarray([float(ind["full_mark"])]))[0]
                s = fx / ff
            else:
                ff = pd.Series(tf(tr, peers.to_numpy())).groupby(key).transform(
                    "quantile", ind["full_mark_quantile"]).to_numpy()[pos]
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = np.where(ff > 0, fx / ff, (fx > 0).astype(float))
            s = np.clip(s, 0.0, 1.0)
        elif method in ("piecewise", "steps", "boolean"):
            s = peerless_share(ind, xv)
        elif method == "min_max":
            lo_q, hi_q = ind.get("winsorize", [0, 1])
            grp = pd.Series(tf(tr, peers.to_numpy())).groupby(key)
            lo = grp.transform("quantile", lo_q).to_numpy()[pos]
            hi = grp.transform("quantile", hi_q).to_numpy()[pos]
            fx = tf(tr, xv)
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.where(hi > lo, np.clip((fx - lo) / (hi - lo), 0.0, 1.0), (fx >= hi).astype(float))
        else:
            raise NotImplementedError(method)
        if ind.get("zero_earns_zero"):
            s = np.where(xv <= 0, 0.0, s)
        if policy == "exclude":
            s = np.where(miss, 0.0, s)
            cat_excl[cat] += np.where(miss, wt, 0.0)
        cat_points[cat] += wt * s
    total = finish_totals(frame, model, cats, cat_points, cat_excl, cat_max)
    return total, st, g


def publish(frame: pd.DataFrame, model: dict, total: np.ndarray, st: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Half-up units; totals near a boundary re-scored in rationals."""
    d = int(model["scale"].get("decimals", 2))
    half_up = model["scale"].get("rounding", "half_up") == "half_up"
    scaled = total * 10.0 ** d
    fl = np.floor(scaled)
    frac = scaled - fl
    units = (fl + (frac > 0.5)).astype(np.int64)
    if not half_up:
        units = np.where(frac == 0.5, fl + (fl % 2 == 1), units).astype(np.int64)
    near = np.flatnonzero(np.abs(frac - 0.5) <= BOUNDARY)
    if len(near):
        values = {ind["id"]: frame[ind["id"]].to_numpy(dtype=float) for ind in model["indicators"]}
        quals = frame["qualifications"].to_numpy()
        negs = frame["negatives"].to_numpy()
        for i in near:
            t = exact.exact_total(model, values, int(i), members(g, st, int(i)), int(st[i]), str(quals[i]), str(negs[i]))
            units[i] = exact.round_units(t, d, half_up)
    return units


def fit_score(frame: pd.DataFrame, model: dict) -> pd.DataFrame:
    total, st, g = total_scores(frame, model)
    units = publish(frame, model, total, st, g)
    province = frame["region_code"].to_numpy() // 10000 * 10000
    u = pd.Series(units)
    rank_national = u.rank(method="min", ascending=False).to_numpy(dtype=np.int64)
    rank_province = u.groupby(province).rank(method="min", ascending=False).to_numpy(dtype=np.int64)
    return pd.DataFrame({"credit_code": frame["credit_code"].to_numpy(), "units": units, "stage": st,
                         "rank_national": rank_national, "rank_province": rank_province})
