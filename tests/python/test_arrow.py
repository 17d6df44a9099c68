"""Tables from frames that speak the Arrow PyCapsule protocol (pyarrow,
polars, DuckDB): read in place, equal to the table the pandas path and the
CSV reader build, with the same errors."""

import datetime

import pandas as pd
import pytest

import cxjf

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")


def assert_tables_equal(a: cxjf.Table, b: cxjf.Table) -> None:
    # The C++ writer writes every column; equal bytes are equal tables.
    assert a.to_csv() == b.to_csv()


def test_pyarrow_table_equals_the_pandas_path(small_table):
    frame = small_table.to_frame()
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    assert_tables_equal(cxjf.Table.from_frame(arrow), small_table)


def test_both_paths_of_a_pandas_frame_build_the_same_table(small_table):
    # Plain dtypes go through pyarrow; an object column sends the frame
    # through the numpy columns instead (table.py, _arrow_ready).
    frame = small_table.to_frame()
    assert cxjf.table._arrow_ready(frame)
    numpy_path = frame.astype({"name": object})
    assert not cxjf.table._arrow_ready(numpy_path)
    assert_tables_equal(cxjf.Table.from_frame(frame), small_table)
    assert_tables_equal(cxjf.Table.from_frame(numpy_path), small_table)


def test_many_batches_of_uneven_sizes_and_every_text_layout(small_table):
    frame = small_table.to_frame()
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    # utf8, large utf8 and dictionary-encoded text; sizes 0, 1, 999, the rest.
    arrow = arrow.set_column(arrow.schema.get_field_index("name"), "name", arrow["name"].cast(pa.string()))
    arrow = arrow.set_column(arrow.schema.get_field_index("credit_code"), "credit_code",
                             arrow["credit_code"].cast(pa.large_string()))
    arrow = arrow.set_column(arrow.schema.get_field_index("industry"), "industry",
                             arrow["industry"].cast(pa.string()).dictionary_encode())
    # Slices of record batches: each batch's offset applies to its columns.
    assert len(arrow.to_batches()) == 1
    whole = arrow.to_batches()[0]
    batches = [whole.slice(start, stop - start) for start, stop in ((0, 0), (0, 1), (1, 1000), (1000, len(frame)))]
    chunked = pa.Table.from_batches(batches, schema=arrow.schema)
    assert chunked.column("name").num_chunks >= 3
    assert_tables_equal(cxjf.Table.from_frame(chunked), small_table)


def test_polars_and_duckdb_frames(small_table):
    duckdb = pytest.importorskip("duckdb")
    arrow = pa.Table.from_pandas(small_table.to_frame(), preserve_index=False)
    assert_tables_equal(cxjf.Table.from_frame(pl.from_arrow(arrow)), small_table)
    con = duckdb.connect()
    con.register("t", arrow)
    assert_tables_equal(cxjf.Table.from_frame(con.sql("SELECT * FROM t")), small_table)


def test_text_cells_dates_and_flags_as_the_csv_reads_them():
    code = cxjf.generate(1, seed=3).to_frame()["credit_code"].iloc[0]
    row = {"credit_code": code, "name": "甲", "region_code": "110101", "industry": "C",
           "qualifications": "高新技术企业；科技型中小企业", "registered": "是", "founded": datetime.date(2015, 6, 30)}
    model = cxjf.Model.default()
    for ind in model.indicator_ids:
        row[ind] = "8,008.69" if ind == "rd_expense" else None
    # A thousands separator, as uploads take it, from pandas and from Arrow alike.
    from_pandas = cxjf.Table.from_frame(pd.DataFrame([row]))
    from_arrow = cxjf.Table.from_frame(pa.Table.from_pylist([row]))
    assert from_pandas == from_arrow
    assert from_arrow.to_frame()["rd_expense"].iloc[0] == 8008.69
    row["rd_expense"] = "8008.69"
    table = cxjf.Table.from_frame(pa.Table.from_pylist([row]))
    frame = table.to_frame()
    assert frame["founded"].iloc[0] == 20150630
    assert frame["rd_expense"].iloc[0] == 8008.69
    assert frame["qualifications"].iloc[0] == "高新技术企业;科技型中小企业"
    assert bool(frame["registered"].iloc[0])


def test_a_bad_cell_in_a_late_batch_names_its_row(small_table):
    frame = small_table.to_frame().copy()
    frame.loc[2500, "region_code"] = 999999
    pandas_message = ""
    try:
        cxjf.Table.from_frame(frame)
    except cxjf.InputError as e:
        pandas_message = str(e)
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    chunked = pa.Table.from_batches(arrow.to_batches(max_chunksize=700))
    with pytest.raises(cxjf.InputError) as error:
        cxjf.Table.from_frame(chunked)
    assert str(error.value) == pandas_message
    assert error.value.row == 2502


def test_an_unsupported_column_type_is_named(small_table):
    arrow = pa.Table.from_pandas(small_table.to_frame().head(3), preserve_index=False)
    arrow = arrow.set_column(arrow.schema.get_field_index("zone"), "zone", pa.array([[1], [2], [3]]))
    with pytest.raises(cxjf.CxjfError, match="column zone has Arrow type"):
        cxjf.Table.from_frame(arrow)


def test_other_objects_are_refused():
    with pytest.raises(TypeError, match="pandas DataFrame or a frame with __arrow_c_stream__"):
        cxjf.Table.from_frame([1, 2, 3])


def test_a_nullable_boolean_column_keeps_its_missing_cells(small_table):
    frame = small_table.to_frame().head(4).copy()
    frame["awards"] = pd.array([True, None, False, True], dtype="boolean")
    for data in (frame, pa.Table.from_pandas(frame, preserve_index=False)):
        values = cxjf.Table.from_frame(data).to_frame()["awards"].tolist()
        assert values[0] == 1 and values[2] == 0 and values[3] == 1
        assert values[1] != values[1]  # NaN: missing, not 1


def test_a_boolean_region_or_date_column_is_refused_not_read(small_table):
    frame = small_table.to_frame().head(3).copy()
    for column, message in (("region_code", "is not a six-digit region code"), ("founded", "is not a date")):
        bad = frame.copy()
        bad[column] = [True, False, True]
        for data in (bad, pa.Table.from_pandas(bad, preserve_index=False)):
            with pytest.raises(cxjf.InputError, match=message):
                cxjf.Table.from_frame(data)
