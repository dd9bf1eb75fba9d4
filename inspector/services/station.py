"""All the services of one station, wired together: what the window and the CLI hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector.config import Settings
from inspector.services.appeals import AppealService
from inspector.services.calibration import CalibrationService
from inspector.services.certificates import CertificateService
from inspector.services.checkpoint_schedule import CheckpointWriter, checkpoint_after_certificates
from inspector.services.comparisons import ComparisonService
from inspector.services.context import ServiceContext, open_context
from inspector.services.inspections import InspectionService
from inspector.services.label_reading import LabelReadingService
from inspector.services.reference_library import ReferenceLibraryService
from inspector.services.returns import ReturnService
from inspector.services.review_sample import FIRST_STORED_SAMPLE, fill_unchosen
from inspector.services.reviews import ReviewService, keep_first_verdict
from inspector.services.users import UserService


@dataclass
class StationServices:
    ctx: ServiceContext
    users: UserService
    inspections: InspectionService
    comparisons: ComparisonService
    reviews: ReviewService
    returns: ReturnService
    certificates: CertificateService
    calibration: CalibrationService
    appeals: AppealService
    reading: LabelReadingService
    references: ReferenceLibraryService
    checkpoints: CheckpointWriter | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.checkpoints is not None:  # a certificate's checkpoint still being signed
            self.checkpoints.wait()
        self.ctx.db.dispose()


def open_station(settings: Settings | None = None) -> StationServices:
    ctx = open_context(settings)
    certificates = CertificateService(ctx)
    # A pass issues its certificate, and an overturn voids it, in the same transaction as the verdict.
    ctx.finish_hooks.append(certificates.on_finished)
    checkpoints = checkpoint_after_certificates(ctx)
    certificates.join_deployment()
    # Inspections finished before migration 0015 get their blind-review sample choice, by the start
    # that applies that migration.
    if ctx.upgraded_from is not None and ctx.upgraded_from < FIRST_STORED_SAMPLE:
        fill_unchosen(ctx)
    # Calibration scores the authenticator's own verdict, whatever reviews make of it later.
    ctx.finish_hooks.append(keep_first_verdict)
    inspections = InspectionService(ctx)
    return StationServices(
        ctx=ctx,
        users=UserService(ctx),
        inspections=inspections,
        comparisons=ComparisonService(ctx),
        # A review that makes an item pass issues its certificate; one that overturns a pass voids it.
        reviews=ReviewService(ctx, overturn_hooks=[certificates.void_certificate],
                              pass_hooks=[certificates.issue_on_pass]),
        returns=ReturnService(ctx),
        certificates=certificates,
        # A known fake's certificates are voided when it is marked.
        calibration=CalibrationService(ctx, void_hooks=[certificates.void_certificate]),
        # A reversed appeal makes the item pass: its certificate is issued in the same transaction.
        appeals=AppealService(ctx, pass_hooks=[certificates.issue]),
        reading=LabelReadingService(ctx, inspections),
        references=ReferenceLibraryService(ctx),
        checkpoints=checkpoints,
    )
