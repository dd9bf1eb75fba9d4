"""Ten station processes against one PostgreSQL server at once: nothing lost, chain intact.

The suite runs 30 inspections per station (the contention is the same from the first minute);
`INSPECTOR_LOAD_INSPECTIONS=100` gives the full 1,000 of docs/testing.md."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers.warehouse import LoadRun, Warehouse, run_load

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

STATIONS = int(os.environ.get("INSPECTOR_LOAD_STATIONS", "10"))
PER_STATION = int(os.environ.get("INSPECTOR_LOAD_INSPECTIONS", "30"))


@pytest.fixture(scope="module")
def load_run(postgres_server: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadRun]:
    url = postgres_server.create_database("load")  # type: ignore[attr-defined]
    warehouse = Warehouse(tmp_path_factory.mktemp("pg-warehouse"), url)
    run = run_load(warehouse, STATIONS, PER_STATION)
    print(f"\nPostgreSQL load: {STATIONS} stations x {PER_STATION} inspections in {run.seconds:.1f} s; "
          f"{run.tally}; workers {run.worker_summaries}")
    yield run


def test_every_inspection_is_recorded_once(load_run: LoadRun) -> None:
    expected = STATIONS * PER_STATION
    assert load_run.tally.inspections == expected
    assert load_run.tally.finished == expected
    assert load_run.tally.items == expected
    assert load_run.tally.duplicate_inspections == []


def test_no_step_or_photo_is_lost_or_doubled(load_run: LoadRun) -> None:
    expected = STATIONS * PER_STATION
    assert load_run.missing == []
    assert load_run.incomplete == []
    assert load_run.tally.duplicate_results == []
    assert load_run.tally.results == expected * 4
    assert load_run.tally.photos == expected * 2


def test_audit_verify_passes(load_run: LoadRun) -> None:
    assert load_run.verify.returncode == 0, load_run.verify.stdout + load_run.verify.stderr
    assert "audit chain: intact" in load_run.verify.stdout
    # Per inspection: item created, started, 2 photos, 4 steps, finished; plus the user setup.
    assert load_run.tally.events >= STATIONS * PER_STATION * 9


def test_no_duplicate_serials(load_run: LoadRun) -> None:
    assert load_run.tally.duplicate_serials == []
    # Every inspection passed, so every one has exactly one certificate.
    assert load_run.tally.certificates == STATIONS * PER_STATION
