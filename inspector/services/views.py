"""What the services hand out: plain frozen dataclasses, never ORM objects or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from inspector.domain.checklist import Checklist
from inspector.domain.verdict import ProposedVerdict


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    role: str
    badge_code: str | None
    active: bool
    locked_until: datetime | None = None  # a PIN lockout in force until then


@dataclass(frozen=True)
class ItemView:
    id: int
    code: str
    style_code: str | None
    description: str
    declared_value: float | None = None


@dataclass(frozen=True)
class PhotoView:
    id: int
    inspection_id: int
    step_id: str
    sha256: str
    size: int
    width: int
    height: int
    phash: str
    source: str
    captured_at: datetime
    quality_notes: tuple[str, ...] = ()
    # Earlier photos of other items that look the same: (photo id, item code, distance).
    resubmitted_from: tuple[tuple[int, str, int], ...] = ()


@dataclass(frozen=True)
class RegionView:
    x: int
    y: int
    w: int
    h: int
    score: float


@dataclass(frozen=True)
class ComparisonView:
    id: int
    photo_id: int
    reference: str
    aligned: bool
    score: float
    regions: tuple[RegionView, ...]
    homography: list[list[float]] | None
    heatmap_sha256: str | None
    elapsed_ms: float


@dataclass(frozen=True)
class StepResultView:
    id: int
    step_id: str
    outcome: str
    fail_reason: str | None
    note: str
    value: str | None
    value_problems: tuple[str, ...]
    recorded_by: int
    recorded_at: datetime


@dataclass(frozen=True)
class ReviewView:
    id: int
    inspection_id: int
    reviewer_id: int
    reviewer_name: str
    decision: str
    verdict: str
    previous_verdict: str | None
    reason: str
    blind: bool
    created_at: datetime
    stage: str = "review"  # review | panel


@dataclass(frozen=True)
class CertificateView:
    id: int
    serial: str
    inspection_id: int
    key_id: str
    payload: str
    issued_at: datetime
    print_count: int
    voided_at: datetime | None
    void_reason: str | None

    @property
    def void(self) -> bool:
        return self.voided_at is not None


@dataclass(frozen=True)
class InspectionView:
    id: int
    item: ItemView
    checklist_id: str
    checklist_version: int
    checklist_hash: str
    brand: str
    model: str
    authenticator_id: int
    authenticator_name: str
    station: str
    status: str
    verdict: str | None
    fail_reason: str | None
    summary: str
    second_opinion: bool
    escalated: bool
    current_step: str | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status == "finished"


@dataclass(frozen=True)
class InspectionDetail:
    """Everything about one inspection: what the window, the desk and the printers need."""

    inspection: InspectionView
    checklist: Checklist
    results: dict[str, StepResultView]
    photos: dict[str, tuple[PhotoView, ...]]
    comparisons: dict[int, ComparisonView]
    reviews: tuple[ReviewView, ...] = ()
    certificates: tuple[CertificateView, ...] = ()
    proposal: ProposedVerdict | None = None
    history: tuple[StepResultView, ...] = field(default_factory=tuple)

    def latest_comparison(self, photo_id: int) -> ComparisonView | None:
        return self.comparisons.get(photo_id)


@dataclass(frozen=True)
class InspectionSummary:
    id: int
    item: str
    checklist: str
    brand: str
    verdict: str | None
    status: str
    serial: str | None
    authenticator: str
    station: str
    started_at: datetime
    finished_at: datetime | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "item": self.item,
            "checklist": self.checklist,
            "brand": self.brand,
            "verdict": self.verdict,
            "status": self.status,
            "serial": self.serial,
            "authenticator": self.authenticator,
            "station": self.station,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
