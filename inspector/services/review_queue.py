"""The supervisors' review queue: what must be looked at, plus a stable risk-weighted sample."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, literal, literal_column, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import Select

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services import desk_lookup, review_claims
from inspector.services.context import ServiceContext
from inspector.services.records import as_utc, now
from inspector.storage.audit import append_event
from inspector.storage.models import DeskSetting, Inspection, Item, Review, Station, User

# The sample must not reshuffle between refreshes: a multiplicative hash of the inspection id
# (Knuth's constant) spread over a million buckets decides, the same on SQLite and PostgreSQL.
HASH_MULTIPLIER = 2654435761
BUCKETS = 1_000_000
# Riskier inspections are sampled more often: each risk multiplies by adding one to the weight.
HIGH_VALUE = 500.0
LOW_SCORE = 0.6
NEW_AUTHENTICATOR_DAYS = 30
SORT_KEYS = ("finished_at", "id", "brand", "verdict", "min_score", "declared_value",
             "authenticator", "station")
# Sort keys indexed together with the finish time (migrations 0005 and 0006).
INDEXED_WITH_FINISH = ("min_score", "declared_value")
# A queue over a longer period sorted by one of those walks its index (see _walks_sort_index).
WALK_SORT_INDEX_OVER = timedelta(days=3)


@dataclass(frozen=True)
class QueueFilter:
    since: datetime | None = None
    until: datetime | None = None
    station: str | None = None
    authenticator: str | None = None
    brand: str | None = None
    verdict: str | None = None
    sort: str = "finished_at"
    descending: bool = True
    limit: int = 200
    include_reviewed: bool = False


@dataclass(frozen=True)
class QueueEntry:
    inspection_id: int
    item_code: str
    brand: str
    verdict: str
    authenticator: str
    station: str
    finished_at: datetime | None
    min_score: float | None
    declared_value: float | None
    reasons: tuple[str, ...]
    risk: int
    reviewed: bool
    # Reviewed blind by this viewer: `verdict` is empty until they record theirs.
    blind: bool = False
    claimed_by: str | None = None
    claim_expires: datetime | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.inspection_id, "item": self.item_code, "brand": self.brand,
            "verdict": None if self.blind else self.verdict, "blind": self.blind,
            "authenticator": self.authenticator, "station": self.station,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "min_score": self.min_score, "declared_value": self.declared_value,
            "reasons": list(self.reasons), "risk": self.risk, "reviewed": self.reviewed,
            "claimed_by": self.claimed_by,
            "claim_expires": self.claim_expires.isoformat() if self.claim_expires else None,
        }

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its column types).
Rows = Select[*tuple[Any, ...]]


SAMPLE_RATE_SETTING = "review_sample_rate"


def set_sample_rate(ctx: ServiceContext, actor: Actor, rate: float) -> float:
    """Set the share of passes and fails sampled for a blind review, for every station (admin; audited)."""
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


def sample_rate(ctx: ServiceContext) -> float:
    """The share of inspections sampled for a blind second review: the desk's setting (shared by every
    station), else the station's settings."""
    with ctx.db.read() as session:
        row = session.get(DeskSetting, SAMPLE_RATE_SETTING)
    raw = row.value if row is not None else ctx.settings.review_sample_rate
    return max(0.0, min(1.0, float(raw)))


def risk_brands(ctx: ServiceContext) -> frozenset[str]:
    """Brands the deployment marks as risky (settings extra `review_risk_brands`, comma-separated)."""
    raw = ctx.settings.extra.get("review_risk_brands", "") if ctx.settings.extra else ""
    return frozenset(b.strip() for b in raw.split(",") if b.strip())


def _new_authenticator_ids(ctx: ServiceContext, moment: datetime) -> list[int]:
    # The users table is small: deciding "new" here keeps the big query free of a join.
    cutoff = moment - timedelta(days=NEW_AUTHENTICATOR_DAYS)
    with ctx.db.read() as session:
        rows = session.execute(select(User.id, User.created_at)).all()
    return [uid for uid, created in rows if (as_utc(created) or moment) >= cutoff]


def _risk_terms(brands: frozenset[str], new_ids: list[int]) -> list[ColumnElement[int]]:
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


