"""Table: enterprises in and out of pandas and numpy (docs/input.md).

Columns are named as in the CSV: Chinese headers (with or without a unit,
``研发费用金额(万元)``) or English ids (``rd_expense``). The C++ CSV reader's
header rules and TableBuilder's row checks apply, so a DataFrame is refused
exactly where the same data as a CSV file would be, with the same message.
"""

from __future__ import annotations

import os
import pathlib
import warnings
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core, _progress
from .errors import CxjfWarning, InputError
from .model import Model, ModelLike

__all__ = ["Regions", "Table", "generate"]

# Attribute columns in the CSV's order: (English id, Chinese header).
ATTRIBUTES: list[tuple[str, str]] = _core.attribute_columns()
INDUSTRIES: list[str] = _core.industry_names()


class Regions:
    """One edition of the GB/T 2260 region table (docs/input.md).

    Every table is read against the embedded edition unless given another:
    a deployment with a newer edition reads its table once and passes it as
    ``regions=`` to :meth:`Table.read_csv`, :meth:`Table.from_frame`,
    :meth:`Table.from_arrays`, :meth:`Table.from_csv_text` or
    :meth:`Snapshot.build`. The table keeps it (``table.regions``), and so
    does the snapshot built from it (its ranks, scopes, names and estimates
    use it, and its file records it).
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Regions) -> None:
        self._core = core

    @classmethod
    def builtin(cls) -> "Regions":
        """The embedded national table."""
        return cls(_core.Regions.builtin())

    @classmethod
    def read_csv(cls, path: Union[str, os.PathLike], edition: str = "custom") -> "Regions":
        """A table with the columns ``code,name,level,parent_code`` (UTF-8),
        named `edition` (e.g. ``"GB/T 2260-2024"``); InputError names a bad row."""
        return cls.from_csv_text(pathlib.Path(path).read_bytes(), edition)

    @classmethod
    def from_csv_text(cls, text: Union[str, bytes], edition: str = "custom") -> "Regions":
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        return cls(_core.Regions.from_csv(text, edition))

    @property
    def edition(self) -> str:
        return self._core.edition

    @property
    def content_hash(self) -> str:
        """16 hex digits, equal for equal tables whatever their rows' order."""
        return self._core.content_hash

    @property
    def is_builtin(self) -> bool:
        return self._core.is_builtin

    def name(self, code: int) -> Optional[str]:
        """The name of a region code, or None when the edition lacks it."""
        return self._core.name(int(code))

    def to_csv(self) -> str:
        return self._core.to_csv()

    def __len__(self) -> int:
        return len(self._core)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Regions):
            return NotImplemented
        return self.edition == other.edition and self.content_hash == other.content_hash

    __hash__ = None

    def __repr__(self) -> str:
        return f"<cxjf.Regions {self.edition!r}: {len(self):,} regions>"


def _regions_core(regions: Optional[Regions]) -> Optional[_core.Regions]:
    if regions is None:
        return None
    if not isinstance(regions, Regions):
        raise TypeError(f"regions is a cxjf.Regions (Regions.read_csv(path, edition)), not {type(regions).__name__}")
    return regions._core


