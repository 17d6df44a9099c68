"""fit, score, Snapshot and ledgers (docs/scoring.md, docs/snapshot.md)."""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Dict, Optional, Union

import numpy as np
import pandas as pd

from . import _core, _html, _progress
from .model import Model, ModelLike
from .table import Regions, Table, _categorical

__all__ = ["Ledger", "Reference", "Scores", "Snapshot", "fit", "score"]

RANK_LEVELS: list[str] = list(_core.RANK_LEVELS)

TableLike = Union[Table, pd.DataFrame, str, "os.PathLike[str]"]


class Reference:
    """The frozen reference population that ``fit`` learns."""

    __slots__ = ("_core", "model", "__dict__")

    def __init__(self, core: _core.Reference, model: Model, table: Optional[_core.Table] = None) -> None:
        self._core = core
        self.model = model
        self._table = table  # whose region edition names provinces in labels

    @property
    def model_id(self) -> str:
        return self._core.model_id

    @property
    def population(self) -> int:
        return self._core.population

    @property
    def content_hash(self) -> str:
        """XXH3-64 of the binary form, 16 hex digits: what identifies it."""
        return self._core.content_hash

    def to_dict(self) -> dict[str, Any]:
        """Groups and per-group statistics (Reference::to_json)."""
        return json.loads(self._core.to_json(self.model._core))

    @functools.cached_property
    def group_labels(self) -> list[str]:
        return self._core.group_labels(self.model._core, self._table)

    def to_bytes(self) -> bytes:
        """The binary form (what a snapshot file holds of it), ending with its hash."""
        return self._core.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, model: ModelLike) -> "Reference":
        """Reads what :meth:`to_bytes` wrote, for `model` (checked by id and content)."""
        model = Model.load(model)
        return cls(_core.Reference.from_bytes(bytes(data), model._core), model)

    def __reduce__(self) -> tuple:
        # Pickled as its bytes and its model: a reference travels to workers
        # whole and reads back byte for byte (provinces in group labels are
        # named by the embedded region edition there).
        return (Reference.from_bytes, (self.to_bytes(), self.model))

    def __repr__(self) -> str:
        return f"<cxjf.Reference {self.model_id}: {self.population:,} enterprises, hash {self.content_hash}>"


class Scores:
    """Scores of every row of a table. Columns are read-only numpy views of
    the C++ vectors; ``to_frame()`` gives the DataFrame the CLI writes."""

    __slots__ = ("_core", "table", "reference", "__dict__")

    def __init__(self, core: _core.Scores, table: Table, reference: Reference) -> None:
        self._core = core
        self.table = table
        self.reference = reference

    def __len__(self) -> int:
        return len(self._core)

    @property
    def model(self) -> Model:
        return self.table.model

    @property
    def published_units(self) -> np.ndarray:
        """Published score x 10^decimals, exact integers."""
        return self._core.published_units

    @property
    def published(self) -> np.ndarray:
        """The published scores as floats (nearest double to units / 10^decimals)."""
        return self._core.published_units / 10.0 ** self._core.decimals

    @property
    def total(self) -> np.ndarray:
        return self._core.total

    @property
    def grade(self) -> pd.Categorical:
        return _categorical(self._core.grade, self.model.grade_ids)

    @property
    def order(self) -> np.ndarray:
        """Rows in list order: published desc, exact total desc, credit code."""
        return self._core.order

    def rank(self, level: str = "national") -> np.ndarray:
        """Rank of each row at `level` (national, province, city, county, zone,
        incubator, peer_group); 0 where the row has no unit at that level."""
        return self._core.rank(RANK_LEVELS.index(level))

    def to_frame(self, order: str = "list") -> pd.DataFrame:
        """credit_code, name, region_code, stage, peer_group, score, grade,
        base, bonus, deduction, veto, rank_<level>..., row (the table row).

        ``order="list"`` sorts as the CLI's scores.csv (rank order),
        ``"table"`` keeps the table's order. Ranks are nullable (NA where the
        row has no unit at that level)."""
        if order not in ("list", "table"):
            raise ValueError("order is 'list' or 'table'")
        core, model = self._core, self.model
        rows = np.asarray(core.order, dtype=np.int64) if order == "list" else np.arange(len(core), dtype=np.int64)
        take = (lambda a: np.asarray(a)[rows]) if order == "list" else np.asarray
        frame = pd.DataFrame(
            {
                "credit_code": self.table._core.strings("credit_code", rows),
                "name": self.table._core.strings("name", rows),
                "region_code": take(self.table._core.region),
                "stage": _categorical(take(core.stage), model.stage_names),
                "peer_group": _categorical(take(core.peer_group), self.reference.group_labels),
                "score": take(core.published_units) / 10.0 ** core.decimals,
                "grade": _categorical(take(core.grade), model.grade_ids),
                "base": take(core.base),
                "bonus": take(core.bonus),
                "deduction": take(core.deduction),
                "veto": take(core.veto),
            },
            copy=False,
        )
        for i, level in enumerate(RANK_LEVELS):
            ranks = take(core.rank(i))
            frame[f"rank_{level}"] = pd.arrays.IntegerArray(ranks.astype(np.int32), ranks == 0)
        frame["row"] = rows
        return frame

    def summary(self) -> dict[str, Any]:
        published = self.published
        grades = pd.Series(self.grade).value_counts(sort=False)
        return {
            "enterprises": len(self),
            "mean": float(published.mean()) if len(self) else 0.0,
            "median": float(np.median(published)) if len(self) else 0.0,
            "grades": {str(k): int(v) for k, v in grades.items()},
        }

    def __repr__(self) -> str:
        s = self.summary()
        return f"<cxjf.Scores: {s['enterprises']:,} enterprises, mean {s['mean']:.2f}, grades {s['grades']}>"

    def _repr_html_(self) -> str:
        s = self.summary()
        n = max(s["enterprises"], 1)
        rows = [["enterprises", s["enterprises"]], ["mean score", round(s["mean"], 2)], ["median score", round(s["median"], 2)]]
        rows += [[f"grade {g}", f"{c:,} ({c / n:.1%})"] for g, c in s["grades"].items()]
        top = self.to_frame().head(5)
        summary = _html.table("Scores", rows)
        best = _html.table(
            "Top 5",
            top[["credit_code", "name", "region_code", "score", "grade", "rank_national"]].itertuples(index=False),
            ["credit_code", "name", "region", "score", "grade", "rank"],
        )
        return summary + best


