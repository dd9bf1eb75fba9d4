"""The bench's items-per-hour counter, counted from the records: only the actor's own finished items."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inspector.errors import PermissionDenied
from inspector.security.roles import Actor
from inspector.services.pace import PaceService
from inspector.services.station import StationServices
from inspector.storage.models import utcnow


def _finish_one(services: StationServices, actor: Actor, code: str) -> None:
    started = services.inspections.start_or_resume(actor, code, checklist_id="test-runner")
    services.inspections.finish(actor, started.inspection.id)  # nothing checked: inconclusive


def test_the_pace_counts_the_actors_finished_items(services: StationServices,
                                                   people: dict[str, Actor]) -> None:
    alex, morgan = people["alex"], people["morgan"]
    for number in range(3):
        _finish_one(services, alex, f"TR1000-00{number}")
    _finish_one(services, morgan, "TR1000-009")  # someone else's: not Alex's pace
    services.inspections.start_or_resume(alex, "TR1000-008", checklist_id="test-runner")  # open: not done
    pace = PaceService(services.ctx)
    now = utcnow()
    soon = pace.pace(alex, now + timedelta(minutes=1))
    assert soon.last_hour == 3 and soon.per_hour is None  # a minute of work is no rate yet
    later = pace.pace(alex, now + timedelta(minutes=20))
    assert later.last_hour == 3
    if later.at.astimezone().date() == now.astimezone().date():  # "today" starts again at midnight
        assert soon.today == later.today == 3
        assert later.per_hour == pytest.approx(3 / (20 / 60), rel=0.05)
    gone = pace.pace(alex, now + timedelta(hours=2))
    assert gone.last_hour == 0  # the hour before has none
    assert pace.pace(morgan, now + timedelta(minutes=1)).last_hour == 1


def test_the_pace_needs_a_live_login(services: StationServices, people: dict[str, Actor]) -> None:
    alex = people["alex"]
    services.users.logout(alex)
    with pytest.raises(PermissionDenied):
        PaceService(services.ctx).pace(alex)
