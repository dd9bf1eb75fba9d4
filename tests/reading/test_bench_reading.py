"""Values read off step photos at the bench (services, real OCR): filled, checked, confirmed; no typing."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from inspector.config import Settings
from inspector.errors import BadInput
from inspector.reading.engine import OcrEngine
from inspector.reading.specimens import LabelSpec, photograph
from inspector.security.roles import Actor, Role
from inspector.services.station import StationServices, open_station

GENUINE_BOX = LabelSpec("box_label", "nike-air-jordan-1-high",
                        ("AIR JORDAN 1 RETRO HIGH OG", "US 10  UK 9  EUR 43", "555088-101"),
                        {}, "dejavu-sans-bold", barcode="195866000025")


def size_tag(style_code: str) -> LabelSpec:
    return LabelSpec("size_tag", "nike-air-jordan-1-high",
                     ("US 10  UK 9", "MADE IN VIETNAM", "04/02/23 - 04/22/23", style_code),
                     {}, "nimbus-sans")


def photo(spec: LabelSpec, seed: int) -> bytes:
    specimen = photograph(spec, np.random.default_rng(seed))
    return cv2.imencode(".jpg", specimen.photo, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


@pytest.fixture
def bench(settings: Settings, engine: OcrEngine) -> Iterator[tuple[StationServices, Actor, int]]:
    station = open_station(settings)
    users = station.users
    users.create_first_admin("Ada", "9999", "B-9")
    users.create_user(users.login("B-9", "9999"), "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    alex = users.login("B-1", "1234")
    started = station.inspections.start_or_resume(alex, "ITEM-1", style_code="555088-101")
    yield station, alex, started.inspection.id
    station.close()


def read_step(station: StationServices, alex: Actor, inspection_id: int, step_id: str, data: bytes):
    station.inspections.add_photo(alex, inspection_id, step_id, data)
    return station.reading.read_photo(alex, inspection_id, step_id, data)


def test_a_counterfeit_size_tag_is_flagged_from_photos_alone(bench) -> None:
    station, alex, inspection_id = bench
    box = read_step(station, alex, inspection_id, "box-label", photo(GENUINE_BOX, 11))
    assert {v.step_id: v.value for v in box.values} == {
        "box-label": "555088-101", "size": "10", "upc": "195866000025"}
    assert box.problems == [] and box.missing == ()
    upc = next(v for v in box.values if v.kind == "upc")
    assert "UPC 195866000025 is 555088-101 in size 10" in upc.facts
    # One key: the values of steps without photos are recorded; the box label itself is judged
    # by its look, with its read value filled in (here: recorded as the authenticator's pass).
    confirmed = station.reading.confirm(alex, box, client_ref="box-photo")
    assert sorted((r.step_id, r.value) for r in confirmed) == [("size", "10"), ("upc", "195866000025")]
    station.inspections.record_step(alex, inspection_id, "box-label", "pass", value=box.values[0].value)

    fake = read_step(station, alex, inspection_id, "size-tag", photo(size_tag("555088-100"), 12))
    style = next(v for v in fake.values if v.kind == "style_code")
    assert style.step_id == "size-tag" and style.value == "555088-100"
    assert "differs from box label (555088-101)" in style.problems
    assert any("not in Nike's list of released styles" in p for p in style.problems)
    country = next(v for v in fake.values if v.kind == "country")
    assert (country.step_id, country.value, country.problems) == ("country", "Vietnam", ())
    assert fake.problems and all(p.startswith("Size tag inside the collar:") for p in fake.problems)
    # Confirming records the country only; the flagged code waits for the authenticator.
    assert [r.step_id for r in station.reading.confirm(alex, fake)] == ["country"]
    assert "size-tag" not in station.inspections.detail(alex, inspection_id).results


def test_a_genuine_size_tag_agrees_and_a_retried_confirm_records_once(bench) -> None:
    station, alex, inspection_id = bench
    station.inspections.record_step(alex, inspection_id, "box-label", "pass", value="555088-101")
    tag = read_step(station, alex, inspection_id, "size-tag", photo(size_tag("555088-101"), 13))
    assert tag.problems == []
    assert {v.kind: v.value for v in tag.values} == {"style_code": "555088-101", "country": "Vietnam"}
    first = station.reading.confirm(alex, tag, client_ref="tag-1")
    again = station.reading.confirm(alex, tag, client_ref="tag-1")
    assert [r.id for r in first] == [r.id for r in again]


def test_a_box_whose_barcode_is_another_style_is_flagged(bench) -> None:
    station, alex, inspection_id = bench
    reboxed = LabelSpec("box_label", "nike-air-jordan-1-high", GENUINE_BOX.lines, {},
                        "dejavu-sans-bold", barcode="195866000049")  # the UPC of 555088-134
    reading = read_step(station, alex, inspection_id, "box-label", photo(reboxed, 14))
    upc = next(v for v in reading.values if v.kind == "upc")
    assert upc.problems == ("UPC 195866000049 is style 555088-134, not 555088-101 (box label)",)
    assert [r.step_id for r in station.reading.confirm(alex, reading)] == ["size"]


def test_a_step_that_reads_nothing_or_a_bad_photo_is_one_sentence(bench) -> None:
    station, alex, inspection_id = bench
    with pytest.raises(BadInput, match="reads no values"):
        station.reading.read_photo(alex, inspection_id, "swoosh", b"")
    with pytest.raises(BadInput, match="not a readable image"):
        station.reading.read_photo(alex, inspection_id, "box-label", b"garbage")


def test_a_size_tag_printing_two_style_codes_is_flagged(bench) -> None:
    station, alex, inspection_id = bench
    station.inspections.record_step(alex, inspection_id, "box-label", "pass", value="555088-101")
    two = LabelSpec("size_tag", "nike-air-jordan-1-high",
                    ("US 10  UK 9", "MADE IN VIETNAM", "555088-101", "555088-100"), {}, "dejavu-sans")
    reading = read_step(station, alex, inspection_id, "size-tag", photo(two, 15))
    style = next(v for v in reading.values if v.kind == "style_code")
    assert style.problems == ("the photo also shows style code 555088-100",)
    assert [r.step_id for r in station.reading.confirm(alex, reading)] == ["country"]
