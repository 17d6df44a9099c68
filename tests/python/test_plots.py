"""Plots render, with the Chinese labels in a CJK font (no missing glyphs:
matplotlib's warning would be an error here), inside their figures, and say
what the answers mean: the expected numbers are worked out with pandas from
the snapshot's own table, not from the answer being drawn. The same tests run
with the oldest matplotlib the `plot` extra allows (3.6)."""

import copy
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import cxjf  # noqa: E402
from cxjf import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def enterprises(docs_snapshot):
    """The documentation snapshot's enterprises (its table holds the
    registered ones), with a province code, for pandas to count."""
    frame = docs_snapshot.table.to_frame()
    assert frame["registered"].all() and len(frame) == len(docs_snapshot)
    frame["province"] = frame["region_code"] // 10000 * 10000
    return frame


@pytest.fixture(scope="module")
def guangdong(enterprises):
    return enterprises[enterprises["province"] == 440000]


@pytest.fixture(scope="module")
def comparison(docs_snapshot):
    """The documentation snapshot against the next year's: 2,000 gone, every
    revenue tripled."""
    frame = docs_snapshot.table.to_frame().iloc[2000:].copy()
    frame["revenue"] = frame["revenue"] * 3
    return docs_snapshot.compare(cxjf.Snapshot.build(frame))


def draw(ax):
    ax.figure.canvas.draw()  # renders every glyph: missing ones would warn
    return ax


def drawn_texts(ax):
    """The figure drawn; the texts of `ax` it shows: title, axis labels, the
    tick labels within the view, texts and annotations, legend entries."""
    draw(ax)
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        texts += [t.label1 for t in axis.get_major_ticks() if low <= t.get_loc() <= high]
    if ax.get_legend() is not None:
        texts += ax.get_legend().get_texts()
    return [t for t in texts if t.get_visible() and t.get_text()]


def assert_inside_figure(ax):
    """Every text of `ax` lies inside the figure, as the renderer measures it."""
    texts = drawn_texts(ax)
    assert texts
    renderer = ax.figure.canvas.get_renderer()
    box = ax.figure.bbox
    outside = []
    for text in texts:
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 - 0.5 or extent.y0 < box.y0 - 0.5 or extent.x1 > box.x1 + 0.5 or extent.y1 > box.y1 + 0.5:
            outside.append((text.get_text(), tuple(round(v) for v in extent.extents)))
    assert not outside, f"outside the figure {tuple(box.extents)}: {outside}"


def legend_shares(ax):
    """{label: share shown} from the ring's legend ("电子信息 31.8%")."""
    entries = {}
    for text in ax.get_legend().get_texts():
        label, _, share = text.get_text().rpartition(" ")
        entries[label] = share
    return entries


def pct(x):
    return f"{x:.1%}"


# -- fonts --------------------------------------------------------------------


def test_cjk_font_found():
    family = plots.cjk_font()
    assert "CJK" in family or "Hei" in family or "WenQuanYi" in family


def user_figure():
    """A figure of the user's own, with Chinese in every kind of label."""
    fig, ax = plt.subplots(figsize=(5, 3), layout="tight")
    ax.barh([0, 1], [-3, 5])
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["新疆维吾尔自治区", "苏州工业园区"])
    ax.set_title("各地企业数")
    ax.set_xlabel("创新积分")
    return fig, ax


def test_use_chinese_font_for_own_figures():
    with matplotlib.rc_context():
        before = list(matplotlib.rcParams["font.family"])
        family = plots.use_chinese_font()
        assert family == plots.cjk_font()
        assert matplotlib.rcParams["font.family"] == [family, *before]
        assert plots.use_chinese_font() == family  # again: not listed twice
        assert matplotlib.rcParams["font.family"] == [family, *before]
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        fig, ax = user_figure()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.canvas.draw()  # a missing glyph would raise here
        cjk_file = font_manager.findfont(font_manager.FontProperties(family=[family]))
        for text in [ax.title, ax.xaxis.label, *ax.get_yticklabels()]:
            assert font_manager.findfont(text.get_fontproperties()) == cjk_file
    assert matplotlib.rcParams["font.family"] == before  # rc_context undid it


def test_own_figures_without_the_font_miss_glyphs():
    # What use_chinese_font prevents (and that the test above would see it).
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, _ = user_figure()
        with pytest.warns(UserWarning, match="missing from"):
            fig.canvas.draw()


def test_use_chinese_font_without_any(monkeypatch):
    plots.cjk_font.cache_clear()
    monkeypatch.setattr(plots, "_CJK_FAMILIES", ("No Such Font",))
    try:
        with matplotlib.rc_context():
            before = dict(matplotlib.rcParams)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                assert plots.use_chinese_font() is None
            assert dict(matplotlib.rcParams) == before
    finally:
        plots.cjk_font.cache_clear()


