"""Model: an indicator scheme (docs/model.md)."""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Union

import pandas as pd

from . import _core, _html

__all__ = ["Model"]


class Model:
    """An indicator scheme, validated by the C++ library.

    ``Model.default()`` is the embedded ``torch-2022``; ``Model.builtin(id)``,
    ``Model.from_json(text_or_dict)`` and ``Model.from_file(path)`` load others;
    ``Model.load(x)`` takes a built-in id or a file, as the CLI's ``--model``.
    """

    __slots__ = ("_core", "__dict__")

    def __init__(self, core: _core.Model) -> None:
        self._core = core

    # -- loading --------------------------------------------------------------

    @classmethod
    def default(cls) -> "Model":
        return cls(_core.Model.default())

    @classmethod
    def builtin(cls, id: str) -> "Model":
        return cls(_core.Model.builtin(id))

    @staticmethod
    def builtin_ids() -> list[str]:
        return _core.Model.builtin_ids()

    @classmethod
    def from_json(cls, document: Union[str, bytes, dict]) -> "Model":
        if isinstance(document, dict):
            document = json.dumps(document, ensure_ascii=False)
        if isinstance(document, bytes):
            document = document.decode("utf-8")
        return cls(_core.Model.from_json(document))

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Model":
        return cls(_core.Model.from_file(os.fspath(path)))

    @classmethod
    def load(cls, model: "ModelLike" = None) -> "Model":
        """None: the default; a Model: itself; a built-in id; else a file."""
        if model is None:
            return cls.default()
        if isinstance(model, Model):
            return model
        if isinstance(model, dict):
            return cls.from_json(model)
        text = os.fspath(model)
        if text in _core.Model.builtin_ids():
            return cls.builtin(text)
        return cls.from_file(text)

    # -- what it is -----------------------------------------------------------

    @property
    def id(self) -> str:
        return self._core.id

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def description(self) -> str:
        return self._core.description

    @property
    def decimals(self) -> int:
        """Published decimals of a score."""
        return self._core.decimals

    @property
    def list_threshold(self) -> float:
        return self._core.list_threshold

    @property
    def indicator_ids(self) -> list[str]:
        return self._core.indicator_ids

    @property
    def stage_names(self) -> list[str]:
        return self._core.stage_names

    @property
    def grade_ids(self) -> list[str]:
        return self._core.grade_ids

    def __reduce__(self) -> tuple:
        """Pickles as its JSON document, so that a model travels to workers
        (Dask, Spark, multiprocessing) and reads back equal."""
        return (Model.from_json, (self.to_json(),))

    def to_json(self) -> str:
        """The model document (what ``from_json`` reads; round-trips exactly)."""
        return self._core.to_json()

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self._document)

    @functools.cached_property
    def _document(self) -> str:
        return self._core.to_json()

    @property
    def indicators(self) -> pd.DataFrame:
        """One row per indicator: id, Chinese and English name, unit, category,
        method and the weight at each stage (points at s = 1)."""
        document = self.to_dict()
        stages = document["stages"]
        rows = []
        for indicator in document["indicators"]:
            row = {key: indicator.get(key, "") for key in ("id", "name_zh", "name_en", "unit", "category", "method")}
            weights = indicator.get("weights") or {}
            for stage in stages:
                row[f"weight_{stage['id']}"] = weights.get(stage["id"])
            rows.append(row)
        return pd.DataFrame(rows)

    def header(self, indicator_id: str) -> str:
        """The template's header of an indicator, e.g. ``研发费用金额(万元)``."""
        for indicator in self.to_dict()["indicators"]:
            if indicator["id"] == indicator_id:
                unit = indicator.get("unit", "")
                return f"{indicator['name_zh']}({unit})" if unit else indicator["name_zh"]
        raise KeyError(f"{indicator_id!r} is not an indicator of model {self.id!r}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return f"<cxjf.Model {self.id!r}: {len(self.indicator_ids)} indicators, stages {'/'.join(self.stage_names)}>"

    def _repr_html_(self) -> str:
        document = self.to_dict()
        frame = self.indicators
        weight_columns = [c for c in frame.columns if c.startswith("weight_")]
        rows = [
            [r["id"], r["name_zh"], r["unit"], r["category"], r["method"], " / ".join(_weight(r[c]) for c in weight_columns)]
            for _, r in frame.iterrows()
        ]
        grades = ", ".join(f"{g['id']} ≥ {g['min']:g}" for g in document["grades"])
        title = f"Model {self.id} — {self.name} · stages {' / '.join(self.stage_names)} · grades {grades}"
        return _html.table(title, rows, ["id", "指标", "单位", "类别", "方法", "权重 (" + " / ".join(self.stage_names) + ")"])


def _weight(value: object) -> str:
    return "—" if value is None or (isinstance(value, float) and value != value) else f"{value:g}"


ModelLike = Union[Model, str, "os.PathLike[str]", dict, None]
