"""Excel (.xlsx) templates, uploads and reports, through the C++ core.

The core reads and writes workbooks itself (libzip, expat, libxlsxwriter), so
this module needs no Excel library and applies exactly the rules of
docs/upload.md that the command line, the C ABI and Java apply:

- ``write_template(path, model)``: the upload template as a workbook (a sheet
  填写说明 explaining every column, the sheet 上传模板 with Chinese headers
  and units, the English ids and the example row, codes formatted as text,
  drop-down lists).
- ``read_upload(path, model)``: a filled workbook's cells as the estimator
  will see them (the sheet and header it chooses, every cell as text), for
  looking at before estimating.
- ``write_estimation(record, path)``: results, error report and the record
  as one workbook (sheets 结果, 错误, 记录).
- ``write_frames(path, frames)``: any DataFrames as sheets of one workbook.
"""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence, Union

import pandas as pd

from . import _core
from .model import Model, ModelLike

__all__ = ["read_upload", "template_bytes", "write_estimation", "write_frames", "write_template"]

PathLike = Union[str, os.PathLike]


def template_bytes(model: ModelLike = None) -> bytes:
    """The upload template of `model` as .xlsx bytes (for a web response)."""
    return _core.upload_template_xlsx(Model.load(model)._core)


def write_template(path: PathLike, model: ModelLike = None) -> None:
    """Writes the upload template of `model` as an .xlsx workbook."""
    data = template_bytes(model)
    with open(os.fspath(path), "wb") as f:
        f.write(data)


def _read_bytes(data: Any) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    with open(os.fspath(data), "rb") as f:
        return f.read()


def read_upload(data: Any, model: ModelLike = None, sheet: Optional[str] = None,
                header_row: Optional[int] = None) -> pd.DataFrame:
    """A filled upload (a workbook or CSV: a path or bytes) as a DataFrame of
    text cells, as the estimator sees them: the sheet whose rows hold the
    template's header (or `sheet`), the header found below any title rows (or
    `header_row`). The index is the spreadsheet row; ``attrs`` holds the
    sheet and the header row."""
    cells = _core.read_upload_cells(_read_bytes(data), Model.load(model)._core, sheet or "", header_row or 0)
    header = list(cells["header"])
    width = max([len(header)] + [len(r) for r in cells["cells"]])
    columns = header + [f"(column {i + 1})" for i in range(len(header), width)]
    columns = [c if c else f"(column {i + 1})" for i, c in enumerate(columns)]
    rows = [list(r) + [""] * (width - len(r)) for r in cells["cells"]]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index(cells["rows"], name="row"), dtype=object)
    frame.attrs["sheet"] = cells["sheet"]
    frame.attrs["header_row"] = cells["header_row"]
    return frame


def write_estimation(record: Any, path: PathLike) -> None:
    """An estimation's results (结果), error report (错误) and record (记录)
    as one workbook: what ``cxjf estimate --out results.xlsx`` writes."""
    with open(os.fspath(path), "wb") as f:
        f.write(record.to_excel_bytes())


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def write_frames(path: PathLike, frames: dict[str, pd.DataFrame],
                 text_columns: Sequence[str] = ("credit_code", "统一社会信用代码")) -> None:
    """Any DataFrames (scores, lists) as sheets of one workbook: a bold
    frozen header, numbers as numbers, `text_columns` formatted as text so
    that Excel keeps every character of a credit code."""
    sheets = []
    for name, frame in frames.items():
        header = [str(c) for c in frame.columns]
        rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
        sheets.append((name[:31], header, rows, [c for c in header if c in set(text_columns)]))
    data = _core.write_workbook(sheets)
    with open(os.fspath(path), "wb") as f:
        f.write(data)
