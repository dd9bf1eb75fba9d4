"""kill -9 at each write of key creation and of certificate writing; the next start is consistent.

strace's syscall injection kills the `inspector` command on entry to the Nth write, fsync, link or
rename of the files concerned (found by a first, uninjected run): the key files of a first station
start (root key, station key, its public copy, the root pin), and the certificate PDF an export
writes (its temporary file, the rename, the folder and the database commit that records the export).
After each kill the station must start again with whole keys, let a passing inspection finish with a
certificate, leave no partial PDF under the final name, count an export only when its file is whole
and never twice, and `audit verify` must pass.

The command is forked from a Python that has the station imported (tests/helpers/crash_zygote.py)
and strace is attached before it runs anything: each kill costs the command, not a Python start.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import pypdfium2
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, select

from inspector.cli.main import main
from inspector.config import Settings, load_settings
from inspector.security import keys, pins
from inspector.security.roles import Role
from inspector.services.station import open_station
from inspector.storage.models import AuditEvent, Certificate
from tests.services.conftest import CHECKLIST, make_reference

STRACE = shutil.which("strace")
REPO = Path(__file__).resolve().parents[2]
ZYGOTE = REPO / "tests" / "helpers" / "crash_zygote.py"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(STRACE is None, reason="strace is not installed")]

SYSCALLS = ("write", "fsync", "fdatasync", "link", "linkat", "rename", "renameat", "renameat2")
ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}
VALUES = {"box-label": "TR1000-001", "size-tag": "TR1000-001"}
FIRST_START = ("users", "add", "Ada", "--role", "admin", "--badge", "B-9", "--pin", "9999")
KEY_FILES = (keys.PRIVATE_KEY_FILE, "root-key.pem")
_LINE = re.compile(r"^(\d+) +(\w+)\((.*)$")


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env.update(INSPECTOR_HOME=str(root / "home"), INSPECTOR_CHECKLISTS_DIR=str(root / "checklists"),
               INSPECTOR_ASSETS_DIR=str(root / "assets"))
    return env


def _settings(root: Path) -> Settings:
    return load_settings(_env(root))


class Zygote:
    """tests/helpers/crash_zygote.py: commands forked from a Python that has the station imported."""

    def __init__(self) -> None:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")  # no BLAS threads across fork
        self.process = subprocess.Popen([sys.executable, str(ZYGOTE)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=REPO, env=env)
        self.lock = threading.Lock()

    def _ask(self, request: dict[str, object]) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        with self.lock:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline())
        return int(reply["pid"] if "pid" in reply else reply["status"])

    def run(self, root: Path, args: tuple[str, ...], trace: list[str]) -> int:
        """The command under `strace -p` (attached before it runs anything); its exit code or -signal."""
        env = {k: v for k, v in _env(root).items() if k.startswith("INSPECTOR_")}
        pid = self._ask({"run": [str(root), env, list(args)]})
        _wait_until(lambda: _proc_field(pid, "State").startswith("T"))  # stopped itself
        tracer = subprocess.Popen([*trace, "-p", str(pid)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        _wait_until(lambda: _proc_field(pid, "TracerPid") not in ("", "0") or tracer.poll() is not None)
        os.kill(pid, signal.SIGCONT)
        _, errors = tracer.communicate(timeout=300)
        status = self._ask({"wait": pid})
        assert tracer.returncode == 0, errors
        return status

    def close(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.process.wait(timeout=30)


def _proc_field(pid: int, field: str) -> str:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the forked command did not get ready"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    forks = Zygote()
    yield forks
    forks.close()


def _points(zygote: Zygote, template: Path, probe: Path, args: tuple[str, ...],
            concerned: re.Pattern[str]) -> list[tuple[str, int]]:
    """Run once (on a copy) under strace without injecting: each (syscall, N) whose Nth call, counted
    in the thread that made it, touches a file concerned (its path, shown by -y, matches `concerned`)."""
    shutil.copytree(template, probe)
    log = probe.parent / "strace.log"
    status = zygote.run(probe, args, [STRACE or "strace", "-f", "-qq", "-y", "-o", str(log),
                                      "-e", "trace=" + ",".join(SYSCALLS)])
    assert status == 0, (probe.parent / "probe.output").read_text()
    seen: dict[tuple[str, str], int] = {}
    points = []
    for line in log.read_text().splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        tid, name, rest = match.groups()
        seen[tid, name] = seen.get((tid, name), 0) + 1
        if concerned.search(rest):
            points.append((name, seen[tid, name]))
    log.unlink()
    return points


def _killed_at(zygote: Zygote, template: Path, copy: Path, args: tuple[str, ...],
               point: tuple[str, int]) -> None:
    shutil.copytree(template, copy)
    name, n = point
    status = zygote.run(copy, args, [STRACE or "strace", "-f", "-qq", "-o", "/dev/null",
                                     "-e", "trace=" + name, "-e", f"inject={name}:signal=KILL:when={n}"])
    assert status == -9, f"{point} was not killed: {status}"


def _kill_everywhere(zygote: Zygote, template: Path, work: Path, args: tuple[str, ...],
                     points: list[tuple[str, int]]) -> list[Path]:
    copies = [work / f"{name}-{n}" for name, n in points]
    # Two at once: while one waits on the disk (fsync), the other runs.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda pair: _killed_at(zygote, template, pair[0], args, pair[1]),
                      zip(copies, points, strict=True)))
    return copies


def _audit_verifies(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        for name, value in _env(root).items():
            if name.startswith("INSPECTOR_"):
                patch.setenv(name, value)
        assert main(["audit", "verify"]) == 0


@pytest.fixture(scope="module", autouse=True)
def cheap_pins() -> Iterator[None]:
    """PIN hashing is not what these tests check, and argon2 at the station's cost was half of each
    check after a kill (four hashes or verifications of ~0.3 s under load). A hash keeps its own
    parameters, so a PIN a killed command hashed at full cost still verifies."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pins, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Checklists, references and an empty, migrated database: everything but the keys."""
    root = tmp_path_factory.mktemp("fresh")
    (root / "checklists" / "testbrand").mkdir(parents=True)
    (root / "checklists" / "testbrand" / "runner.yaml").write_text(CHECKLIST)
    make_reference(root / "assets" / "references" / "test" / "label.png")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _env(root).items():
            if name.startswith("INSPECTOR_"):
                patch.setenv(name, value)
        assert main(["db", "upgrade"]) == 0  # migrates the database, makes no key
    assert not (root / "home" / "keys" / keys.PRIVATE_KEY_FILE).exists()
    return root


