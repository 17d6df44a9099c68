"""fit, score, snapshots and ledgers: against the CLI, and against values
pandas computes by hand."""

import subprocess

import numpy as np
import pandas as pd
import pytest

import cxjf

CLI_COLUMNS = ["credit_code", "name", "region_code", "stage", "peer_group", "score", "grade", "veto"] + [
    f"rank_{level}" for level in ("national", "province", "city", "county", "zone", "incubator", "peer_group")
]


def as_cli_text(frame: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Our scores DataFrame written as the CLI's scores.csv writes cells."""
    out = pd.DataFrame({
        "credit_code": frame["credit_code"].astype(str),
        "name": frame["name"].astype(str),
        "region_code": frame["region_code"].astype(str),
        "stage": frame["stage"].astype(str),
        "peer_group": frame["peer_group"].astype(str),
        "score": frame["score"].map(lambda s: f"{s:.{decimals}f}"),
        "grade": frame["grade"].astype(str),
        "veto": frame["veto"].astype(int).astype(str),
    })
    for column in CLI_COLUMNS[8:]:
        out[column] = frame[column].map(lambda rank: "" if pd.isna(rank) else str(int(rank))).astype(str)
    return out


def test_scores_equal_the_clis(cli, tmp_path):
    # The CLI generates and scores a sample; Python reads the same CSV with
    # pandas, scores the DataFrame, and must agree on every published cell.
    sample, scores_csv, snap_path = tmp_path / "sample.csv", tmp_path / "scores.csv", tmp_path / "s.snap"
    subprocess.run([cli, "generate", "--n", "4000", "--seed", "11", "--out", str(sample)], check=True, capture_output=True)
    subprocess.run([cli, "score", "--input", str(sample), "--out", str(scores_csv), "--snapshot", str(snap_path)],
                   check=True, capture_output=True)
    theirs = pd.read_csv(scores_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")[CLI_COLUMNS]

    frame = pd.read_csv(sample, dtype={"统一社会信用代码": str})
    snap = cxjf.Snapshot.build(frame)
    ours = as_cli_text(snap.to_frame())
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True))

    # And the CLI's snapshot file loads into the same scores.
    loaded = cxjf.Snapshot.load(snap_path)
    np.testing.assert_array_equal(loaded.scores.published_units, snap.scores.published_units)
    assert loaded.reference.content_hash == snap.reference.content_hash


def test_fit_then_score_equals_snapshot_build(small_table, small_snapshot):
    reference = cxjf.fit(small_table)
    assert reference.content_hash == small_snapshot.reference.content_hash
    assert reference.population == int(small_table.registered.sum()) == len(small_snapshot)
    scores = cxjf.score(small_table, reference)
    registered = np.flatnonzero(small_table.registered)
    np.testing.assert_array_equal(scores.published_units[registered], small_snapshot.scores.published_units)


def test_build_is_the_same_on_any_thread_count(small_table, small_snapshot):
    for threads in (1, 2, 3):
        snap = cxjf.Snapshot.build(small_table, threads=threads)
        assert snap.reference.content_hash == small_snapshot.reference.content_hash
        np.testing.assert_array_equal(snap.scores.total, small_snapshot.scores.total)
        np.testing.assert_array_equal(snap.scores.rank("province"), small_snapshot.scores.rank("province"))
    with pytest.raises(ValueError, match="threads"):
        cxjf.Snapshot.build(small_table, threads=-1)


def test_weak_percentile_by_hand(small_snapshot):
    # rd_expense is a weak percentile within the peer group (stage x
    # industry when the group has >= 30 members), a missing value counting
    # as 0 (policy "zero"): s = #{peers <= x} / #{peers}.
    table = small_snapshot.table.to_frame()
    scores = small_snapshot.to_frame(order="table")
    fine = scores["peer_group"].astype(str).str.contains(" · ")
    row = int(np.flatnonzero(fine.to_numpy() & (table["rd_expense"].to_numpy() > 0))[0])
    stage, industry = scores.loc[row, "stage"], table.loc[row, "industry"]
    peers = table[(scores["stage"] == stage) & (table["industry"] == industry)]["rd_expense"].fillna(0)
    x = table.loc[row, "rd_expense"]
    expected = (peers <= x).sum() / len(peers)

    ledger = small_snapshot.explain(row)
    line = ledger.to_frame().set_index("id").loc["rd_expense"]
    assert line["peers"] == len(peers)
    assert line["normalized"] == pytest.approx(expected, rel=0, abs=1e-15)
    assert line["points"] == pytest.approx(expected * line["weight"])
    # The ledger adds up to the published score.
    points = ledger.to_frame()["points"].sum()
    assert points == pytest.approx(ledger["base"])
    assert f"{min(ledger['base'] + ledger['bonus'] - ledger['deduction'], 100):.2f}" == ledger.score_text or ledger["veto"]
    assert ledger.score == float(ledger.score_text)


