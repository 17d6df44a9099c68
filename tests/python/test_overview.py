"""Overview queries through Python: the documented examples, scope rules,
errors as QueryError."""

import json

import pandas as pd
import pytest

import cxjf

EXAMPLES = ["landing", "province_click_field", "province_click_field_then_stage", "zone_export", "zone_ranking",
            "city_list_by_name", "detail_government", "detail_enterprise"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_documented_examples(docs_snapshot, root, name):
    # docs/examples holds requests and the answers on the documentation
    # snapshot (20,000 enterprises, seed 42), which the fixture rebuilds.
    folder = root / "docs" / "examples"
    request = json.loads((folder / f"{name}.request.json").read_text())
    expected = json.loads((folder / f"{name}.answer.json").read_text())
    assert docs_snapshot.index.query(request) == expected


def test_out_of_scope_is_not_found_like_absent(docs_snapshot, root):
    request = json.loads((root / "docs" / "examples" / "detail_out_of_scope.request.json").read_text())
    principal = request["principal"]
    with pytest.raises(cxjf.QueryError) as outside:
        docs_snapshot.index.detail(principal, request["credit_code"])
    # A valid code that exists nowhere.
    absent = "91350100M000100Y43"
    assert docs_snapshot.table._core.row_of(absent) < 0
    with pytest.raises(cxjf.QueryError) as missing:
        docs_snapshot.index.detail(principal, absent)
    assert outside.value.kind == missing.value.kind == "not_found"
    assert outside.value.path == missing.value.path == "/credit_code"
    assert str(outside.value) == str(missing.value)
    assert outside.value.code == "not_found"


def test_county_sees_only_its_county(docs_snapshot):
    index = docs_snapshot.index
    county = "440106"
    frame = docs_snapshot.to_frame()
    inside = set(frame.loc[frame["region_code"] == int(county), "credit_code"])
    answers = [
        index.overview(f"county:{county}", list={"page_size": 1000}),
        index.overview(f"county:{county}", {"regions": ["110000"]}, list={"page_size": 1000}),
        index.ranking(f"county:{county}", top=100).attrs["parent"],
    ]
    text = json.dumps(answers, ensure_ascii=False)
    outside = set(frame["credit_code"]) - inside
    assert not any(code in text for code in outside)
    # The county's own enterprises at or above the threshold are listed.
    listed = index.list(f"county:{county}", page_size=1000)
    expected = frame[(frame["region_code"] == int(county)) & (frame["score"] >= 70)]
    assert set(listed["credit_code"]) == set(expected["credit_code"])
    # Filters aimed elsewhere match nothing.
    assert index.overview(f"county:{county}", {"regions": ["110000"]})["total"] == 0


def test_refusals(docs_snapshot):
    index = docs_snapshot.index
    with pytest.raises(cxjf.QueryError) as caught:
        index.list("public")
    assert caught.value.kind == "forbidden"
    with pytest.raises(cxjf.QueryError) as caught:
        index.overview("torch_center", {"industries": ["C", "Z"]})
    assert (caught.value.kind, caught.value.path) == ("bad_request", "/filters/industries/1")
    with pytest.raises(cxjf.QueryError, match="can_export"):
        index.export("zone:中关村科技园区")


def test_lists_and_rankings_as_frames(docs_snapshot):
    index = docs_snapshot.index
    frame = docs_snapshot.to_frame()
    page = index.list("torch_center", page_size=5)
    assert page.attrs["total"] == len(frame)
    assert list(page["credit_code"]) == list(frame["credit_code"].head(5))
    assert page["score"].tolist() == frame["score"].head(5).tolist()

    ranking = index.ranking("torch_center", top=3)
    # Provinces' counts add up to the nation, and match pandas.
    assert ranking["count"].sum() == len(frame)
    by_hand = frame.groupby(frame["region_code"] // 10000 * 10000)["score"].agg(["count", "mean", "max"])
    for _, node in ranking.iterrows():
        row = by_hand.loc[int(node["key"])]
        assert node["count"] == row["count"]
        assert node["mean"] == pytest.approx(row["mean"], abs=5e-5)
        assert node["max"] == row["max"]
        assert list(node["top"]["score"]) == sorted(frame.loc[frame["region_code"] // 10000 * 10000 == int(node["key"]), "score"], reverse=True)[:3]

    facets = index.facets("province:440000")
    grades = facets["grade"].set_index("value")["count"]
    guangdong = frame[frame["region_code"] // 10000 == 44]
    assert grades.to_dict() == guangdong["grade"].astype(str).value_counts().reindex(grades.index, fill_value=0).to_dict()

    exported = index.export("zone:中关村科技园区+export")
    table = pd.read_csv(pd.io.common.BytesIO(exported), dtype=str, encoding="utf-8-sig")
    assert len(table) == (frame["credit_code"].isin(docs_snapshot.table.to_frame().query("zone == '中关村科技园区'")["credit_code"])).sum()
