"""Calibration rules: the verdict at the time is scored, marks count forward, a known fake's
certificate is voided, typos are refused, unmarking is audited, people found by badge or name start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from inspector.errors import BadInput, NotFound
from inspector.security.roles import Actor
from inspector.services import analytics as analytics_service
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate, Item
from tests.desk.conftest import ONE_FAIL, Finisher


def _score(services: StationServices, who: Actor) -> tuple[int, int]:
    scores = {s.authenticator: (s.correct, s.inspected) for s in services.calibration.scores(who)}
    return scores.get("Alex", (0, 0))


def test_the_authenticators_own_verdict_is_scored_never_a_correction(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    for code, verdict in (("CAL-A", "fail"), ("CAL-B", "pass"), ("CAL-C", "fail")):
        services.calibration.mark(morgan, code, verdict, create=True)
    missed = finished("CAL-A")  # a known fake passed: wrong
    finished("CAL-B")  # right
    finished("CAL-C", ONE_FAIL)  # right
    assert _score(services, morgan) == (2, 3)
    services.reviews.overturn(morgan, missed, "fail", "a known fake")  # the supervisor corrects it
    assert _score(services, morgan) == (2, 3)  # Alex is not credited with Morgan's correction
    [alex] = [r for r in analytics_service.analytics(services.ctx, morgan) if r.name == "Alex"]
    assert (alex.calibration_items, alex.calibration_accuracy) == (3, 0.6667)  # rounded to 4 places


def test_a_mark_counts_inspections_after_it_unless_chosen(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    finished("OLD-1")  # inspected before anyone knew it was a test item
    item = services.calibration.mark(morgan, "OLD-1", "pass")
    assert item.counts_from is not None
    assert _score(services, morgan) == (0, 0)
    assert services.calibration.mark(morgan, "OLD-1", "pass", include_earlier=True).counts_from is None
    assert _score(services, morgan) == (1, 1)
    earlier = datetime.now(UTC) - timedelta(days=1)
    assert services.calibration.mark(morgan, "OLD-1", "pass", since=earlier).counts_from == earlier
    assert _score(services, morgan) == (1, 1)
    services.calibration.mark(morgan, "OLD-1", "pass", since=datetime.now(UTC) + timedelta(days=1))
    assert _score(services, morgan) == (0, 0)


def test_marking_a_passed_item_a_known_fail_voids_its_certificate(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    passed = finished("FAKE-1")
    with services.ctx.db.read() as session:
        [serial] = session.scalars(select(Certificate.serial).where(Certificate.inspection_id == passed))
    services.calibration.mark(people["morgan"], "FAKE-1", "fail")
    with services.ctx.db.read() as session:
        certificate = session.scalar(select(Certificate).where(Certificate.serial == serial))
        assert certificate is not None and certificate.voided_at is not None
        assert "known fail" in (certificate.void_reason or "")
        [marked] = session.scalars(select(AuditEvent.data).where(AuditEvent.action == "calibration.marked"))
    assert json.loads(marked)["voided"] == [serial] and json.loads(marked)["verdict"] == "fail"


def test_an_unknown_code_is_refused_and_unmarking_is_audited(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    with pytest.raises(NotFound, match="no item 'CAL-TYPO'"):
        services.calibration.mark(morgan, "CAL-TYPO", "fail")
    with services.ctx.db.read() as session:
        assert session.scalar(select(Item).where(Item.code == "CAL-TYPO")) is None  # no phantom item
    services.calibration.mark(morgan, "CAL-U", "pass", create=True)
    finished("CAL-U")
    assert _score(services, morgan) == (1, 1)
    services.calibration.unmark(morgan, "CAL-U", "returned to the seller")
    assert _score(services, morgan) == (0, 0)
    assert services.calibration.items(morgan) == []
    with pytest.raises(NotFound, match="not a calibration item"):
        services.calibration.unmark(morgan, "CAL-U")
    with services.ctx.db.read() as session:
        [event] = session.scalars(select(AuditEvent.data).where(AuditEvent.action == "calibration.unmarked"))
    data = json.loads(event)
    assert (data["code"], data["verdict"], data["previous"], data["reason"]) == (
        "CAL-U", None, "pass", "returned to the seller")


def test_assign_takes_a_badge_or_the_start_of_a_name(
        services: StationServices, people: dict[str, Actor]) -> None:
    morgan = people["morgan"]
    services.calibration.mark(morgan, "CAL-P", "pass", create=True)
    assert services.calibration.assign(morgan, "CAL-P", "B-1").assigned_to == ("Alex",)
    assert services.calibration.assign(morgan, "CAL-P", "al").assigned_to == ("Alex",)
    with pytest.raises(BadInput, match="no user"):
        services.calibration.assign(morgan, "CAL-P", "B-77")


def test_the_command_line_refuses_a_typo_and_unmarks(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.cli.main import main

    finished("CLI-CAL")
    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    login = ["--as", "B-2", "--pin", "3456"]
    assert main(["calibration", "mark", "CLI-CAX", "fail", *login]) == 2
    assert "There is no item 'CLI-CAX'" in capsys.readouterr().err
    assert main(["calibration", "mark", "CLI-CAL", "fail", "--include-earlier", *login]) == 0
    assert "every inspection of it counts" in capsys.readouterr().out
    assert main(["calibration", "assign", "CLI-CAL", "b-1", *login]) == 0
    assert "assigned to Alex" in capsys.readouterr().out
    assert main(["calibration", "unmark", "CLI-CAL", "--reason", "sold", *login]) == 0
    assert main(["calibration", "unmark", "CLI-CAL", *login]) == 2
