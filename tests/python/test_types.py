"""Consistent types across the package: tables compare with ==, a frame's
index may hold the credit code, stage/grade/peer group are Categoricals in
every frame, a ledger's score is a number with its text beside it."""

import math

import numpy as np
import pandas as pd
import pytest

import cxjf


def test_tables_compare_cell_for_cell():
    a = cxjf.generate(400, seed=11)
    assert a == cxjf.generate(400, seed=11)
    assert a != cxjf.generate(400, seed=12)
    assert cxjf.Table.from_frame(a.to_frame()) == a
    # A generated table has missing cells (NaN); NaN equals NaN here.
    assert np.isnan(a.values).any()
    changed = a.to_frame().copy()  # to_frame views the table read-only
    changed.loc[5, "rd_expense"] = changed.loc[5, "rd_expense"] + 0.01
    assert cxjf.Table.from_frame(changed) != a
    assert (a == "not a table") is False
    with pytest.raises(TypeError):
        hash(a)


def test_the_credit_code_may_be_the_index():
    table = cxjf.generate(300, seed=3)
    frame = table.to_frame()
    assert cxjf.Table.from_frame(frame.set_index("credit_code")) == table
    chinese = table.to_frame(headers="zh").set_index("统一社会信用代码")
    assert cxjf.Table.from_frame(chinese) == table


def _categorical(series, categories):
    assert isinstance(series.dtype, pd.CategoricalDtype), series.name
    assert list(series.cat.categories[: len(categories)]) == list(categories), series.name


def test_stage_grade_and_peer_group_are_categoricals_everywhere(small_snapshot):
    model = small_snapshot.model
    scores = small_snapshot.to_frame()
    for name, categories in (("stage", model.stage_names), ("grade", model.grade_ids),
                             ("peer_group", small_snapshot.reference.group_labels)):
        _categorical(scores[name], categories)
    upload = small_snapshot.table.to_frame(headers="zh").head(30)
    results = small_snapshot.estimate(upload, "torch_center").results
    for name, categories in (("stage", model.stage_names), ("grade", model.grade_ids),
                             ("peer_group", small_snapshot.reference.group_labels)):
        _categorical(results[name], categories)
    # The same enterprises get the same labels in both frames.
    merged = results.merge(scores, on="credit_code", suffixes=("_est", ""))
    assert (merged["grade_est"].astype(str) == merged["grade"].astype(str)).all()
    listed = small_snapshot.index.list("torch_center", page_size=50)
    _categorical(listed["stage"], model.stage_names)
    _categorical(listed["grade"], model.grade_ids)
    ranking = small_snapshot.index.ranking("torch_center", top=3)
    _categorical(ranking["top"].iloc[0]["grade"], model.grade_ids)


def test_a_ledgers_score_is_a_number_with_its_text(small_snapshot):
    frame = small_snapshot.to_frame()
    for row in (0, len(frame) // 2, len(frame) - 1):
        code = frame["credit_code"].iloc[row]
        ledger = small_snapshot.explain(code)
        assert isinstance(ledger.score, float)
        assert ledger.score == frame["score"].iloc[row]
        assert ledger.score_text == f"{frame['score'].iloc[row]:.2f}"
        assert math.isclose(float(ledger.score_text), ledger.score)
