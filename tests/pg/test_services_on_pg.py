"""The service suite against PostgreSQL: the same tests as tests/services, on the other backend."""

from __future__ import annotations

import pytest

from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.services.test_inspection_flow import (  # noqa: F401
    test_a_clean_pass,
    test_authenticator_cannot_review_or_add_users,
    test_fail_needs_a_note_and_a_reason,
    test_failed_critical_step_fails_the_item,
    test_finished_inspection_cannot_change,
    test_login_by_badge_or_name_and_wrong_pin,
    test_mismatched_style_codes_fail_the_size_tag,
    test_missing_required_photo_is_inconclusive,
    test_resubmitted_photo_is_flagged,
    test_resume_returns_the_open_inspection,
    test_retry_with_the_same_client_ref_records_once,
    test_unsure_makes_it_inconclusive_and_escalates,
)

pytestmark = pytest.mark.postgres


def test_the_station_really_runs_on_postgres(services: StationServices, people: dict[str, Actor]) -> None:
    assert services.ctx.db.dialect == "postgresql"
    assert services.ctx.settings.database_url.startswith("postgresql+psycopg://")
