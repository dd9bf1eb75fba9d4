"""Everything the services share: database, photo store, checklists, settings. Built once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.config import Settings, load_settings
from inspector.domain.checklist import Checklist
from inspector.domain.loading import ChecklistLibrary, load_library, parse_checklist_text
from inspector.errors import NotFound, StorageUnavailable
from inspector.security.roles import Actor, Permission
from inspector.services import identity
from inspector.services.resubmissions import ResubmissionFinder
from inspector.storage import migrate
from inspector.storage.database import Database, insert_if_absent
from inspector.storage.models import ChecklistSnapshot, Station
from inspector.storage.photostore import PhotoStore

# Called inside the finishing transaction (session, inspection id, actor user id); certificates hook in here.
FinishHook = Callable[[Session, int, int], None]


@dataclass
class ServiceContext:
    settings: Settings
    db: Database
    photos: PhotoStore
    library: ChecklistLibrary
    finish_hooks: list[FinishHook] = field(default_factory=list)
    resubmissions: ResubmissionFinder = field(default_factory=ResubmissionFinder)
    # The schema revision this process found before migrating it (None: a new database, or not
    # migrated here): steps that follow a migration once, such as the blind-review sample fill.
    upgraded_from: str | None = None
    _snapshots: dict[str, Checklist] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def station_name(self) -> str:
        return self.settings.station_name

    def authorize(self, session: Session, actor: Actor | None, permission: Permission | None = None) -> Actor:
        """Check the actor's login session inside the caller's transaction; returns the verified actor.

        Re-reads the user's role and active flag; refuses hand-built, expired, logged-out or foreign
        sessions (see `inspector.security.roles` for the pattern)."""
        return identity.authorize(session, actor, permission, self.station_name)

    def authorize_now(self, actor: Actor | None, permission: Permission | None = None) -> Actor:
        """`authorize` in a read transaction of its own, for work that spans several transactions."""
        with self.db.read() as session:
            return self.authorize(session, actor, permission)

    def checklist_by_hash(self, session: Session, content_hash: str) -> Checklist:
        """The exact checklist an inspection started with, even if the file changed since."""
        with self._lock:
            cached = self._snapshots.get(content_hash)
        if cached is not None:
            return cached
        snapshot = session.get(ChecklistSnapshot, content_hash)
        if snapshot is None:
            raise NotFound(f"The checklist version {content_hash[:12]} is not in the records.")
        name = f"{snapshot.checklist_id}@{snapshot.version}"
        checklist = parse_checklist_text(snapshot.source_text, name).checklist
        with self._lock:
            self._snapshots[content_hash] = checklist
        return checklist

    def station_id(self, session: Session) -> int:
        station_id = session.scalar(select(Station.id).where(Station.name == self.station_name))
        if station_id is None:
            insert_if_absent(session, Station, name=self.station_name)
            station_id = session.scalar(select(Station.id).where(Station.name == self.station_name))
        assert station_id is not None
        return station_id


def open_context(settings: Settings | None = None, *, upgrade: bool = True) -> ServiceContext:
    """Create folders, migrate the database and load the checklists: a station ready to work."""
    settings = settings or load_settings()
    try:
        settings.ensure_folders()
    except OSError as exc:
        # Typically the shared photo folder's mount is missing: one sentence, not a traceback.
        raise StorageUnavailable(
            f"The folder {exc.filename or settings.photo_dir} cannot be created or reached ({exc.strerror}); "
            "check the photo share and try again."
        ) from exc
    db = Database(settings.database_url)
    # Every audit event this process appends is signed by the station's key (services/signing.py).
    from inspector.services.signing import station_key

    db.set_audit_signer(station_key(settings))
    found: str | None = None
    if upgrade:
        # A server that is down at start is the same one-sentence StorageUnavailable as later on.
        with db._guard():
            found = migrate.current_revision(db.engine)
            migrate.upgrade(db.engine)
    library = load_library(settings.checklists_dir, settings.assets_dir)
    return ServiceContext(settings=settings, db=db, photos=PhotoStore(settings.photo_dir), library=library,
                          upgraded_from=found)
