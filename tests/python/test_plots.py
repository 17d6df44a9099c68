"""Plots render, with the Chinese labels in a CJK font (no missing glyphs:
matplotlib's warning would be an error here)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cxjf import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def draw(ax):
    ax.figure.canvas.draw()  # renders every glyph: missing ones would warn
    return ax


def test_cjk_font_found():
    family = plots.cjk_font()
    assert "CJK" in family or "Hei" in family or "WenQuanYi" in family


def test_score_histogram(small_snapshot, docs_snapshot):
    ax = draw(plots.score_histogram(small_snapshot))
    assert ax.get_title() == "得分分布"
    assert sum(p.get_height() for p in ax.patches) == len(small_snapshot)
    answer = docs_snapshot.index.overview("province:440000")
    ax = draw(plots.score_histogram(answer))
    assert sum(p.get_height() for p in ax.patches) == answer["facets"]["score"]["total"]


def test_grade_shares(small_snapshot):
    ax = draw(plots.grade_shares(small_snapshot))
    assert sum(p.get_height() for p in ax.patches) == pytest.approx(100)


def test_facet_ring_and_province_ranking(docs_snapshot):
    index = docs_snapshot.index
    answer = index.overview("torch_center")
    ax = draw(plots.facet_ring(answer, "tech_field"))
    assert ax.get_title() == "技术领域"
    ranking = index.ranking("torch_center", top=0)
    ax = draw(plots.province_ranking(ranking, top=10))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == ranking.sort_values("count", ascending=False)["label"].iloc[0]
    assert len(labels) == 10


def test_missing_font_message(monkeypatch):
    plots.cjk_font.cache_clear()
    monkeypatch.setattr(plots, "_CJK_FAMILIES", ("No Such Font",))
    try:
        with pytest.raises(plots.FontNotFoundError, match="fonts-noto-cjk"):
            plots.cjk_font()
    finally:
        plots.cjk_font.cache_clear()
