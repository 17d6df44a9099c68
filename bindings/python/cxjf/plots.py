"""Plots with matplotlib: the score histogram, grade shares, facet ring
charts and the province ranking; for a whole population (docs/population.md)
the grade transition heatmap, PSI bars, group gaps and rank bands. Labelled
in Chinese.

Chinese labels need a CJK font. ``cjk_font()`` finds one among the system's
fonts (Debian: fonts-noto-cjk, which scripts/setup.sh installs) and every plot
here uses it; without one the plots raise FontNotFoundError saying what to
install, rather than drawing empty boxes. ``use_chinese_font()`` turns the
same font on for the user's own figures (rcParams).

Works with matplotlib 3.6 (the ``plot`` extra's minimum): nothing newer is
used, or only behind a version check.
"""

from __future__ import annotations

import functools
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from .errors import CxjfError

__all__ = [
    "FontNotFoundError",
    "MissingPartError",
    "cjk_font",
    "facet_ring",
    "grade_shares",
    "grade_transitions",
    "group_gaps",
    "province_ranking",
    "psi_bars",
    "rank_bands",
    "score_histogram",
    "use_chinese_font",
]

# Family names of CJK fonts, preferred first: Debian's fonts-noto-cjk, then
# fonts-wqy-*, fonts-arphic-*, then what Windows and macOS ship. Matplotlib
# before 3.7 registers only the first face of a .ttc, so fonts-noto-cjk shows
# up there as "Noto Sans CJK JP" (its faces all hold the Chinese glyphs).
_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "AR PL UMing CN", "AR PL UKai CN",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
)

# Facets whose values an enterprise may hold several of (docs/overview.md,
# "Facets and the histogram"): their counts add up to more or less than the
# enterprises, so a ring of them is not a partition.
_MULTI_VALUED = {"tech_field": "技术领域", "qualification": "资质"}

_FACET_NAMES = {"tech_field": "技术领域", "qualification": "企业资质", "industry": "一级行业", "grade": "企业评价",
                "stage": "发展阶段", "province": "省级行政区分布", "zone": "国家高新区分布"}

# The principals whose default ranking drills into the nation, i.e. lists the
# provinces (docs/overview.md, "Rankings"): for them the province facet holds
# the same nodes' counts and means.
_NATIONAL_ROLES = {"torch_center", "public", "zone", "incubator"}


class FontNotFoundError(RuntimeError):
    """No font with Chinese glyphs is installed."""


class MissingPartError(CxjfError, ValueError):
    """An overview answer lacks the part a plot draws; ``member`` is the
    request member that asks for it (``facets`` or ``ranking``)."""

    def __init__(self, message: str, member: str) -> None:
        super().__init__(message, "invalid_argument")
        self.member = member


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


