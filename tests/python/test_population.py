"""cxjf.compare, Snapshot.distribution and peer_fallbacks against pandas
and numpy computing the same from the snapshots' own scores."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import cxjf


@pytest.fixture(scope="module")
def years(small_table):
    """Year one: the small table's registered rows. Year two: 300 of them
    gone, 200 new (another seed's), and every revenue and R&D expense up
    by a tenth."""
    one = small_table.to_frame()
    one = one[one["registered"]].reset_index(drop=True)
    two = one.drop(index=range(0, 900, 3)).copy()
    two["revenue"] = two["revenue"] * 1.1
    two["rd_expense"] = two["rd_expense"] * 1.1
    extra = cxjf.generate(400, seed=99).to_frame()
    extra = extra[extra["registered"]].head(200)
    two = pd.concat([two, extra], ignore_index=True)
    return cxjf.Snapshot.build(one), cxjf.Snapshot.build(two)


def scores(snap) -> pd.DataFrame:
    f = snap.to_frame(order="table")
    return f.set_index("credit_code")[["score", "grade", "region_code", "rank_national"]]


def psi_by_hand(before: np.ndarray, after: np.ndarray, bins: int = 10) -> float:
    reported = np.sort(before[~np.isnan(before)])
    n = len(reported)
    edges = []
    for k in range(1, bins):
        e = reported[k * n // bins]
        if e > reported[0] and (not edges or e > edges[-1]):
            edges.append(e)
    edges = np.asarray(edges)

    def shares(v):
        b = np.where(np.isnan(v), len(edges) + 1, np.searchsorted(edges, v, side="right"))
        return np.bincount(b, minlength=len(edges) + 2) / len(v)

    p, a = shares(before), shares(after)
    keep = (p > 0) | (a > 0)
    p, a = np.where(p[keep] == 0, 1e-4, p[keep]), np.where(a[keep] == 0, 1e-4, a[keep])
    return float(np.sum((a - p) * np.log(a / p)))


def test_year_over_year_matches_pandas(years):
    one, two = years
    c = cxjf.compare(one, two)
    b, a = scores(one), scores(two)
    both = b.merge(a, left_index=True, right_index=True, suffixes=("_b", "_a"))
    assert c.matched == len(both)
    assert c.entrants == len(a.index.difference(b.index)) == 200
    assert c.leavers == len(b.index.difference(a.index)) == 300
    assert len(c.enterprises) == len(b.index.union(a.index))
    # Grade transitions of the matched, as a crosstab.
    cross = pd.crosstab(both["grade_b"].astype(str), both["grade_a"].astype(str))
    for gb in cross.index:
        for ga in cross.columns:
            assert c.grades.loc[gb, ga] == cross.loc[gb, ga]
    assert c.grades["退出"].sum() == 300 and c.grades.loc["新进"].sum() == 200
    # Spearman: Pearson's correlation of average ranks.
    rho = both["score_b"].rank().corr(both["score_a"].rank())
    nation = c.agreement[c.agreement["province"].isna()].iloc[0]
    assert nation["spearman"] == pytest.approx(rho, abs=1e-12)
    # Kendall's tau-b pair by pair, in one province small enough.
    prov = c.agreement.dropna(subset=["province"]).query("enterprises >= 20").sort_values("enterprises").iloc[0]
    sub = both[both["region_code_a"] // 10000 * 10000 == prov["province"]]
    x, y = sub["score_b"].to_numpy(), sub["score_a"].to_numpy()
    sx, sy = np.sign(x[:, None] - x[None, :]), np.sign(y[:, None] - y[None, :])
    iu = np.triu_indices(len(x), 1)
    n0 = len(iu[0])
    tau = (sx * sy)[iu].sum() / np.sqrt((n0 - (sx[iu] == 0).sum()) * (n0 - (sy[iu] == 0).sum()))
    assert prov["kendall"] == pytest.approx(tau, abs=1e-12)
    # Each province's list (>= 70) before and after, entered and left.
    b["listed"], a["listed"] = b["score"] >= 70, a["score"] >= 70
    for _, r in c.regions[c.regions["region"] % 10000 == 0].iterrows():
        inb = b[(b["region_code"] // 10000 * 10000 == r["region"]) & b["listed"]].index
        ina = a[(a["region_code"] // 10000 * 10000 == r["region"]) & a["listed"]].index
        assert (r["listed_before"], r["listed_after"]) == (len(inb), len(ina))
        assert (r["entered"], r["left"]) == (len(ina.difference(inb)), len(inb.difference(ina)))
    # Changes and movers.
    change = (both["score_a"] - both["score_b"]).round(2)
    top = change[change > 0].sort_values(ascending=False, kind="stable")
    assert c.risers["credit_code"].iloc[0] in set(top[top == top.iloc[0]].index)
    e = c.enterprises.set_index("credit_code")
    assert (e.loc[both.index, "change"].round(2) == change).all()
    # PSI of revenue (raised a tenth) and of an indicator left alone.
    t1, t2 = one.table.to_frame(), two.table.to_frame()
    for ind in ("revenue", "platforms"):
        expected = psi_by_hand(t1[ind].to_numpy(float), t2[ind].to_numpy(float))
        got = c.shifts[(c.shifts["indicator"] == ind) & c.shifts["group"].isna()]["psi"].iloc[0]
        assert got == pytest.approx(expected, abs=1e-12), ind


def test_scheme_what_if_rescores_under_another_model(small_snapshot):
    m = small_snapshot.model.to_dict()
    m["id"] = "alt"
    weights = [i["weights"] for i in m["indicators"] if i.get("weights")]
    for stage in weights[0]:
        weights[0][stage] -= 2
        weights[1][stage] += 2
    c = small_snapshot.compare(m)
    assert c.matched == len(small_snapshot) and c.entrants == c.leavers == 0
    rebuilt = cxjf.Snapshot.build(small_snapshot.table, cxjf.Model.from_json(m))
    assert (c.after.scores.published_units == rebuilt.scores.published_units).all()
    assert (c.enterprises["score_after"].to_numpy(float) == rebuilt.scores.published).all()
    # The same data: no indicator shifted.
    assert (c.shifts["psi"] == 0).all()


def test_distribution_matches_pandas(docs_snapshot):
    f = docs_snapshot.to_frame(order="table")
    f["province"] = f["region_code"] // 10000 * 10000
    d = docs_snapshot.distribution("province")
    nation = d.iloc[0]
    assert nation["enterprises"] == len(f)
    assert nation["median"] == pytest.approx(f["score"].median(), abs=1e-9)
    g = f.groupby("province")["score"]
    expected = pd.DataFrame({"mean": g.mean(), "q1": g.quantile(0.25), "median": g.median(), "q3": g.quantile(0.75),
                             "listed": f.assign(l=f["score"] >= 70).groupby("province")["l"].mean()})
    got = d.iloc[1:].set_index("key")
    assert list(got.index) == list(expected.index)
    for col, theirs in (("mean", "mean"), ("q1", "q1"), ("median", "median"), ("q3", "q3"), ("listed_share", "listed")):
        assert np.allclose(got[col], expected[theirs], atol=1e-9), col
    assert np.allclose(got["mean_gap"], expected["mean"] - f["score"].mean(), atol=1e-9)
    by_stage = docs_snapshot.distribution("stage")
    assert by_stage["enterprises"].iloc[1:].sum() == len(f)
    with pytest.raises(cxjf.CxjfError, match="province, zone, stage or industry"):
        docs_snapshot.distribution("city")


def test_peer_fallbacks_count_the_coarser_groups():
    # The default model compares by stage and industry, falling back to the
    # stage alone below 30 members: 2,000 enterprises leave many pairs short.
    snap = cxjf.Snapshot.build(cxjf.generate(2000, seed=5))
    f = snap.to_frame(order="table")
    f["industry"] = snap.table.to_frame()["industry"].astype(str).to_numpy()
    sizes = f.groupby(["stage", "industry"], observed=True)["score"].transform("size")
    short = f[sizes < 30]
    fb = snap.peer_fallbacks()
    assert fb["enterprises"].sum() == len(short) > 0
    expected = short.groupby(["stage", "industry"], observed=True).size()
    got = fb.set_index(["stage", "industry"])["enterprises"]
    assert sorted(got.to_list()) == sorted(expected.to_list())
    assert (fb["enterprises"].diff().dropna() <= 0).all()
    assert fb["province"].isna().all()


def model_with_weights(doc: dict, w: pd.DataFrame, model_id: str) -> cxjf.Model:
    """The model with each stage's weights from `w` to 12 decimals, the last
    scored indicator taking what makes the stage's decimal sum exactly the
    base maximum, as models must: within 1e-11 of the drawn weights, which
    moves a total by far less than the 1e-7 of a unit that could change its
    rounding (tests/population/uncertainty_test.cpp uses the drawn doubles
    themselves)."""
    drawn = json.loads(json.dumps(doc))
    drawn["id"] = model_id
    scored = [ind for ind in drawn["indicators"] if ind.get("weights")]
    for stage in scored[0]["weights"]:
        total = Decimal(0)
        for ind in scored[:-1]:
            value = Decimal(repr(float(w.loc[stage, ind["id"]]))).quantize(Decimal("1e-12"))
            ind["weights"][stage] = f"@{value}@"
            total += value
        scored[-1]["weights"][stage] = f"@{Decimal(repr(float(drawn['scale']['base_max']))) - total}@"
    return cxjf.Model.from_json(re.sub(r'"@([^@]*)@"', r"\1", json.dumps(drawn, ensure_ascii=False)))


def test_rank_bands_equal_each_draw_scored_again(small_table):
    """5 draws: each draw's weights put into the model, the snapshot built
    again, and each enterprise's ranks ordered by numpy."""
    frame = small_table.to_frame()
    frame = frame[frame["registered"]].head(400)
    snap = cxjf.Snapshot.build(frame)
    bands = snap.rank_bands(5, spread=0.4, seed=9)
    doc = snap.model.to_dict()
    ranks, listed = [], []
    for d in range(5):
        w = cxjf.population.draw_weights(snap.model, d, spread=0.4, seed=9)
        s = cxjf.Snapshot.build(snap.table, model_with_weights(doc, w, f"draw-{d}"))
        ranks.append(s.scores.rank("national"))
        listed.append(s.scores.published >= 70)
    ranks = np.sort(np.vstack(ranks), axis=0)
    # Positions ceil(q 5) - 1: 0 for 5 %, 2 for the median, 4 for 95 %.
    assert (bands["p05"].to_numpy() == ranks[0]).all()
    assert (bands["median"].to_numpy() == ranks[2]).all()
    assert (bands["p95"].to_numpy() == ranks[4]).all()
    assert np.allclose(bands["listed"], np.mean(listed, axis=0))
    assert (bands["nominal"].to_numpy() == snap.scores.rank("national")).all()
    w = cxjf.population.draw_weights(snap.model, 0)
    assert np.allclose(w.sum(axis=1), 100)


def test_rank_sensitivity_frame(small_snapshot):
    s = small_snapshot.rank_sensitivity(8, threads=2)
    assert list(s.columns) == ["rank_first", "rank_total", "listed_first", "listed_total"]
    assert len(s) == 18 and s.attrs["evaluations"] == 8 * 20
    assert (s["rank_total"] >= 0).all()
    with pytest.raises(cxjf.CxjfError, match="samples"):
        small_snapshot.rank_sensitivity(1)
    rules = small_snapshot.rank_sensitivity(4, ties=["weak", "mean"], missing=["zero", "exclude"])
    assert list(rules.index[-2:]) == ["ties", "missing"]
    with pytest.raises(cxjf.CxjfError, match="'median' is not a tie rule"):
        small_snapshot.rank_bands(2, ties=["median"])
    bands = small_snapshot.rank_bands(6, ties=["weak", "strict"], missing=["zero", "peer_median"], threads=2)
    assert (bands["p05"] <= bands["median"]).all() and (bands["median"] <= bands["p95"]).all()
