"""The supervisors' review queue: what must be looked at, plus a stable risk-weighted sample."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql import Select

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput
from inspector.security.roles import Actor, Permission
from inspector.services import desk_lookup, review_claims, review_sample
from inspector.services.context import ServiceContext
from inspector.services.records import as_utc, now

# The sample's rule and rate live in review_sample; kept importable from here for existing callers.
from inspector.services.review_sample import HIGH_VALUE as HIGH_VALUE
from inspector.services.review_sample import LOW_SCORE as LOW_SCORE
from inspector.services.review_sample import sample_rate as sample_rate
from inspector.services.review_sample import set_sample_rate as set_sample_rate
from inspector.storage.models import Inspection, Item, Review, Station, User

# No sort by verdict: most waiting items are blind (their verdict may not order anything), and a
# period sorted by it read every candidate (SQLite 450 ms for a month at 1,000,000 inspections).
SORT_KEYS = ("finished_at", "id", "brand", "min_score", "declared_value", "authenticator", "station")
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


def _risk_shown(ctx: ServiceContext, moment: datetime) -> list[ColumnElement[int]]:
    """The risks the queue names for each entry (as they stand now; the sample was chosen at finish)."""
    with ctx.db.read() as session:
        return review_sample.risk_terms(review_sample.risk_brands(ctx),
                                        review_sample.new_authenticator_ids(session, moment))


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


def blind_candidate(session: Session, inspection_id: int) -> bool:
    """Whether a pass or fail is reviewed blind: a second opinion was asked for, or the sample picked it
    when it was finished."""
    found = session.scalar(select(review_sample.blind_selected())
                           .where(Inspection.id == inspection_id,
                                  Inspection.verdict.in_([Verdict.PASS.value, Verdict.FAIL.value])))
    return bool(found)


def _done() -> ColumnElement[bool]:
    """A review decided the inspection (a blind disagreement waiting for the panel did not)."""
    # An alias: the outer query may read the reviews table itself (the disagreement matrix).
    review = aliased(Review)
    return exists().where(review.inspection_id == Inspection.id, review.decision != "dispute")


def visible_verdict(viewer: int | None, *, decided: bool = True) -> ColumnElement[bool]:
    """The viewer may know the verdict: not one waiting for a blind review, unless they are its
    authenticator or recorded their own review of it. `viewer=None`: nobody in particular.

    `decided=False` where decided items are out anyway (the queue without reviewed ones).
    """
    review = aliased(Review)  # as in _done
    disputed = exists().where(review.inspection_id == Inspection.id, review.decision == "dispute")
    # Column tests first, and each review lookup only where it can matter: a dispute leaves the
    # item escalated until the panel decides, and only a sampled, second-opinion or escalated item
    # was ever hidden. Most rows are decided without touching the reviews table.
    blind_once = or_(review_sample.blind_selected(), Inspection.escalated.is_(True))
    branches = [Inspection.status != "finished", Inspection.verdict == Verdict.INCONCLUSIVE.value,
                and_(Inspection.second_opinion.is_(False), ~review_sample.sampled(),
                     or_(Inspection.escalated.is_(False), ~disputed))]
    if viewer is not None:
        mine = exists().where(review.inspection_id == Inspection.id, review.reviewer_id == viewer)
        branches += [Inspection.authenticator_id == viewer, and_(Inspection.escalated.is_(True), mine)]
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
    sampled = review_sample.sampled()
    terms = _risk_shown(ctx, moment)
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
               Inspection.authenticator_id,
               *[t.label(f"risk{i}") for i, t in enumerate(terms)])
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
            conditions.append(visible_verdict(viewer, decided=flt.include_reviewed))
            if not flt.include_reviewed:
                # Implied (a waiting pass or fail the viewer may see is an escalated one that was not
                # sampled): said outright, so the (verdict, escalated, finished_at) index is sought.
                conditions.append(Inspection.escalated.is_(True))
    sort_column = {
        "finished_at": Inspection.finished_at, "id": Inspection.id, "brand": Inspection.brand,
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
         escalated, second, sampled, authenticator_id, *risks) = row
        own = reviews.get(iid, [])
        disputed = any(decision == "dispute" for _, decision in own)
        # From the page's reviews: an EXISTS in the SELECT list made PostgreSQL hash every review.
        reviewed = any(decision != "dispute" for _, decision in own)
        blind = (verdict in (Verdict.PASS.value, Verdict.FAIL.value) and not reviewed
                 and (bool(second) or bool(sampled) or disputed)
                 and authenticator_id != actor.user_id
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
