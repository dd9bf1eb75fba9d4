"""Checklists from untrusted hands: linear-time patterns, no backtracking constructs, no alias bombs."""

from __future__ import annotations

import time

import pytest

from inspector.domain.loading import parse_checklist_text
from inspector.domain.patterns import compile_pattern, full_match
from inspector.errors import ChecklistInvalid
from inspector.untrusted import MAX_CHECKLIST_BYTES, MAX_PATTERN_LENGTH
from tests.services.conftest import CHECKLIST


def test_a_catastrophic_pattern_matches_in_linear_time() -> None:
    """`(a+)+b` on 24 letters took 1.15 s with Python's re (2^24 paths); RE2 answers at once."""
    started = time.perf_counter()
    for length in (24, 1000, 100_000):
        assert not full_match("(a+)+b", "a" * length)
    # A complexity class, not a speed figure: backtracking needs > 1 s at 24 letters and ages at 100,000.
    assert time.perf_counter() - started < 5.0


def test_a_checklist_with_a_catastrophic_pattern_still_loads_and_scans_fast() -> None:
    original = 'patterns: ["TR\\\\d{4}-\\\\d{3}"]'
    text = CHECKLIST.replace(original, original.replace("[", '["(A+)+B", '))
    checklist = parse_checklist_text(text, "hostile.yaml").checklist
    started = time.perf_counter()
    assert not checklist.matches("A" * 40)
    assert checklist.matches("tr1000-001")
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize("pattern", ["(TR)\\\\1", "TR(?=\\\\d)", "(?<!X)TR", "x" * 600])
def test_patterns_that_need_backtracking_are_named_when_loading(pattern: str) -> None:
    text = CHECKLIST.replace('patterns: ["TR\\\\d{4}-\\\\d{3}"]', f'patterns: ["{pattern}"]')
    with pytest.raises(ChecklistInvalid) as refused:
        parse_checklist_text(text, "hostile.yaml")
    assert "patterns" in str(refused.value)


def test_matching_ignores_case_as_before() -> None:
    assert full_match(r"TR\d{4}-\d{3}", "tr1000-001") and not full_match(r"TR\d{4}", "TR1000-001")


def test_a_billion_laughs_checklist_is_refused_before_it_expands() -> None:
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        laughs.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    text = CHECKLIST + "\n".join(f"x{line}" for line in laughs) + "\n"
    started = time.perf_counter()
    with pytest.raises(ChecklistInvalid, match="aliases"):
        parse_checklist_text(text, "laughs.yaml")
    assert time.perf_counter() - started < 5.0  # 9^9 nodes, were they expanded, would not be


def test_a_checklist_or_pattern_past_its_limit_is_refused_unread() -> None:
    with pytest.raises(ChecklistInvalid, match="larger than"):
        parse_checklist_text(CHECKLIST + "#" * MAX_CHECKLIST_BYTES + "\n", "huge.yaml")
    with pytest.raises(ValueError, match=f"longer than {MAX_PATTERN_LENGTH}"):
        compile_pattern("a" * (MAX_PATTERN_LENGTH + 1))
