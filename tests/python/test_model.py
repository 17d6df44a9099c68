"""Models: default, built-in, JSON, and validation errors with their paths."""

import json

import pytest

import cxjf


def test_default_model(model):
    assert model.id == "torch-2022"
    assert len(model.indicator_ids) == 18
    assert model.indicator_ids[0] == "rd_expense"
    assert model.stage_names == ["初创期", "成长期", "稳定期"]
    assert model.grade_ids == ["A", "B", "C", "D"]
    assert model.decimals == 2


def test_builtin_and_json_round_trip(model):
    assert set(cxjf.Model.builtin_ids()) >= {"torch-2022", "torch-2025-trial"}
    trial = cxjf.Model.builtin("torch-2025-trial")
    assert trial.id == "torch-2025-trial"
    again = cxjf.Model.from_json(model.to_json())
    assert again == model
    assert cxjf.Model.from_json(model.to_dict()).to_json() == model.to_json()
    assert cxjf.Model.load("torch-2025-trial") == trial


def test_indicator_frame_weights_sum_to_base_max(model):
    frame = model.indicators
    assert list(frame["id"]) == model.indicator_ids
    # The stages' weights sum to the scale's base_max (100) in torch-2022.
    for column in ("weight_startup", "weight_growth", "weight_stable"):
        assert frame[column].sum() == pytest.approx(100)


def test_model_error_lists_problems_with_paths(model):
    document = model.to_dict()
    document["indicators"][3]["weights"]["growth"] = -1
    with pytest.raises(cxjf.ModelError) as caught:
        cxjf.Model.from_json(document)
    error = caught.value
    assert error.code == "invalid_model"
    paths = [path for path, _ in error.problems]
    assert any(path.startswith("/indicators/3/weights") for path in paths), paths
    assert "/indicators/3/weights" in str(error)


def test_malformed_json_and_unknown_builtin():
    with pytest.raises(cxjf.ModelError):
        cxjf.Model.from_json("{not json")
    with pytest.raises(cxjf.CxjfError, match="torch-2022"):
        cxjf.Model.builtin("nope")


def test_html(model):
    html = model._repr_html_()
    assert "研发费用金额" in html and "torch-2022" in html and html.count("<tr>") == 19
