"""Tables read what uploads read (one parser for both): number forms,
units in headers and cells, extra columns, every bad row in one error."""

import warnings

import numpy as np
import pandas as pd
import pytest

import cxjf


def _frame(n=6, seed=21):
    return cxjf.generate(n, seed=seed, unregistered_share=0).to_frame(headers="zh").copy()


def test_a_frame_with_upload_forms_is_read_like_an_upload():
    frame = _frame()
    strict = cxjf.Table.from_frame(frame)
    loose = frame.copy()
    # Worked out by hand: 8,008.69 元 is 0.800869 万元; "7.12%" in a % column
    # is 7.12; the other rows keep their values, written as text.
    rd = "研发费用金额(万元)"
    loose[rd] = loose[rd] * 10000
    loose = loose.rename(columns={rd: "研发费用金额(元)"})
    loose["研发费用金额(元)"] = loose["研发费用金额(元)"].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
    loose.loc[0, "研发费用金额(元)"] = "8,008.69"
    pct = "研发费用占营业收入的比例(%)"
    loose[pct] = loose[pct].map(lambda v: "" if pd.isna(v) else f"{v}%")
    loose.loc[1, pct] = "7.12%"
    loose["备注"] = "note"
    with pytest.warns(cxjf.CxjfWarning, match="备注"):
        table = cxjf.Table.from_frame(loose)
    values = table.to_frame()
    assert values.loc[0, "rd_expense"] == pytest.approx(0.800869, abs=1e-12)
    assert values.loc[1, "rd_intensity"] == 7.12
    expected = strict.to_frame()
    for row in range(2, len(frame)):
        assert values.loc[row, "rd_expense"] == pytest.approx(expected.loc[row, "rd_expense"], rel=1e-12)
    assert values["credit_code"].tolist() == expected["credit_code"].tolist()


def test_every_bad_row_is_named_in_one_error():
    frame = _frame(8)
    code = "统一社会信用代码"
    frame[code] = frame[code].astype(object)
    frame.loc[1, code] = frame.loc[1, code][:-1] + ("X" if frame.loc[1, code][-1] != "X" else "Y")  # row 3
    frame["行政区划代码"] = frame["行政区划代码"].astype(object)
    frame.loc[3, "行政区划代码"] = "449999"                                                  # row 5
    frame["研发费用金额(万元)"] = frame["研发费用金额(万元)"].astype(object)
    frame.loc[4, "研发费用金额(万元)"] = "abc"                                               # row 6
    frame.loc[6, code] = frame.loc[0, code]                                                  # row 8
    with pytest.raises(cxjf.InputError) as caught:
        cxjf.Table.from_frame(frame)
    message = str(caught.value)
    assert caught.value.row == 3
    assert "4 problems" in message
    for part in ("row 3, column 统一社会信用代码", "row 5, column 行政区划代码", "row 6, column 研发费用金额(万元)",
                 f"row 8: credit code {frame.loc[0, code]} appears again (first on row 2)"):
        assert part in message, part


def test_read_csv_takes_gb18030_workbooks_and_upload_forms(tmp_path):
    table = cxjf.generate(50, seed=5)
    frame = table.to_frame(headers="zh")
    plain = tmp_path / "plain.csv"
    table.to_csv(plain)
    assert cxjf.read_csv(plain) == table                       # the fast path
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(plain.read_text(encoding="utf-8").encode("gb18030"))
    assert cxjf.read_csv(gbk) == table
    book = tmp_path / "table.xlsx"
    cxjf.excel.write_frames(book, {"企业": frame})
    from_book = cxjf.read_csv(book)
    assert from_book.to_frame()["credit_code"].tolist() == frame["统一社会信用代码"].tolist()
    assert np.allclose(from_book.values, table.values, equal_nan=True, rtol=1e-12)
    assert from_book.to_frame()["registered"].tolist() == frame["是否入统"].tolist()
    extra = tmp_path / "extra.csv"
    frame.assign(备注="x").to_csv(extra, index=False)
    with pytest.warns(cxjf.CxjfWarning):
        assert cxjf.read_csv(extra).to_frame()["credit_code"].tolist() == frame["统一社会信用代码"].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cxjf.read_csv(plain)  # nothing ignored, nothing said


def test_unknown_founding_dates_survive_the_upload_rules(small_snapshot):
    frame = _frame(5)
    frame["成立日期"] = frame["成立日期"].astype("int64")
    frame.loc[[1, 3], "成立日期"] = 0                      # unknown, as to_frame writes it
    strict = cxjf.Table.from_frame(frame)
    loose = frame.assign(**{"研发费用金额(万元)": frame["研发费用金额(万元)"].map(lambda v: "" if pd.isna(v) else f"{v:,}")})
    table = cxjf.Table.from_frame(loose)                   # through the upload's rules
    assert table.to_frame()["founded"].tolist() == strict.to_frame()["founded"].tolist()
    assert table.to_frame()["founded"].tolist()[1] == 0
    # An estimate of the same frame reads the dates alike: no bad cell.
    record = small_snapshot.estimate(frame, "torch_center")
    assert record.counts["bad_cells"] == 0 and record.counts["scored"] == 5
    # Snapshot.build reads what Table.from_frame reads.
    assert len(cxjf.Snapshot.build(loose.set_index("统一社会信用代码"))) == len(table)