def _rc(family: str) -> dict:
    """rc settings that render Chinese: the CJK font first, the families
    already set after it, and an ASCII minus sign (some CJK fonts, e.g.
    WenQuanYi and SimHei, lack U+2212, which matplotlib uses by default)."""
    import matplotlib

    families = matplotlib.rcParams["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    return {"font.family": [family] + [f for f in families if f != family], "axes.unicode_minus": False}


def use_chinese_font() -> Optional[str]:
    """Turns the CJK font on for every figure drawn from now on (matplotlib's
    rcParams), e.g. for one's own plots of cxjf's DataFrames.

    Returns the family name, or None when no CJK font is installed: rcParams
    are then left as they were, without a warning (Chinese text would draw as
    empty boxes; install fonts-noto-cjk). The font goes before the families
    already set, which stay as the fallback. ``matplotlib.rcdefaults()`` or a
    ``matplotlib.rc_context()`` around the call undo it."""
    import matplotlib

    try:
        family = cjk_font()
    except FontNotFoundError:
        return None
    matplotlib.rcParams.update(_rc(family))
    return family


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        # The tight layout engine lays the figure out again at each draw, from
        # the drawn texts: long tick labels (新疆维吾尔自治区, zone names), the
        # x label and the ring's legend stay inside. An Axes passed in belongs
        # to the caller's figure, whose layout is the caller's.
        _, ax = plt.subplots(figsize=figsize, layout="tight")
    return ax


def _kind(answer: dict) -> str:
    return str(answer.get("kind", "overview"))


def _facet(answer: dict, facet: str, plot: str) -> dict:
    """The answer's facet, or a MissingPartError naming the request member."""
    if "facets" not in answer:
        raise MissingPartError(
            f"a {_kind(answer)} answer has no facets, which {plot} draws: ask an overview "
            f"(`index.overview(...)`, kind \"overview\") with \"{facet}\" in its `facets` (the default has all eight)",
            "facets")
    if facet not in answer["facets"]:
        raise MissingPartError(
            f"the answer has no \"{facet}\" facet, which {plot} draws: put \"{facet}\" in the request's `facets` "
            f"(or leave `facets` out: the default has all eight); it has {', '.join(answer['facets']) or 'none'}",
            "facets")
    return answer["facets"][facet]


def _count(cell: dict) -> Optional[int]:
    # The public's small cells are withheld: "count": null, "withheld": true.
    return None if cell.get("withheld") or cell.get("count") is None else int(cell["count"])


def score_histogram(source: Any, ax: Any = None, *, width: float = 5.0, title: str = "得分分布") -> Any:
    """Histogram of published scores.

    `source` is a Snapshot or Scores (bins of `width` points from 0 to 100),
    or an overview answer whose facets include ``score`` (its bins; bins the
    public may not see are left empty and counted in the title)."""
    import matplotlib.pyplot as plt

    withheld = 0
    if isinstance(source, dict):
        bins = _facet(source, "score", "score_histogram")["bins"]
        shown = [b for b in bins if _count(b) is not None]
        withheld = len(bins) - len(shown)
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7, 3.5))
        if isinstance(source, dict):
            ax.bar([b["min"] for b in shown], [_count(b) for b in shown], width=[b["max"] - b["min"] for b in shown],
                   align="edge", color="#4C72B0", edgecolor="white")
            if bins:
                ax.set_xlim(bins[0]["min"], bins[-1]["max"])
        else:
            scores = source.scores if hasattr(source, "scores") else source
            edges = np.arange(0, 100 + width, width)
            ax.hist(scores.published, bins=edges, color="#4C72B0", edgecolor="white")
        ax.set_xlabel("创新积分")
        ax.set_ylabel("企业数")
        ax.set_title(f"{title}（{withheld} 个分段未公布）" if withheld else title)
        _fonts(ax)
    return ax


def grade_shares(source: Any, ax: Any = None, *, title: str = "企业评价（等级占比）") -> Any:
    """Bar chart of the share of each grade among the enterprises: a Snapshot,
    Scores, or an overview answer with the ``grade`` facet (shares of the
    facet's total; grades the public may not see are marked 未公布)."""
    import matplotlib.pyplot as plt

    if isinstance(source, dict):
        facet = _facet(source, "grade", "grade_shares")
        labels = [b["label"] for b in facet["buckets"]]
        counts = [_count(b) for b in facet["buckets"]]
        total = int(facet["total"])
    else:
        scores = source.scores if hasattr(source, "scores") else source
        grades = pd.Series(scores.grade).value_counts(sort=False)
        labels, counts, total = [str(g) for g in grades.index], [int(c) for c in grades], int(grades.sum())
    shares = [None if c is None else c / max(total, 1) for c in counts]
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (5, 3.5))
        heights = [0.0 if s is None else s * 100 for s in shares]
        bars = ax.bar(labels, heights, color=["#55A868", "#4C72B0", "#DD8452", "#C44E52", "#8172B3"][: len(labels)])
        for bar, share in zip(bars, shares):
            text = "未公布" if share is None else f"{share:.2%}" if 0 < share < 0.01 else f"{share:.1%}"
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
        # Room above the tallest bar for its label, inside the axes (the
        # whole 100 % when every grade is withheld).
        shown = [h for h, s in zip(heights, shares) if s is not None]
        ax.set_ylim(0, (max(shown) if shown else 100.0) * 1.15 or 1.0)
        ax.set_ylabel("占比 (%)")
        ax.set_title(title)
        _fonts(ax)
    return ax


