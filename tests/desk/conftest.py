"""Desk fixtures: the service suite's station and people, plus finished inspections made quickly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.services.conftest import people, photo_bytes, services, test_settings  # noqa: F401

ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}
ONE_FAIL = {**ALL_PASS, "box-label": "fail"}
UNSURE = {**ALL_PASS, "stitching": "unsure"}

Finisher = Callable[..., int]


@pytest.fixture
def finished(services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> Finisher:  # noqa: F811
    """finished(code, outcomes, actor=alex, second_opinion=False) -> inspection id, verdict recorded."""

    def make(code: str, outcomes: dict[str, str] = ALL_PASS, actor: Actor | None = None,
             second_opinion: bool = False) -> int:
        who = actor or people["alex"]
        inspection_id = services.inspections.start_or_resume(who, code, style_code="TR1000-001").inspection.id
        for step in ("box-label", "size-tag"):
            services.inspections.add_photo(who, inspection_id, step, photo_bytes)
        for step, outcome in outcomes.items():
            value = "TR1000-001" if step in ("box-label", "size-tag") else None
            services.inspections.record_step(
                who, inspection_id, step, outcome, value=value,
                note="" if outcome == "pass" else "looks wrong",
                fail_reason="counterfeit" if outcome == "fail" else None)
        services.inspections.finish(who, inspection_id, second_opinion=second_opinion)
        return inspection_id

    return make
