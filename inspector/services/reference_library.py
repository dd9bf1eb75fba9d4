"""Genuine references captured at the bench: each capture grows a step's reference set and makes
the checklist a new version.

A supervisor (or admin) photographs a verified genuine item's checkpoint with the station camera.
The photos are re-encoded (no EXIF, pixels as shown) and stored content-addressed under
`assets/references/<checklist id>/<step id>-<sha256[:16]>.jpg`, so no file an older version names is
ever overwritten: inspections keep the checklist version (and the references) they started with.
The checklist file is rewritten with the step's longer reference list and `version + 1`, validated
like any checklist (images present, regions inside the first reference) and recorded as a snapshot
with a `checklist.references_added` audit event in one transaction; the station's library then
offers the new version to the next inspection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from inspector import atomicfile
from inspector.domain.checklist import PhotoRule, Step
from inspector.domain.loading import ChecklistError, LoadedChecklist, parse_checklist_text
from inspector.errors import BadInput, InvalidState, NotFound
from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.storage.audit import append_event
from inspector.storage.models import ChecklistSnapshot

# A set beyond this many genuine units adds little and slows every comparison of the step.
MAX_REFERENCES = 8
REFERENCE_QUALITY = 95
MAX_ITEM_CODE = 80


@dataclass(frozen=True)
class ReferencesAdded:
    checklist_id: str
    version: int
    content_hash: str
    step_id: str
    references: tuple[str, ...]  # the step's whole set now, paths under assets/
    added: tuple[str, ...]


@dataclass(frozen=True)
class _Prepared:
    path: str  # under assets/
    data: bytes
    sha256: str


class ReferenceLibraryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add_references(self, actor: Actor, checklist_id: str, step_id: str,
                       photos: Sequence[bytes], *, genuine_item: str = "") -> ReferencesAdded:
        """Add photos of a genuine unit to the step's reference set: a new checklist version.

        Slow (decoding, aligning each photo onto the set's first reference): call it off the GUI
        thread. `genuine_item`: the code of the verified genuine item photographed (scanned at
        the bench), kept in the audit event. Refused with one sentence, and nothing written, for a
        user without the permission, an unreadable photo, or one that does not show the same
        checkpoint as the set."""
        self.ctx.authorize_now(actor, Permission.MANAGE_REFERENCES)  # before any file is written
        if not photos:
            raise BadInput("Capture at least one photo of the genuine item first.")
        genuine_item = genuine_item.strip()
        if len(genuine_item) > MAX_ITEM_CODE or not genuine_item.isprintable():
            raise BadInput("The genuine item's code is not a code a label carries; scan it again.")
        loaded = self._loaded(checklist_id)
        step = self._photo_step(loaded, step_id)
        if len(step.references) + len(photos) > MAX_REFERENCES:
            raise BadInput(f"Step {step.title} would hold {len(step.references) + len(photos)} references; "
                           f"at most {MAX_REFERENCES} are kept (each one slows every comparison).")
        prepared = [self._prepare(data, checklist_id, step_id, number)
                    for number, data in enumerate(photos, start=1)]
        existing = [self.ctx.settings.assets_dir / name for name in step.references]
        self._check_same_checkpoint(existing, prepared, step.title)
        for photo in prepared:
            target = self.ctx.settings.assets_dir / photo.path
            target.parent.mkdir(parents=True, exist_ok=True)
            # Content-addressed: an existing file of that name already holds these bytes.
            atomicfile.write_new(target, photo.data, mode=0o644)
        added = tuple(photo.path for photo in prepared)
        new = self._new_version(loaded, step_id, [*step.references, *added])

        def record(session: Session) -> ReferencesAdded:
            actor_now = self.ctx.authorize(session, actor, Permission.MANAGE_REFERENCES)
            self._check_unchanged(loaded)
            if session.get(ChecklistSnapshot, new.content_hash) is None:
                session.add(ChecklistSnapshot(content_hash=new.content_hash, checklist_id=checklist_id,
                                              version=new.checklist.version, source_text=new.source_text))
            append_event(session, action="checklist.references_added", entity="checklist",
                         entity_id=checklist_id, actor_id=actor_now.user_id,
                         station=self.ctx.station_name,
                         data={"step": step_id, "item": genuine_item, "version": new.checklist.version,
                               "hash": new.content_hash, "previous_version": loaded.checklist.version,
                               "previous_hash": loaded.content_hash,
                               "added": [{"path": p.path, "sha256": p.sha256} for p in prepared]})
            # Written inside the transaction: if the file cannot be written, no event says it was.
            atomicfile.replace(loaded.path, new.source_text.encode("utf-8"), mode=0o644)
            return ReferencesAdded(checklist_id, new.checklist.version, new.content_hash, step_id,
                                   tuple(new.checklist.step(step_id).references), added)

        result = self.ctx.db.run_transaction(record)
        self.ctx.library.replace(new)
        return result

    # --- the parts -------------------------------------------------------------------------

    def _loaded(self, checklist_id: str) -> LoadedChecklist:
        try:
            return self.ctx.library.get(checklist_id)
        except KeyError as exc:
            raise NotFound(f"There is no checklist {checklist_id!r}.") from exc

    @staticmethod
    def _photo_step(loaded: LoadedChecklist, step_id: str) -> Step:
        try:
            step = loaded.checklist.step(step_id)
        except KeyError as exc:
            raise NotFound(f"{loaded.checklist.title} has no step {step_id!r}.") from exc
        if step.photo is PhotoRule.NONE:
            raise BadInput(f"Step {step.title} takes no photo, so it has no references.")
        return step

    @staticmethod
    def _prepare(data: bytes, checklist_id: str, step_id: str, number: int) -> _Prepared:
        """Decoded as an untrusted file and re-encoded: the stored reference carries no metadata
        and its pixels are upright, as every reader of the file will see them."""
        from inspector.vision.imageio import decode_image, encode_jpeg

        image = decode_image(data, name=f"Photo {number}")
        encoded = encode_jpeg(image, quality=REFERENCE_QUALITY)
        digest = hashlib.sha256(encoded).hexdigest()
        return _Prepared(f"references/{checklist_id}/{step_id}-{digest[:16]}.jpg", encoded, digest)

    @staticmethod
    def _check_same_checkpoint(existing: list[Path], photos: list[_Prepared], title: str) -> None:
        """Every photo must align onto the set's first reference (what a comparison will need)."""
        from inspector.vision.imageio import decode_image_with_size
        from inspector.vision.reference_set import DECODE_MIN_SIDE, load_set, prepare_set

        if not existing and len(photos) == 1:
            return
        first = load_set(existing[:1]).first if existing else None
        images = [] if first is None else [first.image]
        sizes = [] if first is None else [first.full_size]
        for photo in photos:
            image, size = decode_image_with_size(photo.data, min_side=DECODE_MIN_SIDE)
            images.append(image)
            sizes.append(size)
        try:
            prepare_set(images, sizes)
        except BadInput as exc:
            raise BadInput(f"A photo does not show the same checkpoint as the first reference of "
                           f"{title} (it could not be aligned onto it); frame it like the reference "
                           "and capture again.") from exc

    def _new_version(self, loaded: LoadedChecklist, step_id: str,
                     references: list[str]) -> LoadedChecklist:
        data = yaml.safe_load(loaded.source_text)
        data["version"] = loaded.checklist.version + 1
        for step in data["steps"]:
            if step.get("id") == step_id:
                step["references"] = references
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        try:
            return parse_checklist_text(text, str(loaded.path), loaded.path, self.ctx.settings.assets_dir)
        except ChecklistError as exc:
            raise BadInput(f"The new version of {loaded.checklist.title} would not be valid: {exc}") from exc

    @staticmethod
    def _check_unchanged(loaded: LoadedChecklist) -> None:
        """Another station (or a person) may have changed the file since this station loaded it."""
        try:
            current = loaded.path.read_bytes()
        except OSError as exc:
            raise InvalidState(f"The checklist file {loaded.path} cannot be read ({exc.strerror}).") from exc
        if hashlib.sha256(current).hexdigest() != loaded.content_hash:
            raise InvalidState(f"The checklist file of {loaded.checklist.title} changed since this station "
                               "loaded it; restart the station to load it, then capture again.")