def test_missing_font_message(monkeypatch):
    plots.cjk_font.cache_clear()
    monkeypatch.setattr(plots, "_CJK_FAMILIES", ("No Such Font",))
    try:
        with pytest.raises(plots.FontNotFoundError, match="fonts-noto-cjk"):
            plots.cjk_font()
    finally:
        plots.cjk_font.cache_clear()


def test_tick_labels_in_the_cjk_font(docs_snapshot):
    # Tick labels are made when the figure is drawn; matplotlib 3.6 has no
    # tick_params(labelfontfamily=...), so the plots set the family on the
    # axis's ticks, which later ones copy.
    ax = draw(plots.province_ranking(docs_snapshot.index.ranking("torch_center", top=0), top=40))
    family = plots.cjk_font()
    labels = ax.get_yticklabels() + ax.get_xticklabels()
    assert len(labels) > 31
    assert all(label.get_fontproperties().get_family()[0] == family for label in labels)


# -- what the plots say -------------------------------------------------------


def test_score_histogram(small_snapshot, docs_snapshot, guangdong):
    ax = draw(plots.score_histogram(small_snapshot))
    assert ax.get_title() == "得分分布"
    assert sum(p.get_height() for p in ax.patches) == len(small_snapshot)
    answer = docs_snapshot.index.overview("province:440000")
    ax = draw(plots.score_histogram(answer))
    assert sum(p.get_height() for p in ax.patches) == len(guangdong) == answer["facets"]["score"]["total"]


def _withhold(cells, how_many):
    """The first `how_many` cells as docs/overview.md §2 writes a withheld one
    (count, share and mean null), whatever this sample withholds itself."""
    for cell in cells[:how_many]:
        cell.update({"count": None, "mean": None, "withheld": True})
        if "share" in cell:
            cell["share"] = None


def test_score_histogram_withheld_bins(docs_snapshot):
    answer = copy.deepcopy(docs_snapshot.index.overview("public"))
    bins = answer["facets"]["score"]["bins"]
    if not any(b.get("withheld") for b in bins):
        _withhold(bins, 2)  # the two lowest bins, small on any national sample
    withheld = sum(1 for b in bins if b.get("withheld"))
    ax = draw(plots.score_histogram(answer))
    assert ax.get_title() == f"得分分布（{withheld} 个分段未公布）"
    assert len(ax.patches) == len(answer["facets"]["score"]["bins"]) - withheld


def test_grade_shares(small_snapshot, docs_snapshot, enterprises, guangdong):
    ax = draw(plots.grade_shares(small_snapshot))
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(100)
    ax = draw(plots.grade_shares(docs_snapshot.index.overview("province:440000")))
    scores = docs_snapshot.to_frame(order="table").set_index("row")
    grades = scores.loc[guangdong.index, "grade"].astype(str).value_counts() / len(guangdong)
    shown = {t.get_text(): p.get_height() for t, p in zip(ax.get_xticklabels(), ax.patches)}
    assert shown == {g: pytest.approx(grades.get(g, 0) * 100) for g in shown}
    # Withheld grade counts: the bars say so.
    public = copy.deepcopy(docs_snapshot.index.overview("public"))
    _withhold(public["facets"]["grade"]["buckets"], len(public["facets"]["grade"]["buckets"]))
    ax = draw(plots.grade_shares(public))
    assert [t.get_text() for t in ax.texts] == ["未公布"] * len(ax.patches)


def test_facet_ring_multi_valued_shares(docs_snapshot, guangdong):
    # 广东 clicks 电子信息: the technology ring still covers all the
    # province's enterprises (a facet ignores its own selection). An
    # enterprise holds several fields, so the counts add up to more than the
    # enterprises: 电子信息's share is of the enterprises, not of the ring.
    answer = docs_snapshot.index.overview("province:440000", {"tech_fields": ["电子信息"]})
    fields = guangdong["tech_fields"].str.split(";").explode()
    electronics = int((fields == "电子信息").sum())
    assert answer["total"] == electronics
    expected = fields[fields != ""].value_counts() / len(guangdong)
    assert expected.sum() > 1.2
    ax = draw(plots.facet_ring(answer, "tech_field", top=5))
    assert ax.get_title() == "技术领域"
    shares = legend_shares(ax)
    assert shares["电子信息"] == pct(electronics / len(guangdong))
    ring = sum(b["count"] for b in answer["facets"]["tech_field"]["buckets"])
    assert pct(electronics / ring) != shares["电子信息"]  # not its share of the ring
    named = {k: v for k, v in shares.items() if not k.startswith("其他")}
    assert len(named) == 5
    assert named == {field: pct(expected[field]) for field in named}
    # 其他 holds enterprises counted in several fields: no share of them.
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert entries[5:] == [f"其他 {len(expected) - 5} 项"]
    notes = [t.get_text() for t in ax.texts]
    assert f"{len(guangdong):,}\n家企业" in notes
    assert any(f"占 {len(guangdong):,} 家企业的比例" in n and "一家企业可有多个技术领域" in n for n in notes)


