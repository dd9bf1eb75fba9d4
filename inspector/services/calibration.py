"""Calibration: known test items with a known answer, slipped into authenticators' queues, scored."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from inspector.domain.verdict import Verdict
from inspector.errors import BadInput, NotFound
from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Inspection, Item, User


@dataclass(frozen=True)
class CalibrationItem:
    code: str
    known_verdict: str
    assigned_to: tuple[str, ...]


@dataclass(frozen=True)
class CalibrationScore:
    authenticator: str
    inspected: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.inspected if self.inspected else None


class CalibrationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def mark(self, actor: Actor, item_code: str, known_verdict: str, *, style_code: str | None = None,
             description: str = "") -> CalibrationItem:
        """Mark an item (new or existing) as a known test item with its right verdict."""
        try:
            verdict = Verdict(known_verdict)
        except ValueError as exc:
            raise BadInput(f"Unknown verdict {known_verdict!r}; use pass, fail or inconclusive.") from exc
        code = item_code.strip()
        if not code:
            raise BadInput("A calibration item needs a code.")
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.CALIBRATE)
            item = session.scalar(select(Item).where(Item.code == code))
            if item is None:
                item = Item(code=code, style_code=style_code, description=description)
                session.add(item)
            previous = item.calibration_verdict
            item.calibration_verdict = verdict.value
            session.flush()
            append_event(session, action="calibration.marked", entity="item", entity_id=item.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"code": code, "verdict": verdict.value, "previous": previous})
        return CalibrationItem(code, verdict.value, self._assigned(code))

    def assign(self, actor: Actor, item_code: str, authenticator: str) -> CalibrationItem:
        """Slip a calibration item into an authenticator's queue (an audit event they cannot see)."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.CALIBRATE)
            item = session.scalar(select(Item).where(Item.code == item_code.strip()))
            if item is None or item.calibration_verdict is None:
                raise NotFound(f"{item_code!r} is not a calibration item; mark it first.")
            user = session.scalar(select(User).where(func.lower(User.name) == authenticator.strip().lower()))
            if user is None:
                raise NotFound(f"There is no user named {authenticator!r}.")
            append_event(session, action="calibration.assigned", entity="item", entity_id=item.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"code": item.code, "authenticator": user.id})
        return CalibrationItem(item.code, item.calibration_verdict, self._assigned(item.code))

    def pending_for(self, user_id: int) -> list[str]:
        """Item codes assigned to this authenticator that they have not inspected yet (for their station)."""
        with self.ctx.db.read() as session:
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
            rows = session.execute(select(Item.code, Item.calibration_verdict)
                                   .where(Item.calibration_verdict.is_not(None)).order_by(Item.code)).all()
        return [CalibrationItem(code, verdict or "", self._assigned(code)) for code, verdict in rows]

    def scores(self, actor: Actor) -> list[CalibrationScore]:
        """Each authenticator's accuracy on calibration items they finished."""
        right = func.sum(case((Inspection.verdict == Item.calibration_verdict, 1), else_=0))
        query = (select(User.name, func.count(), right)
                 .join(Item, Item.id == Inspection.item_id)
                 .join(User, User.id == Inspection.authenticator_id)
                 .where(and_(Item.calibration_verdict.is_not(None), Inspection.status == "finished"))
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