def facet_ring(answer: dict, facet: str = "tech_field", ax: Any = None, *, title: Optional[str] = None,
               top: int = 8) -> Any:
    """A ring (donut) chart of one facet of an overview answer: its `top`
    largest buckets and the rest as 其他, listed in a legend with each one's
    share of the enterprises the facet counts: count / the facet's ``total``
    (the answer's ``share``), the number the ring's centre shows.

    For a single-valued facet (industry, stage, ...) the wedges are those
    shares; enterprises it does not list (outside any zone, or in cells the
    public may not see) form a grey wedge. A multi-valued facet (technology
    fields, qualifications) counts an enterprise once per value it holds, so
    its wedges are proportions of those counts, not of the enterprises; a
    note under the ring says so, and 其他 carries no share."""
    import matplotlib.pyplot as plt

    part = _facet(answer, facet, "facet_ring")
    if "buckets" not in part:
        raise ValueError(f"facet {facet!r} has bins, not buckets: draw it with score_histogram")
    # A facet's total is its base: the enterprises passing every filter but
    # its own (after a click on 电子信息 the technology ring still covers the
    # other fields, while the answer's total counts the 电子信息 ones).
    total = int(part.get("total", answer.get("total", 0)))
    buckets = sorted((b for b in part["buckets"] if _count(b)), key=lambda b: -_count(b))
    withheld = sum(1 for b in part["buckets"] if _count(b) is None)
    multi = facet in _MULTI_VALUED or sum(_count(b) for b in buckets) > total

    def share(count: int) -> str:
        return f"{count / total:.1%}" if total else ""

    labels = [f"{b['label']} {share(_count(b))}" for b in buckets[:top]]
    counts = [_count(b) for b in buckets[:top]]
    rest = buckets[top:]
    if rest:
        count = sum(_count(b) for b in rest)
        labels.append(f"其他 {len(rest)} 项" if multi else f"其他 {share(count)}")
        counts.append(count)
    palette = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["#4C72B0"])
    colors = [palette[i % len(palette)] for i in range(len(counts))]
    unlisted = 0 if multi else total - sum(counts)
    if unlisted > 0:
        if facet == "zone":
            name = "不在高新区或未公布" if withheld else "不在国家高新区"
        else:
            name = "未公布" if withheld else "未列出"
        labels.append(f"{name} {share(unlisted)}")
        counts.append(unlisted)
        colors.append("#D0D0D0")
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7.5, 4.5))
        if counts:
            wedges, _ = ax.pie(counts, colors=colors, startangle=90, counterclock=False,
                               wedgeprops={"width": 0.4, "edgecolor": "white"})
            # A legend beside the ring rather than labels around it: labels
            # of small wedges overlap, and a ring's labels move with its size
            # (the axes keep an equal aspect), which a layout computed in one
            # pass (tight_layout) cannot make fit; the legend's size is fixed.
            ax.legend(wedges, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
        ax.text(0, 0, f"{total:,}\n家企业", ha="center", va="center", fontsize=9)
        if multi:
            hidden = f"（{withheld} 项未公布）" if withheld else ""
            unit = _MULTI_VALUED.get(facet, "值")
            note = f"百分比：占 {total:,} 家企业的比例{hidden}\n一家企业可有多个{unit}，各项之和不必为 100%"
            ax.text(0.5, -0.02, note, transform=ax.transAxes, ha="center", va="top", fontsize=8)
        ax.set_title(title or _FACET_NAMES.get(facet, facet))
        ax.axis("equal")
        _fonts(ax)
    return ax


def province_ranking(source: Union[pd.DataFrame, dict], ax: Any = None, *, value: str = "count", top: int = 15,
                     title: Optional[str] = None) -> Any:
    """Horizontal bars of a ranking's nodes (OverviewIndex.ranking's
    DataFrame, or an answer with a ranking): `value` is count, mean, median or
    max. Nodes without that value (withheld from the public) are left out.

    An overview answer without a ranking still draws for the principals whose
    default ranking lists the provinces (torch_center, public, zone,
    incubator), from its province facet (count and mean, the same numbers);
    otherwise MissingPartError says to ask for a ``ranking``."""
    import matplotlib.pyplot as plt

    axes_names = {"count": "企业数", "mean": "平均分", "median": "中位数", "max": "最高分"}
    if value not in axes_names:
        raise ValueError(f"value is count, mean, median or max, not {value!r}")
    if isinstance(source, dict):
        source = _ranking_nodes(source, value)
    values = pd.to_numeric(source[value], errors="coerce")
    nodes = pd.DataFrame({"label": source["label"].astype(str), "value": values}).dropna()
    if nodes.empty and len(source):
        raise CxjfError(f"the ranking has no {value} for any node: the public's rankings have no medians or maxima "
                        "and withhold small cells", "invalid_argument")
    nodes = nodes.sort_values("value", ascending=False, kind="stable").head(top).iloc[::-1]
    axis = axes_names[value]
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7, max(3, 0.3 * len(nodes) + 1)))
        # Positions, not the labels, on the y axis: two nodes with one label
        # would share a category bar.
        positions = np.arange(len(nodes))
        ax.barh(positions, nodes["value"], color="#4C72B0")
        ax.set_yticks(positions)
        ax.set_yticklabels(nodes["label"])
        ax.set_ylim(-0.6, len(nodes) - 0.4)
        for y, v in zip(positions, nodes["value"]):
            ax.annotate(f"{v:,.0f}" if value == "count" else f"{v:.2f}", (v, y), va="center", ha="left", fontsize=8,
                        xytext=(2, 0), textcoords="offset points")
        # Room right of the longest bar for its number, inside the axes.
        upper = float(nodes["value"].max()) if len(nodes) else 0.0
        ax.set_xlim(0, (upper or 1.0) * 1.15)
        ax.set_xlabel(axis)
        ax.set_title(title or f"排名（{axis}）")
        _fonts(ax)
    return ax