class Ledger:
    """Every number behind one enterprise's score (cxjf::Ledger)."""

    __slots__ = ("document",)

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def to_dict(self) -> dict[str, Any]:
        return self.document

    def to_frame(self) -> pd.DataFrame:
        """One row per scored indicator: id, name, unit, category, raw, used,
        missing, imputed, excluded, zero_rule, peers, normalized, weight, points."""
        return pd.DataFrame(self.document["indicators"])

    @property
    def score(self) -> float:
        """The published score as a number (the nearest double of the
        published decimal); ``score_text`` is the text with the model's
        decimals, as files write it."""
        return float(self.document["score"])

    @property
    def score_text(self) -> str:
        """The published score as text with the model's decimals ("79.40")."""
        return self.document["score"]

    @property
    def grade(self) -> str:
        return self.document["grade"]

    def __getitem__(self, key: str) -> Any:
        return self.document[key]

    def __repr__(self) -> str:
        d = self.document
        return f"<cxjf.Ledger {d.get('credit_code')} {d.get('name')}: {d['score']} ({d['grade']})>"

    def _repr_html_(self) -> str:
        d = self.document
        head = [
            ["enterprise", f"{d.get('credit_code', '')} {d.get('name', '')}"],
            ["stage · peer group", f"{d.get('stage')} · {d.get('peer_group')}"],
            ["base + bonus − deduction", f"{d['base']:.4f} + {d['bonus']:g} − {d['deduction']:g}" + (" (veto)" if d.get("veto") else "")],
            ["score · grade", f"{d['score']} · {d['grade']}"],
        ]
        lines = [
            [i["id"], i["name"], i["raw"], f"{i['normalized']:.4f}", f"{i['weight']:g}", f"{i['points']:.4f}"]
            for i in d["indicators"]
        ]
        return _html.table("Ledger", head) + _html.table("Indicators", lines, ["id", "指标", "raw", "s", "weight", "points"])