class Table:
    """Enterprises, column by column, for one model's indicators.

    ``values`` is the n x k indicator matrix as a read-only, Fortran-ordered
    numpy view of the C++ table's own memory (no copy).
    """

    __slots__ = ("_core", "model")

    def __init__(self, core: _core.Table, model: Model) -> None:
        self._core = core
        self.model = model

    # -- in -------------------------------------------------------------------

    @classmethod
    def from_frame(
        cls, frame: Any, model: ModelLike = None, *, progress: bool = False, regions: Optional[Regions] = None
    ) -> "Table":
        """A table from a frame whose columns are named as the CSV's: a pandas
        DataFrame, or any frame that speaks the Arrow PyCapsule protocol
        (``__arrow_c_stream__``: pyarrow tables, polars and DuckDB results),
        whose buffers are read in place, with no Python object per cell.

        Indicator columns may be numeric (NaN = missing) or text (read with
        the CSV's number rules); region codes int or text; 技术领域, 企业资质,
        负面清单 text with ``;`` ``；`` ``、`` between values, or lists;
        成立日期 text, ``YYYYMMDD`` ints or datetimes; 是否入统 bool, 是/否, 1/0.
        Row ``r`` of an InputError is ``frame.iloc[r - 2]`` (row 1 is the header,
        as in a spreadsheet).

        What uploads accept is accepted too (one parser for both,
        docs/upload.md): text such as ``8,008.69``, ``7.12%``, ``1.2亿元``,
        headers with another unit (``研发费用金额(元)``), columns matching
        nothing (ignored, with a :class:`CxjfWarning`); and every bad row is
        named in one :class:`InputError` instead of the first alone. A frame
        indexed by credit code is read with its index as the code.
        Region codes are checked against `regions` (default: the embedded
        edition), which the table keeps.
        """
        model = Model.load(model)
        rows = len(frame) if hasattr(frame, "__len__") else 0
        with _progress.phases(rows, progress, "reading rows") as bar:
            return cls._read_frame(frame, model, bar.callback, regions)

    @classmethod
    def _read_frame(cls, frame: Any, model: Model, callback: Any, regions: Optional[Regions] = None) -> "Table":
        frame = _credit_code_from_index(frame)
        try:
            return cls(_table_from_frame(frame, model, callback, _regions_core(regions)), model)
        except InputError:
            # The strict, fast path refused a cell or a header: read the
            # frame's text with the upload's rules, which either accept it or
            # name every problem.
            if not isinstance(frame, pd.DataFrame):
                frame = _to_pandas(frame)
            return cls._as_upload(frame_csv(frame), model, "utf-8", regions)

    @classmethod
    def from_arrays(
        cls,
        credit_code: Sequence[str],
        name: Sequence[str],
        region_code: Sequence[Any],
        values: np.ndarray,
        *,
        indicator_ids: Optional[Sequence[str]] = None,
        model: ModelLike = None,
        regions: Optional[Regions] = None,
        **attributes: Sequence[Any],
    ) -> "Table":
        """A table from arrays: ``values`` is n x k, columns in ``indicator_ids``
        order (default: the model's). Other attribute columns by English id as
        keyword arguments (``zone=``, ``tech_fields=``, ``registered=``, ...).
        A Fortran-ordered float64 ``values`` is read column by column in place."""
        model = Model.load(model)
        values = np.asarray(values, dtype=np.float64)
        ids = list(indicator_ids) if indicator_ids is not None else model.indicator_ids
        if values.ndim != 2 or values.shape[1] != len(ids):
            raise ValueError(f"values must be n x {len(ids)} (one column per indicator), not {values.shape}")
        known = {a for a, _ in ATTRIBUTES}
        for key in attributes:
            if key not in known:
                raise TypeError(f"{key!r} is not an attribute column: use one of {sorted(known)}")
        headers = ["credit_code", "name", "region_code", *attributes.keys(), *ids]
        columns = [_array(credit_code), _array(name), _array(region_code)]
        columns += [_array(v) for v in attributes.values()]
        # values[:, j] of a Fortran-ordered matrix is contiguous: a view.
        columns += [np.ascontiguousarray(values[:, j]) for j in range(len(ids))]
        return cls(_core.table_from_columns(model._core, headers, columns, 2, None, _regions_core(regions)), model)

    @classmethod
    def read_csv(
        cls,
        path: Union[str, os.PathLike],
        model: ModelLike = None,
        *,
        encoding: str = "auto",
        regions: Optional[Regions] = None,
    ) -> "Table":
        """Reads an enterprise CSV (UTF-8 or GB18030) or workbook (.xlsx).

        A file as ``cxjf score`` reads it (docs/input.md) takes the C++
        reader's fast path on every core; anything else uploads accept
        (docs/upload.md: ``8,008.69``, ``7.12%``, units in headers and cells,
        full-width forms, title rows, a workbook) is read with the upload's
        rules. Columns matching nothing are ignored with a
        :class:`CxjfWarning`; any bad cell, rejected row or repeated credit
        code raises one :class:`InputError` naming every one. Region codes
        are checked against `regions` (default: the embedded edition)."""
        model = Model.load(model)
        with open(path, "rb") as f:
            workbook = f.read(2) == b"PK"
        if not workbook:
            try:
                return cls(_core.read_table_csv(os.fspath(path), model._core, encoding, _regions_core(regions)), model)
            except InputError:
                pass
        return cls._as_upload(pathlib.Path(path).read_bytes(), model, encoding, regions)

    @classmethod
    def _as_upload(cls, data: bytes, model: Model, encoding: str, regions: Optional[Regions]) -> "Table":
        core, ignored = _core.read_table_as_upload(data, model._core, encoding, _regions_core(regions))
        if ignored:
            warnings.warn(f"columns matching nothing in model {model.id!r} were ignored: {', '.join(ignored)} "
                          f"(已忽略无法识别的列)", CxjfWarning, stacklevel=3)
        return cls(core, model)

    @classmethod
    def from_csv_text(
        cls, text: Union[str, bytes], model: ModelLike = None, *, regions: Optional[Regions] = None
    ) -> "Table":
        """A table from CSV text as ``cxjf score`` reads it (docs/input.md)."""
        model = Model.load(model)
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return cls(_core.parse_table_csv(text, model._core, _regions_core(regions)), model)

    # -- out ------------------------------------------------------------------

    def to_csv(self, path: Union[str, os.PathLike, None] = None) -> Optional[bytes]:
        """The table CSV the C++ writer writes (UTF-8, Chinese headers with
        units); to `path`, or returned as bytes."""
        data = _core.write_table_csv(self._core, self.model._core)
        if path is None:
            return data
        with open(path, "wb") as out:
            out.write(data)
        return None

    def to_frame(self, headers: str = "id") -> pd.DataFrame:
        """A DataFrame that ``from_frame`` reads back into an equal table.

        ``headers="id"`` names columns by English id, ``"zh"`` by the Chinese
        headers with units. Dictionary-encoded columns (zone, incubator,
        industry, stage) become Categoricals; indicator columns share the
        table's memory (read-only) rather than being copied.
        """
        if headers not in ("id", "zh"):
            raise ValueError("headers is 'id' or 'zh'")
        core = self._core
        columns: dict[str, Any] = {
            "credit_code": core.strings("credit_code"),
            "name": core.strings("name"),
            "region_code": core.region,
        }
        for field in ("zone", "incubator"):
            columns[field] = _categorical(*core.codes(field))
        columns["industry"] = _categorical(core.industry, INDUSTRIES)
        for field in ("tech_fields", "qualifications", "negatives"):
            columns[field] = core.strings(field)
        columns["founded"] = core.founded
        columns["registered"] = core.registered
        columns["stage"] = _categorical(*core.codes("stage"))
        values = core.values
        for j, indicator in enumerate(core.indicator_ids):
            columns[indicator] = values[:, j]
        frame = pd.DataFrame(columns, copy=False)
        if headers == "zh":
            names = dict(ATTRIBUTES)
            frame.columns = [names.get(c) or self.model.header(c) for c in frame.columns]
        return frame

    def copy(self) -> "Table":
        return Table(self._core.copy(), self.model)

    # -- columns --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        """Equal when both have the same model and the same rows, cell for
        cell (NaN equal to NaN): compared through the C++ writer, whose CSV
        reads back bit for bit, so it costs one write of each table."""
        if not isinstance(other, Table):
            return NotImplemented
        return self.model.to_json() == other.model.to_json() and self.to_csv() == other.to_csv()

    __hash__ = None  # mutable contents: not hashable

    def __len__(self) -> int:
        return len(self._core)

    @property
    def indicator_ids(self) -> list[str]:
        return self._core.indicator_ids

    @property
    def values(self) -> np.ndarray:
        return self._core.values

    @property
    def regions(self) -> Regions:
        """The region table the rows were read against (the embedded one by default)."""
        return Regions(self._core.regions)

    @property
    def credit_code(self) -> np.ndarray:
        return self._core.strings("credit_code")

    @property
    def region_code(self) -> np.ndarray:
        return self._core.region

    @property
    def registered(self) -> np.ndarray:
        return self._core.registered

    def row_of(self, credit_code: str) -> int:
        """The row of a credit code (normalized as users type it); KeyError if absent."""
        row = self._core.row_of(credit_code)
        if row < 0:
            raise KeyError(f"no enterprise with credit code {credit_code!r}")
        return row

    def __repr__(self) -> str:
        return f"<cxjf.Table: {len(self):,} enterprises x {len(self.indicator_ids)} indicators>"


def generate(n: int = 520_000, seed: int = 42, *, model: ModelLike = None, unregistered_share: float = 0.08) -> Table:
    """A synthetic national sample (docs/generator.md): the same table for a seed."""
    model = Model.load(model)
    return Table(_core.generate(model._core, int(n), int(seed), float(unregistered_share)), model)


# -- conversion helpers --------------------------------------------------------


_CODE_NAMES = ("credit_code", "统一社会信用代码")


def _credit_code_from_index(frame: Any) -> Any:
    """A pandas frame indexed by credit code (``df.set_index("credit_code")``,
    the natural index of enterprises) with the code moved back into a column."""
    if not isinstance(frame, pd.DataFrame) or frame.index.name not in _CODE_NAMES:
        return frame
    if any(str(c).split("(")[0].strip() in _CODE_NAMES for c in frame.columns):
        return frame
    return frame.reset_index()


def _to_pandas(frame: Any) -> pd.DataFrame:
    import pyarrow

    return pyarrow.table(frame).to_pandas()


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A DataFrame as the CSV text the upload's reader takes (for tables and
    uploads alike): a credit-code index back as a column, lists of values
    joined with ';', 成立日期 0 (unknown) empty and whole YYYYMMDD numbers
    without a decimal point, 是否入统 as 是/否. Text cells stay text (codes
    keep every digit); floats are written in the shortest form that reads
    back to the same double."""
    frame = _credit_code_from_index(frame).copy()
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple))).any():
            frame[column] = series.map(lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        name = str(column).split("(")[0].strip()
        if name in ("founded", "成立日期") and pd.api.types.is_numeric_dtype(series):
            frame[column] = series.map(lambda v: "" if pd.isna(v) or v == 0 else str(int(v)))
        if name in ("registered", "是否入统") and pd.api.types.is_bool_dtype(series):
            frame[column] = series.map({True: "是", False: "否"})
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _table_from_frame(frame: Any, model: Model, callback: Any, regions: Optional[_core.Regions]) -> _core.Table:
    """A pandas DataFrame through numpy columns; any other frame with
    __arrow_c_stream__ through the Arrow C data interface."""
    if not isinstance(frame, pd.DataFrame):
        if hasattr(frame, "__arrow_c_stream__"):
            return _core.table_from_arrow(model._core, frame.__arrow_c_stream__(), 2, callback, regions)
        raise TypeError(f"from_frame takes a pandas DataFrame or a frame with __arrow_c_stream__, "
                        f"not {type(frame).__name__}")
    if _arrow_ready(frame):
        # pandas' own Arrow export: text columns (pandas' str dtype) are
        # already Arrow, so no Python string per cell is made.
        import pyarrow

        arrow = pyarrow.Table.from_pandas(frame, preserve_index=False)  # the index is not a column
        return _core.table_from_arrow(model._core, arrow.__arrow_c_stream__(), 2, callback, regions)
    headers = [str(c) for c in frame.columns]
    columns = [_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return _core.table_from_columns(model._core, headers, columns, 2, callback, regions)


def _arrow_ready(frame: pd.DataFrame) -> bool:
    """Whether a DataFrame goes through Arrow: pyarrow importable, unique
    string column names, and only numbers, booleans, pandas' string dtypes
    and categoricals of text. Object columns (which may hold lists, dates or
    mixed cells) and datetimes take the numpy path, which reads them all."""
    if not frame.columns.is_unique:
        return False
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    for name, dtype in frame.dtypes.items():
        if not isinstance(name, str):
            return False
        if isinstance(dtype, pd.CategoricalDtype):
            if not (pd.api.types.is_string_dtype(dtype.categories.dtype) or len(dtype.categories) == 0):
                return False
        elif pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
            continue
        elif not (pd.api.types.is_string_dtype(dtype) and dtype != object):
            return False
    return True


def _categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical:
    # from_codes takes -1 as missing, which is what the C++ columns use.
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32), categories=pd.Index(list(names), dtype=object))


