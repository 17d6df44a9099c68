"""Estimation (导入测算) of an upload against a snapshot (docs/estimation.md).

Every upload, whether a DataFrame, a .xlsx workbook or a CSV file, is turned
into the bytes the C++ upload reader takes, so the rules of docs/upload.md
(headers, units, percentages, credit codes mangled by Excel, GB18030) apply
the same way to all of them.
"""

from __future__ import annotations

import functools
import io
import json
import os
from typing import Any, Dict, Optional, Union

import numpy as np
import pandas as pd

from . import _core, _html
from .principal import Principal, PrincipalLike
from .table import _categorical_of, frame_csv

__all__ = ["EstimationRecord", "estimate", "upload_bytes"]

ESTIMATE_RANK_LEVELS = ["national", "province", "city", "county", "zone", "incubator"]


class EstimationRecord:
    """An estimation record (测算记录): ``results`` (one row per scored
    upload row), ``errors`` (rejected rows and bad cells), ``record`` (the
    record document as a dict) and ``counts``."""

    __slots__ = ("_core", "snapshot", "__dict__")

    def __init__(self, core: _core.EstimationRecord, snapshot: Any) -> None:
        self._core = core
        self.snapshot = snapshot

    @property
    def id(self) -> str:
        return self._core.id

    @functools.cached_property
    def record(self) -> dict[str, Any]:
        """The record as docs/estimation.md describes it (without ledgers)."""
        return json.loads(self._core.to_json(self.snapshot._core, False))

    def to_dict(self, ledgers: bool = False) -> dict[str, Any]:
        return json.loads(self._core.to_json(self.snapshot._core, ledgers)) if ledgers else self.record

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """rows_read = scored + rejected; scored = registered + estimated."""
        return self._core.counts()

    @functools.cached_property
    def results(self) -> pd.DataFrame:
        """row (spreadsheet row of the upload), credit_code, name, status
        (registered | estimated), score, grade, stage, peer_group,
        rank_national ... rank_incubator (NA where none), duplicate,
        bad_cells_treated_as_missing and differences (as results.csv writes them)."""
        columns = self._core.results_columns(self.snapshot._core)
        for level in ESTIMATE_RANK_LEVELS:
            rank = columns[f"rank_{level}"]
            columns[f"rank_{level}"] = pd.arrays.IntegerArray(rank, rank == 0)
        # Categoricals in the model's order, as in Scores.to_frame.
        model = self.snapshot.model
        columns["grade"] = _categorical_of(columns["grade"], model.grade_ids)
        columns["stage"] = _categorical_of(columns["stage"], model.stage_names)
        columns["peer_group"] = _categorical_of(columns["peer_group"], self.snapshot.reference.group_labels)
        return pd.DataFrame(columns)

    @functools.cached_property
    def errors(self) -> pd.DataFrame:
        """Every rejected row and bad cell in row order: row, kind
        (rejected_row | cell), column, raw, reason_zh, reason_en."""
        frame = pd.read_csv(io.BytesIO(self._core.errors_csv()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        frame["row"] = frame["row"].astype(np.int64)
        return frame

    def results_csv(self) -> bytes:
        """results.csv as the CLI writes it (UTF-8 with BOM)."""
        return self._core.results_csv(self.snapshot._core)

    def errors_csv(self) -> bytes:
        """errors.csv as the CLI writes it (UTF-8 with BOM)."""
        return self._core.errors_csv()

    def to_excel(self, path: Union[str, os.PathLike]) -> None:
        """Results (结果), error report (错误) and record (记录) as one .xlsx
        workbook, as ``cxjf estimate --out results.xlsx`` writes it."""
        from .excel import write_estimation

        write_estimation(self, path)

    def to_excel_bytes(self) -> bytes:
        """The workbook of to_excel as bytes (for a web response)."""
        return self._core.results_xlsx(self.snapshot._core)

    def __repr__(self) -> str:
        c = self.counts
        return (f"<cxjf.EstimationRecord {self.id}: {c['rows_read']} rows read, {c['registered']} registered, "
                f"{c['estimated']} estimated, {c['rejected']} rejected>")

    def _repr_html_(self) -> str:
        r = self.record
        c = r["counts"]
        head = [
            ["record", f"{r['id']} · {r['created']}"],
            ["principal · model · snapshot", f"{r['principal']} · {r['model_id']} · {r['snapshot_hash']}"],
            ["rows read", f"{c['rows_read']} = {c['scored']} scored + {c['rejected']} rejected"],
            ["scored", f"{c['registered']} registered (已入统) + {c['estimated']} estimated (预估)"],
            ["duplicates · bad cells", f"{c['duplicates']} · {c['bad_cells']}"],
        ]
        results = self.results.head(10)
        rows = results[["row", "credit_code", "name", "status", "score", "grade", "rank_national"]].itertuples(index=False)
        out = _html.table("EstimationRecord 测算记录", head)
        out += _html.table(f"Results (first {len(results)} of {len(self.results)})", rows,
                           ["row", "credit_code", "name", "status", "score", "grade", "rank"])
        return out


def upload_bytes(data: Any) -> bytes:
    """The bytes of an upload as the C++ reader takes them: a DataFrame as
    CSV (UTF-8), a path read as it is (a .xlsx workbook, or CSV in UTF-8 or
    GB18030: the reader tells them apart by content), bytes as given."""
    if isinstance(data, pd.DataFrame):
        return frame_csv(data)
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    with open(os.fspath(data), "rb") as f:
        return f.read()


def estimate(snapshot: Any, data: Any, principal: PrincipalLike = "torch_center", *, encoding: str = "auto",
             sheet: Optional[str] = None, header_row: Optional[int] = None, threads: int = 0,
             percent_form: str = "percent", limits: Optional[Dict[str, int]] = None) -> EstimationRecord:
    """Scores every usable row of an upload against `snapshot` for `principal`
    (registered enterprises get their actual score, others an estimate), on
    `threads` threads (0: one per core); the record is the same whatever the
    count. A registered enterprise outside the principal's scope is estimated
    like any newcomer. `percent_form` says how bare numbers of % columns are
    read: ``"percent"`` (12.5 is 12.5 %) or ``"fraction"`` (0.125 is 12.5 %);
    a cell written with '%' is always a percent. Of a workbook the sheet
    holding the template's header is read, or `sheet`; the header is found
    below any title rows, or is row `header_row`. `limits` overrides what one
    upload may cost (docs/upload.md, "Limits"): ``max_bytes``, ``max_rows``,
    ``max_columns``, ``max_cell_bytes``, ``max_row_bytes``,
    ``max_unpacked_bytes``, ``max_cells``."""
    if threads < 0:
        raise ValueError(f"threads must be 0 (one per core) or more, not {threads}")
    who = Principal.parse(principal)
    upload = _core.read_upload(upload_bytes(data), snapshot._core.model, encoding, percent_form, limits or {},
                               sheet or "", header_row or 0, snapshot._core)
    return EstimationRecord(snapshot._estimator.estimate(upload, who._core(), threads), snapshot)
