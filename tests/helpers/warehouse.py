"""A warehouse for process-level tests: one database, a shared photo folder, station processes, checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from inspector.config import Settings, load_settings
from inspector.security.keys import load_or_create
from inspector.security.roles import Role
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Certificate, Inspection, Item, Photo, StepResult
from tests.helpers.station_worker import PHOTO_STEPS, RESULT_STEPS
from tests.services.conftest import CHECKLIST, make_reference

REPO = Path(__file__).resolve().parents[2]
WORKER = "tests.helpers.station_worker"
BADGE, PIN = "B-1", "1234"


@dataclass
class Warehouse:
    root: Path
    database_url: str
    photo_dir: Path = field(init=False)
    checklists_dir: Path = field(init=False)
    assets_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.photo_dir = self.root / "shared-photos"
        self.checklists_dir = self.root / "checklists"
        self.assets_dir = self.root / "assets"
        (self.checklists_dir / "testbrand").mkdir(parents=True, exist_ok=True)
        (self.checklists_dir / "testbrand" / "runner.yaml").write_text(CHECKLIST)
        make_reference(self.assets_dir / "references" / "test" / "label.png")

    def env(self, station: str) -> dict[str, str]:
        """The environment of one station process: its own home, the shared database and photos."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
        env.update({
            "INSPECTOR_HOME": str(self.root / "stations" / station),
            "INSPECTOR_DATABASE_URL": self.database_url,
            "INSPECTOR_PHOTO_DIR": str(self.photo_dir),
            "INSPECTOR_CHECKLISTS_DIR": str(self.checklists_dir),
            "INSPECTOR_ASSETS_DIR": str(self.assets_dir),
            "INSPECTOR_STATION_NAME": station,
            "PYTHONPATH": str(REPO),
            "OMP_NUM_THREADS": "1",
        })
        return env

    def settings(self, station: str = "checker") -> Settings:
        return load_settings(self.env(station))

    def open(self, station: str = "checker") -> StationServices:
        return open_station(self.settings(station))

    def create_users(self) -> None:
        station = self.open("setup")
        try:
            if not station.users.has_users():
                station.users.create_first_admin("Ada", "9999", "B-9")
                admin = station.users.login("B-9", "9999")
                station.users.create_user(admin, "Alex", PIN, Role.AUTHENTICATOR, BADGE)
        finally:
            station.close()

    def approve(self, station: str) -> None:
        """Each station has its own signing key; an admin approves it at the setup station, which created
        the deployment and holds its root key (docs/trust.md); until then it issues no certificates."""
        self.open(station).close()  # registers the station's key, pending
        kid = load_or_create(self.settings(station).keys_dir).key_id
        setup = self.open("setup")
        try:
            if kid not in {v.kid for v in setup.certificates.trust.key_list() if v.state == "active"}:
                setup.certificates.trust.approve(setup.users.login("B-9", "9999"), kid)
        finally:
            setup.close()

    def worker_args(self, prefix: str, count: int, journal: Path, retry_seconds: float = 60) -> list[str]:
        return ["run", "--prefix", prefix, "--count", str(count), "--badge", BADGE, "--pin", PIN,
                "--journal", str(journal), "--retry-seconds", str(retry_seconds)]

    def start_worker(self, station: str, prefix: str, count: int, journal: Path,
                     retry_seconds: float = 60) -> subprocess.Popen[str]:
        self.approve(station)
        return subprocess.Popen([sys.executable, "-m", WORKER, *self.worker_args(prefix, count, journal,
                                                                                 retry_seconds)],
                                cwd=REPO, env=self.env(station), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "inspector.cli.main", *args], cwd=REPO,
                              env=self.env("cli"), capture_output=True, text=True, timeout=600)


@dataclass(frozen=True)
class Tally:
    inspections: int
    finished: int
    items: int
    photos: int
    results: int
    events: int
    duplicate_results: list[tuple[int, str]]
    duplicate_inspections: list[str]
    duplicate_serials: list[str]
    certificates: int


