"""Calibration: known test items with a known answer, slipped into authenticators' queues, scored."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, NotFound
from inspector.security.roles import Actor, Permission
from inspector.services import desk_lookup
from inspector.services.context import ServiceContext
from inspector.services.rates import Rate
from inspector.services.records import as_utc, now
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Inspection, Item, User

# (session, inspection id, reason, actor user id) -> voided serials; the certificates' void_certificate.
VoidHook = Callable[[Session, int, str, int], list[str] | None]


@dataclass(frozen=True)
class CalibrationItem:
    code: str
    known_verdict: str
    assigned_to: tuple[str, ...]
    counts_from: datetime | None = None  # inspections finished from then count; None: all of them


@dataclass(frozen=True)
class CalibrationScore:
    authenticator: str
    inspected: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.inspected if self.inspected else None

    def rates(self) -> dict[str, Rate]:
        """The accuracy with its n and 95% interval (what a table and its CSV show)."""
        return {"accuracy": Rate(self.correct, self.inspected)}


def counted() -> ColumnElement[bool]:
    """An inspection counts for calibration when its item is marked and it finished after the mark's
    start (the mark's moment unless chosen explicitly)."""
    return and_(Item.calibration_verdict.is_not(None), Inspection.status == "finished",
                or_(Item.calibration_since.is_(None), Inspection.finished_at >= Item.calibration_since))


def right_answers() -> ColumnElement[int]:
    """Right when the authenticator's own verdict at the time matched: never a later correction."""
    return func.sum(case((Inspection.first_verdict == Item.calibration_verdict, 1), else_=0))


class CalibrationService:
    def __init__(self, ctx: ServiceContext, void_hooks: list[VoidHook] | None = None) -> None:
        self.ctx = ctx
        # Voids an inspection's certificates in the caller's transaction (the certificates service's
        # void_certificate, as for an overturn): a known fake must not keep a valid certificate.
        self.void_hooks = void_hooks if void_hooks is not None else []

    def mark(self, actor: Actor, item_code: str, known_verdict: str, *, since: datetime | None = None,
             include_earlier: bool = False, create: bool = False, style_code: str | None = None,
             description: str = "") -> CalibrationItem:
        """Mark an item as a known test item with its right verdict.

        Inspections finished from now on count, or from `since`, or all of them with
        `include_earlier`. An unknown code is refused (a typo must not make a phantom item) unless
        `create` says the item is new. Marked a known fail, every valid certificate of it is voided.
        """
        try:
            verdict = Verdict(known_verdict)
        except ValueError as exc:
            raise BadInput(f"Unknown verdict {known_verdict!r}; use pass, fail or inconclusive.") from exc
        code = item_code.strip()
        if not code:
            raise BadInput("A calibration item needs a code.")
        start = None if include_earlier else (since or now())
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.CALIBRATE)
            item = session.scalar(select(Item).where(Item.code == code))
            if item is None:
                if not create:
                    raise NotFound(f"There is no item {code!r}; check the code, or mark it as a new item.")
                item = Item(code=code, style_code=style_code, description=description)
                session.add(item)
                session.flush()
                # The item is new: its event states it, so the replay explains the row.
                append_event(session, action="item.created", entity="item", entity_id=item.id,
                             actor_id=actor.user_id, station=self.ctx.station_name,
                             data={"code": code, "style_code": style_code, "description": description,
                                   "declared_value": None})
            previous, previous_since = item.calibration_verdict, as_utc(item.calibration_since)
            item.calibration_verdict = verdict.value
            item.calibration_since = start
            session.flush()
            voided: list[str] = []
            if verdict is not Verdict.PASS:
                of_item = select(Inspection.id).where(Inspection.item_id == item.id)
                for inspection_id in session.scalars(of_item):
                    for hook in self.void_hooks:
                        voided += list(hook(session, inspection_id,
                                            f"calibration item: known {verdict.value}", actor.user_id) or [])
            append_event(session, action="calibration.marked", entity="item", entity_id=item.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"code": code, "verdict": verdict.value, "previous": previous,
                               "since": start.isoformat() if start else None,
                               "previous_since": previous_since.isoformat() if previous_since else None,
                               "created": create and previous is None, "voided": voided})
        return CalibrationItem(code, verdict.value, self._assigned(code), start)

    def unmark(self, actor: Actor, item_code: str, reason: str = "") -> None:
        """The item is no longer a test item: its inspections stop counting (audited, with what it was)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.CALIBRATE)
            item = session.scalar(select(Item).where(Item.code == item_code.strip()))
            if item is None or item.calibration_verdict is None:
                raise NotFound(f"{item_code.strip()!r} is not a calibration item.")
            previous, previous_since = item.calibration_verdict, as_utc(item.calibration_since)
            item.calibration_verdict = None
            item.calibration_since = None
            append_event(session, action="calibration.unmarked", entity="item", entity_id=item.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"code": item.code, "verdict": None, "previous": previous,
                               "previous_since": previous_since.isoformat() if previous_since else None,
                               "reason": reason.strip()})

    def assign(self, actor: Actor, item_code: str, authenticator: str) -> CalibrationItem:
        """Slip a calibration item into an authenticator's queue (an audit event they cannot see)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.CALIBRATE)
            item = session.scalar(select(Item).where(Item.code == item_code.strip()))
            if item is None or item.calibration_verdict is None:
                raise NotFound(f"{item_code!r} is not a calibration item; mark it first.")
            user = desk_lookup.find_user(session, authenticator)  # badge or start of the name
            append_event(session, action="calibration.assigned", entity="item", entity_id=item.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"code": item.code, "authenticator": user.id})
        return CalibrationItem(item.code, item.calibration_verdict, self._assigned(item.code))

    def pending_for(self, actor: Actor) -> list[str]:
        """Item codes assigned to the logged-in user that they have not inspected yet (for their station)."""
        with self.ctx.db.read() as session:
            user_id = self.ctx.authorize(session, actor, Permission.INSPECT).user_id
            events = session.execute(select(AuditEvent.entity_id, AuditEvent.data)
                                     .where(AuditEvent.action == "calibration.assigned")).all()
            mine = {int(eid) for eid, data in events if json.loads(data).get("authenticator") == user_id}
            if not mine:
                return []
            done = set(session.scalars(select(Inspection.item_id).where(
                Inspection.item_id.in_(mine), Inspection.authenticator_id == user_id)))
            codes = session.scalars(select(Item.code).where(Item.id.in_(mine - done)).order_by(Item.code))
            return list(codes)

    def items(self, actor: Actor) -> list[CalibrationItem]:
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.CALIBRATE)
            rows = session.execute(select(Item.code, Item.calibration_verdict, Item.calibration_since)
                                   .where(Item.calibration_verdict.is_not(None)).order_by(Item.code)).all()
        return [CalibrationItem(code, verdict or "", self._assigned(code), as_utc(start))
                for code, verdict, start in rows]

    def scores(self, actor: Actor) -> list[CalibrationScore]:
        """Each authenticator's accuracy on calibration items they finished."""
        query = (select(User.name, func.count(), right_answers())
                 .join(Item, Item.id == Inspection.item_id)
                 .join(User, User.id == Inspection.authenticator_id)
                 .where(counted())
                 .group_by(User.name).order_by(User.name))
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.CALIBRATE)
            return [CalibrationScore(name, int(n), int(ok or 0)) for name, n, ok in session.execute(query)]

    def _assigned(self, code: str) -> tuple[str, ...]:
        with self.ctx.db.read() as session:
            item_id = session.scalar(select(Item.id).where(Item.code == code))
            if item_id is None:
                return ()
            datas = session.scalars(select(AuditEvent.data).where(
                AuditEvent.action == "calibration.assigned", AuditEvent.entity == "item",
                AuditEvent.entity_id == str(item_id))).all()
            names = {uid: name for uid, name in session.execute(select(User.id, User.name))}
        return tuple(sorted({names.get(int(json.loads(d)["authenticator"]), "?") for d in datas}))
