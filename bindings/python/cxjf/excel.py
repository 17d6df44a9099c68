"""Excel (.xlsx) uploads, templates and reports, with openpyxl.

- ``write_template(path, model)``: the upload template as a workbook: Chinese
  headers with units, the English ids row and the example row of the CSV
  template (docs/upload.md), the credit-code and region columns formatted as
  text (``@``) so that Excel keeps every digit, and a sheet 字段说明
  explaining each field.
- ``upload_csv(path)``: a filled workbook as the CSV bytes the C++ upload
  reader takes, so the reading rules are the C++ ones (credit codes stay
  text; cells Excel formats as percentages become ``12.5%``; dates
  ``YYYY-MM-DD``).
- ``write_estimation(record, path)``: results, error report and the record's
  counts as a workbook.
"""

from __future__ import annotations

import csv
import datetime as _dt
import decimal as _decimal
import io
import os
import re
from typing import Any, Iterable, Optional, Sequence, Union

import pandas as pd

from . import _core
from .model import Model, ModelLike

__all__ = ["read_upload", "upload_csv", "write_estimation", "write_frame", "write_frames", "write_template"]

TEMPLATE_SHEET = "上传模板"
FIELDS_SHEET = "字段说明"
TEXT = "@"
# Rows formatted in advance below the template's own, so that codes pasted
# there stay text as well.
PREFORMATTED_ROWS = 1000

# What each attribute column holds, for the 字段说明 sheet (docs/input.md and
# docs/upload.md say the same at length).
_ATTRIBUTE_NOTES = {
    "credit_code": ("是", "统一社会信用代码，18位（GB 32100-2015），本列为文本格式，请勿改为数字 / 18 characters; keep the column as text"),
    "name": ("是", "企业名称 / enterprise name"),
    "region_code": ("是", "6位行政区划代码（GB/T 2260），县级、市级或省级，如 440305 / six-digit region code"),
    "zone": ("否", "所在国家高新区名称，无则留空 / national high-tech zone, empty when none"),
    "incubator": ("否", "所在孵化器名称，无则留空 / incubator, empty when none"),
    "industry": ("否", "国民经济行业门类字母 A–T 或名称，如 C 或 制造业 / GB/T 4754-2017 section"),
    "tech_fields": ("否", "技术领域，多个用；或、分隔 / technology fields, separated by ; or 、"),
    "qualifications": ("否", "企业资质，如 高新技术企业、科技型中小企业 / qualifications"),
    "negatives": ("否", "负面清单事项，无则留空 / negative items, empty when none"),
    "founded": ("否", "成立日期，如 2015-06-30 / founding date"),
    "registered": ("否", "是否入统（测算时按信用代码自动判断，可不填）/ looked up by credit code"),
    "stage": ("否", "发展阶段，一般留空，由模型按规则判定 / usually empty: the model assigns it"),
}


def _openpyxl():
    try:
        import openpyxl
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Excel files need openpyxl: pip install openpyxl (or cxjf[excel])") from error
    return openpyxl


def _template_rows(model: Model) -> list[list[str]]:
    text = _core.upload_template_csv(model._core).decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row]


