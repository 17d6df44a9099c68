"""Estimation (导入测算) of DataFrames, CSV bytes and GB18030 files."""

import decimal
import io

import numpy as np
import pandas as pd
import pytest

import cxjf
from cxjf.estimation import ESTIMATE_RANK_LEVELS


@pytest.fixture(scope="module")
def frames(small_table):
    frame = small_table.to_frame(headers="zh")
    registered = frame[frame["是否入统"]].drop(columns=["是否入统"])
    newcomers = frame[~frame["是否入统"]].drop(columns=["是否入统"])
    return registered, newcomers


def test_registered_rows_get_their_actual_scores(small_snapshot, frames):
    registered, newcomers = frames
    upload = pd.concat([registered.head(3), newcomers.head(2)])
    record = small_snapshot.estimate(upload, "torch_center")
    results = record.results
    assert list(results["row"]) == [2, 3, 4, 5, 6]
    assert list(results["status"]) == ["registered"] * 3 + ["estimated"] * 2
    actual = small_snapshot.to_frame().set_index("credit_code")
    for _, r in results.head(3).iterrows():
        assert r["score"] == actual.loc[r["credit_code"], "score"]
        assert r["rank_national"] == actual.loc[r["credit_code"], "rank_national"]
    assert record.counts == {"rows_read": 5, "scored": 5, "registered": 3, "estimated": 2, "rejected": 0,
                             "duplicates": 0, "bad_cells": 0}
    assert len(record.errors) == 0


def test_an_estimate_equals_the_score_it_would_have(small_table, frames):
    # Leave one registered enterprise out of the base database, estimate it
    # against that snapshot: its score equals its actual score, bit for bit
    # (docs/estimation.md).
    frame = small_table.to_frame()
    with_all = cxjf.Snapshot.build(frame)
    registered = frame[frame["registered"]]
    for position in (0, 7, 100):
        credit_code = registered["credit_code"].iloc[position]
        without = cxjf.Snapshot.build(frame[frame["credit_code"] != credit_code])
        upload = registered[registered["credit_code"] == credit_code].drop(columns=["registered"])
        result = without.estimate(upload).results.iloc[0]
        assert result["status"] == "estimated"
        actual = with_all.to_frame().set_index("credit_code").loc[credit_code]
        assert result["score"] == actual["score"]


def test_bad_cells_and_rejected_rows(small_snapshot, frames):
    registered, newcomers = frames
    upload = newcomers.head(3).astype({"研发费用金额(万元)": object, "统一社会信用代码": object}).copy()
    upload.iloc[0, upload.columns.get_loc("研发费用金额(万元)")] = "12,5万"
    upload.iloc[2, upload.columns.get_loc("统一社会信用代码")] = "9.13501E+17"
    record = small_snapshot.estimate(upload, "province:440000")
    c = record.counts
    assert c["rows_read"] == 3 == c["scored"] + c["rejected"] and c["rejected"] == 1 and c["bad_cells"] == 2
    errors = record.errors
    cell = errors[(errors["kind"] == "cell") & (errors["row"] == 2)].iloc[0]
    assert (cell["column"], cell["raw"]) == ("研发费用金额(万元)", "12,5万")
    rejected = errors[errors["kind"] == "rejected_row"].iloc[0]
    assert rejected["row"] == 4 and "Excel turned the credit code into a number" in rejected["reason_en"]
    assert record.results["bad_cells_treated_as_missing"].iloc[0] != ""
    assert record.record["principal"] == "province:440000"


def test_gb18030_csv(small_snapshot, frames, tmp_path):
    registered, newcomers = frames
    upload = pd.concat([registered.head(2), newcomers.head(2)])
    utf8 = small_snapshot.estimate(upload)
    path = tmp_path / "upload.csv"
    path.write_bytes(upload.to_csv(index=False).encode("gb18030"))
    gbk = small_snapshot.estimate(path)
    assert gbk.record["encoding"] == "gb18030" and utf8.record["encoding"] == "utf-8"
    pd.testing.assert_frame_equal(gbk.results, utf8.results)
    assert list(gbk.results["name"]) == list(upload["企业名称"])  # decoded, not mojibake


def test_repository_gb18030_fixture(small_snapshot, root):
    # A GBK file Excel saved, written for a smaller test model: it is decoded
    # (the message quotes its Chinese headers) and refused as a whole, with
    # every missing column listed in row 1.
    with pytest.raises(cxjf.InputError) as caught:
        small_snapshot.estimate(root / "tests" / "data" / "upload_gb18030.csv")
    assert caught.value.row == 1 and caught.value.column == ""
    assert "missing columns: 研发费用增速(%) (rd_growth)" in str(caught.value)


def test_record_html_and_csv(small_snapshot, frames):
    record = small_snapshot.estimate(frames[1].head(4))
    html = record._repr_html_()
    assert "测算记录" in html and record.id in html
    assert record.results_csv().startswith(b"\xef\xbb\xbfrow,credit_code")
    assert record.to_dict(ledgers=True)["rows"][0]["ledger"]["indicators"]


def test_principal_parsing():
    p = cxjf.Principal.parse("zone:中关村科技园区+export")
    assert (p.role, p.code, p.can_export) == ("zone", "中关村科技园区", True)
    assert str(cxjf.Principal.parse("province:440000")) == "province:440000"
    with pytest.raises(cxjf.CxjfError):
        cxjf.Principal.parse("king:1")


