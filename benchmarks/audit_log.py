"""Audit log at scale: 1,000,000 events on SQLite and PostgreSQL.

    uv run python benchmarks/audit_log.py [--events 1000000] [--pg-local] [--skip-sqlite]
    INSPECTOR_BENCH_PG_URL=postgresql+psycopg://... uv run python benchmarks/audit_log.py

Builds a log as stations write it (events of inspections, photos, step results, verdicts and
certificates, each signed by the station key, with the rows they describe and the Merkle tree's stored
subtrees), signs a checkpoint as the station does on its schedule, appends a tail of events, then times:
- writing a checkpoint (consistency with the folder's previous one, the new events' signatures and
  links checked, root, sign, write) and proving consistency with an older checkpoint;
- `inspector audit verify` with replay (chain, tree, signatures since the last checkpoint, every table
  row replayed, photo files hashed).
The same steps on a 10,000-event log in the same run are the baseline of each ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from sqlalchemy import Table, text

from inspector.config import load_settings
from inspector.services import checkpoint_note, checkpoints, signing
from inspector.services.context import ServiceContext, open_context
from inspector.services.integrity import verify_integrity
from inspector.storage import merkle
from inspector.storage.audit import (
    GENESIS,
    StoredTree,
    append_event,
    canonical,
    event_hash,
    leaf_of,
    log_size,
    sign_event,
    stamp,
)
from inspector.storage.models import Base

STEPS = ("box-label", "size-tag", "stitching", "sole")
START = datetime(2026, 1, 1, tzinfo=UTC)
AUTHENTICATORS = 8
TAIL = 100  # events since the station's last scheduled checkpoint (about 9 inspections)


def _defaults(table: Table, given: dict[str, Any]) -> tuple[Any, ...]:
    """A row in column order: what is given, NULL where allowed, a plain value where not."""
    row = []
    for column in table.columns:
        if column.name in given:
            row.append(given[column.name])
        elif column.nullable or column.primary_key:
            row.append(None)
        else:
            kind = column.type.python_type
            row.append({bool: False, int: 0, float: 0.0, str: ""}.get(kind, START) if kind is not datetime
                       else START)
    return tuple(row)


class LogWriter:
    """Rows and signed events in bulk, exactly as the services would have written them."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.key = signing.station_key(ctx.settings)
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.seq, self.prev = 0, GENESIS
        self.pending: dict[int, bytes] = {}
        self.tables = Base.metadata.tables

    def add(self, table: str, **values: Any) -> None:
        self.rows.setdefault(table, []).append(_defaults(self.tables[table], values))

    def event(self, action: str, entity: str, entity_id: object, actor: int | None, data: dict[str, Any],
              at: datetime) -> None:
        self.seq += 1
        when, body = stamp(at), canonical(data)
        digest = event_hash(prev_hash=self.prev, seq=self.seq, at=when, actor_id=actor, station="bench-1",
                            action=action, entity=entity, entity_id=str(entity_id), data=body)
        self.add("audit_events", id=self.seq, seq=self.seq, at=when, actor_id=actor, station="bench-1",
                 action=action, entity=entity, entity_id=str(entity_id), data=body, prev_hash=self.prev,
                 hash=digest, signature=sign_event(self.key, digest))
        for level, index, node in merkle.complete_subtrees([leaf_of(digest)], self.seq - 1, self.pending):
            self.add("audit_nodes", level=level, idx=index, hash=node.hex())
        self.prev = digest

    def flush(self) -> None:
        order = ("users", "stations", "checklist_snapshots", "items", "inspections", "photos", "step_results",
                 "certificates", "audit_events", "audit_nodes")
        raw = self.ctx.db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            postgres = self.ctx.db.dialect == "postgresql"
            if not postgres:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("BEGIN")
            for name in order:
                rows = self.rows.pop(name, [])
                if not rows:
                    continue
                columns = ", ".join(c.name for c in self.tables[name].columns)
                if postgres:
                    with cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" for _ in self.tables[name].columns)
                    cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})",
                                       [tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in r)
                                        for r in rows])
            if postgres:
                raw.commit()
            else:
                cursor.execute("COMMIT")
        finally:
            raw.close()


