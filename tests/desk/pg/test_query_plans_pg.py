"""The desk's EXPLAIN checks on PostgreSQL (settings point at a fresh database: see conftest.py)."""

from __future__ import annotations

import pytest

from inspector.services.context import ServiceContext
from tests.desk.test_query_plans import (  # noqa: F401
    check_the_analytics_queries,
    check_the_default_queue,
    check_the_queue_by_brand_and_verdict,
    check_the_queue_sorted_by_declared_value,
    check_the_queue_sorted_by_score,
    year_of_work,
)

pytestmark = pytest.mark.postgres


def test_queue_and_analytics_use_indexes_on_postgres(year_of_work: ServiceContext) -> None:  # noqa: F811
    assert year_of_work.db.dialect == "postgresql"
    # One database for all of them (generating and analysing it is most of the time).
    check_the_default_queue(year_of_work)
    check_the_queue_sorted_by_score(year_of_work)
    check_the_queue_sorted_by_declared_value(year_of_work)
    check_the_queue_by_brand_and_verdict(year_of_work)
    check_the_analytics_queries(year_of_work)
