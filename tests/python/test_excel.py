"""Workbooks through the C++ core: the template written and read back with
openpyxl, uploads made by openpyxl as a clerk would fill them (title rows,
an instructions sheet first, merged cells, percent and date formats, units
in cells, codes stored as numbers), workbooks written part by part to reach
what openpyxl cannot make (inline strings, the 1904 date system, formulas
without values), and the bounds (a zip bomb, a truncated archive). Expected
values come from the equivalent CSV upload, written by hand."""

import csv
import datetime
import io
import zipfile

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
    assert book.sheetnames == ["填写说明", "上传模板", "下拉选项"]
    assert book["下拉选项"].sheet_state == "hidden"
    sheet = book["上传模板"]
    headers, ids, example = template_rows(model)[:3]
    assert [c.value for c in sheet[1]] == headers
    assert [c.value for c in sheet[2]] == ids
    # The example: text where the CSV has text, numbers for indicators.
    got = ["" if c.value is None else c.value for c in sheet[3]]
    for g, e, key in zip(got, example, ids):
        if isinstance(g, (int, float)):
            assert g == float(e), key
        else:
            assert g == e, key
    assert sheet.freeze_panes == "C3"
    # The credit-code and region columns are text for every row a clerk types into.
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["C"].number_format == "@"
    assert sheet["A3"].number_format == "@"
    # Columns wide enough for their Chinese headers (two units a character).
    assert sheet.column_dimensions["L"].width >= 2 * len("研发费用金额") + 4
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    industry = ids.index("industry")
    letter = openpyxl.utils.get_column_letter(industry + 1)
    assert lists[f"{letter}4:{letter}10001"] == "下拉选项!$A$2:$A$21"
    choices = [c.value for c in book["下拉选项"]["A"][1:21]]
    assert choices[2] == "C 制造业" and len(choices) == 20
    guide = book["填写说明"]
    described = {r[1]: r for r in guide.iter_rows(values_only=True) if r and len(r) > 1 and r[1]}
    assert set(ids) <= set(described)
    assert described["rd_expense"][2] == "万元" and described["rd_expense"][3].startswith("是")


