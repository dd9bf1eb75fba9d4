"""The blind-review choice is kept on the inspection when it is finished, and while it waits for its
blind review its verdict is told to nobody but its authenticator, on every service and CLI path."""

from __future__ import annotations

import json

import pytest

from inspector.errors import InvalidState, PermissionDenied
from inspector.security.roles import Actor, Role
from inspector.services.desk_figures import drill_down, search
from inspector.services.evidence import build_bundle
from inspector.services.queries import list_inspections
from inspector.services.review_queue import QueueFilter, review_queue, set_sample_rate
from inspector.services.station import StationServices
from tests.desk.conftest import ONE_FAIL, Finisher
from tests.desk.test_review_rules import _texts

TRACES = ("fail", "looks wrong", "counterfeit")  # ONE_FAIL's verdict, note and reason


def _rate(services: StationServices, admin: Actor, rate: float) -> None:
    # Both places a rate comes from: the desk's shared setting and the station's own settings.
    set_sample_rate(services.ctx, admin, rate)
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=rate)


def test_changing_the_rate_neither_unblinds_nor_blinds_a_finished_item(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    admin, morgan = people["admin"], people["morgan"]
    _rate(services, admin, 1.0)
    sampled = finished("BS-IN", ONE_FAIL)
    _rate(services, admin, 0.0)
    outside = finished("BS-OUT")
    for rate in (0.0, 1.0, 0.0):
        _rate(services, admin, rate)
        queue = {e.inspection_id: e for e in review_queue(services.ctx, morgan)}
        assert queue[sampled].blind and queue[sampled].verdict == "" and queue[sampled].reasons == ("sample",)
        assert outside not in queue
        assert review_queue(services.ctx, morgan, QueueFilter(verdict="fail")) == []
        assert services.reviews.open(morgan, sampled).blind
        assert not services.reviews.open(morgan, outside).blind
        assert services.inspections.get(morgan, sampled).verdict is None
        assert services.inspections.get(morgan, outside).verdict == "pass"


def test_a_verdict_waiting_for_blind_review_is_told_to_nobody_but_its_authenticator(
        services: StationServices, people: dict[str, Actor], finished: Finisher,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from inspector.cli.main import main

    admin, morgan, alex = people["admin"], people["morgan"], people["alex"]
    services.users.create_user(admin, "Bo", "2468", Role.AUTHENTICATOR, "B-5")
    bo = services.users.login("B-5", "2468")
    _rate(services, admin, 1.0)
    failed = finished("BH-FAIL", ONE_FAIL)
    passed = finished("BH-PASS")
    _rate(services, admin, 0.0)  # the rate moves on; both stay blind

    for viewer in (morgan, admin):  # they see every inspection, but not this verdict yet
        view = services.inspections.get(viewer, failed)
        assert (view.verdict, view.fail_reason, view.summary) == (None, None, "")
        texts = _texts(services.inspections.detail(viewer, failed))
        assert not [t for t in TRACES if t in texts], viewer
        listed = {r.id: r for r in list_inspections(services.ctx, viewer)}
        assert listed[failed].verdict is None and listed[passed].verdict is None
        assert listed[passed].serial is None  # a certificate serial would tell a pass
        for verdict in ("pass", "fail"):
            listed_under = list_inspections(services.ctx, viewer, verdict=verdict)
            assert not {failed, passed} & {r.id for r in listed_under}
    # Another authenticator is refused the inspection itself (read_access), and lists none of it.
    with pytest.raises(PermissionDenied):
        services.inspections.detail(bo, failed)
    assert not {failed, passed} & {r.id for r in list_inspections(services.ctx, bo)}
    for viewer in (morgan, admin):
        for figure in ("pass", "fail"):
            assert not {failed, passed} & {r.inspection_id for r in drill_down(
                services.ctx, viewer, "brand", "TESTBRAND", figure)}
        rows = {r.inspection_id: r for r in drill_down(services.ctx, viewer, "authenticator", "Alex")}
        assert rows[failed].verdict == "" and rows[passed].verdict == ""
        [found] = search(services.ctx, viewer, "BH-PASS")
        assert found.verdict == "" and found.serial is None
        assert services.reviews.history(viewer, failed) == []
    with pytest.raises(PermissionDenied, match="waits for a blind review"):
        build_bundle(services.ctx, admin, failed)
    # An appeal is refused in the same words for the pass and the fail: the refusal tells nothing.
    refusals = set()
    for inspection_id in (failed, passed):
        with pytest.raises(InvalidState) as refused:
            services.appeals.open(morgan, inspection_id, "the seller disagrees")
        refusals.add(str(refused.value).replace(str(inspection_id), "N"))
    [refusal] = refusals
    assert "blind review" in refusal and "pass" not in refusal and "fail" not in refusal

    # A hand-built Actor naming the authenticator is refused, not told.
    forged = Actor(alex.user_id, alex.name, alex.role, alex.badge_code)
    with pytest.raises(PermissionDenied):
        services.inspections.detail(forged, failed)
    with pytest.raises(PermissionDenied):
        list_inspections(services.ctx, forged)

    # The command line's list, as a supervisor.
    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    login = ["--as", "B-2", "--pin", "3456"]
    assert main(["inspections", "list", "--json", *login]) == 0
    listed_json = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed_json[failed]["verdict"] is None and listed_json[passed]["serial"] is None
    assert main(["inspections", "list", "--verdict", "fail", "--json", *login]) == 0
    assert failed not in {r["id"] for r in json.loads(capsys.readouterr().out)}

    # Its authenticator sees their own verdict.
    assert services.inspections.detail(alex, failed).inspection.verdict == "fail"
    assert {r.id: r.verdict for r in list_inspections(services.ctx, alex)}[failed] == "fail"

    # Once the blind verdict is in (agreeing, so decided), everyone may know it.
    services.reviews.review(morgan, failed, "fail", "the label font is wrong")
    assert services.inspections.get(admin, failed).verdict == "fail"
    # A disagreement waits for the panel: hidden still, except from the reviewer who disputed.
    services.reviews.review(morgan, passed, "fail", "the stitching is off")
    assert services.inspections.get(morgan, passed).verdict == "pass"
    assert services.inspections.get(admin, passed).verdict is None
