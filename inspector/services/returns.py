"""Returns: is the item that came back the same physical unit that passed? Photos then vs now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspector.errors import NotFound
from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import Inspection, Photo


@dataclass(frozen=True)
class StepUnitMatch:
    step_id: str
    score: float
    same: bool
    message: str


@dataclass(frozen=True)
class ReturnCheck:
    inspection_id: int
    passed_inspection_id: int
    same: bool
    score: float
    steps: tuple[StepUnitMatch, ...]

    @property
    def message(self) -> str:
        verdict = "the same unit" if self.same else "NOT the same unit"
        return (f"Inspection {self.inspection_id} vs passed inspection {self.passed_inspection_id}: "
                f"{verdict} ({self.score:.0%} of fine detail agrees at worst)")


class ReturnService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def check(self, actor: Actor, inspection_id: int) -> ReturnCheck:
        """Compare, step by step, this inspection's photos with those of the item's last pass."""
        from inspector.vision.fingerprint import same_unit
        from inspector.vision.imageio import decode_image

        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            now = session.get(Inspection, inspection_id)
            if now is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            passed = session.scalar(
                select(Inspection).where(
                    Inspection.item_id == now.item_id, Inspection.id != now.id,
                    Inspection.verdict == "pass", Inspection.started_at <= now.started_at,
                ).order_by(Inspection.started_at.desc()).limit(1)
            )
            if passed is None:
                raise NotFound("This item has no earlier passed inspection to compare with.")
            photos = session.execute(
                select(Photo.inspection_id, Photo.step_id, Photo.sha256)
                .where(Photo.inspection_id.in_([now.id, passed.id])).order_by(Photo.id)
            ).all()
            passed_id = passed.id
        then_by_step: dict[str, list[str]] = {}
        now_by_step: dict[str, list[str]] = {}
        for owner, step_id, sha256 in photos:
            (now_by_step if owner == inspection_id else then_by_step).setdefault(step_id, []).append(sha256)
        shared = [step for step in now_by_step if step in then_by_step]
        if not shared:
            raise NotFound("No step has photos both now and from when the item passed.")
        results = []
        for step_id in shared:
            match = same_unit([decode_image(self.ctx.photos.read(s)) for s in then_by_step[step_id]],
                              [decode_image(self.ctx.photos.read(s)) for s in now_by_step[step_id]])
            results.append(StepUnitMatch(step_id, match.score, match.same, match.message))
        outcome = ReturnCheck(inspection_id, passed_id, all(r.same for r in results),
                              min(r.score for r in results), tuple(results))
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            append_event(session, action="return.checked", entity="inspection", entity_id=inspection_id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"passed_inspection": passed_id, "same": outcome.same,
                               "score": round(outcome.score, 4)})
        return outcome