def test_template_round_trip_reads_only_the_example(small_snapshot, tmp_path):
    # The template as written: the instructions sheet comes first, the data
    # sheet is found by its header, the id row skipped, the example rejected.
    path = tmp_path / "t.xlsx"
    excel.write_template(path, small_snapshot.model)
    record = small_snapshot.estimate(path)
    assert record.record["sheet"] == "上传模板" and record.record["header_row"] == 1
    assert record.counts["rows_read"] == 1 and record.counts["rejected"] == 1
    assert "template example row" in record.errors["reason_en"].iloc[0]


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
                # What Excel stores for a percent typed into a % cell: the
                # fraction, to 15 significant digits.
                cell.value = float(f"{value / 100:.15g}")
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

    cells = excel.read_upload(path)
    assert cells.attrs["sheet"] == "上传模板"
    assert cells["研发费用增速(%)"].iloc[2].endswith("%")
    assert cells.index[-1] == 14  # rows 4..13 the enterprises, 14 the numeric code

    record = small_snapshot.estimate(path, "torch_center")
    c = record.counts
    # 10 enterprises + the template's example row + the numeric code row.
    assert (c["rows_read"], c["scored"], c["registered"], c["estimated"], c["rejected"]) == (12, 10, 5, 5, 2)
    reasons = " ".join(record.errors["reason_en"])
    assert "template example row" in reasons and "stored as a number in the workbook" in reasons
    bad = record.errors[record.errors["kind"] == "cell"].iloc[0]
    assert (bad["sheet"], bad["cell"], bad["row"]) == ("上传模板", "A14", 14)

    # The same enterprises as a DataFrame give the same scores.
    direct = small_snapshot.estimate(picked.drop(columns=["registered"]))
    np.testing.assert_array_equal(record.results["score"].to_numpy(), direct.results["score"].to_numpy())
    assert list(record.results["credit_code"]) == list(picked["credit_code"])
    # A percent typed in a %-formatted cell reaches the model exactly.
    ledger = record.to_dict(ledgers=True)["rows"][5]["ledger"]
    growth = next(i for i in ledger["indicators"] if i["id"] == "rd_growth")
    assert growth["raw"] == picked["rd_growth"].iloc[5]

    out = tmp_path / "results.xlsx"
    record.to_excel(out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["结果", "错误", "记录"]
    results = book["结果"]
    assert [c.value for c in results[1]][:4] == ["行号", "统一社会信用代码", "企业名称", "status"]
    back = pd.read_excel(out, sheet_name="结果", dtype={"统一社会信用代码": str})
    assert list(back["统一社会信用代码"]) == list(record.results["credit_code"])
    assert back["积分"].tolist() == record.results["score"].tolist()
    errors = pd.read_excel(out, sheet_name="错误")
    assert len(errors) == len(record.errors)
    facts = dict(pd.read_excel(out, sheet_name="记录").itertuples(index=False))
    assert facts["读取行数 / rows read"] == 12 and facts["工作表 / sheet"] == "上传模板"


# ---------------------------------------------------------------------------
# A clerk's messy workbook, against the same upload as a clean CSV.

@pytest.fixture(scope="module")
def codes(small_table):
    """Three valid credit codes of enterprises outside the snapshot."""
    frame = small_table.to_frame()
    return list(frame.loc[~frame["registered"], "credit_code"].head(3))


def clean_csv(model, codes):
    """Three enterprises in canonical units, by hand: what the messy workbook means."""
    headers, ids, _ = template_rows(model)[:3]
    base = {"name": "甲", "region_code": "440305", "industry": "C", "founded": "2015-06-30", "rd_expense": "792.8",
            "rd_growth": "7", "rd_intensity": "3.31", "st_staff_share": "20", "invention_apps": "3", "pct_apps": "0",
            "tech_contract": "33470.78", "hitech_revenue": "16286", "revenue": "50000", "revenue_growth": "12.5",
            "postgrad_share": "0.5", "rd_tax_relief": "100", "roe": "8", "graduates_hired": "4", "platforms": "1",
            "awards": "0", "equity_financing": "0", "standards": "1"}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for k, code in enumerate(codes):
        row = dict(base, credit_code=code, name=f"企业{k}")
        writer.writerow([row.get(i, "") for i in ids])
    return out.getvalue().encode("utf-8")


def messy_workbook(model, codes, path, second_matching_sheet=False):
    """The same three enterprises as a clerk fills them: an instructions
    sheet first, a merged title row and a blank row above the header, units
    written in cells, percentage-formatted cells, a date, merged cells for a
    shared region, an unknown column, trailing formatted empty rows."""
    headers, ids, _ = template_rows(model)[:3]
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "说明"
    guide["A1"] = "请在“数据”工作表填写，金额单位万元"
    guide["A2"] = "统一社会信用代码"
    sheet = book.create_sheet("数据")
    sheet["A1"] = "2024年度企业创新积分测算表"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ids))
    sheet.append([])
    sheet.append(headers + ["备注"])  # row 3
    col = {key: i + 1 for i, key in enumerate(ids)}
    for k, code in enumerate(codes):
        r = 4 + k
        sheet.cell(r, col["credit_code"], code)
        sheet.cell(r, col["name"], f"企业{k}")
        sheet.cell(r, col["industry"], "C 制造业")
        founded = sheet.cell(r, col["founded"], datetime.date(2015, 6, 30))
        founded.number_format = "yyyy/m/d"
        sheet.cell(r, col["rd_expense"], "792.80万元")
        growth = sheet.cell(r, col["rd_growth"], 0.07)
        growth.number_format = "0%"
        intensity = sheet.cell(r, col["rd_intensity"], 0.0331)
        intensity.number_format = "0.00%"
        sheet.cell(r, col["st_staff_share"], "20%")
        sheet.cell(r, col["invention_apps"], 3)
        sheet.cell(r, col["pct_apps"], 0)
        sheet.cell(r, col["tech_contract"], "33,470.78万元")
        sheet.cell(r, col["hitech_revenue"], "1.6286亿元")
        sheet.cell(r, col["revenue"], "5亿元")
        sheet.cell(r, col["revenue_growth"], 12.5)
        sheet.cell(r, col["postgrad_share"], "5‰")
        sheet.cell(r, col["rd_tax_relief"], "1000000元")
        for key, value in (("roe", 8), ("graduates_hired", 4), ("platforms", 1), ("awards", 0), ("equity_financing", 0),
                           ("standards", 1)):
            sheet.cell(r, col[key], value)
        sheet.cell(r, len(ids) + 1, "已核对")
    # One region for all three rows, merged down the column.
    sheet.cell(4, col["region_code"], "440305")
    sheet.merge_cells(start_row=4, start_column=col["region_code"], end_row=6, end_column=col["region_code"])
    for r in range(7, 30):  # formatted but empty rows below the data
        sheet.cell(r, col["rd_growth"]).number_format = "0.00%"
    if second_matching_sheet:
        other = book.create_sheet("数据 (2)")
        other.append(headers)
    book.save(path)