def _column(series: pd.Series) -> np.ndarray:
    """A column as the binding takes it: float64, int64, bool or object."""
    dtype = series.dtype
    has_na = bool(series.isna().any())
    if pd.api.types.is_bool_dtype(dtype) and not has_na:
        return np.ascontiguousarray(series.to_numpy(dtype=bool))
    if pd.api.types.is_integer_dtype(dtype) and not has_na:
        return np.ascontiguousarray(series.to_numpy(dtype=np.int64))
    if pd.api.types.is_float_dtype(dtype) or (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = series.dt
        ints = (stamps.year * 10000 + stamps.month * 100 + stamps.day).fillna(0)
        return np.ascontiguousarray(ints.to_numpy(dtype=np.int64))
    return np.ascontiguousarray(series.to_numpy(dtype=object, na_value=None))


def _array(values: Any) -> np.ndarray:
    if isinstance(values, pd.Series):
        return _column(values)
    return _column(pd.Series(list(values) if not isinstance(values, np.ndarray) else values))


def _categorical_of(values: Any, categories: list) -> pd.Categorical:
    """`values` (labels) as a Categorical whose categories are `categories`
    in that order, then any other label seen (none, for a snapshot's own)."""
    seen = [v for v in pd.unique(pd.Series(values, dtype=object)) if v is not None and v not in categories]
    return pd.Categorical(values, categories=pd.Index(list(categories) + seen, dtype=object))
