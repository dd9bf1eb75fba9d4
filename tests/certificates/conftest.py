"""Certificate test fixtures: the services' small checklist station, rendering and decoding helpers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

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