def comparable(record):
    frame = record.results.drop(columns=["row"]).set_index("credit_code")
    return frame.sort_index()


def test_messy_workbook_estimates_like_the_clean_csv(small_snapshot, codes, tmp_path):
    model = small_snapshot.model
    path = tmp_path / "messy.xlsx"
    messy_workbook(model, codes, path)
    from_csv = small_snapshot.estimate(clean_csv(model, codes))
    from_xlsx = small_snapshot.estimate(path)
    assert from_csv.counts == from_xlsx.counts
    assert from_xlsx.counts["rows_read"] == 3 and from_xlsx.counts["bad_cells"] == 0
    assert from_xlsx.record["sheet"] == "数据" and from_xlsx.record["header_row"] == 3
    assert from_xlsx.record["unknown_columns"] == ["备注"]
    pd.testing.assert_frame_equal(comparable(from_csv), comparable(from_xlsx))
    # Every indicator value, exactly: 7 %, 3.31 %, 1.6286亿元 = 16286 万元, ...
    a = from_csv.to_dict(ledgers=True)["rows"]
    b = from_xlsx.to_dict(ledgers=True)["rows"]
    for x, y in zip(a, b):
        assert [i["raw"] for i in x["ledger"]["indicators"]] == [i["raw"] for i in y["ledger"]["indicators"]]
    assert list(from_xlsx.results["row"]) == [4, 5, 6]


def test_messy_workbook_through_the_cli(small_snapshot, codes, cli, tmp_path):
    import subprocess

    snap = tmp_path / "s.snap"
    small_snapshot.save(snap)
    path = tmp_path / "messy.xlsx"
    messy_workbook(small_snapshot.model, codes, path)
    out = tmp_path / "r.xlsx"
    subprocess.run([cli, "estimate", "--snapshot", str(snap), "--input", str(path), "--out", str(out)], check=True,
                   capture_output=True)
    back = pd.read_excel(out, sheet_name="结果", dtype={"统一社会信用代码": str})
    python = small_snapshot.estimate(path).results
    assert back["积分"].tolist() == python["score"].tolist()
    assert list(back["统一社会信用代码"]) == list(python["credit_code"])
    refused = subprocess.run([cli, "estimate", "--snapshot", str(snap), "--input", str(path), "--out",
                              str(tmp_path / "r.txt")], capture_output=True, text=True)
    assert refused.returncode != 0 and "end it with .xlsx, .csv" in refused.stderr