def _plain(ctx: ServiceContext, column: InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """The column as a plain value SQLite's planner will not seek an index by (`+column`).

    Used on the inspection's side of the joins to users and stations (else SQLite starts from the
    small table and reads a month of inspections through the (authenticator or station, finished_at)
    index, then sorts them all), and on the period when the sort key's index should be walked.
    """
    if ctx.db.dialect == "sqlite":
        return literal_column(f"+inspections.{column.key}", column.type)
    return column.expression


def _walks_sort_index(flt: QueueFilter, moment: datetime) -> bool:
    """Whether the queue should walk the sort key's (key, finished_at) index rather than seek the period.

    Over more than a few days, walking the key's index in order and stopping at the limit reads far
    less than sorting every candidate of the period (a month at 1,000,000 a year: ~10 ms against
    ~300-500 ms). SQLite's planner cannot see that (it does not weigh the LIMIT), PostgreSQL's can.
    A station, authenticator, brand or verdict filter has its own (column, finished_at) index and
    keeps the candidates few: left to the planner.
    """
    if flt.sort not in INDEXED_WITH_FINISH or any((flt.station, flt.authenticator, flt.brand, flt.verdict)):
        return False
    if flt.since is None:
        return True
    return (flt.until or moment) - flt.since > WALK_SORT_INDEX_OVER


def sample_bucket() -> ColumnElement[int]:
    return (Inspection.id * literal(HASH_MULTIPLIER)) % BUCKETS


def sampled_condition(ctx: ServiceContext,
                      moment: datetime) -> tuple[ColumnElement[bool], list[ColumnElement[int]]]:
    """Whether an inspection is in the risk-weighted random sample, and the risk terms."""
    rate = sample_rate(ctx)
    terms = _risk_terms(risk_brands(ctx), _new_authenticator_ids(ctx, moment))
    weight: ColumnElement[int] = literal(1)
    for term in terms:
        weight = weight + term
    sampled = sample_bucket() < weight * int(rate * BUCKETS) if rate > 0 else false()
    return sampled, terms


def blind_candidate(ctx: ServiceContext, session: Session, inspection_id: int) -> bool:
    """Whether a pass or fail is reviewed blind: a second opinion was asked for, or it is sampled."""
    sampled, _ = sampled_condition(ctx, now())
    found = session.scalar(select(or_(Inspection.second_opinion.is_(True), sampled))
                           .where(Inspection.id == inspection_id,
                                  Inspection.verdict.in_([Verdict.PASS.value, Verdict.FAIL.value])))
    return bool(found)


def _done() -> ColumnElement[bool]:
    """A review decided the inspection (a blind disagreement waiting for the panel did not)."""
    return exists().where(Review.inspection_id == Inspection.id, Review.decision != "dispute")


def visible_verdict(sampled: ColumnElement[bool], viewer: int, *,
                    decided: bool = True) -> ColumnElement[bool]:
    """The viewer may know the verdict: not one waiting for a blind review they have not recorded.

    `decided=False` where decided items are out anyway (the queue without reviewed ones).
    """
    disputed = exists().where(Review.inspection_id == Inspection.id, Review.decision == "dispute")
    mine = exists().where(Review.inspection_id == Inspection.id, Review.reviewer_id == viewer)
    # Column tests first, and each review lookup only where it can matter: a dispute leaves the
    # item escalated until the panel decides, and only a sampled, second-opinion or escalated item
    # was ever hidden. Most rows are decided without touching the reviews table.
    blind_once = or_(Inspection.second_opinion.is_(True), sampled, Inspection.escalated.is_(True))
    branches = [Inspection.verdict == Verdict.INCONCLUSIVE.value,
                and_(Inspection.second_opinion.is_(False), ~sampled,
                     or_(Inspection.escalated.is_(False), ~disputed)),
                and_(Inspection.escalated.is_(True), mine)]
    if decided:
        branches.append(and_(blind_once, _done()))
    return or_(*branches)


def queue_query(ctx: ServiceContext, flt: QueueFilter, *, moment: datetime | None = None,
                missing: bool | None = None, viewer: int = 0) -> Rows:
    """The SELECT behind the queue (also used by the benchmark for EXPLAIN).

    `missing`: for a sort by score or value, only the rows without one (True) or with one (False).
    `viewer`: the reviewer's user id; blind items' verdicts neither filter nor sort for them.
    """
    if flt.sort not in SORT_KEYS:
        raise BadInput(f"Cannot sort by {flt.sort!r}; use one of {', '.join(SORT_KEYS)}.")
    moment = moment or now()
    sampled, terms = sampled_condition(ctx, moment)
    must_review = or_(Inspection.verdict == Verdict.INCONCLUSIVE.value,
                      Inspection.escalated.is_(True), Inspection.second_opinion.is_(True))
    if flt.include_reviewed:
        # An inconclusive item a review decided stays in the list of reviewed ones.
        must_review = or_(must_review, Inspection.first_verdict == Verdict.INCONCLUSIVE.value)
    reviewed = _done()
    query = (
        select(Inspection.id, Item.code, Inspection.brand, Inspection.verdict, User.name,
               Station.name, Inspection.finished_at, Inspection.min_score, Inspection.declared_value,
               Inspection.escalated, Inspection.second_opinion, sampled.label("sampled"),
               reviewed.label("reviewed"), *[t.label(f"risk{i}") for i, t in enumerate(terms)])
        .join(Item, Item.id == Inspection.item_id)
        .join(User, User.id == _plain(ctx, Inspection.authenticator_id))
        .join(Station, Station.id == _plain(ctx, Inspection.station_id))
        .where(Inspection.status == "finished", or_(must_review, sampled))
    )
    conditions: list[ColumnElement[bool]] = []
    if not flt.include_reviewed:
        conditions.append(~reviewed)
    finished_at = (_plain(ctx, Inspection.finished_at) if _walks_sort_index(flt, moment)
                   else Inspection.finished_at)
    if flt.since:
        conditions.append(finished_at >= flt.since)
    if flt.until:
        conditions.append(finished_at < flt.until)
    if flt.station:
        conditions.append(Inspection.station_id == _id_of(ctx, Station, flt.station, "station"))
    if flt.authenticator:
        conditions.append(Inspection.authenticator_id == desk_lookup.user_id(ctx, flt.authenticator))
    if flt.brand:
        # With a pass/fail filter the few escalated ones are sought by (verdict, escalated, finished_at);
        # SQLite would rather walk the brand's index through every fail of the brand.
        brand = (_plain(ctx, Inspection.brand) if flt.verdict in (Verdict.PASS.value, Verdict.FAIL.value)
                 and not flt.include_reviewed else Inspection.brand)
        # Plain equalities (not an expanding IN): one spelling is the usual case, and the statement
        # stays EXPLAIN-able with its bound parameters.
        conditions.append(or_(*(brand == b for b in desk_lookup.brand_spellings(ctx, flt.brand))))
    if flt.verdict:
        try:
            conditions.append(Inspection.verdict == Verdict(flt.verdict).value)
        except ValueError as exc:
            raise BadInput(f"Unknown verdict {flt.verdict!r}; use pass, fail or inconclusive.") from exc
        if flt.verdict != Verdict.INCONCLUSIVE.value:
            # Filtering by a verdict the viewer must not know yet would tell it: blind items stay out.
            conditions.append(visible_verdict(sampled, viewer, decided=flt.include_reviewed))
            if not flt.include_reviewed:
                # Implied (a waiting pass or fail the viewer may see is an escalated one that was not
                # sampled): said outright, so the (verdict, escalated, finished_at) index is sought.
                conditions.append(Inspection.escalated.is_(True))
    sort_column = {
        "finished_at": Inspection.finished_at, "id": Inspection.id, "brand": Inspection.brand,
        # Every item that could be blind sorts as "" (column tests only: a sort reads the whole period,
        # an EXISTS per row would cost seconds at 1,000,000).
        "verdict": case((and_(Inspection.verdict != Verdict.INCONCLUSIVE.value,
                              or_(Inspection.second_opinion.is_(True), sampled)), literal("")),
                        else_=Inspection.verdict),
        "min_score": Inspection.min_score,
        "declared_value": Inspection.declared_value, "authenticator": User.name, "station": Station.name,
    }[flt.sort]
    if missing is not None and flt.sort in INDEXED_WITH_FINISH:
        conditions.append(sort_column.is_(None) if missing else sort_column.is_not(None))
    if conditions:
        query = query.where(and_(*conditions))
    # Ties broken by finish time, then id, so the order is stable between refreshes. The score and
    # value indexes are (key, finished_at): sorted this way the planner walks them and stops at the
    # limit, even when many inspections share a value.
    keys = [sort_column]
    if flt.sort in INDEXED_WITH_FINISH:
        keys.append(Inspection.finished_at)
    if flt.sort != "id":
        keys.append(Inspection.id)
    order = [key.desc() if flt.descending else key.asc() for key in keys]
    return query.order_by(*order).limit(max(1, min(flt.limit, 5000)))


def _id_of(ctx: ServiceContext, model: type[Station] | type[User], name: str, what: str) -> int:
    with ctx.db.read() as session:
        found = session.scalar(select(model.id).where(func.lower(model.name) == name.strip().lower()))
    if found is None:
        raise BadInput(f"There is no {what} named {name!r}.")
    return int(found)


def review_queue(ctx: ServiceContext, actor: Actor, flt: QueueFilter | None = None) -> list[QueueEntry]:
    """Inspections waiting for a supervisor, newest first by default."""
    flt = flt or QueueFilter()
    moment = now()
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.REVIEW)
        if flt.sort in INDEXED_WITH_FINISH:
            # Inspections without a score or value come after the rest in either order, on both
            # databases (SQLite puts NULL lowest, PostgreSQL highest). NULLS LAST in one query would
            # stop the index walk, so the known ones are read first and the missing ones fill up.
            rows = list(session.execute(queue_query(ctx, flt, missing=False, moment=moment,
                                                    viewer=actor.user_id)).all())
            room = min(flt.limit, 5000) - len(rows)
            if room > 0:
                rest = replace(flt, limit=room)
                rows += session.execute(queue_query(ctx, rest, missing=True, moment=moment,
                                                    viewer=actor.user_id)).all()
        else:
            rows = list(session.execute(queue_query(ctx, flt, moment=moment, viewer=actor.user_id)).all())
        ids = [row[0] for row in rows]
        # The page's reviews and claims in two small reads, not in the big query's plan.
        reviews = _reviews_by_inspection(session, ids)
        claims = review_claims.claims_for(session, ids)
    entries: list[QueueEntry] = []
    for row in rows:
        (iid, code, brand, verdict, user_name, station_name, finished, score, value,
         escalated, second, sampled, reviewed, *risks) = row
        own = reviews.get(iid, [])
        disputed = any(decision == "dispute" for _, decision in own)
        blind = (verdict in (Verdict.PASS.value, Verdict.FAIL.value) and not reviewed
                 and (bool(second) or bool(sampled) or disputed)
                 and not any(reviewer == actor.user_id for reviewer, _ in own))
        reasons: list[str] = []
        if verdict == Verdict.INCONCLUSIVE.value and not disputed:
            reasons.append("inconclusive")
        if second:
            reasons.append("second opinion")
        if disputed and not reviewed:
            reasons.append("panel")
        elif escalated:
            reasons.append("escalated")
        if sampled and not reasons:
            reasons.append("sample")
        claim = claims.get(iid)
        entries.append(QueueEntry(
            inspection_id=iid, item_code=code, brand=brand, verdict="" if blind else verdict or "",
            authenticator=user_name, station=station_name, finished_at=as_utc(finished),
            min_score=score, declared_value=value, reasons=tuple(reasons),
            risk=int(sum(int(r) for r in risks)), reviewed=bool(reviewed), blind=blind,
            claimed_by=claim.reviewer_name if claim else None,
            claim_expires=claim.expires_at if claim else None))
    return entries


def _reviews_by_inspection(session: Session, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    if ids:
        for iid, reviewer, decision in session.execute(
                select(Review.inspection_id, Review.reviewer_id, Review.decision)
                .where(Review.inspection_id.in_(ids))):
            found.setdefault(iid, []).append((reviewer, decision))
    return found