def tally(station: StationServices) -> Tally:
    with station.ctx.db.read() as session:
        results = Counter(session.execute(select(StepResult.inspection_id, StepResult.step_id)).all())
        per_item = Counter(session.scalars(select(Inspection.item_id)).all())
        codes = dict(session.execute(select(Item.id, Item.code)).all())
        serials = Counter(session.scalars(select(Certificate.serial)).all())
        return Tally(
            inspections=session.scalar(select(func.count()).select_from(Inspection)) or 0,
            finished=session.scalar(select(func.count()).select_from(Inspection)
                                    .where(Inspection.status == "finished")) or 0,
            items=len(codes),
            photos=session.scalar(select(func.count()).select_from(Photo)) or 0,
            results=sum(results.values()),
            events=session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            duplicate_results=[key for key, n in results.items() if n > 1],
            duplicate_inspections=[codes[item] for item, n in per_item.items() if n > 1],
            duplicate_serials=[serial for serial, n in serials.items() if n > 1],
            certificates=sum(serials.values()),
        )


def missing_from_records(station: StationServices, journals: list[Path]) -> list[str]:
    """Every journaled (committed) call must be in the records, photos on disk: what is not."""
    with station.ctx.db.read() as session:
        finished = set(session.scalars(select(Item.code).join(Inspection, Inspection.item_id == Item.id)
                                       .where(Inspection.status == "finished")).all())
        photos = {(code, step, sha) for code, step, sha in session.execute(
            select(Item.code, Photo.step_id, Photo.sha256)
            .join(Inspection, Inspection.id == Photo.inspection_id)
            .join(Item, Item.id == Inspection.item_id)).all()}
        results = set(session.execute(
            select(Item.code, StepResult.step_id).join(Inspection, Inspection.id == StepResult.inspection_id)
            .join(Item, Item.id == Inspection.item_id)).all())
    missing = []
    for journal in journals:
        if not journal.exists():
            continue
        for line in journal.read_text().splitlines():
            kind, code, *rest = line.split()
            if _lost(kind, code, rest, finished, photos, results, station):
                missing.append(line)
    return missing


def _lost(kind: str, code: str, rest: list[str], finished: set[str], photos: set[tuple[str, str, str]],
          results: set[tuple[str, str]], station: StationServices) -> bool:
    if kind == "finish":
        return code not in finished
    if kind == "photo":
        return (code, rest[0], rest[1]) not in photos or not station.ctx.photos.exists(rest[1])
    if kind == "step":
        return (code, rest[0]) not in results
    return False


def incomplete_inspections(station: StationServices) -> list[str]:
    """Finished inspections lacking one of their photos or step results."""
    wanted_photos, wanted_results = set(PHOTO_STEPS), set(RESULT_STEPS)
    detail_rows: dict[int, tuple[set[str], set[str]]] = {}
    with station.ctx.db.read() as session:
        for inspection_id, step in session.execute(select(Photo.inspection_id, Photo.step_id)).all():
            detail_rows.setdefault(inspection_id, (set(), set()))[0].add(step)
        results = session.execute(select(StepResult.inspection_id, StepResult.step_id)).all()
        for inspection_id, step in results:
            detail_rows.setdefault(inspection_id, (set(), set()))[1].add(step)
        finished = session.scalars(select(Inspection.id).where(Inspection.status == "finished")).all()
    return [str(i) for i in finished
            if detail_rows.get(i, (set(), set())) != (wanted_photos, wanted_results)]


def summary_line(text: str) -> dict[str, float]:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


@dataclass(frozen=True)
class LoadRun:
    stations: int
    per_station: int
    seconds: float
    worker_summaries: list[dict[str, float]]
    tally: Tally
    missing: list[str]
    incomplete: list[str]
    verify: subprocess.CompletedProcess[str]


def run_load(warehouse: Warehouse, stations: int, per_station: int) -> LoadRun:
    """Start `stations` processes at once, each running `per_station` whole inspections; then check."""
    import time

    warehouse.create_users()
    journals = [warehouse.root / f"journal-{n}.txt" for n in range(stations)]
    began = time.monotonic()
    workers = [warehouse.start_worker(f"station-{n:02d}", f"S{n:02d}", per_station, journals[n])
               for n in range(stations)]
    summaries = []
    for number, worker in enumerate(workers):
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, f"station {number} failed:\n{err[-3000:]}"
        summaries.append(summary_line(out))
    seconds = time.monotonic() - began
    checker = warehouse.open()
    try:
        counted = tally(checker)
        missing = missing_from_records(checker, journals)
        incomplete = incomplete_inspections(checker)
    finally:
        checker.close()
    verify = warehouse.cli("audit", "verify")
    return LoadRun(stations, per_station, seconds, summaries, counted, missing, incomplete, verify)