def test_facet_ring_single_valued_shares(docs_snapshot, guangdong):
    # Zones: an enterprise is in one zone or none; the ring is the province's
    # enterprises, those in no zone in grey, each wedge its share.
    answer = docs_snapshot.index.overview("province:440000")
    ax = draw(plots.facet_ring(answer, "zone", top=4))
    zones = guangdong["zone"].astype("object").value_counts()
    shares = legend_shares(ax)
    named = [k for k in shares if k not in ("其他", "不在国家高新区")]
    assert len(named) == 4
    assert {k: shares[k] for k in named} == {zone: pct(zones[zone] / len(guangdong)) for zone in named}
    assert shares["不在国家高新区"] == pct(guangdong["zone"].isna().mean())
    rest = zones.drop(named).sum()
    assert shares["其他"] == pct(rest / len(guangdong))
    wedges = ax.patches
    spans = [abs(w.theta2 - w.theta1) / 360 for w in wedges]
    counts = [*(zones[z] for z in named), rest, guangdong["zone"].isna().sum()]
    assert spans == pytest.approx([c / len(guangdong) for c in counts])
    assert not any("一家企业可有多个" in t.get_text() for t in ax.texts)
    # A closed single-valued list: stages, no grey wedge.
    ax = draw(plots.facet_ring(answer, "stage"))
    scores = docs_snapshot.to_frame(order="table").set_index("row")
    stages = scores.loc[guangdong.index, "stage"].astype(str).value_counts() / len(guangdong)
    assert legend_shares(ax) == {stage: pct(share) for stage, share in stages.items()}


def test_province_ranking(docs_snapshot):
    index = docs_snapshot.index
    ranking = index.ranking("torch_center", top=0)
    ax = draw(plots.province_ranking(ranking, top=10))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == ranking.sort_values("count", ascending=False)["label"].iloc[0]
    assert len(labels) == 10
    # A province's overview answer with a ranking: its cities.
    answer = index.overview("province:440000", ranking={"top": 0})
    ax = draw(plots.province_ranking(answer, value="mean"))
    cities = {n["label"]: n["mean"] for n in answer["ranking"]["nodes"]}
    shown = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert "深圳市" in shown and shown == {c: pytest.approx(cities[c]) for c in shown}


def test_province_ranking_from_an_overview_without_ranking(docs_snapshot, enterprises):
    # The Torch Center's default ranking lists the provinces: their counts
    # and means are the province facet's, so no ranking needs asking for.
    index = docs_snapshot.index
    answer = index.overview("torch_center")
    assert "ranking" not in answer
    ax = draw(plots.province_ranking(answer, top=40))
    counts = enterprises["province"].value_counts()
    assert sorted((p.get_width() for p in ax.patches), reverse=True) == counts.tolist()
    ranking = index.ranking("torch_center", top=0).set_index("label")
    shown = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert shown == ranking["count"].to_dict()
    assert "新疆维吾尔自治区" in shown
    ax = draw(plots.province_ranking(answer, value="mean", top=40))
    shown = {t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert shown == {k: pytest.approx(v) for k, v in ranking["mean"].to_dict().items()}


def test_province_ranking_needs_a_ranking(docs_snapshot):
    index = docs_snapshot.index
    # A province's overview: its province facet is the province itself, not
    # its cities; the error names the request member (was KeyError: 'ranking').
    with pytest.raises(plots.MissingPartError, match="`ranking`") as caught:
        plots.province_ranking(index.overview("province:440000"))
    assert caught.value.member == "ranking"
    assert isinstance(caught.value, cxjf.CxjfError) and isinstance(caught.value, ValueError)
    # Medians and maxima are in rankings only.
    with pytest.raises(plots.MissingPartError, match="no median"):
        plots.province_ranking(index.overview("torch_center"), value="median")
    # The public's rankings have no medians.
    with pytest.raises(cxjf.CxjfError, match="no median"):
        plots.province_ranking(index.ranking("public", top=0), value="median")
    with pytest.raises(ValueError, match="count, mean, median or max"):
        plots.province_ranking(index.ranking("public", top=0), value="sum")


def lacking(index, part):
    """Answers without the part a plot draws."""
    torch_center = {"role": "torch_center"}
    return {
        "facets": index.overview("torch_center", facets=["industry"]),
        "list": index.query({"principal": torch_center, "kind": "list", "list": {}}),
        "ranking": index.query({"principal": torch_center, "kind": "ranking", "ranking": {"top": 0}}),
    }[part]


@pytest.mark.parametrize("part", ["facets", "list", "ranking"])
@pytest.mark.parametrize(
    "plot, needs",
    [
        (plots.score_histogram, '"score"'),
        (plots.grade_shares, '"grade"'),
        (lambda answer: plots.facet_ring(answer, "tech_field"), '"tech_field"'),
    ],
    ids=["score_histogram", "grade_shares", "facet_ring"],
)
def test_plots_of_answers_lacking_their_part(docs_snapshot, part, plot, needs):
    with pytest.raises(plots.MissingPartError, match=needs) as caught:
        plot(lacking(docs_snapshot.index, part))
    assert caught.value.member == "facets"
    assert "`facets`" in str(caught.value)


def test_province_ranking_of_answers_lacking_it(docs_snapshot):
    index = docs_snapshot.index
    with pytest.raises(plots.MissingPartError, match="neither a ranking nor the province facet"):
        plots.province_ranking(lacking(index, "list"))
    with pytest.raises(plots.MissingPartError, match="neither a ranking nor the province facet"):
        plots.province_ranking(lacking(index, "facets"))
    ax = draw(plots.province_ranking(lacking(index, "ranking")))  # a ranking answer has it
    assert len(ax.patches) == 15


# -- layout -------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda snap: plots.score_histogram(snap),
        lambda snap: plots.score_histogram(snap.index.overview("public")),
        lambda snap: plots.grade_shares(snap.index.overview("province:440000")),
        lambda snap: plots.facet_ring(snap.index.overview("province:440000"), "tech_field"),
        lambda snap: plots.facet_ring(snap.index.overview("province:440000", {"tech_fields": ["电子信息"]}), "zone"),
        lambda snap: plots.facet_ring(snap.index.overview("torch_center"), "province"),
        lambda snap: plots.province_ranking(snap.index.ranking("torch_center", top=0), top=40),
        lambda snap: plots.province_ranking(snap.index.ranking("torch_center", by="zone", top=0), value="mean"),
        lambda snap: plots.group_gaps(snap.distribution("province")),
        lambda snap: plots.group_gaps(snap.distribution("zone"), value="listed_gap"),
    ],
    ids=["histogram", "histogram_public", "grades", "ring_fields", "ring_zones", "ring_provinces", "provinces",
         "zones", "gaps_provinces", "gaps_zones"],
)
def test_no_clipped_labels(docs_snapshot, make):
    assert_inside_figure(make(docs_snapshot))


