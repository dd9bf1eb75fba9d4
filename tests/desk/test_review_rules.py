"""The review rules: truly blind second reviews, the senior panel, reviews that decide, one review per
reviewer, claims, marks, the change counter, and the queue's filters by badge, name start and brand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspector.cli.main import main
from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services import review_claims
from inspector.services.evidence import build_bundle
from inspector.services.integrity import verify_integrity
from inspector.services.review_queue import QueueFilter, review_queue
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Certificate, Inspection, ReviewClaim
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher


@pytest.fixture
def sam(services: StationServices, people: dict[str, Actor]) -> Actor:
    services.users.create_user(people["admin"], "Sam Supervisor", "4567", Role.SUPERVISOR, "B-3")
    return services.users.login("B-3", "4567")


def _all_sampled(services: StationServices) -> object:
    settings = services.ctx.settings.with_changes(review_sample_rate=1.0)
    return dataclasses.replace(services.ctx, settings=settings)


def _valid_certificates(services: StationServices, inspection_id: int) -> list[str]:
    with services.ctx.db.read() as session:
        return list(session.scalars(select(Certificate.serial).where(
            Certificate.inspection_id == inspection_id, Certificate.voided_at.is_(None))))


def _texts(detail: object) -> str:
    """Every string a view holds, recursively: where a hidden verdict or note could hide."""
    seen: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            seen.append(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                if field.name != "checklist":  # the checklist's own text is the same for every item
                    walk(getattr(value, field.name))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(detail)
    return " ".join(seen)


def test_a_blind_item_shows_no_verdict_outcome_or_note_anywhere_until_recorded(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    failed = finished("BL-1", ONE_FAIL, second_opinion=True)  # note "looks wrong", reason counterfeit
    ctx = _all_sampled(services)
    [entry] = [e for e in review_queue(ctx, morgan) if e.inspection_id == failed]  # type: ignore[arg-type]
    assert entry.blind and entry.verdict == "" and entry.to_json()["verdict"] is None
    assert "fail" not in " ".join(entry.reasons)
    for verdict in ("pass", "fail"):  # a verdict filter must not sort blind items for the reviewer
        assert failed not in {e.inspection_id for e in review_queue(  # type: ignore[arg-type]
            ctx, morgan, QueueFilter(verdict=verdict))}
    task = services.reviews.open(morgan, failed)
    assert task.blind and task.stage == "blind"
    texts = _texts(task.detail)
    for trace in ("fail", "looks wrong", "counterfeit"):
        assert trace not in texts
    assert all(r.outcome == "" and r.note == "" for r in task.detail.results.values())
    assert task.detail.results["box-label"].value == "TR1000-001"  # evidence stays
    assert services.reviews.history(morgan, failed) == []
    with pytest.raises(PermissionDenied, match="waits for a blind review"):
        build_bundle(services.ctx, morgan, failed)  # the evidence zip holds the first verdict
    # No probing: confirming blind is refused, and a verdict without a reason gets the same sentence
    # whether it agrees with the first verdict or not.
    with pytest.raises(BadInput) as confirmed:
        services.reviews.confirm(morgan, failed, "ok")
    assert "fail" not in str(confirmed.value) and "pass" not in str(confirmed.value)
    messages = set()
    for guess in ("pass", "fail", "inconclusive"):
        with pytest.raises(BadInput) as refused:
            services.reviews.review(morgan, failed, guess, "  ")
        messages.add(str(refused.value))
    assert messages == {"A review needs a reason."}
    outcome = services.reviews.review(morgan, failed, "fail", "the label font is wrong")
    assert outcome.agreed and outcome.first_verdict == "fail" and outcome.review.blind
    after = services.reviews.open(morgan, failed)
    assert not after.blind and after.detail.inspection.verdict == "fail"
    assert after.detail.results["box-label"].note == "looks wrong"


def test_a_blind_disagreement_goes_to_a_senior_panel_whose_verdict_decides(
        services: StationServices, people: dict[str, Actor], finished: Finisher, sam: Actor) -> None:
    morgan, ada = people["morgan"], people["admin"]
    passed = finished("PN-1", second_opinion=True)
    assert _valid_certificates(services, passed)
    disputed = services.reviews.review(morgan, passed, "fail", "the stitching is off")
    assert disputed.review.decision == "dispute" and disputed.verdict == "pass"
    # The panel is blind too, for anyone but the reviewer who disputed; and it is senior.
    assert services.reviews.open(sam, passed).blind and services.reviews.open(sam, passed).stage == "panel"
    assert not services.reviews.open(morgan, passed).blind
    with pytest.raises(PermissionDenied, match="senior"):
        services.reviews.review(sam, passed, "fail", "agree with the reviewer")
    entry = next(e for e in review_queue(services.ctx, sam) if e.inspection_id == passed)
    assert entry.blind and "panel" in entry.reasons
    decided = services.reviews.review(ada, passed, "fail", "stitch count 7 per inch, genuine has 9")
    assert decided.verdict == "fail" and decided.review.stage == "panel"
    assert _valid_certificates(services, passed) == []  # the pass's certificate is void
    with services.ctx.db.read() as session:
        row = session.get(Inspection, passed)
        assert row is not None and row.verdict == "fail" and row.first_verdict == "pass" and not row.escalated
    assert passed not in {e.inspection_id for e in review_queue(services.ctx, sam)}
    report = verify_integrity(services.ctx)  # the log (dispute, panel) explains every table row
    assert report.ok, report.lines()


def test_no_agreement_on_the_panel_makes_the_item_inconclusive_with_the_reason(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    passed = finished("PN-2", second_opinion=True)
    services.reviews.review(people["morgan"], passed, "fail", "logo is off")
    outcome = services.reviews.review(people["admin"], passed, "inconclusive", "photos too dark to tell")
    assert outcome.verdict == "inconclusive"
    assert "No agreement" in outcome.review.reason and "photos too dark" in outcome.review.reason
    assert _valid_certificates(services, passed) == []
    confirmed = finished("PN-3", second_opinion=True)
    services.reviews.review(people["morgan"], confirmed, "fail", "logo is off")
    assert services.reviews.review(people["admin"], confirmed, "pass", "logo matches").verdict == "pass"
    assert _valid_certificates(services, confirmed)


def test_a_review_of_an_inconclusive_item_decides_and_the_documents_follow(
        services: StationServices, people: dict[str, Actor], finished: Finisher, sam: Actor) -> None:
    morgan = people["morgan"]
    unsure = finished("IN-1", UNSURE)
    with pytest.raises(BadInput, match="must be decided"):
        services.reviews.confirm(morgan, unsure, "fine")
    with pytest.raises(BadInput, match="must be decided"):
        services.reviews.review(morgan, unsure, "inconclusive", "still unsure")
    assert services.reviews.open(morgan, unsure).stage == "decide"
    assert not services.reviews.open(morgan, unsure).blind  # nothing to anchor on: reviewed openly
    decided = services.reviews.review(morgan, unsure, "pass", "stitching is even under the loupe")
    assert decided.verdict == "pass" and [c for c in _valid_certificates(services, unsure)]
    pdf = services.certificates.certificate_pdf(morgan, unsure)
    assert pdf.startswith(b"%PDF")
    failing = finished("IN-2", UNSURE)
    services.reviews.review(sam, failing, "fail", "stitching is uneven")
    assert _valid_certificates(services, failing) == []
    assert services.certificates.certificate_pdf(morgan, failing).startswith(b"%PDF")  # the fail report
    with services.ctx.db.read() as session:
        row = session.get(Inspection, failing)
        assert row is not None and row.verdict == "fail" and row.first_verdict == "inconclusive"


def test_one_review_per_reviewer_and_reviewed_items_are_marked(
        services: StationServices, people: dict[str, Actor], finished: Finisher, sam: Actor) -> None:
    morgan = people["morgan"]
    unsure = finished("ON-1", UNSURE)
    services.reviews.review(morgan, unsure, "fail", "glue stains")
    with pytest.raises(InvalidState, match="reviewed inspection .* already"):
        services.reviews.confirm(morgan, unsure, "confirming my own overturn")
    services.reviews.confirm(sam, unsure, "agree")  # another supervisor may look again
    marked = review_queue(services.ctx, morgan, QueueFilter(include_reviewed=True))
    assert [(e.inspection_id, e.reviewed) for e in marked] == [(unsure, True)]
    assert review_queue(services.ctx, morgan) == []


def test_claims_show_who_has_an_item_block_others_and_expire(
        services: StationServices, people: dict[str, Actor], finished: Finisher, sam: Actor) -> None:
    morgan = people["morgan"]
    unsure = finished("CL-1", UNSURE)
    review_claims.claim(services.ctx, morgan, unsure)
    [entry] = review_queue(services.ctx, sam)
    assert entry.claimed_by == "Morgan" and entry.claim_expires is not None
    assert services.reviews.open(sam, unsure).claimed_by == "Morgan"
    with pytest.raises(InvalidState, match="Morgan is reviewing"):
        services.reviews.review(sam, unsure, "pass", "fine")
    with pytest.raises(InvalidState, match="Morgan is reviewing"):
        review_claims.claim(services.ctx, sam, unsure)
    with services.ctx.db.transaction() as session:  # the claim runs out
        session.execute(update(ReviewClaim).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert review_queue(services.ctx, sam)[0].claimed_by is None
    review_claims.claim(services.ctx, sam, unsure)
    services.reviews.review(sam, unsure, "pass", "fine")
    with services.ctx.db.read() as session:
        assert session.get(ReviewClaim, unsure) is None  # a review ends the claim
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(unsure))))
    assert actions.count("review.claimed") == 2 and "review.overturn" in actions


def test_the_change_counter_moves_when_another_station_reviews(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    unsure = finished("CC-1", UNSURE)
    before = review_claims.change_counter(services.ctx)
    other = open_station(services.ctx.settings.with_changes(station_name="desk-2"))
    try:
        other.reviews.review(other.users.login("B-2", "3456"), unsure, "pass", "fine")
    finally:
        other.close()
    assert review_claims.change_counter(services.ctx) > before


def test_queue_filters_take_a_badge_the_start_of_a_name_and_a_brand_in_any_case(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    unsure = finished("FL-1", UNSURE)
    def ids(flt: QueueFilter) -> list[int]:
        return [e.inspection_id for e in review_queue(services.ctx, morgan, flt)]

    for text in ("B-1", "b-1", "al", "Alex", "ALEX"):
        assert ids(QueueFilter(authenticator=text)) == [unsure], text
    for brand in ("testbrand", "TESTBRAND", "Testbrand"):
        assert ids(QueueFilter(brand=brand)) == [unsure], brand
    assert review_queue(services.ctx, morgan, QueueFilter(brand="test")) == []
    services.users.create_user(people["admin"], "Alice", "5678", Role.AUTHENTICATOR, "B-4")
    with pytest.raises(BadInput, match="could be Alex, Alice"):
        review_queue(services.ctx, morgan, QueueFilter(authenticator="al"))
    with pytest.raises(BadInput, match="no user"):
        review_queue(services.ctx, morgan, QueueFilter(authenticator="zed"))


def test_the_command_line_review_is_blind_too(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    failed = finished("CLB-1", ONE_FAIL, second_opinion=True)
    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    login = ["--as", "B-2", "--pin", "3456"]
    assert main(["queue", *login]) == 0
    assert main(["queue", *login, "--json"]) == 0
    assert main(["review", str(failed), "show", *login]) == 0
    seen = capsys.readouterr().out
    assert "(blind)" in seen and "hidden until you record yours" in seen
    for trace in ("fail", "looks wrong", "counterfeit"):
        assert trace not in seen
    errors = set()
    for guess in ("pass", "fail"):
        assert main(["review", str(failed), "blind", "--verdict", guess, *login]) == 2
        errors.add(capsys.readouterr().err.strip())
    assert len(errors) == 1 and "fail" not in errors.pop()
    assert main(["review", str(failed), "blind", "--verdict", "fail", "--reason", "font", *login]) == 0
    assert "first verdict was fail: you agreed" in capsys.readouterr().out