def grade_transitions(comparison: Any, ax: Any = None, *, title: str = "等级迁移") -> Any:
    """Heatmap of a :class:`cxjf.population.Comparison`'s grade transitions:
    rows the grade before (新进: entrants), columns the grade after (退出:
    leavers); each cell shows its count, coloured by its share of the row."""
    import matplotlib.pyplot as plt

    grades = comparison.grades
    counts = grades.to_numpy(dtype=float)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (1.1 * len(grades.columns) + 2, 0.8 * len(grades.index) + 1.5))
        ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(np.arange(len(grades.columns)))
        ax.set_xticklabels([str(c) for c in grades.columns])
        ax.set_yticks(np.arange(len(grades.index)))
        ax.set_yticklabels([str(r) for r in grades.index])
        for (r, c), n in np.ndenumerate(counts):
            ax.annotate(f"{n:,.0f}", (c, r), ha="center", va="center", fontsize=8,
                        color="white" if shares[r, c] > 0.6 else "black")
        ax.set_xlabel("之后")
        ax.set_ylabel("之前")
        ax.set_title(title)
        _fonts(ax)
    return ax


def psi_bars(comparison: Any, ax: Any = None, *, group: Optional[int] = None, top: int = 20,
             title: Optional[str] = None) -> Any:
    """Horizontal bars of the population stability index of each indicator,
    the nation's (or peer group `group`'s), largest first, with the 0.1 and
    0.25 lines."""
    import matplotlib.pyplot as plt

    shifts = comparison.shifts
    chosen = shifts[shifts["group"].isna()] if group is None else shifts[shifts["group"] == group]
    if chosen.empty:
        raise CxjfError(f"the comparison has no shifts for group {group}", "invalid_argument")
    chosen = chosen.sort_values("psi", ascending=False, kind="stable").head(top).iloc[::-1]
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7, max(3, 0.3 * len(chosen) + 1)))
        positions = np.arange(len(chosen))
        colors = ["#C44E52" if p >= 0.25 else "#DD8452" if p >= 0.1 else "#55A868" for p in chosen["psi"]]
        ax.barh(positions, chosen["psi"], color=colors)
        ax.set_yticks(positions)
        ax.set_yticklabels(chosen["name"])
        ax.set_ylim(-0.6, len(chosen) - 0.4)
        for line in (0.1, 0.25):
            ax.axvline(line, color="grey", linestyle="--", linewidth=0.8)
        ax.set_xlim(0, max(0.3, float(chosen["psi"].max()) * 1.1))
        ax.set_xlabel("PSI")
        ax.set_title(title or ("指标稳定性（全国）" if group is None else f"指标稳定性（{chosen['group_label'].iloc[0]}）"))
        _fonts(ax)
    return ax


def group_gaps(distribution: pd.DataFrame, ax: Any = None, *, value: str = "mean_gap", title: Optional[str] = None) -> Any:
    """Diverging bars of each group's gap to the nation from
    :meth:`cxjf.Snapshot.distribution`: ``mean_gap`` (points) or
    ``listed_gap`` (share listed, drawn in percentage points)."""
    import matplotlib.pyplot as plt

    if value not in ("mean_gap", "listed_gap"):
        raise ValueError(f"value is mean_gap or listed_gap, not {value!r}")
    groups = distribution[distribution["key"] >= 0].sort_values(value, kind="stable")
    gaps = groups[value] * (100 if value == "listed_gap" else 1)
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7, max(3, 0.28 * len(groups) + 1)))
        positions = np.arange(len(groups))
        ax.barh(positions, gaps, color=["#C44E52" if g < 0 else "#4C72B0" for g in gaps])
        ax.set_yticks(positions)
        ax.set_yticklabels(groups["label"])
        ax.set_ylim(-0.6, len(groups) - 0.4)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("与全国平均分之差（分）" if value == "mean_gap" else "与全国达标率之差（百分点）")
        ax.set_title(title or "各组与全国之差")
        _fonts(ax)
    return ax


