"""Real OCR (PP-OCR via onnxruntime) and real zxing-cpp decoding on rendered label photos."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from inspector.cli.main import main
from inspector.domain.checklist import Checklist
from inspector.reading.engine import OcrEngine
from inspector.reading.reader import read_label, read_label_bytes
from inspector.reading.specimens import LabelSpec, photograph, render_label


def jpeg(image: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


BOX = LabelSpec("box_label", "nike-air-jordan-1-high",
                ("AIR JORDAN 1 RETRO HIGH OG", "US 10  UK 9  EUR 43", "555088-101"),
                {"style_code": "555088-101", "size": "10", "upc": "195866000025"},
                "dejavu-sans-bold", barcode="195866000025")


def test_a_photographed_box_label_gives_its_fields_with_boxes(engine: OcrEngine,
                                                              shipped: list[Checklist]) -> None:
    specimen = photograph(BOX, np.random.default_rng(5))
    reading = read_label(specimen.photo, shipped, engine=engine)
    assert reading.checklist_id == "nike-air-jordan-1-high"
    assert reading.values() == BOX.truth
    height, width = specimen.photo.shape[:2]
    style = reading.field("style_code")
    upc = reading.field("upc")
    assert style is not None and upc is not None and upc.source in ("UPCA", "EAN13")
    # The style code is printed below the size line, the barcode below both.
    size = reading.field("size")
    assert size is not None and size.box.y < style.box.y < upc.box.y
    for found in (style, upc, size):
        assert found.box.x >= 0 and found.box.x + found.box.w <= width + 2
        assert found.box.y >= 0 and found.box.y + found.box.h <= height + 2
    assert all(0.5 <= line.confidence <= 1.0 for line in reading.lines)


def test_boxes_are_in_the_pixels_of_a_large_photo(engine: OcrEngine, shipped: list[Checklist]) -> None:
    label = render_label(BOX)
    small = read_label(label, shipped, engine=engine)
    big = cv2.resize(label, (label.shape[1] * 3, label.shape[0] * 3), interpolation=cv2.INTER_CUBIC)
    large = read_label_bytes(jpeg(big), shipped, engine=engine)
    assert (large.width, large.height) == (big.shape[1], big.shape[0])
    assert large.values() == small.values() == BOX.truth
    a, b = small.field("style_code"), large.field("style_code")
    assert a is not None and b is not None
    assert abs(b.box.x - 3 * a.box.x) <= 12 and abs(b.box.y - 3 * a.box.y) <= 12


def test_inspector_read_json(tmp_path, capsys: pytest.CaptureFixture[str], engine: OcrEngine) -> None:
    path = tmp_path / "tag.jpg"
    spec = LabelSpec("size_tag", "nike-air-jordan-1-high",
                     ("US 9  UK 8", "MADE IN VIETNAM", "555088-134"), {}, "dejavu-sans")
    path.write_bytes(jpeg(render_label(spec)))
    assert main(["read", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    fields = {f["kind"]: f for f in out["fields"]}
    assert {k: f["value"] for k, f in fields.items()} == {
        "style_code": "555088-134", "size": "9", "country": "Vietnam"}
    assert set(fields["style_code"]["box"]) == {"x", "y", "w", "h"}
    assert out["checklist_id"] == "nike-air-jordan-1-high"
    assert [line["text"] for line in out["lines"]][1].replace(" ", "").upper() == "MADEINVIETNAM"


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + bytes(40)])
def test_a_bad_image_is_one_sentence_and_exit_2(tmp_path, capsys: pytest.CaptureFixture[str],
                                                content: bytes) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(content)
    assert main(["read", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert main(["read", str(tmp_path / "missing.jpg")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_an_unknown_checklist_is_one_sentence(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "label.jpg"
    path.write_bytes(jpeg(render_label(BOX)))
    assert main(["read", str(path), "--checklist", "no-such-list"]) == 2
    assert capsys.readouterr().err.strip() == (
        "inspector: There is no checklist 'no-such-list' (see `inspector checklists list`).")


def test_inspector_read_text_output_names_each_field(tmp_path, capsys: pytest.CaptureFixture[str],
                                                     engine: OcrEngine) -> None:
    path = tmp_path / "label.jpg"
    path.write_bytes(jpeg(render_label(BOX)))
    assert main(["read", str(path), "--checklist", "nike-air-jordan-1-high"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "checklist: nike-air-jordan-1-high"
    kinds = {line.split()[0]: line.split()[1] for line in out[1:4]}
    assert kinds == {"style_code": "555088-101", "size": "10", "upc": "195866000025"}
    assert any(line.startswith("code       EAN13: 0195866000025") for line in out)
