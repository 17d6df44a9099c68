"""Tables in and out: DataFrames (English ids or Chinese headers), numpy
arrays, the CSV, and errors that name the row and column."""

import numpy as np
import pandas as pd
import pytest

import cxjf


def assert_tables_equal(a: cxjf.Table, b: cxjf.Table) -> None:
    # The C++ writer writes every column; equal bytes are equal tables.
    assert a.to_csv() == b.to_csv()


def test_frame_round_trip_english_ids(small_table):
    frame = small_table.to_frame()
    assert list(frame.columns[:3]) == ["credit_code", "name", "region_code"]
    assert len(frame) == 3000
    again = cxjf.Table.from_frame(frame)
    assert_tables_equal(again, small_table)
    np.testing.assert_array_equal(again.values, small_table.values)


def test_frame_round_trip_chinese_headers(small_table):
    frame = small_table.to_frame(headers="zh")
    assert "研发费用金额(万元)" in frame.columns and "统一社会信用代码" in frame.columns
    assert_tables_equal(cxjf.Table.from_frame(frame), small_table)


def test_headers_as_the_csv_reader_takes_them(small_table):
    frame = small_table.to_frame().head(5)
    # Bare Chinese name, full-width brackets around the unit, spaces.
    frame = frame.rename(columns={"rd_expense": "研发费用金额", "revenue": " 营业收入（万元） "})
    again = cxjf.Table.from_frame(frame)
    np.testing.assert_array_equal(again.values, small_table.values[:5])


def test_csv_round_trip_and_pandas(small_table, tmp_path):
    path = tmp_path / "table.csv"
    small_table.to_csv(path)
    assert_tables_equal(cxjf.read_csv(path), small_table)
    # pandas reads the same file (its parser reads every double exactly).
    frame = pd.read_csv(path, dtype={"统一社会信用代码": str})
    assert_tables_equal(cxjf.Table.from_frame(frame), small_table)


def test_values_is_a_fortran_view_without_copy(small_table):
    values = small_table.values
    assert values.flags["F_CONTIGUOUS"] and not values.flags["WRITEABLE"]
    assert values.shape == (3000, 18)
    # Two accesses view the same C++ memory.
    assert np.shares_memory(values, small_table.values)
    frame = small_table.to_frame()
    assert np.shares_memory(frame["rd_expense"].to_numpy(), values)


def test_from_arrays(small_table, model):
    frame = small_table.to_frame()
    values = np.asfortranarray(small_table.values)
    table = cxjf.Table.from_arrays(
        frame["credit_code"], frame["name"], frame["region_code"], values,
        zone=frame["zone"], industry=frame["industry"], tech_fields=frame["tech_fields"],
        qualifications=frame["qualifications"], negatives=frame["negatives"], founded=frame["founded"],
        registered=frame["registered"], incubator=frame["incubator"],
    )
    assert_tables_equal(table, small_table)
    # Lists for multi-valued cells, ints for dates, C-ordered values.
    table = cxjf.Table.from_arrays(["91350100M000100Y43"], ["甲"], [440305], np.ones((1, 18)),
                                   tech_fields=[["电子信息", "新材料"]], founded=[20150630])
    row = table.to_frame().iloc[0]
    assert row["tech_fields"] == "电子信息;新材料" and row["founded"] == 20150630


def frame_of(rows):
    base = {"credit_code": "91350100M000100Y43", "name": "甲", "region_code": 440305}
    base.update({i: 1.0 for i in cxjf.Model.default().indicator_ids})
    return pd.DataFrame([{**base, **row} for row in rows])


def test_errors_name_row_and_column():
    codes = cxjf.generate(3, seed=1).to_frame()["credit_code"].tolist()
    frame = frame_of([{"credit_code": codes[0]}, {"credit_code": codes[1]}, {"credit_code": "91350100M000100Y44"}])
    frame = frame.rename(columns={"credit_code": "统一社会信用代码"})
    with pytest.raises(cxjf.InputError) as caught:
        cxjf.Table.from_frame(frame)
    error = caught.value
    # Row 1 is the header, so iloc 2 is row 4.
    assert (error.row, error.column) == (4, "统一社会信用代码")
    assert "check character" in str(error) and "row 4, column 统一社会信用代码: " in str(error)

    frame = frame_of([{"credit_code": codes[0]}, {"credit_code": codes[1], "rd_expense": "12,5万"}]).astype({"rd_expense": object})
    frame = frame.rename(columns={"rd_expense": "研发费用金额(万元)"})
    with pytest.raises(cxjf.InputError) as caught:
        cxjf.Table.from_frame(frame)
    assert (caught.value.row, caught.value.column) == (3, "研发费用金额(万元)")
    assert "'12,5万' is not a number" in str(caught.value)

    with pytest.raises(cxjf.InputError) as caught:
        cxjf.Table.from_frame(frame_of([{"region_code": 440399}]))
    assert (caught.value.row, caught.value.column) == (2, "region_code")


def test_headers_as_uploads_read_them():
    # A column matching nothing is ignored, with a warning naming it.
    with pytest.warns(cxjf.CxjfWarning, match="备注"):
        table = cxjf.Table.from_frame(frame_of([{"备注": "x"}]))
    assert len(table) == 1
    # Another unit of the same kind converts, as in an upload: 元 to 万元.
    base = frame_of([{}])
    converted = cxjf.Table.from_frame(base.assign(revenue=base["revenue"] * 10000).rename(columns={"revenue": "营业收入(元)"}))
    assert converted.to_frame()["revenue"].iloc[0] == pytest.approx(cxjf.Table.from_frame(base).to_frame()["revenue"].iloc[0])
    # A missing column is still an error of the header.
    with pytest.raises(cxjf.InputError, match=r"missing columns: 营业收入增长率"):
        cxjf.Table.from_frame(frame_of([{}]).drop(columns=["revenue_growth"]))


def test_text_cells_use_the_csv_number_rules():
    frame = frame_of([{"rd_expense": " 1.5e3 "}, {"rd_expense": ""}, {"rd_expense": None}]).astype({"rd_expense": object})
    values = cxjf.Table.from_frame(frame).values[:, 0]
    assert values[0] == 1500 and np.isnan(values[1]) and np.isnan(values[2])


def test_generate_is_deterministic():
    a, b = cxjf.generate(500, seed=3), cxjf.generate(500, seed=3)
    assert a.to_csv() == b.to_csv()
    assert a.to_csv() != cxjf.generate(500, seed=4).to_csv()
