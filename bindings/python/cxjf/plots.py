"""Plots with matplotlib: the score histogram, grade shares, facet ring
charts and the province ranking, labelled in Chinese.

Chinese labels need a CJK font. ``cjk_font()`` finds one among the system's
fonts (Debian: fonts-noto-cjk, which scripts/setup.sh installs) and every plot
here uses it; without one the plots raise FontNotFoundError saying what to
install, rather than drawing empty boxes.
"""

from __future__ import annotations

import functools
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

__all__ = ["FontNotFoundError", "cjk_font", "facet_ring", "grade_shares", "province_ranking", "score_histogram"]

# Family names of CJK fonts, preferred first: Debian's fonts-noto-cjk, then
# fonts-wqy-*, fonts-arphic-*, then what Windows and macOS ship.
_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN", "AR PL UKai CN",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
)


class FontNotFoundError(RuntimeError):
    """No font with Chinese glyphs is installed."""


@functools.lru_cache(maxsize=None)
def cjk_font() -> str:
    """The family name of an installed CJK font, registered with matplotlib.

    Fonts installed after matplotlib built its font cache are found too: the
    system's font folders are scanned once when the cache has none."""
    from matplotlib import font_manager

    def known() -> Optional[str]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in _CJK_FAMILIES if family in names), None)

    family = known()
    if family is None:
        for path in font_manager.findSystemFonts():
            lowered = path.lower()
            if any(mark in lowered for mark in ("cjk", "wqy", "wenquanyi", "uming", "ukai", "sourcehan", "simhei", "msyh")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        family = known()
    if family is None:
        raise FontNotFoundError(
            "no CJK font found for the Chinese labels: install one, e.g. on Debian or Ubuntu "
            "`sudo apt-get install fonts-noto-cjk` (scripts/setup.sh does), then restart Python"
        )
    return family


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _style() -> dict:
    """rc settings for one plot: the CJK font, and an ASCII minus sign (the
    CJK fonts lack U+2212, which matplotlib uses by default)."""
    family = cjk_font()
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"], "axes.unicode_minus": False}


def score_histogram(source: Any, ax: Any = None, *, width: float = 5.0, title: str = "得分分布") -> Any:
    """Histogram of published scores.

    `source` is a Snapshot or Scores (bins of `width` points from 0 to 100),
    or an overview answer whose facets include ``score`` (its bins)."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_style()):
        ax = _axes(ax, (7, 3.5))
        if isinstance(source, dict):
            bins = source["facets"]["score"]["bins"]
            left = [b["min"] for b in bins]
            widths = [b["max"] - b["min"] for b in bins]
            ax.bar(left, [b["count"] for b in bins], width=widths, align="edge", color="#4C72B0", edgecolor="white")
        else:
            scores = source.scores if hasattr(source, "scores") else source
            edges = np.arange(0, 100 + width, width)
            ax.hist(scores.published, bins=edges, color="#4C72B0", edgecolor="white")
        ax.set_xlabel("创新积分")
        ax.set_ylabel("企业数")
        ax.set_title(title)
        _fonts(ax)
    return ax


def grade_shares(source: Any, ax: Any = None, *, title: str = "企业评价（等级占比）") -> Any:
    """Bar chart of the share of each grade: a Snapshot, Scores, or an
    overview answer with the ``grade`` facet."""
    import matplotlib.pyplot as plt

    if isinstance(source, dict):
        buckets = source["facets"]["grade"]["buckets"]
        labels = [b["label"] for b in buckets]
        counts = np.array([b["count"] for b in buckets], dtype=float)
    else:
        scores = source.scores if hasattr(source, "scores") else source
        grades = pd.Series(scores.grade).value_counts(sort=False)
        labels, counts = [str(g) for g in grades.index], grades.to_numpy(dtype=float)
    shares = counts / max(counts.sum(), 1)
    with plt.rc_context(_style()):
        ax = _axes(ax, (5, 3.5))
        bars = ax.bar(labels, shares * 100, color=["#55A868", "#4C72B0", "#DD8452", "#C44E52", "#8172B3"][: len(labels)])
        for bar, share in zip(bars, shares):
            ax.annotate(f"{share:.2%}" if 0 < share < 0.01 else f"{share:.1%}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
        ax.set_ylabel("占比 (%)")
        ax.set_title(title)
        _fonts(ax)
    return ax


def facet_ring(answer: dict, facet: str = "tech_field", ax: Any = None, *, title: Optional[str] = None,
               top: int = 8) -> Any:
    """A ring (donut) chart of one facet of an overview answer: its `top`
    largest buckets and the rest as 其他."""
    import matplotlib.pyplot as plt

    buckets = sorted((b for b in answer["facets"][facet]["buckets"] if b["count"] > 0), key=lambda b: -b["count"])
    labels = [b["label"] for b in buckets[:top]]
    counts = [b["count"] for b in buckets[:top]]
    rest = sum(b["count"] for b in buckets[top:])
    if rest:
        labels.append("其他")
        counts.append(rest)
    names = {"tech_field": "技术领域", "qualification": "企业资质", "industry": "一级行业", "grade": "企业评价",
             "stage": "发展阶段", "province": "省级行政区分布", "zone": "国家高新区分布"}
    with plt.rc_context(_style()):
        ax = _axes(ax, (6, 4.5))
        if counts:
            ax.pie(counts, labels=labels, autopct="%1.0f%%", pctdistance=0.8, startangle=90, counterclock=False,
                   wedgeprops={"width": 0.4, "edgecolor": "white"}, textprops={"fontsize": 8})
        ax.set_title(title or names.get(facet, facet))
        ax.axis("equal")
        _fonts(ax)
    return ax


def province_ranking(source: Union[pd.DataFrame, dict], ax: Any = None, *, value: str = "count", top: int = 15,
                     title: Optional[str] = None) -> Any:
    """Horizontal bars of a ranking's nodes (OverviewIndex.ranking's
    DataFrame, or a ranking answer): `value` is count, mean, median or max."""
    import matplotlib.pyplot as plt

    if isinstance(source, dict):
        source = pd.DataFrame(source["ranking"]["nodes"])
    nodes = source.sort_values(value, ascending=False).head(top).iloc[::-1]
    axis = {"count": "企业数", "mean": "平均分", "median": "中位数", "max": "最高分"}[value]
    with plt.rc_context(_style()):
        ax = _axes(ax, (7, max(3, 0.3 * len(nodes) + 1)))
        ax.barh(nodes["label"], nodes[value], color="#4C72B0")
        for y, v in enumerate(nodes[value]):
            ax.annotate(f"{v:,.0f}" if value == "count" else f"{v:.2f}", (v, y), va="center", ha="left", fontsize=8,
                        xytext=(2, 0), textcoords="offset points")
        ax.set_xlabel(axis)
        ax.set_title(title or f"排名（{axis}）")
        _fonts(ax)
    return ax


def _fonts(ax: Any) -> None:
    # rc_context applies to artists created inside it; text created later
    # (e.g. when the figure is drawn) keeps the family set on each artist.
    families = [cjk_font(), "DejaVu Sans"]
    for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]:
        text.set_fontfamily(families)
    ax.tick_params(axis="both", labelfontfamily=families)
