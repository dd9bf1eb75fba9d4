"""The checklists we ship: valid with references, selected by their own codes, their data checks values."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.domain.checklist import Checklist, Severity
from inspector.domain.loading import load_library, validate_paths
from inspector.domain.values import check_value

REPO = Path(__file__).resolve().parents[2]
CHECKLISTS = REPO / "checklists"
ASSETS = REPO / "assets"
LIBRARY = load_library(CHECKLISTS, ASSETS)


def shipped(checklist_id: str) -> Checklist:
    return LIBRARY.get(checklist_id).checklist


def test_all_shipped_checklists_and_references_are_valid() -> None:
    assert validate_paths([CHECKLISTS], ASSETS) == []


def test_at_least_eight_lines_across_sneakers_bags_watches_and_apparel() -> None:
    checklists = [loaded.checklist for loaded in LIBRARY.all()]
    assert len(checklists) >= 8
    assert {c.category for c in checklists} >= {"sneakers", "bags", "watches", "apparel"}
    for checklist in checklists:
        assert len(checklist.steps) >= 8, checklist.id
        assert any(step.needs_photo for step in checklist.steps), checklist.id
        assert {s.severity for s in checklist.steps} >= {Severity.CRITICAL, Severity.MAJOR}, checklist.id
        assert checklist.registry.style_codes and checklist.registry.countries, checklist.id


def test_every_registry_code_selects_its_own_checklist_and_no_other() -> None:
    for loaded in LIBRARY.all():
        for style in loaded.checklist.registry.style_codes:
            matching = [other.checklist.id for other in LIBRARY.all() if other.checklist.matches(style.code)]
            assert matching == [loaded.checklist.id], (style.code, matching)
            assert LIBRARY.for_code(style.code.lower()) is loaded


def test_unknown_codes_select_nothing() -> None:
    for code in ("ABC123", "555088", "BB550", "M4099", "SUP-SS20-TEE", "126710BLRO"):
        assert LIBRARY.for_code(code) is None, code


def test_a_size_tag_code_that_differs_from_the_box_label_is_reported() -> None:
    aj1 = shipped("nike-air-jordan-1-high")
    values = {"box-label": "555088-101"}
    same = check_value(aj1, aj1.step("size-tag"), "555088-101", values)
    assert same.problems == [] and any("Chicago" in fact for fact in same.facts)
    other = check_value(aj1, aj1.step("size-tag"), "555088-134", values)
    assert any("differs from box label (555088-101)" in problem for problem in other.problems)


def test_a_known_code_gives_its_colourway_and_year_and_an_unknown_one_is_flagged() -> None:
    yeezy = shipped("adidas-yeezy-boost-350-v2")
    known = check_value(yeezy, yeezy.step("box-label"), "cp9652", {})
    assert known.problems == [] and "CP9652 — Core Black/Red (Bred) — 2017" in known.facts
    dunk = shipped("nike-dunk-low")
    unreleased = check_value(dunk, dunk.step("box-label"), "DD1391-999", {})
    assert any("not in Nike's list of released styles" in problem for problem in unreleased.problems)
    foreign = check_value(dunk, dunk.step("box-label"), "555088-101", {})
    assert any("is not a Nike Dunk Low Retro style" in problem for problem in foreign.problems)


@pytest.mark.parametrize(
    ("checklist_id", "good", "bad"),
    [
        ("nike-air-jordan-1-high", "Vietnam", "Italy"),
        ("supreme-box-logo-hoodie", "Canada", "China"),
        ("rolex-submariner", "Switzerland", "China"),
        ("louis-vuitton-neverfull", "France", "China"),
    ],
)
def test_a_country_the_brand_does_not_use_is_reported(checklist_id: str, good: str, bad: str) -> None:
    checklist = shipped(checklist_id)
    step = checklist.step("country")
    assert check_value(checklist, step, good, {}).problems == []
    assert any("does not make this line there" in p for p in check_value(checklist, step, bad, {}).problems)


@pytest.mark.parametrize(
    ("checklist_id", "step_id", "good", "bad"),
    [
        ("louis-vuitton-neverfull", "date-code", "SD4189", "S4189"),
        ("rolex-submariner", "serial", "7X3K9142", "7X3K-9142"),
        ("chanel-classic-flap", "serial", "29817364", "2981736A"),
    ],
)
def test_date_codes_and_serials_of_the_wrong_form_are_reported(
    checklist_id: str, step_id: str, good: str, bad: str
) -> None:
    checklist = shipped(checklist_id)
    step = checklist.step(step_id)
    assert check_value(checklist, step, good, {}).problems == []
    assert any(
        "does not match the brand's pattern" in p for p in check_value(checklist, step, bad, {}).problems
    )


def test_every_photo_step_has_a_reference_for_each_required_photo() -> None:
    for loaded in LIBRARY.all():
        for step in loaded.checklist.steps:
            if step.needs_photo:
                assert all((ASSETS / ref).is_file() for ref in step.references), (
                    loaded.checklist.id,
                    step.id,
                )
