"""Registry UPCs and the values a step reads from its photo: validated, and checked against each other."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from inspector.domain.checklist import Checklist, Registry, gtin_valid
from inspector.domain.values import check_value
from tests.checklists.test_shipped_checklists import shipped

BASE = {
    "id": "t", "brand": "B", "model": "M", "category": "sneakers", "version": 1,
    "patterns": [r"T\d{3}"],
    "registry": {"style_codes": [{"code": "T100"}, {"code": "T200"}]},
}


def steps(box_reads: dict[str, str]) -> list[dict[str, object]]:
    return [
        {"id": "box", "title": "Box", "instructions": "i", "severity": "major", "references": ["r.jpg"],
         "value": {"kind": "style_code"}, "reads": box_reads},
        {"id": "size", "title": "Size", "instructions": "i", "severity": "minor", "photo": "none",
         "value": {"kind": "size"}},
        {"id": "smell", "title": "Smell", "instructions": "i", "severity": "minor", "photo": "none"},
    ]


def test_gtin_check_digits() -> None:
    assert gtin_valid("036000291452") and gtin_valid("4006381333931") and gtin_valid("0036000291452")
    assert not gtin_valid("036000291453") and not gtin_valid("03600029145") and not gtin_valid("03600029145X")


@pytest.mark.parametrize(("upcs", "says"), [
    ([{"code": "036000291453", "style": "T100", "size": "9"}], "check digit"),
    ([{"code": "036000291452", "style": "T999", "size": "9"}], "not in style_codes"),
    ([{"code": "036000291452", "style": "T100", "size": "9"},
      {"code": "0036000291452", "style": "T200", "size": "9"}], "listed twice"),
    ([{"code": "12345", "style": "T100", "size": "9"}], "12 digits"),
])
def test_a_bad_upc_list_is_refused_naming_the_code(upcs: list[dict[str, str]], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Registry.model_validate({"style_codes": [{"code": "T100"}, {"code": "T200"}], "upcs": upcs})


@pytest.mark.parametrize(("reads", "says"), [
    ({"size": "nowhere"}, "unknown step 'nowhere'"),
    ({"size": "smell"}, "does not ask for a size"),
    ({"country": "size"}, "does not ask for a country"),
])
def test_reads_must_fill_a_value_step_of_that_kind(reads: dict[str, str], says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        Checklist.model_validate({**BASE, "steps": steps(reads)})
    good = Checklist.model_validate({**BASE, "steps": steps({"style_code": "box", "size": "size"})})
    assert {str(k): v for k, v in good.step("box").reads.items()} == {"style_code": "box", "size": "size"}


def test_a_step_without_photos_cannot_read_values() -> None:
    data = steps({})
    data[1]["reads"] = {"size": "size"}
    with pytest.raises(ValidationError, match="takes none"):
        Checklist.model_validate({**BASE, "steps": data})


def test_a_box_upc_is_checked_against_the_style_code_and_size_beside_it() -> None:
    aj1 = shipped("nike-air-jordan-1-high")
    upc = aj1.step("upc")
    right = check_value(aj1, upc, "195866000025", {"box-label": "555088-101", "size": "10"})
    assert right.problems == [] and right.facts == ["UPC 195866000025 is 555088-101 in size 10"]
    # The same code read by a scanner as EAN-13 is the same code.
    assert check_value(aj1, upc, "0195866000025", {"box-label": "555088-101"}).problems == []
    other_size = check_value(aj1, upc, "195866000025", {"box-label": "555088-101", "size": "11"})
    assert other_size.problems == ["UPC 195866000025 is size 10, not 11 (size on the box label)"]
    other_style = check_value(aj1, upc, "195866000049", {"box-label": "555088-101", "size": "10"})
    assert other_style.problems == ["UPC 195866000049 is style 555088-134, not 555088-101 (box label)"]
    unknown = check_value(aj1, upc, "036000291452", {})
    assert unknown.problems == ["UPC 036000291452 is not one of Nike's codes for Air Jordan 1 Retro High OG"]
    assert "check digit" in check_value(aj1, upc, "195866000026", {}).problems[0]


def test_every_shipped_photo_step_that_reads_fills_value_steps_of_its_kinds() -> None:
    aj1 = shipped("nike-air-jordan-1-high")
    assert {str(k): v for k, v in aj1.step("box-label").reads.items()} == {
        "style_code": "box-label", "size": "size", "upc": "upc"}
    assert {str(k): v for k, v in aj1.step("size-tag").reads.items()} == {
        "style_code": "size-tag", "country": "country"}
    assert shipped("rolex-submariner").step("serial").reads
    assert shipped("louis-vuitton-neverfull").step("date-code").reads
