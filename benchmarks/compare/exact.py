"""Exact (rational) re-scoring of single enterprises, shared by the pandas and
DuckDB peers for the rare totals that lie within 1e-6 of a unit of a rounding
boundary (cxjf does the same with Boost's cpp_rational, docs/scoring.md §2).

Everything here follows docs/model.md and the brute-force scorer of
tests/scoring/independent_test.cpp: numbers written in decimal (values, weights, full
marks, breakpoints) are taken as the decimal their shortest text shows,
transformed values (log1p, sqrt) as their double, percentiles as exact ratios
of counts, quantiles interpolated with the probability as an exact fraction.
The peer group of the row is given by the caller (its own computation).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np


def dec(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def transform_exact(kind: str, x: Fraction, xf: float) -> Fraction:
    if kind == "none":
        return x
    if kind == "log1p":
        return Fraction(-math.log1p(-xf) if xf < 0 else math.log1p(xf))
    return Fraction(-math.sqrt(-xf) if xf < 0 else math.sqrt(xf))


def quantile_exact(sorted_vals: list[Fraction], p: Fraction) -> Fraction:
    n = len(sorted_vals)
    h = (n - 1) * p
    lo = math.floor(h)
    if lo + 1 >= n:
        return sorted_vals[-1]
    return sorted_vals[lo] + (h - lo) * (sorted_vals[lo + 1] - sorted_vals[lo])


def exact_total(model: dict, values: dict, i: int, members: np.ndarray, stage: int,
                quals: str, negs: str) -> Fraction:
    """The exact total of row i. values: indicator id -> float array (NaN
    missing); members: the row indices of i's peer group."""
    cats = [c["id"] for c in model["categories"]]
    stage_id = model["stages"][stage]["id"]
    cat_points = {c: Fraction(0) for c in cats}
    cat_max = {c: Fraction(0) for c in cats}
    cat_excl = {c: Fraction(0) for c in cats}
    for ind in model["indicators"]:
        if "category" not in ind:
            continue
        cat = ind["category"]
        w = dec(ind["weights"][stage_id])
        cat_max[cat] += w
        col = values[ind["id"]]
        missing = ind.get("missing", "zero")
        pv = col[members]
        if missing == "zero":
            pv = np.where(np.isnan(pv), 0.0, pv)
        else:
            pv = pv[~np.isnan(pv)]
        raw = col[i]
        if math.isnan(raw):
            if missing == "exclude":
                cat_excl[cat] += w
                continue
            if missing == "zero":
                xf, x = 0.0, Fraction(0)
            else:
                if len(pv) == 0:
                    xf, x = 0.0, Fraction(0)
                else:
                    srt = sorted(dec(v) for v in np.sort(pv)[[(len(pv) - 1) // 2, len(pv) // 2]])
                    x = (srt[0] + srt[1]) / 2
                    xf = float(x)
        else:
            xf, x = float(raw), dec(raw)
        method = ind["method"]
        tr = ind.get("transform", "none")
        if method == "percentile":
            n = len(pv)
            weak = int(np.count_nonzero(pv <= xf))
            strict = int(np.count_nonzero(pv < xf))
            ties = ind.get("ties", "weak")
            s = Fraction(0) if n == 0 else (Fraction(weak, n) if ties == "weak" else Fraction(strict, n) if ties == "strict"
                                             else Fraction(weak + strict, 2 * n))
        elif method == "capped_ratio":
            fx = transform_exact(tr, x, xf)
            if "full_mark" in ind:
                F = dec(ind["full_mark"])
                ff = transform_exact(tr, F, float(F))
            else:
                srt = np.sort(pv)
                fv = [transform_exact(tr, dec(v), float(v)) for v in srt]
                ff = quantile_exact(fv, dec(ind["full_mark_quantile"]))
            s = fx / ff if ff > 0 else Fraction(1 if fx > 0 else 0)
            s = min(max(s, Fraction(0)), Fraction(1))
        elif method == "piecewise":
            b = [(dec(a), dec(c)) for a, c in ind["breakpoints"]]
            if x <= b[0][0]:
                s = b[0][1]
            elif x >= b[-1][0]:
                s = b[-1][1]
            else:
                s = b[-1][1]
                for k in range(len(b) - 1):
                    if b[k][0] <= x < b[k + 1][0]:
                        s = b[k][1] + (x - b[k][0]) / (b[k + 1][0] - b[k][0]) * (b[k + 1][1] - b[k][1])
                        break
        elif method == "steps":
            s = Fraction(0)
            for a, c in ind["breakpoints"]:
                if dec(a) <= x:
                    s = dec(c)
        elif method == "min_max":
            srt = np.sort(pv)
            fv = [transform_exact(tr, dec(v), float(v)) for v in srt]
            lo_q, hi_q = ind.get("winsorize", [0, 1])
            lo, hi = quantile_exact(fv, dec(lo_q)), quantile_exact(fv, dec(hi_q))
            fx = transform_exact(tr, x, xf)
            if hi > lo:
                s = min(max((fx - lo) / (hi - lo), Fraction(0)), Fraction(1))
            else:
                s = Fraction(1 if fx >= hi else 0)
        elif method == "boolean":
            s = Fraction(1 if x != 0 else 0)
        else:
            raise NotImplementedError(method)
        if ind.get("zero_earns_zero") and x <= 0:
            s = Fraction(0)
        cat_points[cat] += w * s
    base = Fraction(0)
    for c in cats:
        if cat_excl[c] == 0:
            base += cat_points[c]
        else:
            present = cat_max[c] - cat_excl[c]
            base += cat_points[c] * cat_max[c] / present if present > 0 else 0
    qs = set(q for q in quals.split(";") if q)
    ns = set(q for q in negs.split(";") if q)
    bonus = Fraction(0)
    for item in model.get("bonus", []):
        if "qualification" in item:
            if item["qualification"] in qs:
                bonus += dec(item["points"])
        else:
            v = values[item["indicator"]][i]
            if v > 0:
                bonus += min(dec(item["per_unit"]) * dec(v), dec(item["points"]))
    bonus = min(bonus, dec(model["scale"].get("bonus_max", 0)))
    ded = Fraction(0)
    for item in model.get("negatives", []):
        if item["name_zh"] in ns:
            if item["action"] == "veto":
                return Fraction(0)
            ded += dec(item["points"])
    total = base + bonus - ded
    return min(max(total, Fraction(0)), dec(model["scale"]["total_max"]))


def round_units(total: Fraction, decimals: int, half_up: bool = True) -> int:
    scaled = total * 10 ** decimals
    fl = math.floor(scaled)
    frac = scaled - fl
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and (half_up or fl % 2 == 1)):
        return fl + 1
    return fl