def test_two_sheets_with_the_header_are_refused_by_name(small_snapshot, codes, tmp_path):
    path = tmp_path / "two.xlsx"
    messy_workbook(small_snapshot.model, codes, path, second_matching_sheet=True)
    with pytest.raises(cxjf.InputError, match="'数据', '数据 \\(2\\)' all have the template's header"):
        small_snapshot.estimate(path)
    # Saying which sheet reads it.
    assert small_snapshot.estimate(path, sheet="数据").counts["scored"] == 3


def test_no_sheet_with_the_header_names_the_sheets(small_snapshot, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "甲"
    book.active["A1"] = "x"
    book.create_sheet("乙")["B2"] = "y"
    path = tmp_path / "none.xlsx"
    book.save(path)
    with pytest.raises(cxjf.InputError, match="no sheet of the workbook has the template's header row.*'甲', '乙'"):
        small_snapshot.estimate(path)
    with pytest.raises(cxjf.InputError, match="no sheet '丙'; its sheets are '甲', '乙'"):
        small_snapshot.estimate(path, sheet="丙")


def test_bad_cells_of_a_workbook_name_sheet_row_and_cell(small_snapshot, codes, tmp_path):
    path = tmp_path / "bad.xlsx"
    messy_workbook(small_snapshot.model, codes, path)
    book = openpyxl.load_workbook(path)
    sheet = book["数据"]
    sheet["L5"] = "12件"       # rd_expense (万元) with a unit that is not an amount
    sheet["M6"] = "7%%"
    book.save(path)
    record = small_snapshot.estimate(path)
    cells = record.errors[record.errors["kind"] == "cell"]
    assert list(zip(cells["sheet"], cells["cell"], cells["row"])) == [("数据", "L5", 5), ("数据", "M6", 6)]
    assert cells["raw"].tolist() == ["12件", "7%%"]
    assert record.counts["scored"] == 3  # bad cells are missing values, not lost rows


# ---------------------------------------------------------------------------
# Workbooks written part by part.

def workbook_from_parts(sheet_xml, shared=None, styles=None, date1904=False, extra_sheets=(), book="xl/workbook.xml"):
    """A minimal .xlsx: workbook (at `book`, found through _rels/.rels),
    relationships, one or more sheets, and the shared strings and styles
    when given."""
    sheets = [("数据", sheet_xml)] + list(extra_sheets)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                   f'Target="/{book}"/></Relationships>')
        entries = "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (n, _) in enumerate(sheets))
        pr = '<workbookPr date1904="1"/>' if date1904 else ""
        z.writestr(book, f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}">{pr}<sheets>{entries}'
                   f'</sheets></workbook>')
        folder = book.rsplit("/", 1)[0]
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(len(sheets)))
        rels += f'<Relationship Id="rS" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>' if shared else ""
        rels += f'<Relationship Id="rT" Type="{rel}/styles" Target="styles.xml"/>' if styles else ""
        z.writestr(f"{folder}/_rels/{book.rsplit('/', 1)[1]}.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, (_, xml) in enumerate(sheets):
            z.writestr(f"{folder}/worksheets/sheet{i + 1}.xml", f'<?xml version="1.0"?><worksheet {ns}>{xml}</worksheet>')
        if shared:
            z.writestr(f"{folder}/sharedStrings.xml", f'<?xml version="1.0"?><sst {ns}>{shared}</sst>')
        if styles:
            z.writestr(f"{folder}/styles.xml", f'<?xml version="1.0"?><styleSheet {ns}>{styles}</styleSheet>')
    return out.getvalue()


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = ('<row r="1">' + inline("A1", "统一社会信用代码") + inline("B1", "企业名称") + inline("C1", "成立日期")
              + inline("D1", "研发费用增速") + '</row>')


def test_cells_of_every_kind(model):
    shared = ('<si><t>甲</t></si>'
              '<si><r><t>乙</t></r><r><t>公司</t></r><rPh sb="0" eb="1"><t>きのと</t></rPh></si>')
    # Styles: 0 General, 1 a date (built-in 14), 2 a custom date, 3 percent (built-in 10), 4 a custom percent.
    styles = ('<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
              '<numFmt numFmtId="165" formatCode="0.0%;[Red]-0.0%"/></numFmts>'
              '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="10"/>'
              '<xf numFmtId="165"/></cellXfs>')
    rows = (HEADER_ROW
            + '<row r="3"><c r="A3" t="str"><v>91440300MA5DABCD1X</v></c><c r="B3" t="s"><v>0</v></c>'
              '<c r="C3" s="1"><v>42185</v></c><c r="D3" s="3"><v>7.0000000000000007E-2</v></c></row>'
            + '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4" t="s"><v>1</v></c>'
              '<c r="C4" s="2"><v>60</v></c><c r="D4" s="4"><v>0.0331</v></c></row>'
            + '<row r="5"><c r="A5"><v>913501000000000000</v></c><c r="B5" t="b"><v>1</v></c>'
              '<c r="C5" t="e"><v>#N/A</v></c><c r="D5"><f>B4*2</f></c></row>'
            + '<row r="6"><c r="B6" s="1"><v>1.5</v></c><c r="E6"><v>12</v></c></row>')
    data = workbook_from_parts(f"<sheetData>{rows}</sheetData>", shared, styles)
    cells = excel.read_upload(data, model)
    assert cells.index.tolist() == [3, 4, 5, 6]
    assert cells.iloc[0].tolist()[:4] == ["91440300MA5DABCD1X", "甲", "2015-06-30", "7%"]
    # Rich text without its phonetic guide; 1900-02-29, the day Excel invented.
    assert cells.iloc[1].tolist()[:4] == ["乙公司", "乙公司", "1900-02-29", "3.31%"]
    assert cells.iloc[2].tolist()[:4] == ["913501000000000000", "TRUE", "#N/A", "=B4*2"]
    assert cells.iloc[3].tolist() == ["", "1900-01-01 12:00:00", "", "", "12"]


def test_the_1904_date_system(model):
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="C2" s="1"><v>40723</v></c></row>'
    data = workbook_from_parts(f"<sheetData>{rows}</sheetData>", styles='<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/>'
                               '</cellXfs>', date1904=True)
    assert excel.read_upload(data, model).iloc[0, 2] == "2015-06-30"


def test_a_formula_without_a_value_is_a_bad_cell(small_snapshot, codes, tmp_path):
    path = tmp_path / "f.xlsx"
    messy_workbook(small_snapshot.model, codes, path)
    book = openpyxl.load_workbook(path)
    book["数据"]["L4"] = "=1+1"  # openpyxl writes the formula, never its value
    book.save(path)
    record = small_snapshot.estimate(path)
    bad = record.errors[record.errors["kind"] == "cell"].iloc[0]
    assert bad["cell"] == "L4" and "formula" in bad["reason_en"] and bad["raw"] == "=1+1"


def test_a_document_type_is_refused(model):
    data = workbook_from_parts("<sheetData/>")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/workbook.xml":
                body = body.replace(b"<workbook", b'<!DOCTYPE w [<!ENTITY a "aaaa">]><workbook', 1)
            dst.writestr(item, body)
    with pytest.raises(cxjf.InputError, match="declares a document type"):
        excel.read_upload(broken.getvalue(), model)


def test_a_zip_bomb_stops_at_the_bound(model):
    # 64 MiB of blanks inside a sheet compress to a few hundred kilobytes;
    # with a bound of 8 MiB the reader stops there instead of unpacking.
    out = io.BytesIO()
    base = workbook_from_parts("<sheetData/>")
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, src.read(item))
        with dst.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            block = b" " * (1 << 20)
            for _ in range(64):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    data = out.getvalue()
    assert len(data) < 1 << 20
    snapshot_limits = {"max_unpacked_bytes": 8 << 20}
    with pytest.raises(cxjf.InputError, match="unpacks to more than 8 MiB"):
        cxjf.estimation.estimate(_tiny_snapshot(), data, limits=snapshot_limits)


