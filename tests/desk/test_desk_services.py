"""Desk services: queue contents and filters, blind reviews, calibration, analytics, role checks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector.errors import BadInput, PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services import analytics as analytics_service
from inspector.services.calibration import CalibrationService
from inspector.services.context import ServiceContext
from inspector.services.review_queue import QueueFilter, review_queue
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Inspection, Review
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher


def _with_rate(services: StationServices, rate: float) -> ServiceContext:
    """The station's sample rate from now on: it applies to inspections finished after this."""
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=rate)
    return services.ctx


def test_queue_holds_inconclusive_and_second_opinions_but_no_unsampled_pass(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    none_sampled = _with_rate(services, 0.0)
    passed = finished("Q-PASS")
    inconclusive = finished("Q-UNSURE", UNSURE)
    second = finished("Q-SECOND", second_opinion=True)
    ids = {e.inspection_id: e for e in review_queue(none_sampled, people["morgan"])}
    assert set(ids) == {inconclusive, second}
    assert "inconclusive" in ids[inconclusive].reasons and "second opinion" in ids[second].reasons
    # The sample is chosen when an inspection is finished: a higher rate later does not add the pass.
    everything = _with_rate(services, 1.0)
    assert {e.inspection_id for e in review_queue(everything, people["morgan"])} == set(ids)
    sampled = finished("Q-PASS-2")
    entries = review_queue(everything, people["morgan"])
    assert {e.inspection_id for e in entries} == {sampled, inconclusive, second}
    assert next(e for e in entries if e.inspection_id == sampled).reasons == ("sample",)
    assert passed not in {e.inspection_id for e in entries}


def test_queue_filters_sorting_and_reviewed_items_leave(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    ctx = _with_rate(services, 1.0)
    morgan = people["morgan"]
    fail = finished("Q-FAIL", ONE_FAIL)
    passed = finished("Q-OK")
    unsure = finished("Q-UNS", UNSURE)
    # Everything sampled: the pass and the fail wait for a blind review, so filtering by their
    # verdict finds nothing (it would tell it); the inconclusive one is reviewed openly.
    assert review_queue(ctx, morgan, QueueFilter(verdict="fail")) == []
    unsures = review_queue(ctx, morgan, QueueFilter(verdict="inconclusive"))
    assert [(e.inspection_id, e.verdict, e.blind) for e in unsures] == [(unsure, "inconclusive", False)]
    assert review_queue(ctx, morgan, QueueFilter(brand="Nobrand")) == []
    assert len(review_queue(ctx, morgan, QueueFilter(authenticator="Alex"))) == 3
    by_id = review_queue(ctx, morgan, QueueFilter(sort="id", descending=False))
    assert [e.inspection_id for e in by_id] == sorted([fail, passed, unsure])
    with pytest.raises(BadInput, match="no station"):
        review_queue(ctx, morgan, QueueFilter(station="nowhere"))
    with pytest.raises(BadInput, match="Cannot sort"):
        review_queue(ctx, morgan, QueueFilter(sort="pin_hash"))
    services.reviews.review(morgan, passed, "pass", "fine")
    left = {e.inspection_id for e in review_queue(ctx, morgan)}
    assert passed not in left and {fail, unsure} <= left
    with pytest.raises(PermissionDenied):
        review_queue(ctx, people["alex"])


def test_blind_review_hides_the_first_verdict_until_recorded(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    inspection_id = finished("B-1", second_opinion=True)
    hidden = services.reviews.for_review(morgan, inspection_id, blind=True)
    assert hidden.inspection.verdict is None and hidden.proposal is None and hidden.reviews == ()
    assert hidden.results  # the evidence is all there
    with pytest.raises(BadInput, match="^A review needs a reason.$"):
        services.reviews.blind_review(morgan, inspection_id, "fail")
    outcome = services.reviews.blind_review(morgan, inspection_id, "fail", "stitch count is wrong")
    assert outcome.first_verdict == "pass" and not outcome.agreed
    # A blind disagreement goes to the senior panel; the verdict waits for it.
    assert outcome.review.blind and outcome.review.decision == "dispute"
    with services.ctx.db.read() as session:
        row = session.get(Inspection, inspection_id)
        assert row is not None and row.verdict == "pass" and row.escalated
    agreeing = finished("B-2", second_opinion=True)
    assert services.reviews.blind_review(morgan, agreeing, "pass", "all good").agreed


def test_only_supervisors_review_and_never_their_own_inspection(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    inspection_id = finished("R-1")
    for attempt in (lambda: services.reviews.confirm(people["alex"], inspection_id),
                    lambda: services.reviews.for_review(people["alex"], inspection_id),
                    lambda: services.reviews.blind_review(people["alex"], inspection_id, "pass")):
        with pytest.raises(PermissionDenied):
            attempt()
    own = finished("R-2", actor=people["morgan"])
    with pytest.raises(PermissionDenied, match="may not review"):
        services.reviews.overturn(people["morgan"], own, "fail", "second thoughts")
    with services.ctx.db.read() as session:
        assert session.scalars(select(Review)).all() == []


def test_calibration_items_are_assigned_and_scored(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    calibration = CalibrationService(services.ctx)
    morgan, alex = people["morgan"], people["alex"]
    calibration.mark(morgan, "CAL-1", "pass", create=True)
    calibration.mark(morgan, "CAL-2", "fail", create=True)
    assigned = calibration.assign(morgan, "CAL-1", "alex")
    calibration.assign(morgan, "CAL-2", "Alex")
    assert assigned.assigned_to == ("Alex",)
    assert calibration.pending_for(alex) == ["CAL-1", "CAL-2"]
    finished("CAL-1")  # right
    finished("CAL-2")  # wrong: it is a known fake
    assert calibration.pending_for(alex) == []
    [score] = calibration.scores(morgan)
    assert (score.authenticator, score.inspected, score.correct, score.accuracy) == ("Alex", 2, 1, 0.5)
    with pytest.raises(PermissionDenied):
        calibration.mark(alex, "CAL-3", "pass")
    with services.ctx.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"calibration.marked", "calibration.assigned"} <= actions


def test_analytics_rates_overturns_agreement_and_calibration(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    CalibrationService(services.ctx).mark(morgan, "A-CAL", "pass", create=True)
    first = finished("A-1")
    second = finished("A-2", second_opinion=True)
    finished("A-3", ONE_FAIL)
    finished("A-4", UNSURE)
    finished("A-CAL")
    services.reviews.overturn(morgan, first, "fail", "wrong font")
    services.reviews.blind_review(morgan, second, "pass", "fine")
    rows = analytics_service.analytics(services.ctx, morgan, "authenticator")
    [alex] = [r for r in rows if r.name == "Alex"]
    assert alex.inspections == 5
    assert (alex.pass_rate, alex.fail_rate, alex.inconclusive_rate) == (0.4, 0.4, 0.2)
    assert alex.reviews == 2 and alex.overturn_rate == 0.5
    assert alex.blind_reviews == 1 and alex.agreement_rate == 1.0
    assert alex.calibration_items == 1 and alex.calibration_accuracy == 1.0
    # Five finishes within a clock hour (two if the test straddles one); exact figures of a hand-made
    # set with known times: test_analytics_figures.py.
    assert alex.items_per_hour in (5.0, 2.5)
    by_brand = analytics_service.analytics(services.ctx, morgan, "brand")
    assert [r.name for r in by_brand] == ["Testbrand"]
    csv_text = analytics_service.to_csv(rows)
    assert csv_text.splitlines()[0].startswith("group,name,inspections,items_per_hour")
    assert "Alex" in csv_text
    with pytest.raises(PermissionDenied):
        analytics_service.analytics(services.ctx, people["alex"])
    with pytest.raises(BadInput):
        analytics_service.analytics(services.ctx, morgan, "colour")
    assert morgan.role == Role.SUPERVISOR