def test_ranks_by_hand(small_snapshot):
    frame = small_snapshot.to_frame()
    # Competition ranks: 1 + the number of strictly higher published scores.
    expected = frame["score"].rank(method="min", ascending=False).astype(int)
    np.testing.assert_array_equal(frame["rank_national"].to_numpy(dtype=int), expected.to_numpy())
    province = frame["region_code"] // 10000
    by_hand = frame.groupby(province)["score"].rank(method="min", ascending=False).astype(int)
    np.testing.assert_array_equal(frame["rank_province"].to_numpy(dtype=int), by_hand.to_numpy())
    # List order: published descending.
    assert frame["score"].is_monotonic_decreasing


def test_snapshot_save_load(small_snapshot, tmp_path):
    path = tmp_path / "year.snap"
    small_snapshot.save(path)
    loaded = cxjf.Snapshot.load(path)
    pd.testing.assert_frame_equal(loaded.to_frame(), small_snapshot.to_frame())
    assert loaded.model == small_snapshot.model

    damaged = tmp_path / "damaged.snap"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(cxjf.SnapshotError) as caught:
        cxjf.Snapshot.load(damaged)
    assert caught.value.code == "corrupt_snapshot" and "damaged.snap" in str(caught.value)
    with pytest.raises(cxjf.FileError) as caught:
        cxjf.Snapshot.load(tmp_path / "missing.snap")
    assert isinstance(caught.value, OSError)


def test_snapshot_keeps_working_after_its_parts_are_dropped(small_table):
    # Views keep the C++ objects alive: nothing dangles.
    values = cxjf.Snapshot.build(small_table).table.values
    units = cxjf.Snapshot.build(small_table).scores.published_units
    import gc

    gc.collect()
    assert values.shape[1] == 18 and np.isfinite(values).any() and len(units) > 0


def test_build_from_frame_and_csv_path(small_table, small_snapshot, tmp_path):
    from_frame = cxjf.Snapshot.build(small_table.to_frame())
    path = tmp_path / "t.csv"
    small_table.to_csv(path)
    from_csv = cxjf.Snapshot.build(path)
    for snap in (from_frame, from_csv):
        np.testing.assert_array_equal(snap.scores.published_units, small_snapshot.scores.published_units)
    # The caller's Table is copied, not consumed.
    assert len(small_table) == 3000


def test_scores_frame_columns(small_snapshot):
    frame = small_snapshot.to_frame()
    assert list(frame.columns[:7]) == ["credit_code", "name", "region_code", "stage", "peer_group", "score", "grade"]
    assert frame["rank_zone"].isna().any() and frame["rank_national"].notna().all()
    assert frame["score"].between(0, 100).all()
    html = small_snapshot.scores._repr_html_()
    assert "Top 5" in html and frame["credit_code"].iloc[0] in html


def test_progress_bar(small_table, capsys):
    cxjf.Snapshot.build(small_table.to_frame(), progress=True)
    err = capsys.readouterr().err
    assert "6.00k/6.00k" in err or "6000/6000" in err


def test_signed_snapshots(small_snapshot, tmp_path, cli):
    # docs/snapshot.md, "Signatures": keys from `cxjf keys`; a loader that
    # requires the scorer's key refuses an unsigned file and another key's.
    import subprocess

    for name in ("mine", "theirs"):
        subprocess.run([cli, "keys", "--secret", str(tmp_path / f"{name}.sec"), "--public",
                        str(tmp_path / f"{name}.pub")], check=True, capture_output=True)
    secret = (tmp_path / "mine.sec").read_text()
    public, other = (tmp_path / "mine.pub").read_text(), (tmp_path / "theirs.pub").read_text()
    small_snapshot.save(tmp_path / "signed.snap", secret_key=secret)
    small_snapshot.save(tmp_path / "plain.snap")
    loaded = cxjf.Snapshot.load(tmp_path / "signed.snap", public_key=public)
    pd.testing.assert_frame_equal(loaded.to_frame(), small_snapshot.to_frame())
    with pytest.raises(cxjf.SnapshotError, match="not by the key this deployment requires"):
        cxjf.Snapshot.load(tmp_path / "signed.snap", public_key=other)
    with pytest.raises(cxjf.SnapshotError, match="is not signed"):
        cxjf.Snapshot.load(tmp_path / "plain.snap", public_key=public)
