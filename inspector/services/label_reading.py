"""Values read off a step's photo: filled into the value steps the checklist names, and checked at once.

A photo step declares which values its photo gives (`reads: {style_code: box-label, size: size}`).
Reading proposes those values, each with its evidence box on the photo and what the brand data and
the item's other values (recorded, or read from the same photo) say about it. Nothing is recorded
until the authenticator confirms (`confirm`), which records the values that raise no problem; a
value with a problem is left for the authenticator to judge at its step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from inspector.domain.checklist import Checklist, PhotoRule
from inspector.domain.values import check_value
from inspector.domain.verdict import Outcome
from inspector.errors import BadInput
from inspector.reading.reader import read_label_bytes
from inspector.security.roles import Actor, Permission
from inspector.services import records
from inspector.services.context import ServiceContext
from inspector.services.inspections import InspectionService
from inspector.services.views import StepResultView
from inspector.storage.models import Inspection


@dataclass(frozen=True)
class ReadValue:
    """One value read off the photo, for the value step `step_id`."""

    step_id: str
    step_title: str
    kind: str
    value: str
    box: tuple[int, int, int, int]  # x, y, w, h in the photo's pixels
    confidence: float
    corrected: bool  # look-alike characters corrected by the registry
    read: str  # the words on the label
    facts: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhotoReading:
    inspection_id: int
    step_id: str
    width: int
    height: int
    values: tuple[ReadValue, ...]
    missing: tuple[str, ...]  # kinds the step reads that the photo did not show
    seconds: float

    @property
    def problems(self) -> list[str]:
        return [f"{v.step_title}: {p}" for v in self.values for p in v.problems]


class LabelReadingService:
    def __init__(self, ctx: ServiceContext, inspections: InspectionService) -> None:
        self.ctx = ctx
        self.inspections = inspections

    def reads_values(self, checklist: Checklist, step_id: str) -> bool:
        return any(step.id == step_id and step.reads for step in checklist.steps)

    def read_photo(self, actor: Actor, inspection_id: int, step_id: str, data: bytes) -> PhotoReading:
        """Read the values `step_id`'s photo gives; BadInput for a step that reads none or a bad image."""
        started = time.perf_counter()
        with self.ctx.db.read() as session:
            self.ctx.authorize(session, actor, Permission.INSPECT)
            inspection = session.get(Inspection, inspection_id)
            if inspection is None:
                raise BadInput(f"There is no inspection {inspection_id}.")
            checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
            recorded = records.latest_values(session, inspection.id)
        step = next((s for s in checklist.steps if s.id == step_id), None)
        if step is None or not step.reads:
            raise BadInput(f"Step {step_id!r} of {checklist.title} reads no values from its photo.")
        reading = read_label_bytes(data, checklist=checklist, name="the photo")
        found = {str(kind): (target, reading.field(str(kind))) for kind, target in step.reads.items()}
        proposed = {target: field.value for target, field in found.values() if field is not None}
        values = []
        for kind, (target, field) in found.items():
            if field is None:
                continue
            others = {**recorded, **proposed}
            others.pop(target, None)
            target_step = checklist.step(target)
            check = check_value(checklist, target_step, field.value, others)
            problems = list(check.problems) + [
                f"the photo also shows {kind.replace('_', ' ')} {other}" for other in field.others]
            box = field.box
            values.append(ReadValue(target, target_step.title, kind, field.value,
                                    (box.x, box.y, box.w, box.h), field.confidence, field.corrected,
                                    field.read, tuple(check.facts), tuple(problems)))
        missing = tuple(kind for kind, (_target, field) in found.items() if field is None)
        return PhotoReading(inspection_id, step_id, reading.width, reading.height, tuple(values),
                            missing, time.perf_counter() - started)

    def confirm(self, actor: Actor, reading: PhotoReading, *,
                client_ref: str | None = None) -> list[StepResultView]:
        """Record the read values of steps without photos that raise no problem, as passed (one
        key at the bench). `client_ref` makes a retry record each value once. Values with a
        problem are not recorded: the authenticator judges them at their step."""
        with self.ctx.db.read() as session:
            inspection = session.get(Inspection, reading.inspection_id)
            if inspection is None:
                raise BadInput(f"There is no inspection {reading.inspection_id}.")
            checklist = self.ctx.checklist_by_hash(session, inspection.checklist_hash)
        results = []
        for value in reading.values:
            # A step with photos of its own (the box label itself) is judged by its look too: its
            # value is only filled in, and the authenticator's pass or fail records it.
            if value.problems or checklist.step(value.step_id).photo is not PhotoRule.NONE:
                continue
            note = "read from the photo" + (f" (read as {value.read})" if value.corrected else "")
            results.append(self.inspections.record_step(
                actor, reading.inspection_id, value.step_id, Outcome.PASS, value=value.value,
                note=note, client_ref=f"{client_ref}:{value.step_id}" if client_ref else None))
        return results