def _pass_with_certificate(root: Path, photo: bytes) -> tuple[int, str]:
    station = open_station(_settings(root))
    try:
        users = station.users
        if not users.has_users():
            users.create_first_admin("Ada", "9999", "B-9")
        admin = users.login("B-9", "9999")
        users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
        alex = users.login("B-1", "1234")
        inspections = station.inspections
        inspection_id = inspections.start_or_resume(alex, "ITEM-1", style_code="TR1000-001").inspection.id
        for step in ("box-label", "size-tag"):
            inspections.add_photo(alex, inspection_id, step, photo)
        for step, outcome in ALL_PASS.items():
            inspections.record_step(alex, inspection_id, step, outcome, value=VALUES.get(step))
        inspections.finish(alex, inspection_id)
        with station.ctx.db.read() as session:
            serial = session.scalar(select(Certificate.serial).where(
                Certificate.inspection_id == inspection_id))
        assert serial is not None, "a passing inspection got no certificate"
        return inspection_id, serial
    finally:
        station.close()


@pytest.fixture(scope="module")
def photo(fresh: Path) -> bytes:
    image = cv2.imread(str(fresh / "assets" / "references" / "test" / "label.png"))
    assert image is not None
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def test_kill_at_each_write_of_key_creation(zygote: Zygote, fresh: Path, photo: bytes, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    points = _points(zygote, fresh, tmp_path / "probe", FIRST_START, re.compile(r"/keys[/>\"]"))
    # Four files (station key, its public copy, root key, root pin): each written, synced, linked
    # or renamed into place, and its folder synced.
    assert len(points) >= 16, points
    for copy in _kill_everywhere(zygote, fresh, tmp_path, FIRST_START, points):
        keys_dir = copy / "home" / "keys"
        for name in KEY_FILES:
            if (keys_dir / name).exists():  # never a 0-byte or partial key under the final name
                keys.load_key_file(keys_dir / name)
        _pass_with_certificate(copy, photo)
        _audit_verifies(copy, monkeypatch)
    print(f"key creation killed at {len(points)} points: {points}")


@pytest.fixture(scope="module")
def passed(fresh: Path, photo: bytes, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A station (keys made by a clean first start) with one passing inspection and its certificate."""
    root = tmp_path_factory.mktemp("passed")
    shutil.rmtree(root)
    shutil.copytree(fresh, root)
    inspection_id, _serial = _pass_with_certificate(root, photo)
    return root, inspection_id


def _exports(root: Path) -> tuple[int, int]:
    """Exports recorded in the log, prints counted: read from the database file as it was left (no
    station start, which would write keys, checkpoints and the deployment's rows)."""
    engine = create_engine(_settings(root).database_url)
    try:
        with engine.connect() as connection:
            exported = connection.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "certificate.exported")) or 0
            printed = connection.scalar(select(func.sum(Certificate.print_count))) or 0
        return exported, printed
    finally:
        engine.dispose()


def _whole_pdf(path: Path) -> bool:
    data = path.read_bytes()
    if not data.rstrip().endswith(b"%%EOF"):
        return False
    return len(pypdfium2.PdfDocument(data)) >= 1


def test_kill_at_each_write_of_a_certificate_pdf(zygote: Zygote, passed: tuple[Path, int], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    template, inspection_id = passed
    out = "out/certificate.pdf"
    (template / "out").mkdir(exist_ok=True)
    args = ("print", "certificate", str(inspection_id), "-o", out, "--as", "B-1", "--pin", "1234")
    # The PDF's temporary file, the rename and the folder's sync; then the database commit that
    # records the export (its writes to inspector.db and the journal).
    points = _points(zygote, template, tmp_path / "probe", args,
                     re.compile(r"certificate\.pdf|/out>|inspector\.db"))
    assert any(name.startswith("rename") for name, _n in points), points
    assert len(points) >= 4, points
    assert _exports(template) == (0, 0)
    for copy in _kill_everywhere(zygote, template, tmp_path, args, points):
        pdf = copy / out
        exported, printed = _exports(copy)
        assert printed == 0  # an export is no print
        leftovers = [p.name for p in pdf.parent.iterdir() if p != pdf]
        if pdf.exists():
            assert _whole_pdf(pdf), f"a partial PDF under the final name ({pdf.stat().st_size} bytes)"
            assert exported <= 1
        else:
            assert exported == 0, "an export counted without its file"
        assert all(name.endswith(".tmp") for name in leftovers), leftovers
        # The next run writes the whole file and counts it exactly once more.
        with monkeypatch.context() as patch:
            for name, value in _env(copy).items():
                if name.startswith("INSPECTOR_"):
                    patch.setenv(name, value)
            patch.chdir(copy)
            assert main(list(args)) == 0
        assert _whole_pdf(pdf)
        assert _exports(copy) == (exported + 1, 0)
        _audit_verifies(copy, monkeypatch)
    print(f"certificate export killed at {len(points)} points: {points}")


