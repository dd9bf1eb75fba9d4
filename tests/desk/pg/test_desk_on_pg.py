"""Queue (hash sample), blind reviews, calibration, analytics and its daily summary on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from inspector.security.roles import Actor
from inspector.services import analytics as analytics_service
from inspector.services import analytics_summary
from inspector.services.station import StationServices
from inspector.storage.models import Inspection
from tests.desk.conftest import Finisher
from tests.desk.test_accuracy_report import (  # noqa: F401
    test_false_pass_false_fail_and_inconclusive_per_brand,
)
from tests.desk.test_analytics_figures import (  # noqa: F401
    test_a_part_of_the_period_counts_only_its_inspections_and_reviews,
    test_analytics_figures_are_exact,
    work,
)
from tests.desk.test_analytics_summary import (  # noqa: F401
    NOW,
    _backdate,
    test_closed_days_are_read_from_the_summary,
    test_reviews_of_closed_days_come_from_the_summary_and_agree,
    test_summary_equals_live_reading_after_finishes_and_overturns,
)
from tests.desk.test_appeals import (  # noqa: F401
    test_an_appeal_is_decided_by_someone_new_and_a_reversal_issues_a_certificate,
    test_the_fail_report_names_every_deciding_reason,
    test_what_cannot_be_appealed_and_a_hostile_photo,
)
from tests.desk.test_blind_selection import (  # noqa: F401
    test_a_verdict_waiting_for_blind_review_is_told_to_nobody_but_its_authenticator,
    test_changing_the_rate_neither_unblinds_nor_blinds_a_finished_item,
)
from tests.desk.test_calibration_rules import (  # noqa: F401
    test_a_mark_counts_inspections_after_it_unless_chosen,
    test_an_unknown_code_is_refused_and_unmarking_is_audited,
    test_assign_takes_a_badge_or_the_start_of_a_name,
    test_marking_a_passed_item_a_known_fail_voids_its_certificate,
    test_the_authenticators_own_verdict_is_scored_never_a_correction,
)
from tests.desk.test_desk_services import (  # noqa: F401
    test_analytics_rates_overturns_agreement_and_calibration,
    test_blind_review_hides_the_first_verdict_until_recorded,
    test_calibration_items_are_assigned_and_scored,
    test_queue_filters_sorting_and_reviewed_items_leave,
    test_queue_holds_inconclusive_and_second_opinions_but_no_unsampled_pass,
)
from tests.desk.test_drill_and_csv import (  # noqa: F401
    test_every_matrix_cell_drills_down_and_a_dispute_for_the_panel_stays_hidden,
    test_every_trend_point_drills_down_to_exactly_what_it_counts,
    test_the_queue_and_the_calibration_tables_export_as_csv,
)
from tests.desk.test_figures import (  # noqa: F401
    test_disagreement_matrix_turnaround_and_queue_age,
    test_drill_down_lists_the_inspections_behind_a_figure_but_never_a_hidden_verdict,
    test_search_by_item_code_serial_or_style_code,
    test_the_sample_rate_is_set_at_the_desk_by_an_admin_for_every_station,
    test_weekly_trend_per_authenticator_and_brand_from_summary_and_live_days,
)
from tests.desk.test_queue_declared_value import (  # noqa: F401
    test_inspections_without_a_value_or_score_come_last_in_either_order,
    test_the_value_at_inspection_time_is_the_risk_taken,
)
from tests.desk.test_review_rules import (  # noqa: F401
    sam,
    test_a_blind_disagreement_goes_to_a_senior_panel_whose_verdict_decides,
    test_a_blind_item_shows_no_verdict_outcome_or_note_anywhere_until_recorded,
    test_a_review_of_an_inconclusive_item_decides_and_the_documents_follow,
    test_claims_show_who_has_an_item_block_others_and_expire,
    test_no_agreement_on_the_panel_makes_the_item_inconclusive_with_the_reason,
    test_one_review_per_reviewer_and_reviewed_items_are_marked,
    test_queue_filters_take_a_badge_the_start_of_a_name_and_a_brand_in_any_case,
    test_the_change_counter_moves_when_another_station_reviews,
)
from tests.desk.test_review_sampling import (  # noqa: F401
    population,
    test_riskier_inspections_are_sampled_clearly_more_often,
    test_the_sample_is_stable,
    test_the_sampled_share_follows_the_rate_setting,
)

pytestmark = pytest.mark.postgres


def test_the_desk_really_runs_on_postgres(services: StationServices, people: dict[str, Actor]) -> None:
    assert services.ctx.db.dialect == "postgresql"


def test_a_fill_waits_for_an_overturn_of_its_day_and_sees_it(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    """PostgreSQL reads committed data per statement: the day marker's row lock orders the two."""
    morgan = people["morgan"]
    inspection_id = finished("PG-LOCK")
    finished_at = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    _backdate(services, inspection_id, finished_at, 8.0)
    answers: list[list[analytics_service.AnalyticsRow]] = []
    reader = threading.Thread(target=lambda: answers.append(
        analytics_service.analytics(services.ctx, morgan, "brand", now=NOW)))
    with services.ctx.db.transaction() as session:  # an overturn in flight, as ReviewService does it
        session.execute(update(Inspection).where(Inspection.id == inspection_id).values(verdict="fail"))
        analytics_summary.mark_changed(session, "postgresql", finished_at)
        reader.start()  # it summarises the 5th of March: its marker is locked until we commit
        reader.join(timeout=1.0)
    reader.join(timeout=30)
    [row] = answers[0]
    assert row.fail_rate == 1.0  # the fill read the day after the overturn committed
    assert answers[0] == analytics_service.analytics(services.ctx, morgan, "brand", use_summary=False)
