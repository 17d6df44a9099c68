"""Reasons, what-if and paths from Python (docs/analysis.md), checked
against independent routes: the estimate of the changed row against a
snapshot built without the enterprise (pandas drops it), and rescoring."""

import math

import pandas as pd
import pytest

import cxjf


@pytest.fixture(scope="module")
def snap():
    return cxjf.Snapshot.build(cxjf.generate(1200, seed=61, unregistered_share=0))


def test_no_change_is_the_actual_score(snap):
    frame = snap.to_frame().set_index("row")  # to_frame is in list order
    for row in (0, 17, 333, 1000):
        w = snap.what_if(row)
        assert w.score_after == w.score_before == frame.loc[row, "score"]
        assert w.lines.empty


def test_a_change_is_the_estimate_against_the_others(snap):
    row = 45
    code = snap.table.credit_code[row]
    table = snap.table.to_frame(headers="id")
    value = float(table.loc[row, "rd_expense"]) * 2 + 10
    w = snap.what_if(code, {"rd_expense": value, "roe": None}, add_qualifications=["高新技术企业"])
    # Independently: the others alone, and the changed row estimated as a newcomer.
    others = cxjf.Snapshot.build(table.drop(index=row).reset_index(drop=True))
    changed = table.loc[[row]].copy()
    changed["rd_expense"] = value
    changed["roe"] = math.nan
    quals = changed.loc[row, "qualifications"]
    if "高新技术企业" not in str(quals).split(";"):
        changed["qualifications"] = ";".join([q for q in [str(quals or "")] if q] + ["高新技术企业"])
    record = others.estimate(changed)
    assert w.score_after == pytest.approx(float(record.results["score"].iloc[0]), abs=0)
    assert set(w.lines["id"]) >= {"rd_expense", "roe"}


def test_every_reachable_answer_reaches_the_target_and_a_step_less_does_not(snap):
    frame = snap.to_frame().set_index("row")  # to_frame is in list order
    row = int(frame.index[(frame["score"] > 45) & (frame["score"] < 65)][0])
    path = snap.path(row, fixed=["revenue"])
    assert path.attrs["target"] == 70.0 and not path.attrs["reached"]
    assert "revenue" not in set(path["id"])
    reachable = path[path["reachable"]]
    assert len(reachable) >= 1
    for _, s in reachable.iterrows():
        assert snap.what_if(row, {s["id"]: s["value"]}).score_after >= 70
        step = 1 if s["unit"] in ("件", "个", "人", "项") else 0.01
        below = round(s["value"] - step, 2)
        current = 0 if math.isnan(s["current"]) else s["current"]
        if below > current:
            assert snap.what_if(row, {s["id"]: below}).score_after < 70, s["id"]
    for _, s in path[~path["reachable"]].iterrows():
        assert snap.what_if(row, {s["id"]: s["cap"]}).score_after < 70


def test_the_plan_reaches_the_target_and_costs_no_more_than_any_single_change(snap):
    frame = snap.to_frame().set_index("row")
    rows = [int(r) for r in frame.index[(frame["score"] > 55) & (frame["score"] < 68)][:5]]
    assert rows
    for row in rows:
        plan = snap.plan(row)
        single = snap.path(row)
        assert plan.attrs["reachable"] and plan.attrs["target"] == 70.0
        # Rescored with every change at once.
        assert snap.what_if(row, dict(zip(plan["id"], plan["value"]))).score_after >= 70
        assert plan.attrs["effort"] == pytest.approx(plan["effort"].sum(), abs=1e-12)
        assert plan.attrs["lower_bound"] <= plan.attrs["effort"] + 1e-12
        cheapest = single.loc[single["reachable"], "effort"].min()
        if not math.isnan(cheapest):
            assert plan.attrs["effort"] <= cheapest + 1e-12
        for _, c in plan.iterrows():  # effort as docs/analysis.md defines it
            cap = float(single.loc[single["id"] == c["id"], "cap"].iloc[0])
            now = 0 if math.isnan(c["current"]) else c["current"]
            base = now if now > 0 else cap - now
            assert c["effort"] == pytest.approx((c["value"] - now) / base, rel=1e-12)


def test_distances_are_the_points_missing_closest_first(snap):
    d = snap.distances()
    frame = snap.to_frame().set_index("row")
    assert len(d) == len(frame)
    # Independently: 70 minus the score, clipped at 0, by pandas.
    expected = (70 - frame.loc[d["row"], "score"]).clip(lower=0).round(2).to_numpy()
    assert (d["missing"].to_numpy() == expected).all()
    assert d["missing"].is_monotonic_increasing
    for _, r in d[(d["missing"] > 0) & (d["indicator"] != "")].head(5).iterrows():
        assert snap.what_if(int(r["row"]), {r["indicator"]: r["value"]}).score_after >= 70
    close = d.loc[(d["missing"] > 0) & (d["missing"] < 10) & (d["indicator"] != ""), "row"].head(3)
    few = snap.distances(close, plan=True)
    assert len(few) == len(close) > 0 and few["plan_effort"].notna().all()
    assert (few["plan_effort"] <= few["effort"] + 1e-12).all()
    for _, r in few.iterrows():  # the plan's changes, rescored together
        values = {k: float(v) for k, v in (c.split("=") for c in r["plan_changes"].split(";"))}
        assert snap.what_if(int(r["row"]), values).score_after >= 70


def test_reasons_are_sorted_sides_with_sentences(snap):
    r = snap.reasons(5, top=4)
    strengths, weaknesses = r[r["side"] == "strength"], r[r["side"] == "weakness"]
    assert len(strengths) <= 4 and len(weaknesses) <= 4
    assert (strengths["gap"] > 0).all() and strengths["gap"].is_monotonic_decreasing
    assert (weaknesses["gap"] < 0).all() and weaknesses["gap"].is_monotonic_increasing
    for _, x in r.iterrows():
        assert x["gap"] == pytest.approx(x["points"] - x["median_points"])
        assert ("高于" if x["gap"] > 0 else "低于") in x["text_zh"]


def test_bad_requests_raise(snap):
    with pytest.raises(cxjf.CxjfError, match="not an indicator"):
        snap.what_if(0, {"nope": 1})
    with pytest.raises(ValueError, match="one target"):
        snap.path(0, score=70, grade="A")
    with pytest.raises(cxjf.CxjfError, match="grade"):
        snap.path(0, grade="Z")