def test_grade_transitions_shows_the_counts(comparison):
    ax = plots.grade_transitions(comparison)
    shown = [t.get_text() for t in ax.texts]
    assert shown == [f"{n:,}" for n in comparison.grades.to_numpy().ravel()]
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "新进"
    assert_inside_figure(ax)


def test_psi_bars_draw_the_nation_largest_first(comparison):
    ax = plots.psi_bars(comparison)
    nation = comparison.shifts[comparison.shifts["group"].isna()].sort_values("psi", ascending=False)
    widths = [p.get_width() for p in ax.patches][::-1]
    assert widths == pytest.approx(nation["psi"].head(20).tolist())
    # Revenue alone was raised: it shifted most.
    assert nation["indicator"].iloc[0] == "revenue" and nation["psi"].iloc[0] > 0.1
    assert_inside_figure(ax)
    group = int(comparison.shifts["group"].dropna().iloc[0])
    assert plots.psi_bars(comparison, group=group).get_title().startswith("指标稳定性（")
    with pytest.raises(cxjf.CxjfError, match="no shifts"):
        plots.psi_bars(comparison, group=10**6)


def test_rank_bands_draw_each_range(small_snapshot):
    bands = small_snapshot.rank_bands(20, threads=2)
    ax = plots.rank_bands(bands, top=10)
    top = bands.sort_values("nominal", kind="stable").head(10).iloc[::-1]
    segments = ax.collections[0].get_segments()
    assert [(s[0][0], s[1][0]) for s in segments] == list(zip(top["p05"], top["p95"]))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(top["name"])
    assert_inside_figure(ax)


def test_group_gaps_are_the_distribution_gaps(docs_snapshot):
    d = docs_snapshot.distribution("stage")
    ax = plots.group_gaps(d)
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx(sorted(d["mean_gap"].iloc[1:]))
    with pytest.raises(ValueError, match="mean_gap or listed_gap"):
        plots.group_gaps(d, value="median")


def test_no_clipped_labels_in_own_figures_after_layout(docs_snapshot):
    # An Axes passed in keeps its figure's layout: the caller's to choose.
    # Without one, the zone names do not fit (which the check sees).
    fig, ax = plt.subplots(figsize=(7, 5))
    plots.province_ranking(docs_snapshot.index.ranking("torch_center", by="zone", top=0), ax=ax)
    with pytest.raises(AssertionError, match="中关村科技园区"):
        assert_inside_figure(ax)
    fig.tight_layout()
    assert_inside_figure(ax)