def rank_bands(bands: pd.DataFrame, ax: Any = None, *, top: int = 30, title: Optional[str] = None) -> Any:
    """The `top` enterprises by nominal rank from :meth:`cxjf.Snapshot.rank_bands`:
    each one's 5–95 % range of ranks as a bar, its median rank as a dot and
    its rank in the snapshot as a cross."""
    import matplotlib.pyplot as plt

    chosen = bands.sort_values("nominal", kind="stable").head(top).iloc[::-1]
    with plt.rc_context(_rc(cjk_font())):
        ax = _axes(ax, (7, max(3, 0.28 * len(chosen) + 1.2)))
        positions = np.arange(len(chosen))
        ax.hlines(positions, chosen["p05"], chosen["p95"], color="#4C72B0", linewidth=3, label="5–95 % 区间")
        ax.plot(chosen["median"], positions, "o", color="#DD8452", markersize=4, label="中位名次")
        ax.plot(chosen["nominal"], positions, "x", color="black", markersize=4, label="实际名次")
        ax.set_yticks(positions)
        ax.set_yticklabels(chosen["name"])
        ax.set_ylim(-0.6, len(chosen) - 0.4)
        ax.set_xlabel("全国名次")
        draws = bands.attrs.get("draws")
        ax.set_title(title or (f"名次的不确定性（{draws} 次权重抽样）" if draws else "名次的不确定性"))
        ax.legend(loc="lower right", fontsize=8)
        _fonts(ax)
    return ax


def _ranking_nodes(answer: dict, value: str) -> pd.DataFrame:
    """The nodes an answer ranks: its ranking's, or, where the default ranking
    would list the provinces, the province facet's buckets."""
    if answer.get("ranking"):
        return pd.DataFrame(answer["ranking"]["nodes"], columns=["label", "count", "mean", "median", "max"])
    role = str(answer.get("principal", "")).split(":")[0]
    ask = ("ask for one with the request member `ranking` (`index.overview(principal, ranking={})`, "
           "or `index.ranking(principal)`)")
    if role not in _NATIONAL_ROLES:
        raise MissingPartError(
            f"this {_kind(answer)} answer of {answer.get('principal', 'a principal')} has no ranking "
            f"(its province facet does not rank the units inside the region): {ask}", "ranking")
    if "province" not in answer.get("facets", {}):
        raise MissingPartError(f"this {_kind(answer)} answer has neither a ranking nor the province facet: {ask}",
                               "ranking")
    if value not in ("count", "mean"):
        raise MissingPartError(
            f"this {_kind(answer)} answer has no ranking, and its province facet has counts and means but no "
            f"{value}: {ask}", "ranking")
    buckets = [b for b in answer["facets"]["province"]["buckets"] if _count(b) != 0]
    return pd.DataFrame([{"label": b["label"], "count": _count(b), "mean": None if _count(b) is None else b["mean"]}
                         for b in buckets], columns=["label", "count", "mean"])


def _fonts(ax: Any) -> None:
    # rc_context applies to artists created inside it; text created later
    # (tick labels are made when the figure is drawn) or before (the title and
    # axis labels of an Axes passed in) gets the family set on the artist. The
    # fallback family holds glyphs the CJK font may lack.
    families = [cjk_font(), "DejaVu Sans"]
    legend = ax.get_legend()
    for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts, *(legend.get_texts() if legend else [])]:
        text.set_fontfamily(families)
    # Ticks created later copy their labels' font from the axis's first tick
    # (Axis.get_major_ticks), so setting it on the ticks there now covers them;
    # get_major_ticks() makes the ticks of the current locations. Matplotlib
    # 3.8 can also keep it in the axis's tick settings (tick_params
    # labelfontfamily), which survive a reset of the ticks (e.g. set_xscale).
    for axis in (ax.xaxis, ax.yaxis):
        axis.get_major_ticks()
        for tick in [*axis.majorTicks, *axis.minorTicks]:
            tick.label1.set_fontfamily(families)
            tick.label2.set_fontfamily(families)
    if _matplotlib_version() >= (3, 8):
        ax.tick_params(axis="both", labelfontfamily=families)


@functools.lru_cache(maxsize=None)
def _matplotlib_version() -> tuple[int, int]:
    import matplotlib

    major, minor = matplotlib.__version__.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)