def _photos(ctx: ServiceContext) -> list[str]:
    hashes = []
    for n in range(4):
        image = np.full((300, 400, 3), 40 + 50 * n, np.uint8)
        cv2.putText(image, f"photo {n}", (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        hashes.append(ctx.photos.put(cv2.imencode(".jpg", image)[1].tobytes()).sha256)
    return hashes


def build(ctx: ServiceContext, events: int) -> int:
    """About `events` events (whole inspections), the last TAIL after a signed checkpoint."""
    writer = LogWriter(ctx)
    photos = _photos(ctx)
    writer.add("stations", id=1, name="bench-1", created_at=START)
    writer.add("checklist_snapshots", content_hash="h" * 64, checklist_id="bench", version=1, source_text="")
    for user in range(1, AUTHENTICATORS + 2):
        role = "admin" if user == 1 else "authenticator"
        name, badge = f"user-{user}", f"B-{user}"
        writer.add("users", id=user, name=name, badge_code=badge, role=role, pin_hash="x", active=True,
                   created_at=START)
        writer.event("user.created", "user", user, 1 if user > 1 else None,
                     {"name": name, "role": role, "badge": badge}, START)
    checkpointed = False
    inspection, photo_id, result_id = 0, 0, 0
    started = time.perf_counter()
    for inspection in _count(1):
        if writer.seq >= events - TAIL and not checkpointed:
            writer.flush()
            _scheduled_checkpoint(ctx)
            checkpointed = True
        if writer.seq >= events:
            break
        at = START + timedelta(seconds=30 * inspection)
        who = 2 + inspection % AUTHENTICATORS
        verdict = "fail" if inspection % 10 == 0 else "pass"
        writer.add("items", id=inspection, code=f"B{inspection:08d}", description="", created_at=at)
        writer.event("item.created", "item", inspection, who,
                     {"code": f"B{inspection:08d}", "style_code": None, "description": "",
                      "declared_value": None}, at)
        writer.add("inspections", id=inspection, item_id=inspection, checklist_id="bench",
                   checklist_version=1, checklist_hash="h" * 64, brand="Bench", authenticator_id=who,
                   station_id=1,
                   status="finished", verdict=verdict, first_verdict=verdict, summary="", started_at=at,
                   finished_at=at + timedelta(seconds=20))
        writer.event("inspection.started", "inspection", inspection, who,
                     {"item": f"B{inspection:08d}", "checklist": "bench", "version": 1, "hash": "h" * 64}, at)
        for n, step in enumerate(STEPS):
            photo_id += 1
            sha = photos[(inspection + n) % 4]
            writer.add("photos", id=photo_id, inspection_id=inspection, step_id=step, sha256=sha, size=1000,
                       width=400, height=300, phash="0" * 16, source="camera", quality_notes="[]",
                       resubmitted_from="[]", captured_at=at, captured_by=who)
            writer.event("photo.added", "photo", photo_id, who,
                         {"inspection": inspection, "step": step, "sha256": sha, "source": "camera",
                          "resubmitted_from": []}, at)
        for step in STEPS:
            result_id += 1
            outcome = "fail" if verdict == "fail" and step == "box-label" else "pass"
            reason, note = ("counterfeit", "wrong font") if outcome == "fail" else (None, "")
            writer.add("step_results", id=result_id, inspection_id=inspection, step_id=step, outcome=outcome,
                       fail_reason=reason, note=note, value_problems="[]", recorded_by=who, recorded_at=at)
            writer.event("step.recorded", "inspection", inspection, who,
                         {"step": step, "outcome": outcome, "reason": reason, "note": note, "value": None,
                          "value_problems": []}, at)
        writer.event("inspection.finished", "inspection", inspection, who,
                     {"verdict": verdict, "fail_reason": "counterfeit" if verdict == "fail" else None,
                      "escalated": False, "reasons": []}, at)
        if verdict == "pass":
            serial = f"S{inspection:09d}"
            writer.add("certificates", id=inspection, serial=serial, inspection_id=inspection,
                       key_id=writer.key.key_id, payload="x", issued_at=at, print_count=0)
            writer.event("certificate.issued", "certificate", serial, who,
                         {"inspection": inspection, "key_id": writer.key.key_id}, at)
        if len(writer.rows.get("audit_events", ())) >= 50_000:
            writer.flush()
            print(f"  {writer.seq:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    writer.flush()
    if ctx.db.dialect == "postgresql":
        with ctx.db.engine.begin() as conn:
            for table in ("users", "items", "inspections", "photos", "step_results", "certificates",
                          "audit_events"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return writer.seq


def _count(start: int) -> Iterator[int]:
    while True:
        yield start
        start += 1


def _scheduled_checkpoint(ctx: ServiceContext) -> None:
    """The checkpoint the station's timer would have written (its events checked as they came)."""
    with ctx.db.read() as session:
        size = log_size(session)
        root = StoredTree(session).root(size)
    note = checkpoint_note.Checkpoint(ctx.settings.log_origin, size, root, "2026-01-01T00:00:00Z")
    folder = ctx.settings.checkpoints_path
    folder.mkdir(parents=True, exist_ok=True)
    text_ = checkpoint_note.sign(note, signing.station_key(ctx.settings))
    (folder / f"cp-{size:012d}-{root.hex()[:16]}.txt").write_text(text_)
    (folder / checkpoints.LATEST).write_text(text_)


def _append_tail(ctx: ServiceContext, count: int) -> None:
    """Events through the real append path (one transaction each, as services do)."""
    for n in range(count):
        with ctx.db.transaction() as session:
            append_event(session, action="bench.tail", entity="bench", entity_id=n, actor_id=None,
                         station="bench-1", data={"n": n})


def measure(url: str, events: int, home: Path) -> dict[str, float]:
    settings = load_settings({"INSPECTOR_HOME": str(home), "INSPECTOR_DATABASE_URL": url})
    ctx = open_context(settings)
    built = time.perf_counter()
    size = build(ctx, events)
    print(f"{ctx.db.dialect}: {size:,} events built in {time.perf_counter() - built:.0f} s", flush=True)
    figures: dict[str, float] = {"events": size}
    trusted = signing.log_keys(settings)
    with ctx.db.read() as session:
        old_size = size // 2
        tree = StoredTree(session)
        old = checkpoint_note.Checkpoint(settings.log_origin, old_size, tree.root(old_size), "old")
    first = time.perf_counter()
    written = checkpoints.write_checkpoint(ctx)
    figures["first checkpoint (with its tail) ms"] = (time.perf_counter() - first) * 1000
    assert TAIL - 12 <= written.events_checked <= TAIL + 12, written.events_checked  # whole inspections
    runs, cpus = [], []
    for _ in range(7):
        _append_tail(ctx, 11)  # about one inspection's events since the last certificate's checkpoint
        started, cpu = time.perf_counter(), time.process_time()
        checkpoints.write_checkpoint(ctx)
        with ctx.db.read() as session:
            finding = checkpoints.compare(ctx, session, old, trusted)
        runs.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert finding.ok, finding.message
    figures["checkpoint + consistency with an older one ms"] = statistics.median(runs)
    figures["  the same, CPU of this process ms"] = statistics.median(cpus)
    proofs = []
    for _ in range(20):
        started = time.perf_counter()
        with ctx.db.read() as session:
            checkpoints.compare(ctx, session, old, trusted)
        proofs.append((time.perf_counter() - started) * 1000)
    figures["consistency proof alone ms"] = statistics.median(proofs)
    started, cpu = time.perf_counter(), time.process_time()
    report = verify_integrity(ctx)
    figures["audit verify with replay s"] = time.perf_counter() - started
    # The machine is shared: this process's own CPU time says what the work costs without the wait.
    figures["audit verify with replay, CPU of this process s"] = time.process_time() - cpu
    assert report.ok, report.lines()
    figures["rows replayed"] = report.records_compared
    # Signatures of events a checkpoint does not cover yet: what one event costs to check.
    with ctx.db.read() as session:
        rows = list(checkpoints.iter_events(session, after=max(0, size - 2000)))
    started = time.perf_counter()
    for row in rows:
        assert checkpoints.signature_problem(row, trusted) is None
    figures["signature check per event us"] = (time.perf_counter() - started) / len(rows) * 1e6
    ctx.db.dispose()
    return figures


def report(name: str, big: dict[str, float], small: dict[str, float]) -> None:
    print(f"\n{name}: {int(big['events']):,} events (baseline: {int(small['events']):,} in the same run)")
    for key, value in big.items():
        if key == "events":
            continue
        base = small.get(key)
        ratio = f"  x{value / base:.2f} of the baseline" if base else ""
        print(f"  {key:<48} {value:>10.1f}{ratio}")


def run(url_for: Any, name: str, events: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        small = measure(url_for("small"), 10_000, Path(folder) / "small")
        big = measure(url_for("big"), events, Path(folder) / "big")
    report(name, big, small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pg-local", action="store_true", help="start a loopback PostgreSQL for the run")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="audit-bench-") as name:
            folder = Path(name)
            run(lambda tag: f"sqlite:///{folder / tag}.db", "SQLite", args.events)
    pg_url = os.environ.get("INSPECTOR_BENCH_PG_URL")
    if args.pg_local and not pg_url:
        from tests.postgres_server import remove_server, start_server

        server = start_server()
        try:
            run(lambda tag: server.create_database(f"audit_{tag}"), "PostgreSQL", args.events)
        finally:
            remove_server(server)
    elif pg_url:
        print("PostgreSQL: give --pg-local (a fresh server); a shared URL would need two empty databases")


if __name__ == "__main__":
    main()
