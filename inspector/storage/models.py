"""The records: typed SQLAlchemy 2 models. Corrections are new rows, never updates of history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    badge_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # PIN lockout (migration 0008): consecutive wrong PINs since the last login, and until when the
    # badge refuses every PIN; both replayable from the user.* audit events.
    failed_pins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginSession(Base):
    """A login (migration 0008): the services accept an actor only with a live session's token.

    Only the token's SHA-256 is stored, so reading this table does not let anyone act as the user.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    station: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    style_code: Mapped[str | None] = mapped_column(String(80), index=True)  # migration 0011
    description: Mapped[str] = mapped_column(String(200), default="")
    declared_value: Mapped[float | None] = mapped_column(Float)
    # A known test item slipped into queues to calibrate authenticators; holds the right verdict.
    calibration_verdict: Mapped[str | None] = mapped_column(String(20), index=True)  # migration 0003
    # Inspections finished from this moment count towards calibration (migration 0009).
    calibration_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChecklistSnapshot(Base):
    """The exact checklist text an inspection used, so it can be reloaded after the file changes."""

    __tablename__ = "checklist_snapshots"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    source_text: Mapped[str] = mapped_column(Text)


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_status_started", "status", "started_at"),
        Index("ix_inspections_verdict_finished", "verdict", "finished_at"),
        Index("ix_inspections_authenticator_finished", "authenticator_id", "finished_at"),
        Index("ix_inspections_station_finished", "station_id", "finished_at"),
        Index("ix_inspections_brand_finished", "brand", "finished_at"),
        Index("ix_inspections_finished", "finished_at"),
        # Migration 0002 (supervisor desk analytics): answers a period's aggregates from the index.
        Index("ix_inspections_finished_cover", "finished_at", "status", "authenticator_id", "station_id",
              "brand", "verdict", "started_at"),
        # Migration 0005: the review queue sorted by score walks this and stops at its limit.
        Index("ix_inspections_min_score", "min_score", "finished_at"),
        # Migration 0006: the queue sorted by declared value, and filtered by brand and verdict.
        Index("ix_inspections_declared_value", "declared_value", "finished_at"),
        Index("ix_inspections_brand_verdict_finished", "brand", "verdict", "finished_at"),
        # Migration 0012: the queue filtered by pass or fail holds only escalated ones (blind items out).
        Index("ix_inspections_verdict_escalated_finished", "verdict", "escalated", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(80))
    checklist_version: Mapped[int] = mapped_column(Integer)
    checklist_hash: Mapped[str] = mapped_column(ForeignKey("checklist_snapshots.content_hash"))
    brand: Mapped[str] = mapped_column(String(80))
    authenticator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | finished
    verdict: Mapped[str | None] = mapped_column(String(20))
    # The authenticator's own verdict when finished, never changed by reviews (migration 0009).
    first_verdict: Mapped[str | None] = mapped_column(String(20))
    fail_reason: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    second_opinion: Mapped[bool] = mapped_column(Boolean, default=False)
    # Picked by the random sample for a blind review, decided once when finished (migration 0015):
    # a later change of the sample rate never un-blinds an item. NULL reads as not picked.
    review_sampled: Mapped[bool | None] = mapped_column(Boolean)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    min_score: Mapped[float | None] = mapped_column(Float)
    # The item's declared value when the inspection started: the risk taken (migration 0006).
    declared_value: Mapped[float | None] = mapped_column(Float)
    current_step: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StepResult(Base):
    """One recorded answer for a step; a later row for the same step supersedes it."""

    __tablename__ = "step_results"
    __table_args__ = (Index("ix_step_results_inspection_step", "inspection_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    step_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))
    fail_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[str | None] = mapped_column(String(200))
    value_problems: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of sentences
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set by the station per attempt: a retry after a lost connection records nothing twice.
    client_ref: Mapped[str | None] = mapped_column(String(40), unique=True)


class Photo(Base):
    """A photo attached to a step; the file lives once in the photo store under its SHA-256."""

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_inspection_step", "inspection_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    step_id: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    phash: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(20))  # camera | file | hotfolder | demo
    quality_notes: Mapped[str] = mapped_column(Text, default="[]")
    # Earlier photos of other items that look the same (JSON [[photo id, item code, distance]]).
    resubmitted_from: Mapped[str] = mapped_column(Text, default="[]")
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    captured_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client_ref: Mapped[str | None] = mapped_column(String(40), unique=True)


class Comparison(Base):
    __tablename__ = "comparisons"

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    reference: Mapped[str] = mapped_column(String(300))
    aligned: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    regions: Mapped[str] = mapped_column(Text, default="[]")
    homography: Mapped[str | None] = mapped_column(Text)
    heatmap_sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # migration 0014
    elapsed_ms: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Review(Base):
    __tablename__ = "reviews"
    # Migration 0002: the desk's overturn and agreement rates read a period's reviews.
    __table_args__ = (
        Index("ix_reviews_created_cover", "created_at", "inspection_id", "decision", "blind", "verdict",
              "previous_verdict"),
        Index("ix_reviews_inspection_reviewer", "inspection_id", "reviewer_id"),  # migration 0009
        # Migration 0016: the disagreement matrix and the review drill-downs read the reviews alone.
        Index("ix_reviews_matrix", "stage", "created_at", "authenticator_id", "previous_verdict", "verdict",
              "decision", "inspection_id"),
        Index("ix_reviews_authenticator_created", "authenticator_id", "created_at", "decision", "stage",
              "previous_verdict", "verdict", "inspection_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # confirm | overturn | dispute (a blind disagreement waiting for the panel)
    decision: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20), default="review")  # review | panel (migration 0009)
    verdict: Mapped[str] = mapped_column(String(20))
    previous_verdict: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The reviewed inspection's authenticator (finished, so it never changes; migration 0016).
    authenticator_id: Mapped[int | None] = mapped_column(Integer)


class ReviewClaim(Base):
    """A supervisor working on an inspection: others see who has it until it expires (migration 0009)."""

    __tablename__ = "review_claims"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Appeal(Base):
    """A seller's appeal of a failed or inconclusive inspection, decided by someone new (migration 0009)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    seller_reason: Mapped[str] = mapped_column(Text)
    photos: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of photo-store SHA-256s
    verdict_appealed: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | upheld | reversed
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class DeskSetting(Base):
    """A desk setting shared by every station, such as the review sample rate (migration 0009)."""

    __tablename__ = "desk_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)
    # What a buyer is told (a category); void_reason is the supervisor's own note (migration 0007).
    void_category: Mapped[str | None] = mapped_column(String(80))


class AuditEvent(Base):
    """Append-only log; each event's hash covers the previous event's hash."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("seq", name="uq_audit_events_seq"),
        Index("ix_audit_events_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(40))  # ISO text: hashed exactly as stored
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "<key id>:<base64 Ed25519 signature over the hash>" by the appending station (migration 0007).
    signature: Mapped[str | None] = mapped_column(Text)


class AuditNode(Base):
    """A complete subtree of the audit log's Merkle tree (RFC 9162): leaves idx*2^level onwards.

    Written with each event, in its transaction, never changed (migration 0007; triggers refuse it).
    """

    __tablename__ = "audit_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class DeskSummaryDay(Base):
    """A closed UTC day whose desk totals are summarised (migration 0004); clean=False means refill it.

    Filled lazily by the analytics service and marked dirty by whatever changes a verdict of that day
    (a review overturn), in the writer's own transaction; the row lock on it orders fills and writers.
    """

    __tablename__ = "desk_summary_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clean: Mapped[bool] = mapped_column(Boolean, default=False)
    filled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeskDailyTotal(Base):
    """One day's inspection and review totals for one authenticator, brand or station (migration 0004)."""

    __tablename__ = "desk_daily_totals"
    __table_args__ = (
        UniqueConstraint("group_kind", "day", "group_key", name="uq_desk_daily_totals_kind_day_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_kind: Mapped[str] = mapped_column(String(20))  # authenticator | brand | station
    day: Mapped[date] = mapped_column(Date)
    group_key: Mapped[str] = mapped_column(String(80))  # user id, brand or station id, as text
    inspections: Mapped[int] = mapped_column(Integer)
    passes: Mapped[int] = mapped_column(Integer)
    fails: Mapped[int] = mapped_column(Integer)
    inconclusive: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)  # sum of finish minus start
    working_hours: Mapped[int] = mapped_column(Integer)  # distinct clock hours with a finish
    # Reviews recorded that day of this group's inspections (whenever those were finished).
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    overturns: Mapped[int] = mapped_column(Integer, default=0)
    blind_reviews: Mapped[int] = mapped_column(Integer, default=0)
    blind_agreed: Mapped[int] = mapped_column(Integer, default=0)


class DeploymentRecord(Base):
    """The deployment's identity (one row): prefix of its serials, name, the root's signed statement."""

    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1: a second creator fails and re-reads
    prefix: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    root_public_key: Mapped[str] = mapped_column(String(64))  # base64url of the raw 32 bytes
    statement: Mapped[str] = mapped_column(Text)  # the signed JSON text
    signature: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SigningKeyRecord(Base):
    """A station key: pending until the root signs its statement (migration 0007).

    The columns are for reading and queries; what counts is `statement` under `root_signature`,
    checked against the root public key each station pins in its own keys folder.
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    station: Mapped[str] = mapped_column(String(80), index=True)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    statement: Mapped[str | None] = mapped_column(Text)
    root_signature: Mapped[str | None] = mapped_column(String(100))


class LegacyKeyRecord(Base):
    """A format-1 (INS1) station key the root vouched for after the format change (migration 0013):
    INS1 certificates it signed up to `signed_until` still verify. What counts is `statement` under
    `root_signature`, checked against the pinned root."""

    __tablename__ = "legacy_keys"

    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    station: Mapped[str] = mapped_column(String(80))
    signed_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    statement: Mapped[str] = mapped_column(Text)
    root_signature: Mapped[str] = mapped_column(String(100))
