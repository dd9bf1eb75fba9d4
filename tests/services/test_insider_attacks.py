"""An insider with database access tries to rewrite the record; each attempt is refused or named.

Run on SQLite (the file's owner: may drop the append-only triggers) and on PostgreSQL as the
stations' own role from `inspector db roles` (may write the tables, may only insert audit events).
A checkpoint signed before the attack is held elsewhere, as the station's checkpoint folder is.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import shutil
import sqlite3
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import psycopg
import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from inspector.config import Settings, load_settings
from inspector.errors import PermissionDenied
from inspector.security.keys import SigningKey
from inspector.security.roles import Actor, Role
from inspector.services import (
    checkpoint_note,
    checkpoints,
    evidence_proofs,
    review_claims,
    review_queue,
    signing,
)
from inspector.services.evidence import build_bundle, verify_bundle
from inspector.services.integrity import IntegrityReport, verify_integrity
from inspector.services.station import StationServices, open_station
from inspector.storage import migrate
from inspector.storage.audit import StoredTree, log_size
from inspector.storage.database import Database
from inspector.storage.pg_roles import set_up_station_role
from tests.helpers.insider import drop_sqlite_triggers, forge_event, rehash_chain
from tests.services.conftest import CHECKLIST, make_reference
from tests.services.test_inspection_flow import ALL_PASS, _run

STATION_ROLE = "inspector_station"


@dataclass
class World:
    backend: str
    station: StationServices
    people: dict[str, Actor]
    passed: int  # certificate valid
    failed: int
    overturned: int  # passed, then overturned to fail: certificate void
    held: Path  # a checkpoint signed before the attack, kept elsewhere
    other_photo: str  # sha256 of a stored photo of another item

    @property
    def ctx(self):  # type: ignore[no-untyped-def]
        return self.station.ctx

    def attack(self, work: Callable[[Connection], object]) -> None:
        """Run `work` with the insider's own connection, in one transaction."""
        url = self.ctx.settings.database_url
        if self.backend == "sqlite":
            # closing(): sqlite3's own context manager commits but leaves the connection open.
            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as raw, raw:
                drop_sqlite_triggers(raw)
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                work(conn)
        finally:
            engine.dispose()

    def verify(self) -> IntegrityReport:
        return verify_integrity(self.ctx, self.held)


@dataclass(frozen=True)
class _Template:
    backend: str
    root: Path  # home, checklists and assets of a station that did its work
    database_url: str
    people: dict[str, Actor]
    ids: tuple[int, int, int]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> _Template:
    """One station's work per backend and module; each test attacks its own copy."""
    root = tmp_path_factory.mktemp(f"insider-{request.param}")
    checklists = root / "checklists" / "testbrand"
    checklists.mkdir(parents=True)
    (checklists / "runner.yaml").write_text(CHECKLIST)
    make_reference(root / "assets" / "references" / "test" / "label.png")
    settings = _settings(root / "home", root, f"sqlite:///{root / 'home' / 'inspector.db'}")
    if request.param == "postgresql":
        owner_url = request.getfixturevalue("postgres_server").create_database("insider")
        owner = Database(owner_url)
        migrate.upgrade(owner.engine)
        set_up_station_role(owner.engine, STATION_ROLE, None)
        owner.dispose()
        station_url = make_url(owner_url).set(username=STATION_ROLE).render_as_string(hide_password=False)
        settings = settings.with_changes(database_url=station_url)
    photo = cv2.imencode(".jpg", cv2.imread(str(root / "assets" / "references" / "test" / "label.png")))[1]
    photo_bytes = photo.tobytes()
    station = open_station(settings)
    users = station.users
    users.create_first_admin("Ada", "9999", "B-9")
    admin = users.login("B-9", "9999")
    users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    users.create_user(admin, "Morgan", "3456", Role.SUPERVISOR, "B-2")
    users.create_user(admin, "Jordan", "2345", Role.AUTHENTICATOR, "B-3")
    for _ in range(5):  # Jordan's badge is now locked
        with pytest.raises(PermissionDenied):
            users.login("B-3", "0000")
    people = {"admin": admin, "alex": users.login("B-1", "1234"), "morgan": users.login("B-2", "3456")}
    alex = people["alex"]
    passed = _run(station, alex, photo_bytes, "ITEM-P", ALL_PASS)
    for added in station.inspections.detail(alex, passed).photos["box-label"]:
        station.comparisons.compare_photo(alex, added.id)
    station.inspections.finish(alex, passed, expected="pass")
    failed = _run(station, alex, _other_photo(), "ITEM-F", {**ALL_PASS, "box-label": "fail"})
    station.inspections.finish(alex, failed, expected="fail")
    overturned = _run(station, alex, photo_bytes, "ITEM-O", ALL_PASS)
    station.inspections.finish(alex, overturned, expected="pass")
    station.reviews.overturn(people["morgan"], overturned, "fail", "the logo is wrong")
    # The desk's working records: a claim, a seller's appeal, the sample rate; and an ended login.
    review_claims.claim(station.ctx, people["morgan"], failed)
    station.appeals.open(people["morgan"], failed, "the seller says it is genuine")
    review_queue.set_sample_rate(station.ctx, admin, 0.0)  # no blind samples among these few
    users.logout(users.login("B-9", "9999"))
    checkpoints.write_checkpoint(station.ctx, root / "home" / "held-elsewhere.txt")
    station.close()
    return _Template(request.param, root, settings.database_url, people, (passed, failed, overturned))


