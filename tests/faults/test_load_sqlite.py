"""Four station processes sharing one SQLite file (WAL, BEGIN IMMEDIATE) at once: nothing lost.

The suite runs 75 inspections per station; `INSPECTOR_SQLITE_LOAD_INSPECTIONS=250` gives the full
1,000 of docs/testing.md."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers.warehouse import LoadRun, Warehouse, run_load

pytestmark = pytest.mark.slow

STATIONS = int(os.environ.get("INSPECTOR_SQLITE_LOAD_STATIONS", "4"))
PER_STATION = int(os.environ.get("INSPECTOR_SQLITE_LOAD_INSPECTIONS", "75"))


@pytest.fixture(scope="module")
def load_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadRun]:
    root = tmp_path_factory.mktemp("sqlite-warehouse")
    warehouse = Warehouse(root, f"sqlite:///{root / 'warehouse.db'}")
    run = run_load(warehouse, STATIONS, PER_STATION)
    print(f"\nSQLite load: {STATIONS} stations x {PER_STATION} inspections in {run.seconds:.1f} s; "
          f"{run.tally}; workers {run.worker_summaries}")
    yield run


def test_every_inspection_is_recorded_once(load_run: LoadRun) -> None:
    expected = STATIONS * PER_STATION
    assert (load_run.tally.inspections, load_run.tally.finished, load_run.tally.items) == (expected,) * 3
    assert load_run.tally.duplicate_inspections == []


def test_no_step_or_photo_is_lost_or_doubled(load_run: LoadRun) -> None:
    expected = STATIONS * PER_STATION
    assert load_run.missing == [] and load_run.incomplete == []
    assert load_run.tally.duplicate_results == []
    assert (load_run.tally.results, load_run.tally.photos) == (expected * 4, expected * 2)


def test_audit_verify_passes(load_run: LoadRun) -> None:
    assert load_run.verify.returncode == 0, load_run.verify.stdout + load_run.verify.stderr
    assert "audit chain: intact" in load_run.verify.stdout


def test_no_duplicate_serials(load_run: LoadRun) -> None:
    assert load_run.tally.duplicate_serials == []
    # Every inspection passed, so every one has exactly one certificate.
    assert load_run.tally.certificates == STATIONS * PER_STATION
