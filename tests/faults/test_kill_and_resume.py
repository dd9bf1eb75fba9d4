"""SIGKILL a station process at random points mid-inspection, again and again; a resume loses nothing.

A pre-imported "zygote" forks each station process, so a kill costs a fraction of a second and the
test affords many; each killed process is a real process killed by SIGKILL between or inside
database transactions and photo writes. The worker journals each call after it returns, so every
journaled line is committed work that must be in the records after the resume.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.warehouse import (
    REPO,
    WORKER,
    Warehouse,
    incomplete_inspections,
    missing_from_records,
    tally,
)

SEED = int(os.environ.get("INSPECTOR_KILL_SEED", str(int(time.time()))))
PLAN_SIZE = 12


class Zygote:
    def __init__(self, warehouse: Warehouse, station: str) -> None:
        warehouse.approve(station)  # its own key, approved at the station holding the root key
        self.stderr = (warehouse.root / f"{station}.stderr").open("w")
        self.process = subprocess.Popen([sys.executable, "-m", WORKER, "zygote"], cwd=REPO,
                                        env=warehouse.env(station), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True)

    def spawn(self, args: list[str]) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(args) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().split()
        assert line[:1] == ["pid"], f"zygote said {line}"
        return int(line[1])

    def outcome(self) -> str:
        assert self.process.stdout
        return self.process.stdout.readline().split()[2]

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        if self.process.stdout:
            self.process.stdout.close()
        self.stderr.close()


def kill_and_resume(warehouse: Warehouse, kills_wanted: int, rng: random.Random) -> tuple[int, int]:
    """Kill workers at random moments until `kills_wanted` kills landed; then let every plan finish."""
    warehouse.create_users()
    zygote = Zygote(warehouse, "kill-station")
    kills, plans, mid_work = 0, 0, 0
    try:
        while kills < kills_wanted:
            journal = warehouse.root / f"journal-K{plans}.txt"
            pid = zygote.spawn(warehouse.worker_args(f"K{plans:02d}", PLAN_SIZE, journal, retry_seconds=10))
            lines_before = _lines(journal)
            # A quarter of the kills land anywhere, start-up included; the rest at a random
            # moment once the worker has committed something, so that on a busy machine (slow
            # start-ups) most kills still land in the middle of recording inspections.
            if rng.random() >= 0.25:
                _wait_for_growth(journal, lines_before, deadline=time.monotonic() + 30)
            time.sleep(rng.uniform(0.0, 1.2))
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            outcome = zygote.outcome()
            if outcome == "killed":
                kills += 1
                mid_work += _lines(journal) > lines_before
            elif outcome == "0":
                plans += 1  # this plan is done: the next round starts a new one
            else:
                pytest.fail(f"worker exited with {outcome} (seed {SEED}); see {zygote.stderr.name}")
        # The resume: run every plan to the end, as a restarted station would.
        for plan in range(plans + 1):
            journal = warehouse.root / f"journal-K{plan}.txt"
            zygote.spawn(warehouse.worker_args(f"K{plan:02d}", PLAN_SIZE, journal))
            assert zygote.outcome() == "0", f"resume of plan {plan} failed; see {zygote.stderr.name}"
    finally:
        zygote.close()
    # Most kills must land while inspections are being recorded, not while the process starts.
    assert mid_work >= kills // 2, f"only {mid_work} of {kills} kills came after some work (seed {SEED})"
    return kills, plans + 1


def _wait_for_growth(journal: Path, lines_before: int, deadline: float) -> None:
    while _lines(journal) <= lines_before and time.monotonic() < deadline:
        time.sleep(0.02)


def _lines(journal: Path) -> int:
    return len(journal.read_text().splitlines()) if journal.exists() else 0


def check_nothing_lost(warehouse: Warehouse, plans: int) -> None:
    journals = sorted(warehouse.root.glob("journal-K*.txt"))
    station = warehouse.open()
    try:
        counted = tally(station)
        missing = missing_from_records(station, journals)
        incomplete = incomplete_inspections(station)
    finally:
        station.close()
    expected = plans * PLAN_SIZE
    assert missing == [], f"committed work lost (seed {SEED}): {missing[:5]}"
    assert incomplete == [], f"finished inspections missing steps or photos (seed {SEED})"
    assert counted.duplicate_results == [] and counted.duplicate_inspections == []
    assert (counted.inspections, counted.finished, counted.items) == (expected,) * 3
    assert (counted.photos, counted.results) == (expected * 2, expected * 4)
    verify = warehouse.cli("audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.slow
def test_sqlite_station_killed_50_times_loses_nothing(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path, f"sqlite:///{tmp_path / 'station.db'}")
    kills, plans = kill_and_resume(warehouse, 50, random.Random(SEED))
    print(f"\nSQLite: {kills} SIGKILLs over {plans} plans of {PLAN_SIZE} inspections (seed {SEED})")
    assert kills >= 50
    check_nothing_lost(warehouse, plans)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_station_killed_20_times_loses_nothing(tmp_path: Path, pg_url: str) -> None:
    warehouse = Warehouse(tmp_path, pg_url)
    kills, plans = kill_and_resume(warehouse, 20, random.Random(SEED + 1))
    print(f"\nPostgreSQL: {kills} SIGKILLs over {plans} plans of {PLAN_SIZE} inspections (seed {SEED})")
    assert kills >= 20
    check_nothing_lost(warehouse, plans)
