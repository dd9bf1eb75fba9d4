"""The risk-weighted random sample of passes and fails that get a blind second review.

The choice is made once, when an inspection is finished, and kept on it (`review_sampled`,
migration 0015): the queue, the review screen and every list read the stored choice, so a later
change of the sample rate (or of who counts as new) can neither un-blind an item waiting for its
blind review nor make an openly reviewable one blind.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, false, func, literal, or_, select, update
from sqlalchemy.orm import Session

from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.services.records import as_utc, now
from inspector.storage.audit import append_event
from inspector.storage.models import DeskSetting, Inspection, User

# The sample must not reshuffle: a multiplicative hash of the inspection id (Knuth's constant)
# spread over a million buckets decides, the same on SQLite and PostgreSQL.
HASH_MULTIPLIER = 2654435761
BUCKETS = 1_000_000
# Riskier inspections are sampled more often: each risk multiplies by adding one to the weight.
HIGH_VALUE = 500.0
LOW_SCORE = 0.6
NEW_AUTHENTICATOR_DAYS = 30
SAMPLE_RATE_SETTING = "review_sample_rate"
# The migration that stores the choice: a database upgraded from before it is filled once.
FIRST_STORED_SAMPLE = "0015"
FILL_BATCH = 50_000  # inspection ids per transaction of the fill


def set_sample_rate(ctx: ServiceContext, actor: Actor, rate: float) -> float:
    """Set the share of passes and fails sampled for a blind review, for every station (admin; audited).

    It applies to inspections finished from now on; those finished before keep their choice."""
    if not 0.0 <= rate <= 1.0:
        raise BadInput("The sample rate is a share between 0 and 1, such as 0.1 for one in ten.")
    with ctx.db.transaction() as session:
        actor = ctx.authorize(session, actor, Permission.MANAGE_USERS)  # an admin's setting
        row = session.get(DeskSetting, SAMPLE_RATE_SETTING)
        previous = float(row.value) if row is not None else float(ctx.settings.review_sample_rate)
        if row is None:
            session.add(DeskSetting(name=SAMPLE_RATE_SETTING, value=repr(float(rate))))
        else:
            row.value = repr(float(rate))
        append_event(session, action="desk.sample_rate", entity="desk_setting", entity_id=SAMPLE_RATE_SETTING,
                     actor_id=actor.user_id, station=ctx.station_name,
                     data={"rate": float(rate), "previous": previous})
    return float(rate)


def sample_rate(ctx: ServiceContext, session: Session | None = None) -> float:
    """The share of inspections sampled for a blind second review: the desk's setting (shared by every
    station), else the station's settings."""
    if session is None:
        with ctx.db.read() as own:
            return sample_rate(ctx, own)
    row = session.get(DeskSetting, SAMPLE_RATE_SETTING)
    raw = row.value if row is not None else ctx.settings.review_sample_rate
    return max(0.0, min(1.0, float(raw)))


def risk_brands(ctx: ServiceContext) -> frozenset[str]:
    """Brands the deployment marks as risky (settings extra `review_risk_brands`, comma-separated)."""
    raw = ctx.settings.extra.get("review_risk_brands", "") if ctx.settings.extra else ""
    return frozenset(b.strip() for b in raw.split(",") if b.strip())


def new_authenticator_ids(session: Session, moment: datetime) -> list[int]:
    # The users table is small: deciding "new" here keeps the big query free of a join.
    cutoff = moment - timedelta(days=NEW_AUTHENTICATOR_DAYS)
    rows = session.execute(select(User.id, User.created_at)).all()
    return [uid for uid, created in rows if (as_utc(created) or moment) >= cutoff]


def risk_terms(brands: frozenset[str], new_ids: list[int]) -> list[ColumnElement[int]]:
    terms: list[ColumnElement[int]] = [
        # The inspection's copy of the value (migration 0006): what was at stake when it was inspected.
        case((Inspection.declared_value >= HIGH_VALUE, 1), else_=0),
        case((Inspection.min_score < LOW_SCORE, 1), else_=0),
    ]
    if brands:
        terms.append(case((Inspection.brand.in_(sorted(brands)), 1), else_=0))
    if new_ids:
        terms.append(case((Inspection.authenticator_id.in_(new_ids), 1), else_=0))
    return terms


def sample_bucket() -> ColumnElement[int]:
    return (Inspection.id * literal(HASH_MULTIPLIER)) % BUCKETS


def sampling_rule(ctx: ServiceContext, session: Session, moment: datetime) -> ColumnElement[bool]:
    """Whether the rule picks an inspection now: only for making the choice, never for reading it."""
    rate = sample_rate(ctx, session)
    weight: ColumnElement[int] = literal(1)
    for term in risk_terms(risk_brands(ctx), new_authenticator_ids(session, moment)):
        weight = weight + term
    return sample_bucket() < weight * int(rate * BUCKETS) if rate > 0 else false()


def sampled() -> ColumnElement[bool]:
    """The stored choice: picked by the sample when it was finished."""
    return Inspection.review_sampled.is_(True)


def blind_selected() -> ColumnElement[bool]:
    """Reviewed blind first: a second opinion was asked for, or the sample picked it."""
    return or_(Inspection.second_opinion.is_(True), sampled())


def choose_at_finish(ctx: ServiceContext, session: Session, inspection: Inspection) -> bool:
    """Decide, inside the finishing transaction, whether the sample picks this inspection; kept on it."""
    session.flush()
    picked = bool(session.scalar(select(sampling_rule(ctx, session, now()))
                                 .where(Inspection.id == inspection.id)))
    inspection.review_sampled = picked
    return picked


def fill_unchosen(ctx: ServiceContext, batch: int = FILL_BATCH) -> int:
    """Inspections finished before migration 0015 get the choice the rule gave when it was read live
    (so nothing waiting blind is un-blinded by the upgrade). Run by the start that applies the
    migration (`open_station`); returns how many the sample picked.

    Only the picked rows are written (NULL reads as "not picked"), a range of ids per transaction:
    rewriting every row of a large history in one transaction held the write lock for minutes on
    PostgreSQL (1,000,000 rows: 224 s under load).
    """
    with ctx.db.read() as session:
        highest = session.scalar(select(func.max(Inspection.id))) or 0
    picked = 0
    for low in range(0, highest + 1, batch):
        with ctx.db.transaction() as session:
            rule = sampling_rule(ctx, session, now())
            done = session.execute(update(Inspection)
                                   .where(Inspection.id >= low, Inspection.id < low + batch,
                                          Inspection.status == "finished",
                                          Inspection.review_sampled.is_(None), rule)
                                   .values(review_sampled=True).execution_options(synchronize_session=False))
            picked += int(getattr(done, "rowcount", 0) or 0)
    return picked