def _settings(home: Path, root: Path, database_url: str) -> Settings:
    return load_settings({"INSPECTOR_HOME": str(home), "INSPECTOR_DATABASE_URL": database_url,
                          "INSPECTOR_CHECKLISTS_DIR": str(root / "checklists"),
                          "INSPECTOR_ASSETS_DIR": str(root / "assets")})


@pytest.fixture
def world(template: _Template, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    copy = tmp_path / "station"
    shutil.copytree(template.root, copy)
    if template.backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        name = f"attack_{uuid.uuid4().hex[:12]}"
        source = make_url(template.database_url).database
        with psycopg.connect(server.dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        url = make_url(template.database_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{copy / 'home' / 'inspector.db'}"
    station = open_station(_settings(copy / "home", copy, url))
    passed, failed, overturned = template.ids
    world = World(template.backend, station, template.people, passed, failed, overturned,
                  copy / "home" / "held-elsewhere.txt", hashlib.sha256(_other_photo()).hexdigest())
    report = world.verify()
    assert report.ok, report.lines()
    yield world
    station.close()


def _other_photo() -> bytes:
    image = np.full((480, 640, 3), 90, np.uint8)
    cv2.putText(image, "NOT THE SAME ITEM", (40, 240), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (250, 250, 250), 3)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def _refused_on_postgres(world: World, work: Callable[[Connection], object]) -> bool:
    """On PostgreSQL the stations' role may not change the log: True when refused there."""
    if world.backend != "postgresql":
        world.attack(work)
        return False
    with pytest.raises(DBAPIError, match="permission denied|must be owner|append-only"):
        world.attack(work)
    report = world.verify()
    assert report.ok, report.lines()
    return True


def _text(report: IntegrityReport) -> str:
    assert not report.ok
    return "\n".join(report.lines())


# --- the log itself --------------------------------------------------------------------------

def test_deleting_the_last_10_events(world: World) -> None:
    with world.ctx.db.read() as session:
        size = log_size(session)
    last_ten = text(f"DELETE FROM audit_events WHERE seq > {size - 10}")
    if _refused_on_postgres(world, lambda c: c.execute(last_ten)):
        return
    out = _text(world.verify())
    assert f"TRUNCATED: the log holds {size - 10} events" in out
    assert f"events #{size - 9} to #{size} were removed" in out


def test_postgres_station_role_cannot_truncate_or_drop_the_triggers(world: World) -> None:
    if world.backend != "postgresql":
        pytest.skip("SQLite has no roles: its file owner is answered by checkpoints held elsewhere")
    for statement in ("TRUNCATE audit_events CASCADE",
                      "DROP TRIGGER audit_events_append_only ON audit_events",
                      "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                      "UPDATE audit_events SET data = '{}' WHERE seq = 3", "DELETE FROM audit_nodes"):
        with pytest.raises(DBAPIError, match="permission denied|must be owner"):
            world.attack(lambda c, s=statement: c.execute(text(s)))
    assert world.verify().ok


def test_deleting_a_middle_event_then_renumbering_and_rehashing(world: World) -> None:
    def attack(conn: Connection) -> None:
        conn.execute(text("DELETE FROM audit_events WHERE seq = "
                          "(SELECT min(seq) FROM audit_events WHERE action = 'photo.added')"))
        rehash_chain(conn)

    if _refused_on_postgres(world, attack):
        return
    out = _text(world.verify())
    assert "TRUNCATED" in out
    # The renumbered events still carry the signatures of their old hashes.
    assert "has a signature that does not match it" in out


def test_rewriting_the_whole_chain_after_changing_a_verdict(world: World) -> None:
    def attack(conn: Connection) -> None:
        conn.execute(text("UPDATE inspections SET verdict = 'pass' WHERE id = :i"), {"i": world.failed})
        conn.execute(text("UPDATE audit_events SET data = replace(data, '\"verdict\":\"fail\"', "
                          "'\"verdict\":\"pass\"') WHERE action = 'inspection.finished' AND entity_id = :i"),
                     {"i": str(world.failed)})
        rehash_chain(conn)

    if _refused_on_postgres(world, attack):
        return
    report = world.verify()
    out = _text(report)
    assert "REWRITTEN: the log's first" in out
    # Chain and replay agree with each other now: only what is signed and held elsewhere tells.
    assert report.chain_break is None and not report.record_problems


def test_a_rewritten_log_with_a_new_signed_checkpoint_is_a_fork(world: World) -> None:
    """The insider also holds the station key and signs a checkpoint of the rewritten log."""
    def attack(conn: Connection) -> None:
        conn.execute(text("UPDATE inspections SET verdict = 'pass' WHERE id = :i"), {"i": world.failed})
        conn.execute(text("UPDATE audit_events SET data = replace(data, '\"verdict\":\"fail\"', "
                          "'\"verdict\":\"pass\"') WHERE action = 'inspection.finished' AND entity_id = :i"),
                     {"i": str(world.failed)})
        rehash_chain(conn)

    if _refused_on_postgres(world, attack):
        return
    key = checkpoints.signing.station_key(world.ctx.settings)
    with world.ctx.db.read() as session:
        size = log_size(session)
        root = StoredTree(session).root(size)
    forged = checkpoint_note.sign(checkpoint_note.Checkpoint(world.ctx.settings.log_origin, size, root,
                                                             "2030-01-01T00:00:00Z"), key)
    folder = world.ctx.settings.checkpoints_path
    (folder / f"cp-{size:012d}-{root.hex()[:16]}.txt").write_text(forged)
    (folder / checkpoints.LATEST).write_text(forged)
    finding = world.verify().checkpoint_findings[0]
    assert finding.kind == "forked"
    assert f"signed {size} events of a different history" in finding.message


def test_a_forged_review_overturn_is_caught(world: World) -> None:
    """Everything an overturn writes, chain and tree included; only the station's signature is missing."""
    morgan = world.people["morgan"].user_id

    def attack(conn: Connection) -> None:
        review = conn.execute(text("INSERT INTO reviews (inspection_id, reviewer_id, decision, verdict, "
                                   "previous_verdict, reason, blind, created_at) VALUES (:i, :r, 'overturn', "
                                   "'pass', 'fail', 'looks fine', false, CURRENT_TIMESTAMP) RETURNING id"),
                              {"i": world.failed, "r": morgan}).scalar_one()
        conn.execute(text("UPDATE inspections SET verdict = 'pass' WHERE id = :i"), {"i": world.failed})
        conn.execute(text("DELETE FROM review_claims WHERE inspection_id = :i"), {"i": world.failed})
        forge_event(conn, action="review.overturn", entity="inspection", entity_id=world.failed,
                    actor_id=morgan, data={"review": review, "from": "fail", "to": "pass",
                                           "reason": "looks fine", "blind": False, "second_opinion": False},
                    signature=f"{SigningKey.generate().key_id}:AAAA")

    world.attack(attack)  # allowed on PostgreSQL too: stations insert events
    report = world.verify()
    out = _text(report)
    assert "(review.overturn) is signed by key" in out and "does not trust" in out
    assert not report.record_problems  # the tables were forged to match
    with pytest.raises(checkpoints.InvalidState, match=r"review.overturn\) is signed by key"):
        checkpoints.write_checkpoint(world.ctx)


# --- the tables, changed without an event ----------------------------------------------------

def test_changing_a_verdict_in_the_table(world: World) -> None:
    world.attack(lambda c: c.execute(text("UPDATE inspections SET verdict = 'pass' WHERE id = :i"),
                                     {"i": world.failed}))
    out = _text(world.verify())
    assert f"FIRST UNEXPLAINED RECORD: inspection {world.failed}: verdict is pass, the log says fail" in out


def test_making_oneself_admin_or_lifting_a_lockout_in_the_table(world: World) -> None:
    alex = world.people["alex"].user_id
    world.attack(lambda c: c.execute(text("UPDATE users SET role = 'admin' WHERE id = :u"), {"u": alex}))
    out = _text(world.verify())
    assert f"user {alex} (Alex): role is admin, the log says authenticator" in out
    world.attack(lambda c: c.execute(text("UPDATE users SET role = 'authenticator' WHERE id = :u"),
                                     {"u": alex}))
    assert world.verify().ok
    world.attack(lambda c: c.execute(text("UPDATE users SET failed_pins = 0, locked_until = NULL "
                                          "WHERE name = 'Jordan'")))
    out = _text(world.verify())
    assert "(Jordan): failed_pins is 0, the log says 5" in out


def test_un_voiding_a_certificate(world: World) -> None:
    world.attack(lambda c: c.execute(text("UPDATE certificates SET voided_at = NULL, void_reason = NULL "
                                          "WHERE inspection_id = :i"), {"i": world.overturned}))
    out = _text(world.verify())
    assert "certificate" in out and "is valid, the log says void" in out


def test_deleting_a_photo_row(world: World) -> None:
    photo = world.station.inspections.detail(world.people["morgan"], world.passed).photos["size-tag"][0].id

    def attack(conn: Connection) -> None:
        conn.execute(text("DELETE FROM comparisons WHERE photo_id = :p"), {"p": photo})
        conn.execute(text("DELETE FROM photos WHERE id = :p"), {"p": photo})

    world.attack(attack)
    out = _text(world.verify())
    assert f"photo {photo} (inspection {world.passed}, step size-tag): deleted from the table" in out


def test_pointing_a_photo_row_at_another_stored_file(world: World) -> None:
    photo = world.station.inspections.detail(world.people["morgan"], world.passed).photos["box-label"][0]
    world.attack(lambda c: c.execute(text("UPDATE photos SET sha256 = :s WHERE id = :p"),
                                     {"s": world.other_photo, "p": photo.id}))
    out = _text(world.verify())
    assert (f"photo {photo.id} (inspection {world.passed}, step box-label): points at file "
            f"{world.other_photo[:16]}…, the log says {photo.sha256[:16]}…") in out


def test_replacing_cached_thumbnails(world: World) -> None:
    if world.backend != "sqlite":
        pytest.skip("the thumbnail cache lives in the photo folder, not the database")
    photo = world.station.inspections.detail(world.people["morgan"], world.passed).photos["box-label"][0]
    store = world.ctx.photos
    genuine = store.read_thumbnail(photo.sha256)
    assert genuine is not None, "the comparison caches the thumbnail"
    fake = cv2.imencode(".jpg", np.full((180, 240, 3), (0, 0, 255), np.uint8))[1].tobytes()
    store.thumbnail_path(photo.sha256).write_bytes(fake)
    out = _text(world.verify())
    assert f"THUMBNAIL: the cached thumbnail of photo {photo.sha256[:16]}… was replaced" in out
    # The certificate prints pictures made from the stored photo (hash-checked), never this cache.
    assert fake not in world.station.certificates.certificate_pdf(world.people["alex"], world.passed)


def test_replacing_cached_certificate_pictures(world: World) -> None:
    if world.backend != "sqlite":
        pytest.skip("the picture cache lives in the photo folder, not the database")
    photo = world.station.inspections.detail(world.people["morgan"], world.passed).photos["box-label"][0]
    store = world.ctx.photos
    # Making the certificate makes and signs its pictures.
    first = world.station.certificates.certificate_pdf(world.people["alex"], world.passed)
    names = [name for sha, name in store.pictures() if sha == photo.sha256 and name.endswith(".jpg")]
    genuine = [store.read_picture(photo.sha256, name) for name in names]
    assert names and all(picture is not None and picture in first for picture in genuine)  # binary streams
    fake = cv2.imencode(".jpg", np.full((180, 240, 3), (0, 0, 255), np.uint8))[1].tobytes()
    for name in names:
        store.picture_path(photo.sha256, name).write_bytes(fake)
    out = _text(world.verify())
    assert f"THUMBNAIL: the certificate picture of photo {photo.sha256[:16]}… was replaced" in out
    again = world.station.certificates.certificate_pdf(world.people["alex"], world.passed)
    assert fake not in again and all(picture in again for picture in genuine)  # made again from the photo


# --- evidence bundles carry the log's proof ----------------------------------------------------

def test_an_evidence_bundle_proves_its_events_and_photos_offline(world: World) -> None:
    if world.backend != "sqlite":
        pytest.skip("bundles are checked offline: one backend is enough")
    trusted = signing.log_keys(world.ctx.settings)
    data = build_bundle(world.ctx, world.people["morgan"], world.passed)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        proofs = json.loads(bundle.read(evidence_proofs.PROOFS))
        events = json.loads(bundle.read("audit_events.json"))
        assert bundle.read(evidence_proofs.CHECKPOINT).decode().startswith("inspector.local/audit-log\n")
    assert len(proofs["events"]) == len(events) > 8
    assert verify_bundle(data, trusted).ok
    # The insider holds the station key and re-signs a bundle whose event says pass for a fail:
    # the manifest checks, the event no longer hashes to its leaf in the signed log.
    events[-1]["data"]["verdict"] = "fail"
    forged = _resign(world, data, "audit_events.json", json.dumps(events).encode())
    check = verify_bundle(forged, trusted)
    assert not check.ok
    assert any("its data differs from the text the log holds" in p for p in check.problems)


def test_a_bundle_of_a_photo_row_pointed_at_another_file_does_not_verify(world: World) -> None:
    if world.backend != "sqlite":
        pytest.skip("bundles are checked offline: one backend is enough")
    photo = world.station.inspections.detail(world.people["morgan"], world.passed).photos["box-label"][0]
    world.attack(lambda c: c.execute(text("UPDATE photos SET sha256 = :s WHERE id = :p"),
                                     {"s": world.other_photo, "p": photo.id}))
    check = verify_bundle(build_bundle(world.ctx, world.people["morgan"], world.passed),
                          signing.log_keys(world.ctx.settings))
    assert not check.ok
    assert any(f"box-label/{photo.id}.jpg is not the photo the log recorded for photo {photo.id}" in p
               for p in check.problems)


def _resign(world: World, data: bytes, name: str, content: bytes) -> bytes:
    """Replace one file and sign the manifest again with the station's own key."""
    key = signing.station_key(world.ctx.settings)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        manifest["files"][name] = hashlib.sha256(content).hexdigest()
        manifest_bytes = json.dumps(manifest).encode()
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == name:
                body = content
            elif info.filename == "manifest.json":
                body = manifest_bytes
            elif info.filename == "manifest.sig":
                body = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
            target.writestr(info.filename, body)
    return out.getvalue()


def test_a_take_over_is_explained_and_a_changed_holder_is_named(world: World) -> None:
    alex, morgan = world.people["alex"], world.people["morgan"]
    open_id = world.station.inspections.start_or_resume(alex, "ITEM-T", style_code="TR1000-001").inspection.id
    world.station.inspections.take_over(morgan, open_id, "Alex went home ill")
    assert world.verify().ok, world.verify().lines()
    world.attack(lambda c: c.execute(text("UPDATE inspections SET authenticator_id = :a WHERE id = :i"),
                                     {"a": alex.user_id, "i": open_id}))
    out = _text(world.verify())
    assert (f"inspection {open_id}: authenticator is user {alex.user_id}, the log says user "
            f"{morgan.user_id}") in out


def test_working_records_changed_in_the_tables_are_named(world: World) -> None:
    """Claims, appeals, review (panel) rows, comparisons, items, desk settings and login sessions are
    replayed too: each row changed, added or removed without an event is named."""
    ids = {"passed": world.passed, "failed": world.failed, "overturned": world.overturned}

    def attack(conn: Connection) -> dict[str, int]:
        one = lambda sql: conn.execute(text(sql), ids).scalar_one()  # noqa: E731
        found = {"alex": world.people["alex"].user_id, "admin": world.people["admin"].user_id,
                 "comparison": one("SELECT min(id) FROM comparisons"),
                 "review": one("SELECT id FROM reviews WHERE inspection_id = :overturned"),
                 "appeal": one("SELECT id FROM appeals WHERE inspection_id = :failed"),
                 "item": one("SELECT item_id FROM inspections WHERE id = :passed"),
                 "ended": one("SELECT max(id) FROM login_sessions WHERE ended_at IS NOT NULL")}
        found["photo"] = one(f"SELECT photo_id FROM comparisons WHERE id = {found['comparison']}")
        conn.execute(text("UPDATE review_claims SET reviewer_id = :u"), {"u": found["alex"]})
        conn.execute(text("UPDATE appeals SET status = 'reversed' WHERE id = :a"), {"a": found["appeal"]})
        conn.execute(text("UPDATE reviews SET stage = 'panel' WHERE id = :r"), {"r": found["review"]})
        conn.execute(text("UPDATE comparisons SET score = 0.5 WHERE id = :c"), {"c": found["comparison"]})
        conn.execute(text("UPDATE items SET calibration_verdict = 'pass' WHERE id = :i"),
                     {"i": found["item"]})
        conn.execute(text("UPDATE desk_settings SET value = '1.0'"))  # every pass goes blind
        conn.execute(text("UPDATE login_sessions SET ended_at = NULL WHERE id = :s"), {"s": found["ended"]})
        # A session the insider knows the token of: it would let them act as the admin.
        found["forged"] = conn.execute(text(
            "INSERT INTO login_sessions (token_hash, user_id, station, created_at, expires_at) VALUES "
            "(:h, :u, 'bench-1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"),
            {"h": hashlib.sha256(b"insider").hexdigest(), "u": found["admin"]}).scalar_one()
        return found

    found: dict[str, int] = {}
    world.attack(lambda conn: found.update(attack(conn)))
    report = world.verify()
    out = _text(report)
    assert not report.ok
    for named in (
        f"login session {found['forged']} (user {found['admin']}): no audit event records it",
        f"login session {found['ended']} (user {found['admin']}): is live, the log says it ended",
        f"item {found['item']} (ITEM-P): calibration_verdict is 'pass', the log says None",
        f"comparison {found['comparison']} (photo {found['photo']}): score is 0.5, the log says",
        f"review claim on inspection {world.failed}: held by user {found['alex']}, the log says user "
        f"{world.people['morgan'].user_id}",
        f"appeal {found['appeal']} (inspection {world.failed}): status is 'reversed', the log says 'open'",
        f"review {found['review']} (inspection {world.overturned}): stage is panel, the log says review",
        "desk setting review_sample_rate: is 1.0, the log says 0.0",
    ):
        assert named in out, (named, out)


def test_a_deleted_claim_and_a_swapped_session_token_are_named(world: World) -> None:
    admin = world.people["admin"].user_id
    world.attack(lambda conn: (
        conn.execute(text("DELETE FROM review_claims")),
        conn.execute(text("UPDATE login_sessions SET token_hash = :h WHERE user_id = :u "
                          "AND ended_at IS NULL"),
                     {"h": hashlib.sha256(b"known to the insider").hexdigest(), "u": admin})))
    out = _text(world.verify())
    assert f"review claim on inspection {world.failed}: in the log (event #" in out
    assert f"(user {admin}): its token is not the one that logged in" in out
