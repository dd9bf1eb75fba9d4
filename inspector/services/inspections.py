"""The inspection at the bench: start or resume, photos, step results, verdict."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.domain.checklist import Checklist, Step, normalise_code
from inspector.domain.loading import LoadedChecklist
from inspector.domain.values import check_value
from inspector.domain.verdict import (
    FailReason,
    Outcome,
    ProposedVerdict,
    Verdict,
    propose_verdict,
)
from inspector.errors import BadInput, InvalidState, NotFound, PermissionDenied
from inspector.security.roles import Actor, Permission
from inspector.services import read_access, records, review_sample, review_stage
from inspector.services.context import ServiceContext
from inspector.services.views import (
    InspectionDetail,
    InspectionView,
    ItemView,
    PhotoView,
    StepResultView,
)
from inspector.storage.audit import append_event
from inspector.storage.models import (
    ChecklistSnapshot,
    Inspection,
    Item,
    Photo,
    StepResult,
    User,
)


class NeedsChecklist(BadInput):
    """No checklist matches the item's code: the user must choose one or give a style code."""


@dataclass(frozen=True)
class Started:
    inspection: InspectionView
    resumed: bool


class InspectionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- starting -------------------------------------------------------------------------

    def checklist_for(self, code: str) -> LoadedChecklist | None:
        return self.ctx.library.for_code(code)

    def start_or_resume(
        self,
        actor: Actor,
        item_code: str,
        *,
        style_code: str | None = None,
        checklist_id: str | None = None,
        description: str = "",
        declared_value: float | None = None,
    ) -> Started:
        """Open the item's unfinished inspection, or start one with the checklist its code selects."""
        item_code = item_code.strip()
        if not item_code:
            raise BadInput("Scan or type the item's code first.")
        style_code = normalise_code(style_code) if style_code else None
        def start(session: Session) -> Started:
            actor_now = self.ctx.authorize(session, actor, Permission.INSPECT)
            item = session.scalar(select(Item).where(Item.code == item_code))
            if item is None:
                item = Item(code=item_code, style_code=style_code, description=description,
                            declared_value=declared_value)
                session.add(item)
                session.flush()
                append_event(session, action="item.created", entity="item", entity_id=item.id,
                             actor_id=actor_now.user_id, station=self.ctx.station_name,
                             data={"code": item.code, "style_code": item.style_code,
                                   "description": item.description, "declared_value": item.declared_value})
            elif style_code and not item.style_code:
                item.style_code = style_code
                append_event(session, action="item.style_code_set", entity="item", entity_id=item.id,
                             actor_id=actor_now.user_id, station=self.ctx.station_name,
                             data={"code": item.code, "style_code": style_code})
            unfinished = session.scalar(
                select(Inspection).where(Inspection.item_id == item.id, Inspection.status == "open")
                .order_by(Inspection.id.desc()).limit(1)
            )
            if unfinished is not None:
                self._check_holder(session, unfinished, actor_now)
                return Started(records.inspection_view(session, self.ctx, unfinished), resumed=True)
            loaded = self._choose_checklist(item, checklist_id)
            snapshot = session.get(ChecklistSnapshot, loaded.content_hash)
            if snapshot is None:
                session.add(ChecklistSnapshot(
                    content_hash=loaded.content_hash, checklist_id=loaded.checklist.id,
                    version=loaded.checklist.version, source_text=loaded.source_text,
                ))
            checklist = loaded.checklist
            inspection = Inspection(
                item_id=item.id, checklist_id=checklist.id, checklist_version=checklist.version,
                checklist_hash=loaded.content_hash, brand=checklist.brand,
                authenticator_id=actor_now.user_id, station_id=self.ctx.station_id(session),
                status="open", current_step=checklist.steps[0].id,
                # The value at inspection time is the risk taken: the review queue weighs and sorts
                # by this copy, which a later edit of the item does not change.
                declared_value=item.declared_value,
            )
            session.add(inspection)
            session.flush()
            append_event(session, action="inspection.started", entity="inspection",
                         entity_id=inspection.id, actor_id=actor_now.user_id,
                         station=self.ctx.station_name,
                         data={"item": item.code, "checklist": checklist.id,
                               "version": checklist.version, "hash": loaded.content_hash})
            return Started(records.inspection_view(session, self.ctx, inspection), resumed=False)

        # Two benches may scan the same new item at once: the second one's retry resumes the first's.
        return self.ctx.db.run_transaction(start, retry_on_duplicate=True)

    def _choose_checklist(self, item: Item, checklist_id: str | None) -> LoadedChecklist:
        if checklist_id:
            try:
                return self.ctx.library.get(checklist_id)
            except KeyError as exc:
                raise NotFound(f"There is no checklist {checklist_id!r}.") from exc
        for code in (item.style_code, item.code):
            if code:
                found = self.ctx.library.for_code(code)
                if found is not None:
                    return found
        raise NeedsChecklist(
            f"No checklist matches item {item.code}; scan its style code or choose a checklist."
        )

    def unfinished(self, actor: Actor) -> list[InspectionView]:
        """Open inspections a restart offers to resume: the user's own, or every one for a supervisor
        (who may take one over)."""
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            query = select(Inspection).where(Inspection.status == "open")
            if not read_access.sees_every_inspection(actor):
                query = query.where(Inspection.authenticator_id == actor.user_id)
            rows = session.scalars(query.order_by(Inspection.started_at.desc())).all()
            return [records.inspection_view(session, self.ctx, row) for row in rows]

    # --- photos ---------------------------------------------------------------------------

    def add_photo(
        self,
        actor: Actor,
        inspection_id: int,
        step_id: str,
        data: bytes,
        *,
        source: str = "camera",
        quality_notes: Sequence[str] = (),
        client_ref: str | None = None,
    ) -> PhotoView:
        """Keep the photo on disk first, then record it; a retry with the same client_ref is a no-op."""
        from inspector.vision.hashing import HASH_DECODE_SIDE, perceptual_hash
        from inspector.vision.imageio import decode_image_with_size

        # A reduced decode checks every byte of the file as a full one would, at a fraction of the
        # cost (a 12 MP JPEG: ~20 ms instead of ~65, plus a smaller image to hash).
        image, (width, height) = decode_image_with_size(data, min_side=HASH_DECODE_SIDE)
        phash = perceptual_hash(image)
        stored = self.ctx.photos.put(data)
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            if client_ref:
                retried = session.scalar(select(Photo).where(Photo.client_ref == client_ref))
                if retried is not None:
                    return records.photo_view(session, retried)
            inspection = self._held_inspection(session, inspection_id, actor)
            self._step(session, inspection, step_id)
            earlier = self.ctx.resubmissions.find(session, phash, inspection.item_id)
            photo = Photo(
                inspection_id=inspection.id, step_id=step_id, sha256=stored.sha256,
                size=stored.size, width=int(width), height=int(height), phash=phash,
                source=source, quality_notes=json.dumps(list(quality_notes)),
                captured_by=actor.user_id, client_ref=client_ref,
                resubmitted_from=json.dumps(earlier),
            )
            session.add(photo)
            session.flush()
            view = records.photo_view(session, photo)
            append_event(session, action="photo.added", entity="photo", entity_id=photo.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"inspection": inspection.id, "step": step_id,
                               "sha256": stored.sha256, "source": source,
                               "resubmitted_from": [r[0] for r in view.resubmitted_from]})
            return view

    def set_photo_aside(self, actor: Actor, photo_id: int, reason: str = "") -> PhotoView:
        """Set a photo aside so it can be retaken: it no longer counts for its step or shows at the
        bench, but its row and its file stay and the audit log says who set it aside and why."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            photo = session.get(Photo, photo_id)
            if photo is None:
                raise NotFound(f"No photo {photo_id}.")
            inspection = self._held_inspection(session, photo.inspection_id, actor)
            view = records.photo_view(session, photo)
            if photo.id in records.set_aside_photo_ids(session, inspection.id):
                return view  # set aside already: a second press changes nothing
            append_event(session, action="photo.set_aside", entity="photo", entity_id=photo.id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"inspection": inspection.id, "step": photo.step_id, "sha256": photo.sha256,
                               "reason": reason.strip()[:500]})
            return view

    def photo_bytes(self, actor: Actor, sha256: str) -> bytes:
        """A stored photo, for someone who may see an inspection it belongs to."""
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            read_access.check_may_see_photo(session, sha256, actor)
        return self.ctx.photos.read(sha256)

    # --- results --------------------------------------------------------------------------

    def record_step(
        self,
        actor: Actor,
        inspection_id: int,
        step_id: str,
        outcome: Outcome | str,
        *,
        note: str = "",
        fail_reason: FailReason | str | None = None,
        value: str | None = None,
        client_ref: str | None = None,
    ) -> StepResultView:
        outcome = _parse(Outcome, outcome, "outcome")
        reason = _parse(FailReason, fail_reason, "fail reason") if fail_reason else None
        note = note.strip()
        if outcome is not Outcome.PASS and not note:
            raise BadInput(f"Add a note saying why the step is marked {outcome}.")
        if outcome is Outcome.FAIL and reason is None:
            raise BadInput("Choose why the step failed (counterfeit, defect, damage, ...).")
        value = value.strip() if value else None
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            if client_ref:
                earlier = session.scalar(select(StepResult).where(StepResult.client_ref == client_ref))
                if earlier is not None:
                    return records.result_view(earlier)
            inspection = self._held_inspection(session, inspection_id, actor)
            checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
            step = self._step(session, inspection, step_id, checklist)
            problems: tuple[str, ...] = ()
            if step.value is not None:
                if not value and outcome is not Outcome.UNSURE:
                    raise BadInput(f"Enter the {step.value.label or step.value.kind} for {step.title}.")
                if value:
                    others = records.latest_values(session, inspection.id)
                    others.pop(step.id, None)
                    problems = tuple(check_value(checklist, step, value, others).problems)
            result = StepResult(
                inspection_id=inspection.id, step_id=step.id, outcome=outcome.value,
                fail_reason=reason.value if reason else None, note=note, value=value,
                value_problems=json.dumps(list(problems)), recorded_by=actor.user_id,
                client_ref=client_ref,
            )
            session.add(result)
            inspection.current_step = _next_step(checklist, step.id)
            session.flush()
            append_event(session, action="step.recorded", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id,
                         station=self.ctx.station_name,
                         data={"step": step.id, "outcome": outcome.value,
                               "reason": reason.value if reason else None, "note": note,
                               "value": value, "value_problems": list(problems)})
            return records.result_view(result)

    def check_value(self, actor: Actor, inspection_id: int, step_id: str,
                    value: str) -> tuple[list[str], list[str]]:
        """What the brand data says about a value before it is recorded: (facts, problems)."""
        with self.ctx.db.read() as session:
            inspection = self._visible_inspection(session, inspection_id, actor)
            checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
            step = self._step(session, inspection, step_id, checklist)
            others = records.latest_values(session, inspection.id)
            others.pop(step.id, None)
            found = check_value(checklist, step, value, others)
            return list(found.facts), list(found.problems)

    def request_second_opinion(self, actor: Actor, inspection_id: int, note: str) -> InspectionView:
        if not note.strip():
            raise BadInput("Say what a second opinion should look at.")
        with self.ctx.db.transaction() as session:
            inspection = self._visible_inspection(session, inspection_id, actor)
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            inspection.second_opinion = True
            append_event(session, action="inspection.second_opinion_requested",
                         entity="inspection", entity_id=inspection.id, actor_id=actor.user_id,
                         station=self.ctx.station_name, data={"note": note.strip()})
            view = records.inspection_view(session, self.ctx, inspection)
            if review_stage.verdict_hidden(session, inspection, actor.user_id):
                return review_stage.blind_view(view)
            return view

    # --- finishing ------------------------------------------------------------------------

    def propose(self, actor: Actor, inspection_id: int) -> ProposedVerdict:
        with self.ctx.db.read() as session:
            inspection = self._visible_inspection(session, inspection_id, actor)
            return self._propose(session, inspection)

    def _propose(self, session: Session, inspection: Inspection) -> ProposedVerdict:
        checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        return propose_verdict(checklist, records.step_states(session, inspection.id))

    def finish(
        self,
        actor: Actor,
        inspection_id: int,
        *,
        expected: Verdict | str | None = None,
        second_opinion: bool = False,
    ) -> InspectionView:
        """Record the verdict the rules give; `expected` guards against a stale summary screen."""
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            inspection = self._held_inspection(session, inspection_id, actor)
            proposal = self._propose(session, inspection)
            if expected is not None and proposal.verdict is not _parse(Verdict, expected, "verdict"):
                raise InvalidState(
                    f"The results changed: the verdict is now {proposal.verdict}; review the summary again."
                )
            inspection.status = "finished"
            inspection.verdict = proposal.verdict.value
            inspection.fail_reason = _main_fail_reason(session, inspection, proposal)
            inspection.summary = "\n".join(r.text for r in proposal.reasons)
            inspection.second_opinion = inspection.second_opinion or second_opinion
            inspection.escalated = proposal.escalate or inspection.second_opinion
            inspection.min_score = records.min_comparison_score(session, inspection.id)
            inspection.finished_at = records.now()
            inspection.current_step = None
            # The blind-review sample picks it now or never (a later rate change does not un-blind it).
            review_sample.choose_at_finish(self.ctx, session, inspection)
            append_event(session, action="inspection.finished", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id,
                         station=self.ctx.station_name,
                         data={"verdict": inspection.verdict, "fail_reason": inspection.fail_reason,
                               "escalated": inspection.escalated,
                               "review_sampled": inspection.review_sampled,
                               "reasons": [r.text for r in proposal.reasons]})
            for hook in self.ctx.finish_hooks:
                hook(session, inspection.id, actor.user_id)
            return records.inspection_view(session, self.ctx, inspection)

    # --- reading --------------------------------------------------------------------------

    def get(self, actor: Actor, inspection_id: int) -> InspectionView:
        """The inspection as `actor` may see it: while it waits for a blind review, only its
        authenticator and those who recorded their review see the verdict (review_stage)."""
        with self.ctx.db.read() as session:
            inspection = self._visible_inspection(session, inspection_id, actor)
            view = records.inspection_view(session, self.ctx, inspection)
            if review_stage.verdict_hidden(session, inspection, self._viewer(session, actor)):
                return review_stage.blind_view(view)
            return view

    def detail(self, actor: Actor, inspection_id: int) -> InspectionDetail:
        """Everything about the inspection, hidden from `actor` as `get` says."""
        with self.ctx.db.read() as session:
            inspection = self._visible_inspection(session, inspection_id, actor)
            detail = records.inspection_detail(session, self.ctx, inspection)
            if review_stage.verdict_hidden(session, inspection, self._viewer(session, actor)):
                return review_stage.blind_detail(detail)
            return detail

    def _viewer(self, session: Session, actor: Actor) -> int:
        return self.ctx.authorize(session, actor).user_id  # checked: a hand-built Actor is refused

    def item(self, actor: Actor, code: str) -> ItemView | None:
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.INSPECT)
            item = session.scalar(select(Item).where(Item.code == code.strip()))
            return records.item_view(item) if item else None

    # --- helpers --------------------------------------------------------------------------

    def _inspection(self, session: Session, inspection_id: int) -> Inspection:
        inspection = session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFound(f"There is no inspection {inspection_id}.")
        return inspection

    def _visible_inspection(self, session: Session, inspection_id: int, actor: Actor) -> Inspection:
        """The inspection, if the logged-in `actor` may see it (services/read_access.py)."""
        actor = self.ctx.authorize(session, actor, Permission.INSPECT)
        inspection = self._inspection(session, inspection_id)
        read_access.check_may_see(session, inspection, actor)
        return inspection

    def _open_inspection(self, session: Session, inspection_id: int) -> Inspection:
        inspection = self._inspection(session, inspection_id)
        if inspection.status != "open":
            raise InvalidState(f"Inspection {inspection_id} is finished; a supervisor can review it.")
        return inspection

    def _held_inspection(self, session: Session, inspection_id: int, actor: Actor) -> Inspection:
        """The open inspection, if `actor` holds it: only its holder records steps, photos and the verdict."""
        inspection = self._open_inspection(session, inspection_id)
        self._check_holder(session, inspection, actor)
        return inspection

    @staticmethod
    def _check_holder(session: Session, inspection: Inspection, actor: Actor) -> None:
        if inspection.authenticator_id != actor.user_id:
            holder = session.get(User, inspection.authenticator_id)
            raise PermissionDenied(
                f"Inspection {inspection.id} is held by {holder.name if holder else 'another user'}; "
                "only they record it, or a supervisor takes it over."
            )

    def take_over(self, actor: Actor, inspection_id: int, reason: str) -> InspectionView:
        """A supervisor takes an open inspection over from its holder (ill, left the shift...); audited."""
        if not reason.strip():
            raise BadInput("Say why the inspection is taken over.")
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.TAKE_OVER)
            inspection = self._open_inspection(session, inspection_id)
            previous = inspection.authenticator_id
            if previous == actor.user_id:
                raise InvalidState(f"{actor.name} holds inspection {inspection_id} already.")
            inspection.authenticator_id = actor.user_id
            append_event(session, action="inspection.taken_over", entity="inspection",
                         entity_id=inspection.id, actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"from": previous, "to": actor.user_id, "reason": reason.strip()})
            return records.inspection_view(session, self.ctx, inspection)

    def _step(self, session: Session, inspection: Inspection, step_id: str,
              checklist: Checklist | None = None) -> Step:
        checklist = checklist or self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        try:
            return checklist.step(step_id)
        except KeyError as exc:
            raise NotFound(f"Checklist {checklist.id} has no step {step_id!r}.") from exc


_E = TypeVar("_E", Outcome, FailReason, Verdict)


def _parse(kind: type[_E], value: object, what: str) -> _E:
    try:
        return kind(str(value))
    except ValueError as exc:
        allowed = ", ".join(member.value for member in kind)
        raise BadInput(f"Unknown {what} {value!r}; use one of {allowed}.") from exc


def _next_step(checklist: Checklist, step_id: str) -> str | None:
    ids = [s.id for s in checklist.steps]
    index = ids.index(step_id)
    return ids[index + 1] if index + 1 < len(ids) else None


def _main_fail_reason(session: Session, inspection: Inspection, proposal: ProposedVerdict) -> str | None:
    if proposal.verdict is not Verdict.FAIL:
        return None
    failing = {r.step_id for r in proposal.reasons if r.step_id}
    reasons = Counter(
        r.fail_reason or FailReason.WRONG_ITEM.value
        for step_id, r in records.latest_results(session, inspection.id).items()
        if step_id in failing
    )
    return reasons.most_common(1)[0][0] if reasons else FailReason.OTHER.value

