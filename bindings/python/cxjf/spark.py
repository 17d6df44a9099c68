"""cxjf on Apache Spark: the one-machine scores, bit for bit, from a Spark
DataFrame (docs/distributed.md). ``pip install "cxjf[spark]"``.

- :func:`fit`: each partition's registered rows fitted by ``mapInPandas``
  into its summary (a reference's bytes), the summaries reduced on the
  driver (:func:`cxjf.distributed.merge`): the reference of one machine,
  byte for byte.
- :func:`score`: every partition scored by ``mapInPandas`` against that
  reference, broadcast once; ranks at every level from per-unit counts
  (a ``groupBy`` sum), joined back: no global sort.

Spark's own column types carry the scores: strings, ints, doubles, a
boolean, and the ranks as nullable ints.
"""

from __future__ import annotations

from typing import Iterator, Optional

import pandas as pd

try:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError('cxjf.spark needs PySpark: pip install "cxjf[spark]"') from e

from . import distributed
from .model import Model, ModelLike
from .scoring import RANK_LEVELS, Reference

__all__ = ["fit", "score"]

_SPARK_TYPES = {"object": T.StringType(), "int32": T.IntegerType(), "int64": T.LongType(), "float64": T.DoubleType(),
                "bool": T.BooleanType()}


def _schema(meta: pd.DataFrame) -> T.StructType:
    return T.StructType([T.StructField(c, _SPARK_TYPES[str(t)], True) for c, t in meta.dtypes.items()])


def _frames(batches: Iterator[pd.DataFrame]) -> pd.DataFrame:
    """A partition's Arrow batches as one pandas frame (a partition's fit
    needs all its rows at once)."""
    parts = list(batches)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def fit(frame: DataFrame, model: ModelLike = None) -> Reference:
    """The reference of the registered rows of `frame` (columns named as the
    CSV's, text or numbers): each partition's summary made by
    ``mapInPandas``, collected and merged on the driver; equal byte for byte
    to :func:`cxjf.fit` on all the rows."""
    model = Model.load(model)
    columns = frame.columns

    def summaries(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        part = _frames(batches)
        if part.empty:
            part = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        yield pd.DataFrame({"summary": [distributed.fit_part(part, model).to_bytes()]})

    schema = T.StructType([T.StructField("summary", T.BinaryType(), False)])
    rows = frame.mapInPandas(summaries, schema).collect()
    return distributed.merge([Reference.from_bytes(bytes(r["summary"]), model) for r in rows], model)


def score(frame: DataFrame, model: ModelLike = None, *, reference: Optional[Reference] = None,
          spark: Optional[SparkSession] = None) -> DataFrame:
    """The registered rows of `frame` scored as one machine scores them: a
    Spark DataFrame with the columns of :func:`cxjf.distributed.ranks_meta`.
    The reference is fitted first (:func:`fit`) unless given, and broadcast
    to the executors once; the rank counts are summed by Spark and their
    small rank table joined back."""
    spark = spark or frame.sparkSession
    if reference is None:
        reference = fit(frame, model)
    shared = spark.sparkContext.broadcast(reference.to_bytes())
    model_json = reference.model.to_json()
    columns = frame.columns

    def scored(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        ref = Reference.from_bytes(shared.value, Model.from_json(model_json))
        part = _frames(batches)
        if part.empty:
            part = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        yield distributed.score_part(part, ref)

    out = frame.mapInPandas(scored, _schema(distributed.scores_meta())).cache()

    def counted(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        part = _frames(batches)
        yield distributed.rank_counts(part if not part.empty else distributed.scores_meta())

    count_schema = T.StructType([T.StructField("level", T.StringType()), T.StructField("unit", T.StringType()),
                                 T.StructField("published_units", T.LongType()), T.StructField("count", T.LongType())])
    counts = (out.mapInPandas(counted, count_schema)
              .groupBy("level", "unit", "published_units").agg(F.sum("count").alias("count")).toPandas())
    ranks = distributed.rank_table(counts, reference.model)
    ranks_df = spark.createDataFrame(ranks.astype({"rank": "int32"}))
    result = out
    for level in RANK_LEVELS:
        unit = _unit_column(level)
        r = (ranks_df.where(F.col("level") == level)
             .select(F.col("unit").alias("_rank_unit"), F.col("published_units").alias("_rank_units"),
                     F.col("rank").alias(f"rank_{level}")))
        on = (F.col("_unit") == F.col("_rank_unit")) & (F.col("published_units") == F.col("_rank_units"))
        result = (result.withColumn("_unit", unit).join(F.broadcast(r), on, "left")
                  .drop("_unit", "_rank_unit", "_rank_units"))
    return result


def _unit_column(level: str):
    """A row's unit at `level` as Spark computes it, as the text
    :func:`cxjf.distributed.rank_counts` writes (null where there is none)."""
    region = F.col("region_code").cast("long")
    if level == "national":
        return F.lit("")
    if level == "province":
        return F.floor(region / 10000).cast("long").cast("string")
    if level == "city":
        return F.when(region % 10000 != 0, F.floor(region / 100).cast("long").cast("string"))
    if level == "county":
        return F.when(region % 100 != 0, region.cast("string"))
    if level in ("zone", "incubator"):
        return F.col(level)
    if level == "peer_group":
        return F.when(F.col("peer_group_id") >= 0, F.col("peer_group_id").cast("string"))
    raise ValueError(f"unknown rank level {level!r}")
