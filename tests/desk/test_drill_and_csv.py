"""Drill-down from every figure (trend points, matrix cells: the same service call, filtered by the
cell's dimensions) and CSV of the review queue and the calibration tables, parsed back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from inspector.errors import BadInput
from inspector.security.roles import Actor, Role
from inspector.services import desk_figures
from inspector.services.desk_figures import drill_down, week_period
from inspector.services.rates import wilson
from inspector.services.review_queue import review_queue
from inspector.services.station import StationServices
from inspector.storage.models import Review
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher
from tests.desk.test_analytics_summary import _backdate

NOW = datetime(2026, 3, 18, 15, tzinfo=UTC)
SINCE = datetime(2026, 3, 1, tzinfo=UTC)


def _no_sample(services: StationServices) -> None:
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=0.0)


def _cli(services: StationServices, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         *args: str, who: tuple[str, str] = ("B-2", "3456")) -> list[dict[str, str]]:
    """Run `inspector ARGS --csv` in this process and parse its CSV."""
    from inspector.cli.main import main

    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    capsys.readouterr()
    assert main([*args, "--csv", "--as", who[0], "--pin", who[1]]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_every_trend_point_drills_down_to_exactly_what_it_counts(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    morgan = people["morgan"]
    _no_sample(services)
    made = {}
    for code, outcomes, at in (("T-1", {}, datetime(2026, 3, 2, 10, tzinfo=UTC)),
                               ("T-2", ONE_FAIL, datetime(2026, 3, 4, 10, tzinfo=UTC)),
                               ("T-3", UNSURE, datetime(2026, 3, 10, 10, tzinfo=UTC)),
                               ("T-4", {}, datetime(2026, 3, 17, 9, tzinfo=UTC))):
        made[code] = finished(code, outcomes) if outcomes else finished(code)
        _backdate(services, made[code], at, 10)
    # T-1 (week of 2 March) is overturned in the week of 9 March: the review counts where it was made.
    services.reviews.review(morgan, made["T-1"], "fail", "the box label font is wrong")
    with services.ctx.db.transaction() as session:
        session.execute(update(Review).values(created_at=datetime(2026, 3, 11, 12, tzinfo=UTC)))
    for group, name in (("authenticator", None), ("brand", "testbrand"), ("station", None)):
        points = desk_figures.weekly_trend(services.ctx, morgan, group, name, SINCE, NOW, moment=NOW)
        assert sum(p.inspections for p in points) == 4 and sum(p.overturns for p in points) == 1
        for p in points:
            since, until = week_period(p.week)
            since, until = max(since, SINCE), min(until, NOW)
            counts = {"inspections": p.inspections, "pass": p.passes, "fail": p.fails,
                      "inconclusive": p.inconclusive, "reviewed": p.reviews, "overturned": p.overturns}
            for figure, count in counts.items():
                rows = drill_down(services.ctx, morgan, p.group, p.name, figure, since, until)
                assert len(rows) == count, (group, p.week, figure)
    overturned_week = datetime(2026, 3, 9, tzinfo=UTC)
    assert [r.inspection_id for r in drill_down(services.ctx, morgan, "authenticator", "Alex", "overturned",
                                                *week_period(overturned_week.date()))] == [made["T-1"]]
    # The command line reaches a trend point by its week.
    rows = _cli(services, monkeypatch, capsys, "desk", "drill", "authenticator", "Alex", "fail",
                "--week", "2026-03-02")
    assert sorted(int(r["inspection_id"]) for r in rows) == sorted([made["T-1"], made["T-2"]])


def test_every_matrix_cell_drills_down_and_a_dispute_for_the_panel_stays_hidden(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    morgan, admin = people["morgan"], people["admin"]
    _no_sample(services)
    agreed = finished("MX-1", second_opinion=True)
    disputed = finished("MX-2", second_opinion=True)
    reversed_ = finished("MX-3", ONE_FAIL)
    services.reviews.review(morgan, agreed, "pass", "fine")
    services.reviews.review(morgan, disputed, "fail", "glue marks")  # waits for the panel
    services.reviews.review(morgan, reversed_, "pass", "the label is genuine after all")
    [row] = desk_figures.disagreement_matrix(services.ctx, morgan)
    assert row.cells == {("pass", "pass"): 1, ("pass", "fail"): 1, ("fail", "pass"): 1}
    expected = {("pass", "pass"): [agreed], ("pass", "fail"): [disputed], ("fail", "pass"): [reversed_]}
    for cell, count in row.cells.items():
        rows = drill_down(services.ctx, morgan, "authenticator", row.authenticator, "reviewed", cell=cell)
        assert [r.inspection_id for r in rows] == expected[cell] and len(rows) == count
    assert drill_down(services.ctx, morgan, "authenticator", "Alex", "reviewed", cell=("fail", "fail")) == []
    # Another supervisor has not reviewed the disputed item: a cell naming its first verdict would tell it.
    services.users.create_user(admin, "Sam", "4567", Role.SUPERVISOR, "B-3")
    sam = services.users.login("B-3", "4567")
    [seen] = desk_figures.disagreement_matrix(services.ctx, sam)
    assert ("pass", "fail") not in seen.cells and seen.reviews == 2
    assert drill_down(services.ctx, sam, "authenticator", "Alex", "reviewed", cell=("pass", "fail")) == []
    with pytest.raises(BadInput, match="disagreement cell"):
        drill_down(services.ctx, morgan, "brand", "testbrand", "reviewed", cell=("pass", "fail"))
    # The command line reaches a cell too.
    rows = _cli(services, monkeypatch, capsys, "desk", "drill", "authenticator", "Alex", "reviewed",
                "--cell", "fail:pass")
    assert [int(r["inspection_id"]) for r in rows] == [reversed_]


def test_the_queue_and_the_calibration_tables_export_as_csv(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    morgan, admin = people["morgan"], people["admin"]
    _no_sample(services)
    blind = finished("CSV-1", ONE_FAIL, second_opinion=True)
    unsure = finished("CSV-2", UNSURE)
    rows = _cli(services, monkeypatch, capsys, "queue")
    by_id = {int(r["inspection_id"]): r for r in rows}
    assert set(by_id) == {e.inspection_id for e in review_queue(services.ctx, morgan)} == {blind, unsure}
    assert by_id[blind]["verdict"] == "" and by_id[blind]["blind"] == "True"  # the blind verdict stays out
    assert by_id[blind]["reasons"] == "second opinion; escalated"
    assert by_id[unsure]["verdict"] == "inconclusive" and by_id[unsure]["item_code"] == "CSV-2"
    assert datetime.fromisoformat(by_id[unsure]["finished_at"]) > datetime.now(UTC) - timedelta(hours=1)

    services.calibration.mark(admin, "CAL-1", "fail", include_earlier=True, create=True)
    for n in range(3):
        finished("CAL-1", ONE_FAIL if n else {})  # one wrong (pass), two right (fail)
    [item] = _cli(services, monkeypatch, capsys, "calibration", "items")
    assert (item["code"], item["known_verdict"]) == ("CAL-1", "fail")
    [score] = _cli(services, monkeypatch, capsys, "calibration", "scores")
    low, high = wilson(2, 3)
    assert (score["authenticator"], score["correct"], score["inspected"]) == ("Alex", "2", "3")
    assert (int(score["accuracy_k"]), int(score["accuracy_n"])) == (2, 3)
    assert float(score["accuracy_low"]) == pytest.approx(low, abs=1e-4)
    assert float(score["accuracy_high"]) == pytest.approx(high, abs=1e-4)
