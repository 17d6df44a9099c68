"""A newer GB/T 2260 edition (cxjf.Regions) passed to every Python reader:
the table and the snapshot keep it, and ranks and names use it."""

import pandas as pd
import pyarrow
import pytest

import cxjf

NEW_COUNTY = 440399  # under Shenzhen (440300); the embedded edition lacks it


@pytest.fixture(scope="module")
def newer():
    text = cxjf.Regions.builtin().to_csv() + f"{NEW_COUNTY},深圳新区,county,440300\n"
    return cxjf.Regions.from_csv_text(text, "GB/T 2260 test edition")


@pytest.fixture(scope="module")
def moved():
    """A sample with its first three rows moved into the new county."""
    frame = cxjf.generate(300, seed=17, unregistered_share=0).to_frame(headers="zh").copy()
    frame.loc[:2, "行政区划代码"] = NEW_COUNTY
    return frame


def test_the_edition_is_what_was_read():
    builtin = cxjf.Regions.builtin()
    assert builtin.is_builtin
    assert len(builtin) == 31 + 342 + 2975  # the counts the C++ header documents
    assert builtin.name(440305) == "南山区"
    assert builtin.name(NEW_COUNTY) is None
    same = cxjf.Regions.from_csv_text(builtin.to_csv(), "copy")
    assert same.content_hash == builtin.content_hash and same.is_builtin


def test_every_reader_refuses_the_new_code_without_the_edition_and_reads_it_with(newer, moved, tmp_path):
    path = tmp_path / "moved.csv"
    moved.to_csv(path, index=False)
    readers = {
        "read_csv": lambda **kw: cxjf.Table.read_csv(path, **kw),
        "from_csv_text": lambda **kw: cxjf.Table.from_csv_text(path.read_bytes(), **kw),
        "from_frame (pandas)": lambda **kw: cxjf.Table.from_frame(moved, **kw),
        "from_frame (arrow)": lambda **kw: cxjf.Table.from_frame(pyarrow.Table.from_pandas(moved), **kw),
    }
    for name, read in readers.items():
        with pytest.raises(cxjf.InputError, match=str(NEW_COUNTY)):
            read()
        table = read(regions=newer)
        assert table.regions == newer, name
        assert table.regions.edition == "GB/T 2260 test edition", name
        assert (table.region_code[:3] == NEW_COUNTY).all(), name
    # The upload's rules (the strict reader refuses "1,234.5"): same edition.
    loose = moved.copy()
    loose["研发费用金额(万元)"] = loose["研发费用金额(万元)"].map(lambda v: "" if pd.isna(v) else f"{v:,.4f}")
    loose.loc[0, "研发费用金额(万元)"] = "1,234.5"
    with pytest.raises(cxjf.InputError, match=str(NEW_COUNTY)):
        cxjf.Table.from_frame(loose)
    table = cxjf.Table.from_frame(loose, regions=newer)
    assert table.regions == newer
    assert table.to_frame().loc[0, "rd_expense"] == 1234.5


def test_from_arrays_takes_the_edition(newer):
    base = cxjf.generate(5, seed=3, unregistered_share=0)
    region = base.region_code.copy()
    region[0] = NEW_COUNTY
    args = (base.credit_code, base.to_frame()["name"].to_numpy(), region, base.values)
    with pytest.raises(cxjf.InputError, match=str(NEW_COUNTY)):
        cxjf.Table.from_arrays(*args)
    assert cxjf.Table.from_arrays(*args, regions=newer).regions == newer


def test_the_snapshot_keeps_the_edition_and_ranks_the_new_county(newer, moved, tmp_path):
    snap = cxjf.Snapshot.build(moved, regions=newer)
    assert snap.table.regions == newer
    path = tmp_path / "moved.snap"
    snap.save(path)
    loaded = cxjf.Snapshot.load(path)
    assert loaded.table.regions == newer
    # The county's enterprises, counted by pandas on the frame.
    expected = int((moved["行政区划代码"] == NEW_COUNTY).sum())
    frame = loaded.to_frame()
    assert int((frame["region_code"] == NEW_COUNTY).sum()) == expected == 3
    # Its county rank counts only those three (pandas: 1 + those scoring higher).
    county = frame[frame["region_code"] == NEW_COUNTY]
    expected_ranks = county["score"].rank(method="min", ascending=False).astype(int)
    assert county["rank_county"].tolist() == expected_ranks.tolist()
    with pytest.raises(ValueError, match="region edition"):
        cxjf.Snapshot.build(cxjf.generate(10, seed=1), regions=newer)


def test_regions_must_be_a_regions_object(moved):
    with pytest.raises(TypeError, match="cxjf.Regions"):
        cxjf.Table.from_frame(moved, regions="regions.csv")
