"""Rates with their n and 95% Wilson intervals, against published values (Newcombe 1998, table I)."""

from __future__ import annotations

import pytest

from inspector.services.analytics import AnalyticsRow, to_csv
from inspector.services.rates import Rate, wilson


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 1998, method 3.
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_published_intervals(k: int, n: int, low: float, high: float) -> None:
    got = wilson(k, n)
    assert got == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_one_review_is_not_a_zero_or_hundred_percent_fact() -> None:
    assert Rate(0, 1).text() == "0% (0/1; 95% CI 0%-79%)"
    assert Rate(0, 0).text() == "no data (n=0)" and Rate(0, 0).value is None


def test_every_analytics_rate_has_its_n_and_interval_in_the_csv() -> None:
    row = AnalyticsRow("authenticator", "Alex", 10, 2.0, 5.0, 0.8, 0.1, 0.1, 4, 0.25, 2, 0.5, 3, 1.0,
                       passes=8, fails=1, inconclusive=1, overturns=1, blind_agreed=1, calibration_right=3)
    rates = row.rates()
    assert (rates["pass_rate"].k, rates["pass_rate"].n) == (8, 10)
    assert (rates["agreement_rate"].k, rates["agreement_rate"].n) == (1, 2)
    header, line = to_csv([row]).splitlines()
    values = dict(zip(header.split(","), line.split(","), strict=True))
    assert values["overturn_rate_n"] == "4" and values["overturn_rate_k"] == "1"
    low, high = wilson(1, 4)
    assert float(values["overturn_rate_low"]) == round(low, 4)
    assert float(values["overturn_rate_high"]) == round(high, 4)