def _tiny_snapshot():
    return cxjf.Snapshot.build(cxjf.generate(200, seed=3))


def test_a_truncated_workbook_is_refused(small_snapshot, tmp_path):
    path = tmp_path / "t.xlsx"
    excel.write_template(path, small_snapshot.model)
    data = path.read_bytes()
    with pytest.raises(cxjf.InputError, match="damaged or incomplete"):
        small_snapshot.estimate(data[: len(data) // 2])


def test_too_many_cells_are_refused(small_snapshot, codes, tmp_path):
    path = tmp_path / "m.xlsx"
    messy_workbook(small_snapshot.model, codes, path)
    with pytest.raises(cxjf.InputError, match="more than 50 cells"):
        small_snapshot.estimate(path, limits={"max_cells": 50})


def test_write_frames_keeps_codes_as_text(tmp_path):
    frame = pd.DataFrame({"credit_code": ["913501000000000012"], "score": [70.25], "n": [3], "note": [None]})
    path = tmp_path / "f.xlsx"
    excel.write_frames(path, {"名单": frame})
    sheet = openpyxl.load_workbook(path)["名单"]
    assert sheet["A2"].value == "913501000000000012" and sheet["A2"].number_format == "@"
    assert sheet["B2"].value == 70.25 and sheet["C2"].value == 3 and sheet["D2"].value is None


def test_a_workbook_saved_by_libreoffice_estimates_as_the_cli_does(small_snapshot, cli, root, tmp_path):
    # tests/data/workbooks/lo_filled_template.xlsx (made by make.py there):
    # the results and the error report through Python equal the CLI's,
    # byte for byte, and the clean CSV's scores.
    import subprocess

    snap = tmp_path / "s.snap"
    small_snapshot.save(snap)
    data = root / "tests" / "data" / "workbooks"
    out, errors = tmp_path / "r.csv", tmp_path / "e.csv"
    subprocess.run([cli, "estimate", "--snapshot", str(snap), "--input", str(data / "lo_filled_template.xlsx"),
                    "--out", str(out), "--errors", str(errors)], check=True, capture_output=True)
    record = small_snapshot.estimate(data / "lo_filled_template.xlsx")
    assert record.results_csv() == out.read_bytes()
    assert record.errors_csv() == errors.read_bytes()
    clean = small_snapshot.estimate(data / "clean.csv")
    pd.testing.assert_frame_equal(comparable(clean), comparable(record))


def test_the_list_exports_as_a_workbook(small_snapshot):
    overview = small_snapshot.index
    who = "torch_center+export"
    data = overview.export(who, format="xlsx")
    assert data[:2] == b"PK"
    book = pd.read_excel(io.BytesIO(data), dtype={"统一社会信用代码": str})
    csv_frame = pd.read_csv(io.BytesIO(overview.export(who)), dtype={"credit_code": str}, encoding="utf-8-sig")
    assert list(book["统一社会信用代码"]) == list(csv_frame["credit_code"])
    assert book["积分"].tolist() == csv_frame["score"].tolist()


# ---------------------------------------------------------------------------
# What a review of the reader found.

def test_the_workbook_part_is_found_through_the_package_relationships(model):
    rows = HEADER_ROW + '<row r="2">' + inline("A2", "x") + "</row>"
    data = workbook_from_parts(f"<sheetData>{rows}</sheetData>", book="excel/book.xml")
    assert excel.read_upload(data, model).index.tolist() == [2]


def test_an_empty_text_result_of_a_formula_is_an_empty_cell(model):
    # =IF(B5="","",...) saved by Excel: t="str" and an empty <v>; the row is blank, not data.
    rows = (HEADER_ROW + '<row r="2">' + inline("A2", "x") + "</row>"
            '<row r="3"><c r="A3" t="str"><f>IF(B3="","",B3)</f><v></v></c></row>')
    data = workbook_from_parts(f"<sheetData>{rows}</sheetData>")
    assert excel.read_upload(data, model).index.tolist() == [2]


@pytest.mark.parametrize("rows, message", [
    ('<row r="2"><c r="B2"><v>1</v></c><c r="A2"><v>2</v></c></row>', "repeats or precedes an earlier cell"),
    ('<row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row>', "repeats or precedes an earlier cell"),
    ('<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>', "is not a row after row 3"),
])
def test_cells_and_rows_out_of_order_are_refused(model, rows, message):
    data = workbook_from_parts(f"<sheetData>{HEADER_ROW}{rows}</sheetData>")
    with pytest.raises(cxjf.InputError, match=f"sheet '数据'.*{message}"):
        excel.read_upload(data, model)


def test_text_of_repeated_shared_strings_counts_against_the_bound(small_snapshot):
    # 2,000 cells of 21 bytes each naming one 4,000-byte string: 8 MB of text
    # from 50 KB of XML; past a 4 MiB bound the upload is refused.
    shared = "<si><t>" + "甲" * 1333 + "</t></si>"
    cells = "".join(f'<row r="{r}"><c r="B{r}" t="s"><v>0</v></c></row>' for r in range(2, 2002))
    data = workbook_from_parts(f"<sheetData>{HEADER_ROW}{cells}</sheetData>", shared=shared)
    with pytest.raises(cxjf.InputError, match="cells hold more than 4 MiB of text"):
        small_snapshot.estimate(data, limits={"max_unpacked_bytes": 4 << 20})


def test_a_merge_reaching_the_last_row_of_the_sheet_ends_at_the_last_filled_row(model):
    # A2:A1048576 copies A2 down to row 3, the last row with a cell, and
    # makes up none of the million rows below.
    rows = (HEADER_ROW + '<row r="2">' + inline("A2", "x") + inline("B2", "甲") + "</row>"
            '<row r="3">' + inline("B3", "乙") + "</row>")
    data = workbook_from_parts(f'<sheetData>{rows}</sheetData><mergeCells count="1"><mergeCell ref="A2:A1048576"/>'
                               "</mergeCells>")
    cells = excel.read_upload(data, model)
    assert cells.index.tolist() == [2, 3]
    assert cells.iloc[:, 0].tolist() == ["x", "x"]


def test_a_header_cell_merged_over_two_rows_makes_no_data_row(small_snapshot, codes, tmp_path):
    path = tmp_path / "h.xlsx"
    messy_workbook(small_snapshot.model, codes, path)
    book = openpyxl.load_workbook(path)
    sheet = book["数据"]
    sheet.insert_rows(4)  # an empty row 4 under the header; the data moves to rows 5-7
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    book.save(path)
    record = small_snapshot.estimate(path)
    assert record.counts["rows_read"] == 3


def test_the_header_row_chooses_the_sheet_too(small_snapshot, codes, tmp_path):
    path = tmp_path / "two.xlsx"
    messy_workbook(small_snapshot.model, codes, path, second_matching_sheet=True)
    # The second sheet's header is on row 1, the first's on row 3.
    assert small_snapshot.estimate(path, header_row=3).record["sheet"] == "数据"
    assert small_snapshot.estimate(path, header_row=1).record["sheet"] == "数据 (2)"


def test_a_time_that_rounds_to_midnight_is_the_next_day(model):
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="C2" s="1"><v>42185.999999999</v></c></row>'
    data = workbook_from_parts(f"<sheetData>{rows}</sheetData>", styles='<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>')
    assert excel.read_upload(data, model).iloc[0, 2] == "2015-07-01"
