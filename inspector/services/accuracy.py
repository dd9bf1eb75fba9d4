"""Published accuracy per brand: false-pass, false-fail and inconclusive rates with 95% intervals.

From calibration items (known answers: the authenticator's own verdict at the time is scored) and
from reviews (a decided second look that changed a pass to a fail, or a fail to a pass). Each rate
keeps its source apart, with its n: nothing is pooled that means different things.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, select

from inspector.security.roles import Actor, Permission
from inspector.services import analytics, calibration
from inspector.services.context import ServiceContext
from inspector.services.rates import Rate
from inspector.storage.models import Inspection, Item, Review


@dataclass(frozen=True)
class BrandAccuracy:
    brand: str
    inspections: int
    false_pass_calibration: Rate  # known fakes the authenticator passed / known fakes inspected
    false_fail_calibration: Rate  # known genuine items failed / known genuine inspected
    false_pass_reviews: Rate  # passes a deciding review made fail / passes reviewed
    false_fail_reviews: Rate  # fails a deciding review made pass / fails reviewed
    inconclusive: Rate  # inspections inconclusive now / inspections

    def rates(self) -> dict[str, Rate]:
        return {"false_pass_calibration": self.false_pass_calibration,
                "false_fail_calibration": self.false_fail_calibration,
                "false_pass_reviews": self.false_pass_reviews, "false_fail_reviews": self.false_fail_reviews,
                "inconclusive": self.inconclusive}


@dataclass(frozen=True)
class AccuracyReport:
    as_of: date
    since: datetime | None
    until: datetime | None
    brands: tuple[BrandAccuracy, ...]


def accuracy_by_brand(ctx: ServiceContext, actor: Actor, since: datetime | None = None,
                      until: datetime | None = None) -> AccuracyReport:
    ctx.authorize_now(actor, Permission.VIEW_ANALYTICS)
    period = analytics._period(since, until)
    rows = {r.name: r for r in analytics.analytics(ctx, actor, "brand", since, until)}
    first = Inspection.first_verdict
    cal = (select(Inspection.brand,
                  func.sum(case((Item.calibration_verdict == "fail", 1), else_=0)),
                  func.sum(case((and_(Item.calibration_verdict == "fail", first == "pass"), 1), else_=0)),
                  func.sum(case((Item.calibration_verdict == "pass", 1), else_=0)),
                  func.sum(case((and_(Item.calibration_verdict == "pass", first == "fail"), 1), else_=0)))
           .join(Item, Item.id == Inspection.item_id)
           .where(and_(*period), calibration.counted()).group_by(Inspection.brand))
    # The first deciding review of each inspection finished in the period (disputes wait for the panel).
    decided = (select(Review.inspection_id, func.min(Review.id).label("review_id"))
               .where(Review.decision != "dispute").group_by(Review.inspection_id).subquery())
    reviewed = (select(Inspection.brand,
                       func.sum(case((Review.previous_verdict == "pass", 1), else_=0)),
                       func.sum(case((and_(Review.previous_verdict == "pass", Review.verdict == "fail"), 1),
                                     else_=0)),
                       func.sum(case((Review.previous_verdict == "fail", 1), else_=0)),
                       func.sum(case((and_(Review.previous_verdict == "fail", Review.verdict == "pass"), 1),
                                     else_=0)))
                .join(decided, decided.c.inspection_id == Inspection.id)
                .join(Review, Review.id == decided.c.review_id)
                .where(and_(*period)).group_by(Inspection.brand))
    with ctx.db.read() as session:
        by_cal = {brand: [int(v or 0) for v in values] for brand, *values in session.execute(cal)}
        by_review = {brand: [int(v or 0) for v in values] for brand, *values in session.execute(reviewed)}
    brands = []
    for brand in sorted(set(rows) | set(by_cal) | set(by_review)):
        fakes, passed_fakes, genuine, failed_genuine = by_cal.get(brand, [0, 0, 0, 0])
        passes, made_fail, fails, made_pass = by_review.get(brand, [0, 0, 0, 0])
        row = rows.get(brand)
        count = row.inspections if row else 0
        brands.append(BrandAccuracy(
            brand, count, Rate(passed_fakes, fakes), Rate(failed_genuine, genuine), Rate(made_fail, passes),
            Rate(made_pass, fails), Rate(row.inconclusive if row else 0, count)))
    return AccuracyReport(datetime.now(UTC).date(), since, until, tuple(brands))


def accuracy_pdf(ctx: ServiceContext, actor: Actor, since: datetime | None = None,
                 until: datetime | None = None, paper: str = "a4") -> bytes:
    """The report as a dated PDF with the issuing centre's letterhead."""
    from inspector.printing.accuracy_report import AccuracyDocument, accuracy_report_pdf
    from inspector.services.printout_documents import issuer_of

    report = accuracy_by_brand(ctx, actor, since, until)
    period = (f"{since.date().isoformat() if since else 'the first inspection'} to "
              f"{until.date().isoformat() if until else report.as_of.isoformat()}")
    rows = tuple((b.brand, str(b.inspections), *(rate.text() for rate in b.rates().values()))
                 for b in report.brands)
    return accuracy_report_pdf(AccuracyDocument(issuer_of(ctx.settings), report.as_of, period, rows), paper)
