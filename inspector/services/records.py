"""Turning rows into views, and the small queries the services share."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector.domain.verdict import Outcome, StepState
from inspector.services.context import ServiceContext
from inspector.services.views import (
    CertificateView,
    ComparisonView,
    InspectionDetail,
    InspectionView,
    ItemView,
    PhotoView,
    RegionView,
    ReviewView,
    StepResultView,
)
from inspector.storage.models import (
    AuditEvent,
    Certificate,
    Comparison,
    Inspection,
    Item,
    Photo,
    Review,
    Station,
    StepResult,
    User,
)


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def item_view(item: Item) -> ItemView:
    return ItemView(item.id, item.code, item.style_code, item.description, item.declared_value)


def inspection_view(session: Session, ctx: ServiceContext, row: Inspection) -> InspectionView:
    item = session.get(Item, row.item_id)
    user = session.get(User, row.authenticator_id)
    station = session.get(Station, row.station_id)
    checklist = ctx.checklist_by_hash(session, row.checklist_hash)
    assert item is not None and user is not None and station is not None
    return InspectionView(
        id=row.id, item=item_view(item), checklist_id=row.checklist_id,
        checklist_version=row.checklist_version, checklist_hash=row.checklist_hash,
        brand=row.brand, model=checklist.model, authenticator_id=row.authenticator_id,
        authenticator_name=user.name, station=station.name, status=row.status,
        verdict=row.verdict, fail_reason=row.fail_reason, summary=row.summary,
        second_opinion=row.second_opinion, escalated=row.escalated,
        current_step=row.current_step, started_at=as_utc(row.started_at) or now(),
        finished_at=as_utc(row.finished_at),
    )


def photo_view(session: Session, photo: Photo) -> PhotoView:
    return PhotoView(
        id=photo.id, inspection_id=photo.inspection_id, step_id=photo.step_id,
        sha256=photo.sha256, size=photo.size, width=photo.width, height=photo.height,
        phash=photo.phash, source=photo.source, captured_at=as_utc(photo.captured_at) or now(),
        quality_notes=tuple(json.loads(photo.quality_notes or "[]")),
        resubmitted_from=tuple(tuple(r) for r in json.loads(photo.resubmitted_from or "[]")),
    )


def result_view(result: StepResult) -> StepResultView:
    return StepResultView(
        id=result.id, step_id=result.step_id, outcome=result.outcome,
        fail_reason=result.fail_reason, note=result.note, value=result.value,
        value_problems=tuple(json.loads(result.value_problems or "[]")),
        recorded_by=result.recorded_by, recorded_at=as_utc(result.recorded_at) or now(),
    )


def comparison_view(row: Comparison) -> ComparisonView:
    regions = tuple(RegionView(int(r["x"]), int(r["y"]), int(r["w"]), int(r["h"]), float(r["score"]))
                    for r in json.loads(row.regions or "[]"))
    return ComparisonView(
        id=row.id, photo_id=row.photo_id, reference=row.reference, aligned=row.aligned,
        score=row.score, regions=regions,
        homography=json.loads(row.homography) if row.homography else None,
        heatmap_sha256=row.heatmap_sha256, elapsed_ms=row.elapsed_ms,
    )


def certificate_view(row: Certificate) -> CertificateView:
    return CertificateView(
        id=row.id, serial=row.serial, inspection_id=row.inspection_id, key_id=row.key_id,
        payload=row.payload, issued_at=as_utc(row.issued_at) or now(), print_count=row.print_count,
        voided_at=as_utc(row.voided_at), void_reason=row.void_reason,
    )


def review_view(session: Session, row: Review) -> ReviewView:
    reviewer = session.get(User, row.reviewer_id)
    return ReviewView(
        id=row.id, inspection_id=row.inspection_id, reviewer_id=row.reviewer_id,
        reviewer_name=reviewer.name if reviewer else "?", decision=row.decision,
        verdict=row.verdict, previous_verdict=row.previous_verdict, reason=row.reason,
        blind=row.blind, created_at=as_utc(row.created_at) or now(), stage=row.stage or "review",
    )


def all_results(session: Session, inspection_id: int) -> list[StepResult]:
    return list(session.scalars(
        select(StepResult).where(StepResult.inspection_id == inspection_id).order_by(StepResult.id)
    ))


def latest_results(session: Session, inspection_id: int) -> dict[str, StepResult]:
    """The answer that counts per step is the last one recorded."""
    return {r.step_id: r for r in all_results(session, inspection_id)}


def latest_values(session: Session, inspection_id: int) -> dict[str, str]:
    return {step: r.value for step, r in latest_results(session, inspection_id).items() if r.value}


def set_aside_photo_ids(session: Session, inspection_id: int) -> set[int]:
    """Photos of the inspection the authenticator set aside (to retake them): their audit events.

    The photo row and its file stay; the log says it no longer counts (services.inspections)."""
    photo_ids = [str(pid) for pid in
                 session.scalars(select(Photo.id).where(Photo.inspection_id == inspection_id))]
    if not photo_ids:
        return set()
    return {int(entity_id) for entity_id in session.scalars(
        select(AuditEvent.entity_id).where(AuditEvent.entity == "photo", AuditEvent.entity_id.in_(photo_ids),
                                           AuditEvent.action == "photo.set_aside"))}


def photo_counts(session: Session, inspection_id: int) -> dict[str, int]:
    aside = set_aside_photo_ids(session, inspection_id)
    counts: dict[str, int] = {}
    for step_id, photo_id in session.execute(
            select(Photo.step_id, Photo.id).where(Photo.inspection_id == inspection_id)):
        if photo_id not in aside:
            counts[step_id] = counts.get(step_id, 0) + 1
    return counts


def step_states(session: Session, inspection_id: int) -> dict[str, StepState]:
    counts = photo_counts(session, inspection_id)
    return {
        step: StepState(Outcome(r.outcome), counts.get(step, 0),
                        tuple(json.loads(r.value_problems or "[]")))
        for step, r in latest_results(session, inspection_id).items()
    }


def min_comparison_score(session: Session, inspection_id: int) -> float | None:
    return session.scalar(
        select(func.min(Comparison.score)).join(Photo, Photo.id == Comparison.photo_id)
        .where(Photo.inspection_id == inspection_id)
    )


def inspection_detail(session: Session, ctx: ServiceContext, row: Inspection) -> InspectionDetail:
    from inspector.domain.verdict import propose_verdict

    checklist = ctx.checklist_by_hash(session, row.checklist_hash)
    history = all_results(session, row.id)
    photos: dict[str, list[PhotoView]] = {}
    photo_rows = session.scalars(select(Photo).where(Photo.inspection_id == row.id).order_by(Photo.id))
    photo_ids: list[int] = []
    aside = set_aside_photo_ids(session, row.id)
    for photo in photo_rows:
        if photo.id in aside:
            continue
        photos.setdefault(photo.step_id, []).append(photo_view(session, photo))
        photo_ids.append(photo.id)
    comparisons: dict[int, ComparisonView] = {}
    if photo_ids:
        for comparison in session.scalars(
            select(Comparison).where(Comparison.photo_id.in_(photo_ids)).order_by(Comparison.id)
        ):
            comparisons[comparison.photo_id] = comparison_view(comparison)
    reviews = session.scalars(select(Review).where(Review.inspection_id == row.id).order_by(Review.id))
    certificates = session.scalars(
        select(Certificate).where(Certificate.inspection_id == row.id).order_by(Certificate.id)
    )
    return InspectionDetail(
        inspection=inspection_view(session, ctx, row),
        checklist=checklist,
        results={r.step_id: result_view(r) for r in history},
        photos={step: tuple(views) for step, views in photos.items()},
        comparisons=comparisons,
        reviews=tuple(review_view(session, r) for r in reviews),
        certificates=tuple(certificate_view(c) for c in certificates),
        proposal=propose_verdict(checklist, step_states(session, row.id)),
        history=tuple(result_view(r) for r in history),
    )