def write_template(path: Union[str, os.PathLike], model: ModelLike = None) -> None:
    """Writes the upload template of `model` as an .xlsx workbook."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    model = Model.load(model)
    headers, ids, example = _template_rows(model)[:3]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET
    text_columns = {i for i, key in enumerate(ids) if key in ("credit_code", "region_code")}
    for r, row in enumerate((headers, ids, example), start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if r == 3 and (c - 1) not in text_columns and value != "":
                cell.value = _number_or_text(value)
            else:
                cell.value = value
            if (c - 1) in text_columns:
                cell.number_format = TEXT
    bold = Font(bold=True)
    for c in range(1, len(headers) + 1):
        sheet.cell(row=1, column=c).font = bold
        sheet.cell(row=1, column=c).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=2, column=c).font = Font(italic=True, color="808080")
        sheet.column_dimensions[get_column_letter(c)].width = max(12, min(30, len(headers[c - 1]) * 2))
    for c in text_columns:
        letter = get_column_letter(c + 1)
        sheet.column_dimensions[letter].number_format = TEXT
        for r in range(4, 4 + PREFORMATTED_ROWS):
            sheet.cell(row=r, column=c + 1).number_format = TEXT
    example_fill = PatternFill("solid", fgColor="FFF2CC")
    for c in range(1, len(headers) + 1):
        sheet.cell(row=3, column=c).fill = example_fill
    sheet.freeze_panes = "C3"

    fields = workbook.create_sheet(FIELDS_SHEET)
    fields.append(["列名（表头）", "English id", "单位", "必填", "说明"])
    document = model.to_dict()
    indicators = {i["id"]: i for i in document["indicators"]}
    categories = {c["id"]: c["name_zh"] for c in document["categories"]}
    for header, key in zip(headers, ids):
        if key in _ATTRIBUTE_NOTES:
            required, note = _ATTRIBUTE_NOTES[key]
            fields.append([header, key, "", required, note])
        else:
            indicator = indicators[key]
            category = categories.get(indicator.get("category", ""), "")
            unit = indicator.get("unit", "")
            note = f"{indicator['name_zh']}（{category}）/ {indicator.get('name_en', '')}"
            if unit == "%":
                note += "；百分比可写 12.5 或 12.5%"
            if unit in ("万元", "元", "亿元"):
                note += "；表头单位写元或亿元时自动换算"
            note += "；无数据请留空"
            fields.append([header, key, unit, "是", note])
    for c in range(1, 6):
        fields.cell(row=1, column=c).font = bold
    for letter, width in zip("ABCDE", (40, 18, 8, 6, 80)):
        fields.column_dimensions[letter].width = width
    fields.append([])
    fields.append(["第2行（英文列名）可保留，读取时跳过；第3行为示例行，读取时不计分 / row 2 (ids) is skipped, row 3 (the example) is never scored"])
    workbook.save(os.fspath(path))


def _number_or_text(value: str) -> Any:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", value) else number


def upload_csv(path: Union[str, os.PathLike], sheet: Optional[str] = None) -> bytes:
    """A filled .xlsx upload as UTF-8 CSV bytes for the C++ upload reader.

    The first sheet is read, or `sheet`, or the template's sheet when present.
    """
    openpyxl = _openpyxl()
    workbook = openpyxl.load_workbook(os.fspath(path), read_only=True, data_only=True)
    try:
        if sheet is None:
            sheet = TEMPLATE_SHEET if TEMPLATE_SHEET in workbook.sheetnames else workbook.sheetnames[0]
        rows = workbook[sheet].iter_rows()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        code_columns: set[int] = set()
        header_seen = False
        blank = 0  # blank rows held back: written only when a row follows
        for row in rows:
            cells = [_cell_text(cell, i in code_columns) for i, cell in enumerate(row)]
            if not any(cells):
                # Formatted but empty rows (the template pre-formats 1,000)
                # are not data; inside the data they keep row numbers right.
                blank += 1
                continue
            if not header_seen:
                header_seen = True
                code_columns = {i for i, text in enumerate(cells) if _is_code_header(text)}
            for _ in range(blank):
                writer.writerow([])
            blank = 0
            writer.writerow(cells)
        return out.getvalue().encode("utf-8")
    finally:
        workbook.close()


def read_upload(path: Union[str, os.PathLike], sheet: Optional[str] = None) -> pd.DataFrame:
    """A filled .xlsx upload as a DataFrame of text cells, as the C++ reader
    will see them (for looking at before estimating)."""
    return pd.read_csv(io.BytesIO(upload_csv(path, sheet)), dtype=str, keep_default_na=False)


def _is_code_header(text: str) -> bool:
    key = re.sub(r"[\s\u3000]+", "", text)
    key = re.sub(r"[（(].*[)）]$", "", key)
    return key in ("统一社会信用代码", "credit_code")


def _cell_text(cell: Any, code_column: bool) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        if code_column:
            # A credit code Excel stored as a number has lost its last digits;
            # write it as Excel shows it so the reader explains what happened.
            return f"{float(value):.5E}".replace("E+0", "E+") if abs(value) >= 1e11 else str(value)
        fmt = getattr(cell, "number_format", "") or ""
        if "%" in fmt:
            # Excel stores 12.5% as 0.125 and shows it with a % sign. The
            # point moves two places in the decimal text (0.07 is 7%, where
            # 0.07 * 100 would be 7.000000000000001).
            return _percent_text(value)
        return _number_text(value)
    return str(value)


def _percent_text(value: float) -> str:
    hundredfold = _decimal.Decimal(_number_text(value)).scaleb(2).normalize()
    return f"{hundredfold:f}%"


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def write_frame(sheet: Any, frame: pd.DataFrame, text_columns: Iterable[str] = ("credit_code",)) -> None:
    """Writes `frame` to an openpyxl sheet with a bold header; `text_columns`
    formatted as text so Excel keeps every character."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = [str(c) for c in frame.columns]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append([_excel_value(v) for v in row])
    text = {i + 1 for i, c in enumerate(columns) if c in set(text_columns)}
    for c in text:
        for r in range(2, len(frame) + 2):
            sheet.cell(row=r, column=c).number_format = TEXT
    for i, c in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(c) + 4))


def _excel_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_estimation(record: Any, path: Union[str, os.PathLike]) -> None:
    """An estimation's results (测算结果), error report (错误报告) and record
    summary (测算记录) as one workbook."""
    openpyxl = _openpyxl()
    workbook = openpyxl.Workbook()
    results = workbook.active
    results.title = "测算结果"
    write_frame(results, record.results)
    write_frame(workbook.create_sheet("错误报告"), record.errors)
    r = record.record
    summary = pd.DataFrame(
        [("id", r["id"]), ("created", r["created"]), ("principal", r["principal"]), ("model_id", r["model_id"]),
         ("snapshot_hash", r["snapshot_hash"]), ("encoding", r["encoding"])]
        + [(k, v) for k, v in r["counts"].items()]
        + [("unknown_columns", "; ".join(r.get("unknown_columns", [])))],
        columns=["field", "value"],
    )
    write_frame(workbook.create_sheet("测算记录"), summary, ())
    workbook.save(os.fspath(path))


def write_frames(path: Union[str, os.PathLike], frames: dict[str, pd.DataFrame],
                 text_columns: Sequence[str] = ("credit_code",)) -> None:
    """Any DataFrames (scores, lists) as sheets of one workbook, credit codes as text."""
    openpyxl = _openpyxl()
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, frame in frames.items():
        write_frame(workbook.create_sheet(name[:31]), frame, text_columns)
    workbook.save(os.fspath(path))