def test_results_frame_agrees_with_results_csv_and_record(small_snapshot, frames):
    """The DataFrame (built from columns) against two independent routes: the
    CSV writer read back by pandas, and the JSON record."""
    registered, newcomers = frames
    upload = pd.concat([registered.head(2000), newcomers, registered.head(3)])
    upload.iloc[1, upload.columns.get_loc("研发费用增速(%)")] = 999.0  # a difference from the stored value
    record = small_snapshot.estimate(upload, threads=1)
    results = record.results
    csv = pd.read_csv(io.BytesIO(record.results_csv()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(results) == len(csv) == record.counts["scored"] == len(upload)
    assert list(results["row"]) == [int(r) for r in csv["row"]]
    assert list(results["credit_code"]) == list(csv["credit_code"])
    assert list(results["status"]) == list(csv["status"])
    assert [f"{s:.2f}" for s in results["score"]] == list(csv["score"])
    for level in ESTIMATE_RANK_LEVELS:
        expected = [pd.NA if r == "" else int(r) for r in csv[f"rank_{level}"]]
        assert [pd.NA if pd.isna(r) else int(r) for r in results[f"rank_{level}"]] == expected
    assert list(results["duplicate"]) == [d == "1" for d in csv["duplicate"]]
    assert results["duplicate"].sum() == 3
    assert list(results["differences"]) == list(csv["differences"])
    assert "→" in results["differences"].iloc[1]
    rows = record.record["rows"]
    assert list(results["peer_group"]) == [r["peer_group"] for r in rows]
    assert list(results["grade"]) == [r["grade"] for r in rows]
    assert list(results["stage"]) == [r["stage"] for r in rows]
    # The same record on every thread count.
    again = small_snapshot.estimate(upload, threads=2).results
    pd.testing.assert_frame_equal(again, results)
    with pytest.raises(ValueError, match="threads"):
        small_snapshot.estimate(upload, threads=-1)


def test_estimation_obeys_the_principal(small_snapshot, frames):
    # docs/estimation.md: a registered enterprise outside the principal's
    # scope is estimated from its uploaded values, exactly as an unregistered
    # one with the same values (here: the same row under a new credit code).
    registered, newcomers = frames
    row = registered.head(1)
    fresh = row.copy()
    fresh["统一社会信用代码"] = newcomers["统一社会信用代码"].iloc[0]  # valid, not registered
    upload = pd.concat([row, fresh])
    region = str(row["行政区划代码"].iloc[0])
    other = "110000" if not region.startswith("11") else "440000"
    own = small_snapshot.estimate(upload, "torch_center").results
    assert own["status"].iloc[0] == "registered"
    for who in ["public", f"province:{other}"]:
        results = small_snapshot.estimate(upload, who).results
        assert list(results["status"]) == ["estimated", "estimated"], who
        assert results["score"].iloc[0] == results["score"].iloc[1], who
        # Would-be ranks only in units the principal may see ranked: none
        # here (docs/estimation.md, "Who asks").
        assert results["rank_national"].isna().all(), who
    for who in ["province:990000", "city:440000", "public:440000", "torch_center:x"]:
        with pytest.raises(cxjf.CxjfError, match="/principal/code"):
            small_snapshot.estimate(upload, who)


def test_percent_form_is_explicit(small_snapshot, frames):
    # A bare number in a % column is a percent; the fraction form only on
    # request, for every % column; '%' always a percent; a row's result
    # never depends on the other rows (docs/upload.md).
    _, newcomers = frames
    row = newcomers.head(1)
    columns = [c for c in row.columns if "(%)" in c]
    row = row.astype({c: object for c in columns})
    as_percent, as_fraction, with_sign = row.copy(), row.copy(), row.copy()
    for c in columns:
        v = row[c].iloc[0]
        if pd.isna(v):
            continue
        text = repr(float(v))
        as_percent[c] = text
        as_fraction[c] = format(decimal.Decimal(text).scaleb(-2), "f")  # 12.5 -> 0.125, exactly
        with_sign[c] = text + "%"
    score = lambda frame, **kw: small_snapshot.estimate(frame, "torch_center", **kw).results["score"].iloc[0]
    assert score(as_percent) == score(as_fraction, percent_form="fraction") == score(with_sign, percent_form="fraction")
    assert score(as_percent) == score(with_sign)
    # One row alone and beside another whose cells look like fractions.
    other = newcomers.iloc[1:2].astype({c: object for c in columns})
    for c in columns:
        other[c] = "0.05"
    alone = small_snapshot.estimate(as_percent, "torch_center").results["score"].iloc[0]
    together = small_snapshot.estimate(pd.concat([as_percent, other]), "torch_center").results["score"].iloc[0]
    assert alone == together
    with pytest.raises(cxjf.CxjfError):
        small_snapshot.estimate(as_percent, "torch_center", percent_form="ratio")


def test_upload_limits(small_snapshot, frames):
    # docs/upload.md, "Limits": past max_rows the upload is refused, naming
    # the row; a cell past max_cell_bytes rejects its row only.
    _, newcomers = frames
    upload = newcomers.head(3)
    record = small_snapshot.estimate(upload, limits={"max_rows": 3})
    assert record.counts["rows_read"] == 3
    with pytest.raises(cxjf.CxjfError, match="row 4: the upload has more than 2 data rows"):
        small_snapshot.estimate(upload, limits={"max_rows": 2})
    long_name = upload.copy()
    long_name.iloc[1, long_name.columns.get_loc("企业名称")] = "名" * 2000  # 6,000 bytes
    record = small_snapshot.estimate(long_name)
    assert record.counts["scored"] == 2 and record.counts["rejected"] == 1
    assert "of more than 4096 bytes" in record.errors["reason_en"].iloc[0]
    with pytest.raises(ValueError, match="not an upload limit"):
        small_snapshot.estimate(upload, limits={"max_lines": 3})
