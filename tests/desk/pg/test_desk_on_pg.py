"""Queue (hash sample), blind reviews, calibration, analytics and its daily summary on PostgreSQL."""

from __future__ import annotations

import pytest

from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.desk.test_analytics_summary import (  # noqa: F401
    test_closed_days_are_read_from_the_summary,
    test_reviews_of_closed_days_come_from_the_summary_and_agree,
    test_summary_equals_live_reading_after_finishes_and_overturns,
)
from tests.desk.test_desk_services import (  # noqa: F401
    test_analytics_rates_overturns_agreement_and_calibration,
    test_blind_review_hides_the_first_verdict_until_recorded,
    test_calibration_items_are_assigned_and_scored,
    test_queue_filters_sorting_and_reviewed_items_leave,
    test_queue_holds_inconclusive_and_second_opinions_but_no_unsampled_pass,
)

pytestmark = pytest.mark.postgres


def test_the_desk_really_runs_on_postgres(services: StationServices, people: dict[str, Actor]) -> None:
    assert services.ctx.db.dialect == "postgresql"
