"""A station process for load and kill tests: runs whole inspections, journals each committed call.

Run `python -m tests.helpers.station_worker run --prefix P --count N --badge B --pin PIN --journal F`
with the station configured by INSPECTOR_* variables. Each committed service call appends one line to
the journal *after* it returns, so the journal is a lower bound of what the database must hold.
Every call carries a deterministic client_ref, so running the same plan again (after a kill) resumes
it and records nothing twice. `zygote` mode imports once and forks a worker per request, so a kill
test can afford many kills.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from typing import TypeVar

import cv2
import numpy as np
from sqlalchemy import select

from inspector.config import load_settings
from inspector.errors import StorageUnavailable
from inspector.security.roles import Actor
from inspector.services.station import StationServices, open_station
from inspector.storage.models import Inspection, Item

STYLE = "TR1000-001"
PHOTO_STEPS = ("box-label", "size-tag")
RESULT_STEPS = ("box-label", "size-tag", "stitching", "smell")
T = TypeVar("T")


def small_photo(code: str, step: str) -> bytes:
    """A small JPEG unique to (item, step): blocks of colour, so perceptual hashes differ."""
    rng = np.random.default_rng(zlib.crc32(f"{code}/{step}".encode()))
    blocks = rng.integers(0, 255, (6, 8, 3), dtype=np.uint8)
    image = cv2.resize(blocks, (160, 120), interpolation=cv2.INTER_NEAREST)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return data.tobytes()


class Journal:
    def __init__(self, path: str) -> None:
        # O_APPEND single writes: a kill leaves whole lines, and the page cache outlives the process.
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(self, *words: str) -> None:
        os.write(self._fd, (" ".join(words) + "\n").encode())


class Retrying:
    """Retry while the database is away (the one-sentence StorageUnavailable), like a user pressing retry."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.retries = 0

    def __call__(self, call: Callable[..., T], *args: object, **kwargs: object) -> T:
        deadline = time.monotonic() + self.budget
        while True:
            try:
                return call(*args, **kwargs)
            except StorageUnavailable:
                if time.monotonic() > deadline:
                    raise
                self.retries += 1
                time.sleep(0.2)


def finished(station: StationServices, code: str) -> bool:
    with station.ctx.db.read() as session:
        return session.scalar(
            select(Inspection.id).join(Item, Item.id == Inspection.item_id)
            .where(Item.code == code, Inspection.status == "finished").limit(1)
        ) is not None


def run_plan(station: StationServices, actor: Actor, prefix: str, count: int, journal: Journal,
             retry_budget: float) -> dict[str, float]:
    retry = Retrying(retry_budget)
    done = 0
    began = time.monotonic()
    inspections = station.inspections
    for number in range(count):
        code = f"{prefix}-{number:04d}"
        if retry(finished, station, code):
            continue
        started = retry(inspections.start_or_resume, actor, code, style_code=STYLE)
        inspection_id = started.inspection.id
        journal.write("started", code, str(inspection_id))
        for step in PHOTO_STEPS:
            view = retry(inspections.add_photo, actor, inspection_id, step, small_photo(code, step),
                         client_ref=f"{code}/photo/{step}")
            journal.write("photo", code, step, view.sha256)
        for step in RESULT_STEPS:
            value = STYLE if step in PHOTO_STEPS else None
            retry(inspections.record_step, actor, inspection_id, step, "pass", value=value,
                  client_ref=f"{code}/step/{step}")
            journal.write("step", code, step)
        retry(inspections.finish, actor, inspection_id)
        journal.write("finish", code)
        done += 1
    return {"inspections": done, "seconds": round(time.monotonic() - began, 3), "retries": retry.retries}


def attach_certificates(station: StationServices) -> None:
    """Issue certificates on a pass, as the station window does (once the certificates module exists)."""
    try:
        from inspector.services.certificates import attach
    except ImportError:
        return
    attach(station)


def work(args: argparse.Namespace) -> int:
    station = open_station(load_settings())
    attach_certificates(station)
    try:
        actor = station.users.login(args.badge, args.pin)
        summary = run_plan(station, actor, args.prefix, args.count, Journal(args.journal), args.retry_seconds)
    finally:
        station.close()
    print(json.dumps(summary), flush=True)
    return 0


def zygote() -> int:
    """Read one JSON argument list per line; fork a worker for it; print its pid, then its exit status."""
    for line in sys.stdin:
        argv = json.loads(line)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.dup2(2, 1)  # the zygote's stdout carries the protocol; the worker's output goes to stderr
            sys.stdout = sys.stderr
            code = 1
            try:
                code = main(argv)
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        print(f"exit {pid} {'killed' if killed else os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="station_worker")
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run")
    run.add_argument("--prefix", required=True)
    run.add_argument("--count", type=int, required=True)
    run.add_argument("--badge", required=True)
    run.add_argument("--pin", required=True)
    run.add_argument("--journal", required=True)
    run.add_argument("--retry-seconds", type=float, default=60.0)
    sub.add_parser("zygote")
    args = parser.parse_args(argv)
    return zygote() if args.mode == "zygote" else work(args)


if __name__ == "__main__":
    sys.exit(main())
