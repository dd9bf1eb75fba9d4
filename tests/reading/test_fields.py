"""Fields from text lines: registry picks and corrects only where one reading is possible."""

from __future__ import annotations

from inspector.domain.checklist import Checklist
from inspector.reading.fields import by_pattern, lookalike, recognise
from inspector.reading.model import Box, Code, TextLine
from tests.reading.conftest import checklist


def lines(*texts: str) -> list[TextLine]:
    return [TextLine(text, 0.9, Box(10, 10 + 50 * i, 20 * len(text), 40)) for i, text in enumerate(texts)]


def values(found: list) -> dict[str, str]:
    return {f.kind: f.value for f in found}


def test_a_misread_style_code_is_corrected_to_the_listed_code_it_could_be(
        shipped: list[Checklist]) -> None:
    aj1 = checklist(shipped, "nike-air-jordan-1-high")
    found = recognise(lines("AIR JORDAN 1", "US 10  UK 9", "555O88-1O1"), [], aj1)
    style = next(f for f in found if f.kind == "style_code")
    assert (style.value, style.corrected, style.read) == ("555088-101", True, "555O88-1O1")
    # Without the registry the same words give the misread code as printed, uncorrected.
    assert values(recognise(lines("555O88-1O1"), [], None)).get("style_code") == "555O88-1O1"


def test_an_unlisted_code_that_fits_the_pattern_is_kept_not_corrected(shipped: list[Checklist]) -> None:
    """A counterfeit's code must not be 'corrected' into a genuine one."""
    aj1 = checklist(shipped, "nike-air-jordan-1-high")
    found = recognise(lines("555088-100"), [], aj1)
    style = next(f for f in found if f.kind == "style_code")
    assert (style.value, style.corrected) == ("555088-100", False)


def test_a_correction_with_two_possible_readings_is_not_made() -> None:
    # Eight letters or digits: O could be O or 0, so the pattern cannot decide.
    assert by_pattern("7HOK9M2P", [r"[0-9A-Z]{8}"]) == "7HOK9M2P"
    assert by_pattern("SD1O19", [r"[A-Z]{2}\d{4}"]) == "SD1019"  # only a digit fits there
    assert by_pattern("5D1019", [r"[A-Z]{2}\d{4}"]) == "SD1019"
    assert by_pattern("S81O1", [r"[A-Z]\d[A-Z]\d\d"]) == "S8I01"
    assert by_pattern("OS", [r"[A-Z]\d|\d[A-Z]"]) is None  # O5 and 0S both fit: no guess
    assert by_pattern("OS", [r"\d{3}"]) is None
    assert lookalike("555O88-1O1", "555088-101") and not lookalike("555088-100", "555088-101")


def test_date_code_serial_and_country_with_the_registry(shipped: list[Checklist]) -> None:
    lv = checklist(shipped, "louis-vuitton-neverfull")
    got = values(recognise(lines("LOUIS VUITTON", "MADE IN FRAMCE", "SD1O19"), [], lv))
    assert got["date_code"] == "SD1019" and got["country"] == "France"
    chanel = checklist(shipped, "chanel-classic-flap")
    got = values(recognise(lines("CHANEL", "2481O517", "MADE IN ITALY"), [], chanel))
    assert got["serial"] == "24810517" and got["country"] == "Italy"
    rolex = checklist(shipped, "rolex-submariner")
    got = values(recognise(lines("REF 116610LN", "SERIAL 7HOK9M2P", "SWISS MADE"), [], rolex))
    assert got == {"style_code": "116610LN", "serial": "7HOK9M2P", "country": "Switzerland"}


def test_size_and_upc_from_the_barcode(shipped: list[Checklist]) -> None:
    aj1 = checklist(shipped, "nike-air-jordan-1-high")
    code = Code("EAN13", "0195866000025", Box(5, 300, 200, 80))
    found = recognise(lines("US 10.5  UK 9.5  EUR 44.5", "555088-101"), [code], aj1)
    upc = next(f for f in found if f.kind == "upc")
    assert (upc.value, upc.box, upc.source) == ("195866000025", code.box, "EAN13")
    assert values(found)["size"] == "10.5"
    plain = values(recognise(lines("SIZE XL", "MADE IN CANADA"), [], None))
    assert plain == {"size": "XL", "country": "Canada"}


def test_evidence_box_is_the_part_of_the_line_holding_the_value(shipped: list[Checklist]) -> None:
    aj1 = checklist(shipped, "nike-air-jordan-1-high")
    line = TextLine("STYLE 555088-101", 0.95, Box(100, 50, 320, 40))
    style = next(f for f in recognise([line], [], aj1) if f.kind == "style_code")
    assert style.box.y == 50 and style.box.h == 40
    assert 100 + 320 * 6 // 16 - 1 <= style.box.x <= 100 + 320 * 6 // 16 + 1
    assert style.box.x + style.box.w == 420


def test_a_label_with_a_second_code_of_the_brand_keeps_both(shipped: list[Checklist]) -> None:
    """A forger printing a genuine code beside the fake one does not get the genuine one alone."""
    aj1 = checklist(shipped, "nike-air-jordan-1-high")
    style = next(f for f in recognise(lines("555088-100", "STYLE 555088-101"), [], aj1)
                 if f.kind == "style_code")
    assert (style.value, style.others) == ("555088-101", ("555088-100",))
    alone = next(f for f in recognise(lines("555088-101", "US 10"), [], aj1) if f.kind == "style_code")
    assert alone.others == ()