class Snapshot:
    """One scoring year's base database, frozen: model, reference, the
    registered enterprises and their scores (docs/snapshot.md)."""

    __slots__ = ("_core", "__dict__")

    def __init__(self, core: _core.Snapshot) -> None:
        self._core = core

    @classmethod
    def build(
        cls,
        data: TableLike,
        model: ModelLike = None,
        *,
        progress: bool = False,
        threads: int = 0,
        regions: Optional[Regions] = None,
    ) -> "Snapshot":
        """Fits the model on the registered rows of `data` and scores them.

        `data` is a Table (copied: the caller keeps it), a DataFrame or a CSV
        path (converted, then handed over without a copy). Runs without the
        GIL. ``progress=True`` shows a tqdm bar: rows while converting, then
        the fit and score as one step (the C++ library reports no progress
        inside it). The fit and score run on `threads` threads (0: one per
        core); the result is bit-identical whatever the count. A frame or a
        path is read against `regions` (default: the embedded edition; a
        Table keeps the one it was read with), which the snapshot keeps."""
        if threads < 0:
            raise ValueError(f"threads must be 0 (one per core) or more, not {threads}")
        if isinstance(data, Table):
            if regions is not None and regions != data.regions:
                raise ValueError("the table was read against another region edition: read it with these regions")
            model = data.model if model is None else Model.load(model)
            with _progress.phases(len(data), progress, "fit + score") as bar:
                core = _core.Snapshot.build(model._core, data._core, threads)
                bar.advance(len(data))
            return cls(core)
        model = Model.load(model)
        # Read as Table.from_frame and Table.read_csv read (the upload's rules
        # where the strict reader refuses), then built without a copy.
        if isinstance(data, pd.DataFrame) or hasattr(data, "__arrow_c_stream__"):
            n = len(data) if hasattr(data, "__len__") else 0
            with _progress.phases(2 * n, progress, "reading rows, fit + score") as bar:
                table = Table._read_frame(data, model, bar.callback, regions)
                bar.phase("fit + score")
                core = _core.Snapshot.build_consuming(model._core, table._core, threads)
                bar.advance(n)
            return cls(core)
        with _progress.phases(2, progress, "read CSV, fit + score") as bar:
            table = Table.read_csv(data, model, regions=regions)
            bar.advance(1)
            core = _core.Snapshot.build_consuming(model._core, table._core, threads)
            bar.advance(1)
        return cls(core)

    def to_bytes(self) -> bytes:
        """The snapshot file's bytes, as :meth:`save` writes them unsigned."""
        return self._core.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Snapshot":
        """A snapshot from a file's bytes, checked as :meth:`load` checks a file."""
        return cls(_core.Snapshot.from_bytes(bytes(data)))

    def __reduce__(self) -> tuple:
        # Pickled as its file's bytes: it travels to workers whole.
        return (Snapshot.from_bytes, (self.to_bytes(),))

    @classmethod
    def load(cls, path: Union[str, os.PathLike], public_key: str = "") -> "Snapshot":
        """Reads a snapshot file; SnapshotError when damaged, FileError when unreadable.
        With `public_key` (the text `cxjf keys` writes), a file not signed
        by that key is refused too (docs/snapshot.md, "Signatures")."""
        return cls(_core.Snapshot.load(os.fspath(path), public_key))

    def save(self, path: Union[str, os.PathLike], secret_key: str = "") -> None:
        """Writes the snapshot file, signed with `secret_key` when given."""
        self._core.save(os.fspath(path), secret_key)

    @functools.cached_property
    def model(self) -> Model:
        return Model(self._core.model)

    @functools.cached_property
    def table(self) -> Table:
        """The registered enterprises (views into the snapshot, no copy)."""
        return Table(self._core.table, self.model)

    @functools.cached_property
    def reference(self) -> Reference:
        return Reference(self._core.reference, self.model, self._core.table)

    @functools.cached_property
    def scores(self) -> Scores:
        return Scores(self._core.scores, self.table, self.reference)

    def __len__(self) -> int:
        return len(self._core.table)

    def to_frame(self, order: str = "list") -> pd.DataFrame:
        """The scores as a DataFrame (see Scores.to_frame)."""
        return self.scores.to_frame(order)

    def row_of(self, credit_code: str) -> int:
        return self.table.row_of(credit_code)

    def explain(self, enterprise: Union[str, int]) -> Ledger:
        """The ledger of an enterprise, by credit code or table row."""
        row = self.row_of(enterprise) if isinstance(enterprise, str) else int(enterprise)
        return Ledger(json.loads(_core.ledger_json(self._core.model, self._core.reference, self._core.table, row)))

    def reasons(self, enterprise: Union[str, int], top: int = 3) -> pd.DataFrame:
        """Its strengths and weaknesses against its peer group's median
        enterprise, ``top`` of each (docs/analysis.md)."""
        from . import analysis

        return analysis.reasons(self, self._row(enterprise), top)

    def what_if(self, enterprise: Union[str, int], values: Optional[Dict[str, Optional[float]]] = None, **changes: Any):
        """The enterprise rescored with new indicator values (None: missing)
        and ``add_qualifications``, ``remove_qualifications`` or
        ``clear_negatives``, everyone else frozen: a :class:`cxjf.analysis.WhatIf`."""
        from . import analysis

        return analysis.what_if(self, self._row(enterprise), values, **changes)

    def path(self, enterprise: Union[str, int], **target: Any) -> pd.DataFrame:
        """What each indicator alone must reach for a target: ``score=``
        (default the list threshold), ``grade=`` or ``top=`` with ``level=``;
        ``fixed=`` ids left alone, ``caps=`` {id: most}."""
        from . import analysis

        return analysis.path(self, self._row(enterprise), **target)

    def distances(self, rows: Optional[Any] = None, **options: Any) -> pd.DataFrame:
        """Every enterprise's (or ``rows``') distance to a target: points
        missing and the cheapest single change, closest first; ``plan=True``
        adds the combined plan (see :func:`cxjf.analysis.distances`)."""
        from . import analysis

        return analysis.distances(self, rows, **options)

    def plan(self, enterprise: Union[str, int], **target: Any) -> pd.DataFrame:
        """The combined plan of least total effort for the targets of
        :meth:`path`: the changes, with the total effort, the score with
        them and whether the search proved it optimal in ``attrs``."""
        from . import analysis

        return analysis.plan(self, self._row(enterprise), **target)

    def compare(self, after: Any, **options: Any):
        """This snapshot against `after`: another year's snapshot, or a model
        to score its enterprises under (a scheme's what-if). A
        :class:`cxjf.population.Comparison`; options ``movers``,
        ``psi_bins``, ``threads`` (see :func:`cxjf.population.compare`)."""
        from . import population

        return population.compare(self, after, **options)

    def distribution(self, by: str = "province") -> pd.DataFrame:
        """Published scores by province, zone, stage or industry against the
        nation (see :func:`cxjf.population.distribution`)."""
        from . import population

        return population.distribution(self, by)

    def rank_bands(self, draws: int = 1000, **options: Any) -> pd.DataFrame:
        """Every enterprise's rank band under `draws` weight draws (see
        :func:`cxjf.population.rank_bands`)."""
        from . import population

        return population.rank_bands(self, draws, **options)

    def rank_sensitivity(self, samples: int = 64, **options: Any) -> pd.DataFrame:
        """Sensitivity indices of the ranks to each indicator's weights (see
        :func:`cxjf.population.rank_sensitivity`)."""
        from . import population

        return population.rank_sensitivity(self, samples, **options)

    def peer_fallbacks(self) -> pd.DataFrame:
        """Whose peer group was too small, and where they were compared
        instead (see :func:`cxjf.population.peer_fallbacks`)."""
        from . import population

        return population.peer_fallbacks(self)

    @functools.cached_property
    def _analyzer(self) -> _core.Analyzer:
        return _core.Analyzer(self._core)

    def _row(self, enterprise: Union[str, int]) -> int:
        return self.row_of(enterprise) if isinstance(enterprise, str) else int(enterprise)

    def estimate(self, data: Any, principal: Any = "torch_center", *, encoding: str = "auto", sheet: Optional[str] = None,
                 header_row: Optional[int] = None, threads: int = 0, percent_form: str = "percent",
                 limits: Optional[Dict[str, int]] = None):
        """Estimates an upload against this snapshot for `principal`
        (docs/estimation.md): a DataFrame, a .xlsx or .csv path, or the bytes
        of either (told apart by content); `sheet` and `header_row` as in
        cxjf.estimate. Returns an EstimationRecord with ``results``, ``errors`` and
        ``record``. The rows are scored on `threads` threads (0: one per
        core); `percent_form` is ``"percent"`` or ``"fraction"`` and `limits`
        what one upload may cost (see cxjf.estimate)."""
        from .estimation import estimate

        return estimate(self, data, principal, encoding=encoding, sheet=sheet, header_row=header_row,
                        threads=threads, percent_form=percent_form, limits=limits)

    @functools.cached_property
    def _estimator(self) -> _core.Estimator:
        """The estimation index (built once, on first estimate)."""
        return _core.Estimator(self._core)

    @functools.cached_property
    def index(self):
        """The overview index (built once, on first use; runs without the GIL)."""
        from .overview import OverviewIndex

        return OverviewIndex(self)

    def __repr__(self) -> str:
        return f"<cxjf.Snapshot {self.model.id}: {len(self):,} enterprises, reference {self.reference.content_hash}>"

    def _repr_html_(self) -> str:
        s = self.scores.summary()
        n = max(s["enterprises"], 1)
        rows = [
            ["model", f"{self.model.id} — {self.model.name}"],
            ["enterprises", s["enterprises"]],
            ["reference hash", self.reference.content_hash],
            ["mean · median score", f"{s['mean']:.2f} · {s['median']:.2f}"],
            ["grades", ", ".join(f"{g} {c / n:.1%}" for g, c in s["grades"].items())],
        ]
        return _html.table("Snapshot", rows)


def fit(table: Table, model: ModelLike = None) -> Reference:
    """Fits the reference on the table's registered rows (without the GIL)."""
    model = table.model if model is None else Model.load(model)
    return Reference(_core.fit(model._core, table._core), model, table._core)


def score(table: Table, reference: Reference) -> Scores:
    """Scores every row of `table` as a member of `reference`'s population."""
    return Scores(_core.score(reference.model._core, reference._core, table._core), table, reference)
