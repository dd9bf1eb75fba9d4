"""Certificate test fixtures: the services' small checklist station, rendering and decoding helpers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from inspector.config import Settings
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.services.conftest import people, photo_bytes, services, test_settings  # noqa: F401


def render_png(pdf: bytes, tmp_path: Path, dpi: int, name: str = "page") -> list[Path]:
    """Every page of a PDF as PNG with poppler's pdftoppm, as a printer would rasterise it."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils (apt-get install poppler-utils)")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / name)], check=True)
    return sorted(tmp_path.glob(f"{name}*.png"))


def decode(png: Path) -> dict[str, str]:
    """Format name -> text for every barcode zxing-cpp finds."""
    with Image.open(png) as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    return {result.format.name: result.text for result in found if result.valid}


# A second checklist whose registry lists the UPC of each style and size: an item inspected with it has
# a known GTIN, so its certificate and large tags carry a GS1 Digital Link (docs/trust.md).
SIZED_CHECKLIST = """\
id: test-sized
brand: Testbrand
model: Sized
category: sneakers
version: 1
patterns: ["TS\\\\d{4}-\\\\d{3}"]
registry:
  style_codes:
    - {code: TS2000-001}
  upcs:
    - {code: "036000291452", style: TS2000-001, size: "42"}
    - {code: "4006381333931", style: TS2000-001, size: "43"}
steps:
  - id: box-label
    title: Box label
    instructions: Photograph the whole box label.
    severity: critical
    photo: required
    references: [references/test/label.png]
    value: {kind: style_code, label: style code}
  - id: size
    title: Size
    instructions: Read the size off the tag inside the shoe.
    severity: major
    photo: none
    value: {kind: size, label: size}
"""
SIZED_GTIN = "00036000291452"  # the UPC-A 036000291452 (size 42) as GTIN-14


def add_sized_checklist(settings: Settings) -> Settings:
    (settings.checklists_dir / "testbrand" / "sized.yaml").write_text(SIZED_CHECKLIST)
    return settings


def finish_sized(station: StationServices, alex: Actor, photo: bytes, code: str, size: str) -> int:
    """A passed inspection of a TS2000-001 in `size` (an unlisted size leaves its GTIN unknown)."""
    inspections = station.inspections
    inspection_id = inspections.start_or_resume(alex, code, style_code="TS2000-001").inspection.id
    inspections.add_photo(alex, inspection_id, "box-label", photo)
    inspections.record_step(alex, inspection_id, "box-label", "pass", value="TS2000-001")
    inspections.record_step(alex, inspection_id, "size", "pass", value=size)
    inspections.finish(alex, inspection_id)
    return inspection_id
