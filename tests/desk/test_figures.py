"""Weekly trends, drill-down, search, the disagreement matrix, queue age and turnaround, the sample rate."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from inspector.errors import BadInput, PermissionDenied
from inspector.security.roles import Actor
from inspector.services import desk_figures
from inspector.services.review_queue import QueueFilter, review_queue, sample_rate, set_sample_rate
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate, Review
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher
from tests.desk.test_analytics_summary import _backdate

NOW = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)  # a Wednesday


def test_weekly_trend_per_authenticator_and_brand_from_summary_and_live_days(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    plan = {  # code: (outcomes, finished at)
        "W1": ({}, datetime(2026, 3, 2, 10, tzinfo=UTC)),  # week of Monday 2 March
        "W2": (ONE_FAIL, datetime(2026, 3, 4, 10, tzinfo=UTC)),
        "W3": (UNSURE, datetime(2026, 3, 10, 10, tzinfo=UTC)),  # week of 9 March
        "W4": ({}, datetime(2026, 3, 18, 9, tzinfo=UTC)),  # this week, today: read live
    }
    for code, (outcomes, at) in plan.items():
        inspection_id = finished(code, outcomes) if outcomes else finished(code)
        _backdate(services, inspection_id, at, 10)
    since = datetime(2026, 3, 1, tzinfo=UTC)
    for name in (None, "b-1", "al"):
        points = desk_figures.weekly_trend(services.ctx, morgan, "authenticator", name, since, NOW,
                                           moment=NOW)
        assert [(p.week, p.name, p.inspections, p.passes, p.fails, p.inconclusive) for p in points] == [
            (date(2026, 3, 2), "Alex", 2, 1, 1, 0), (date(2026, 3, 9), "Alex", 1, 0, 0, 1),
            (date(2026, 3, 16), "Alex", 1, 1, 0, 0)], name
    [first, *_] = desk_figures.weekly_trend(services.ctx, morgan, "brand", "TESTBRAND", since, NOW,
                                            moment=NOW)
    assert first.rates()["fail_rate"].n == 2 and first.rates()["fail_rate"].k == 1
    with pytest.raises(PermissionDenied):
        desk_figures.weekly_trend(services.ctx, people["alex"], "brand", None, since, NOW, moment=NOW)


def test_drill_down_lists_the_inspections_behind_a_figure_but_never_a_hidden_verdict(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    open_fail = finished("D-1", ONE_FAIL)
    blind_fail = finished("D-2", ONE_FAIL, second_opinion=True)  # waits for Morgan's blind review
    passed = finished("D-3")
    fails = desk_figures.drill_down(services.ctx, morgan, "brand", "testbrand", "fail")
    assert [r.inspection_id for r in fails] == [open_fail]
    everything = {r.inspection_id: r.verdict for r in desk_figures.drill_down(
        services.ctx, morgan, "authenticator", "B-1", "inspections")}
    assert everything == {open_fail: "fail", blind_fail: "", passed: "pass"}
    services.reviews.review(morgan, blind_fail, "fail", "the label font is wrong")
    fails = desk_figures.drill_down(services.ctx, morgan, "brand", "testbrand", "fail")
    assert [r.inspection_id for r in fails] == [blind_fail, open_fail]
    assert [r.inspection_id for r in desk_figures.drill_down(
        services.ctx, morgan, "authenticator", "alex", "reviewed")] == [blind_fail]
    with pytest.raises(BadInput, match="No figure"):
        desk_figures.drill_down(services.ctx, morgan, "brand", "testbrand", "colour")


def test_search_by_item_code_serial_or_style_code(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    passed = finished("S-CODE-1")
    other = finished("S-CODE-2", ONE_FAIL)
    with services.ctx.db.read() as session:
        serial = session.scalar(select(Certificate.serial).where(Certificate.inspection_id == passed))
    assert serial is not None
    assert [r.inspection_id for r in desk_figures.search(services.ctx, morgan, "S-CODE-1")] == [passed]
    [found] = desk_figures.search(services.ctx, morgan, serial)
    assert found.inspection_id == passed and found.serial == serial
    by_style = desk_figures.search(services.ctx, morgan, "TR1000-001")
    assert {r.inspection_id for r in by_style} == {passed, other}
    assert desk_figures.search(services.ctx, morgan, "nothing-like-it") == []


def test_disagreement_matrix_turnaround_and_queue_age(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    agreed = finished("M-1", second_opinion=True)
    disputed = finished("M-2", second_opinion=True)
    waiting = finished("M-3", UNSURE)
    services.reviews.review(morgan, agreed, "pass", "fine")
    services.reviews.review(morgan, disputed, "fail", "glue marks")
    [alex] = desk_figures.disagreement_matrix(services.ctx, morgan)
    assert alex.authenticator == "Alex" and alex.cells == {("pass", "pass"): 1, ("pass", "fail"): 1}
    assert (alex.agreement().k, alex.agreement().n) == (1, 2)
    with services.ctx.db.transaction() as session:  # the agreeing review came 3 hours after the finish
        session.execute(update(Review).where(Review.inspection_id == agreed).values(
            created_at=datetime.now(UTC) + timedelta(hours=3)))
    timely = desk_figures.timeliness(services.ctx, morgan)
    assert timely.reviewed == 1 and timely.median_turnaround_hours == pytest.approx(3.0, abs=0.05)
    assert timely.waiting == 2 and timely.oldest_hours is not None and timely.oldest_hours < 1  # M-2, M-3
    assert waiting in {e.inspection_id for e in review_queue(services.ctx, morgan)}


def test_the_sample_rate_is_set_at_the_desk_by_an_admin_for_every_station(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    set_sample_rate(services.ctx, people["admin"], 0.0)
    passed = finished("R-1")
    assert passed not in {e.inspection_id for e in review_queue(services.ctx, people["morgan"])}
    with pytest.raises(PermissionDenied):
        set_sample_rate(services.ctx, people["morgan"], 1.0)
    with pytest.raises(BadInput, match="between 0 and 1"):
        set_sample_rate(services.ctx, people["admin"], 1.5)
    set_sample_rate(services.ctx, people["admin"], 1.0)
    assert sample_rate(services.ctx) == 1.0
    later = finished("R-2")  # the rate applies from now on; R-1 keeps the choice made when finished
    queue = {e.inspection_id for e in review_queue(services.ctx, people["morgan"], QueueFilter())}
    assert later in queue and passed not in queue
    with services.ctx.db.read() as session:
        events = list(session.scalars(select(AuditEvent.data).where(AuditEvent.action == "desk.sample_rate")
                                      .order_by(AuditEvent.seq)))
    assert [json.loads(e) for e in events] == [{"rate": 0.0, "previous": 0.1}, {"rate": 1.0, "previous": 0.0}]


def test_the_command_line_gives_every_figure_and_its_csv(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import io

    from inspector.cli.main import main

    failed = finished("C-1", ONE_FAIL)
    passed = finished("C-2", second_opinion=True)
    services.reviews.review(people["morgan"], passed, "fail", "glue")
    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    login = ["--as", "B-2", "--pin", "3456"]
    assert main(["desk", "drill", "brand", "testbrand", "fail", "--csv", *login]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [int(r["inspection_id"]) for r in rows] == [failed]
    assert main(["desk", "search", "C-2", *login]) == 0
    assert "C-2" in capsys.readouterr().out
    assert main(["desk", "trend", "--by", "brand", "--csv", *login]) == 0
    trend = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert trend and {"fail_rate_n", "fail_rate_low", "fail_rate_high"} <= set(trend[0])
    assert main(["desk", "matrix", "--csv", *login]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["cells_pass_to_fail"] == "1" and row["agreement_n"] == "1"
    assert main(["desk", "timeliness", *login]) == 0
    assert "waiting" in capsys.readouterr().out
    assert main(["desk", "sample-rate", "0.5", *login]) == 2  # a supervisor may not
    assert main(["desk", "sample-rate", "0.5", "--as", "B-9", "--pin", "9999"]) == 0
    assert "sample rate 0.5" in capsys.readouterr().out
