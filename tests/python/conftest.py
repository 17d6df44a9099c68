"""Shared fixtures: small generated tables and snapshots, the repository's
files, and the cxjf program to compare with."""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

import cxjf

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def model() -> cxjf.Model:
    return cxjf.Model.default()


@pytest.fixture(scope="session")
def small_table() -> cxjf.Table:
    """3,000 generated enterprises (seed 7), some unregistered."""
    return cxjf.generate(3000, seed=7)


@pytest.fixture(scope="session")
def small_snapshot(small_table) -> cxjf.Snapshot:
    return cxjf.Snapshot.build(small_table)


@pytest.fixture(scope="session")
def docs_snapshot() -> cxjf.Snapshot:
    """The documentation snapshot of docs/overview.md §4: 20,000 enterprises, seed 42."""
    return cxjf.Snapshot.build(cxjf.generate(20000, seed=42))


@pytest.fixture(scope="session")
def cli() -> str:
    """The cxjf program: $CXJF_CLI (make test sets it), else build/cxjf."""
    for candidate in (os.environ.get("CXJF_CLI"), str(ROOT / "build" / "cxjf"), shutil.which("cxjf")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("the cxjf program is not built: run `make test` or set CXJF_CLI")
