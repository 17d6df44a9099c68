"""The .xlsx template: written, filled in with openpyxl as a user would,
read back and estimated; results and errors written to .xlsx."""

import csv
import datetime
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

import cxjf
from cxjf import excel


def template_rows(model):
    text = cxjf.upload_template_csv(model).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_template(model, tmp_path):
    path = tmp_path / "template.xlsx"
    excel.write_template(path, model)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["上传模板", "字段说明"]
    sheet = book["上传模板"]
    headers, ids, example = template_rows(model)[:3]
    assert [c.value for c in sheet[1]] == headers
    assert [c.value for c in sheet[2]] == ids
    assert sheet["A1"].value == "统一社会信用代码" and sheet["L1"].value == "研发费用金额(万元)"
    # The credit-code column is text everywhere a user may type.
    for row in (1, 2, 3, 4, 500, 1003):
        assert sheet.cell(row=row, column=1).number_format == "@"
    assert sheet["A3"].value == "91350100M000100Y43"
    fields = book["字段说明"]
    described = {r[1]: r for r in fields.iter_rows(min_row=2, values_only=True) if r and r[1]}
    assert set(ids) <= set(described)
    assert described["rd_expense"][2] == "万元" and described["rd_expense"][3] == "是"
    assert described["credit_code"][3] == "是" and "文本" in described["credit_code"][4]


def fill(path, rows, extra_bad_code=True):
    """Fills the template as a user would in Excel: numbers as numbers, a
    percentage cell formatted as %, a date cell, and one credit code typed
    into a cell that Excel made a number."""
    book = openpyxl.load_workbook(path)
    sheet = book["上传模板"]
    ids = [c.value for c in sheet[2]]
    r = 4
    for record in rows:
        for c, key in enumerate(ids, start=1):
            value = record.get(key)
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            cell = sheet.cell(row=r, column=c)
            if key == "rd_growth":
                cell.value = value / 100
                cell.number_format = "0.00%"
            elif key == "founded" and value:
                cell.value = datetime.date(value // 10000, value // 100 % 100, value % 100)
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = value.item() if hasattr(value, "item") else value
        r += 1
    if extra_bad_code:
        sheet.cell(row=r, column=1).value = 913501000000000000
        sheet.cell(row=r, column=1).number_format = "General"
        sheet.cell(row=r, column=2).value = "数字代码公司"
        sheet.cell(row=r, column=3).value = "440305"
    book.save(path)


def test_xlsx_round_trip_and_estimate(small_snapshot, small_table, tmp_path):
    path = tmp_path / "upload.xlsx"
    excel.write_template(path, small_snapshot.model)
    frame = small_table.to_frame()
    frame["zone"] = frame["zone"].astype(object)
    picked = pd.concat([frame[frame["registered"]].head(5), frame[~frame["registered"]].head(5)])
    rows = [
        {k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in r.items()}
        for r in picked.drop(columns=["registered"]).astype(object).where(picked.notna(), None).to_dict("records")
    ]
    for r in rows:
        r["region_code"] = str(r["region_code"])
    fill(path, rows)

    text = excel.read_upload(path)
    assert text["统一社会信用代码"].iloc[-1] == "9.13501E+17"
    assert text["研发费用增速(%)"].iloc[2].endswith("%")

    record = small_snapshot.estimate(path, "torch_center")
    c = record.counts
    # 10 enterprises + the template's example row + the numeric code row.
    assert (c["rows_read"], c["scored"], c["registered"], c["estimated"], c["rejected"]) == (12, 10, 5, 5, 2)
    reasons = " ".join(record.errors["reason_en"])
    assert "template example row" in reasons and "Excel turned the credit code into a number" in reasons

    # The same enterprises as a DataFrame give the same scores.
    direct = small_snapshot.estimate(picked.drop(columns=["registered"]))
    np.testing.assert_array_equal(record.results["score"].to_numpy(), direct.results["score"].to_numpy())
    assert list(record.results["credit_code"]) == list(picked["credit_code"])
    # 12.5% typed in a %-formatted cell reaches the model as 12.5.
    ledger = record.to_dict(ledgers=True)["rows"][5]["ledger"]
    growth = next(i for i in ledger["indicators"] if i["id"] == "rd_growth")
    assert growth["raw"] == pytest.approx(picked["rd_growth"].iloc[5])

    out = tmp_path / "results.xlsx"
    record.to_excel(out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["测算结果", "错误报告", "测算记录"]
    results = book["测算结果"]
    assert [c.value for c in results[1]][:4] == ["row", "credit_code", "name", "status"]
    assert results["B2"].value == picked["credit_code"].iloc[0] and results["B2"].number_format == "@"
    back = pd.read_excel(out, sheet_name="测算结果", dtype={"credit_code": str})
    assert list(back["credit_code"]) == list(record.results["credit_code"])
    assert back["score"].tolist() == record.results["score"].tolist()
