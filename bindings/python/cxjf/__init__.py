"""cxjf: the Enterprise Innovation Credit scoring engine (企业创新积分制) for Python.

The C++ library, bound with pybind11 (``cxjf._core``), with pandas and numpy
in and out, Excel templates and uploads (``cxjf.excel``), plots
(``cxjf.plots``) and progress bars. See docs/python.md.

>>> import cxjf
>>> table = cxjf.generate(20_000, seed=42)
>>> snap = cxjf.Snapshot.build(table)
>>> snap.to_frame().head()                                     # doctest: +SKIP
"""

from ._core import __version__
from .errors import CxjfError, CxjfWarning, FileError, InputError, ModelError, QueryError, SnapshotError
from .estimation import EstimationRecord, estimate
from .model import Model
from .overview import OverviewIndex
from .population import Comparison, compare
from .principal import Principal
from .scoring import Ledger, Reference, Scores, Snapshot, fit, score
from .table import Regions, Table, generate

__all__ = [
    "Comparison",
    "CxjfError",
    "CxjfWarning",
    "EstimationRecord",
    "FileError",
    "InputError",
    "Ledger",
    "Model",
    "ModelError",
    "OverviewIndex",
    "Principal",
    "QueryError",
    "Reference",
    "Regions",
    "Scores",
    "Snapshot",
    "SnapshotError",
    "Table",
    "__version__",
    "compare",
    "default_model",
    "estimate",
    "fit",
    "generate",
    "read_csv",
    "score",
    "upload_template_csv",
]


def default_model() -> Model:
    """The embedded default model, torch-2022."""
    return Model.default()


def read_csv(path, model=None, *, encoding: str = "auto", regions: "Regions | None" = None) -> Table:
    """Table.read_csv: an enterprise CSV or workbook (docs/input.md), with
    what uploads accept too (docs/upload.md)."""
    return Table.read_csv(path, model, encoding=encoding, regions=regions)


def upload_template_csv(model=None) -> bytes:
    """The upload template as CSV bytes (UTF-8 with BOM), as ``cxjf template`` writes it."""
    from . import _core

    return _core.upload_template_csv(Model.load(model)._core)
