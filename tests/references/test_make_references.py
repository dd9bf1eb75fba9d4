"""The demo reference generator: every kind renders, barcodes decode, reruns are identical."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_references.py"
sys.path.insert(0, str(REPO / "scripts"))

from references.draw import upc_digits  # noqa: E402
from references.kinds import HEIGHT, RENDERERS, WIDTH  # noqa: E402

from inspector.vision.compare import compare  # noqa: E402
from inspector.vision.synthetic import Nuisance, make_probe  # noqa: E402

CHECKLIST = """\
id: every-kind
brand: Testbrand
model: Every Kind
category: sneakers
version: 1
patterns: ['EK\\d{4}']
registry:
  style_codes: [{code: EK1234, colourway: Black/White, year: 2024}]
  countries: [Portugal]
steps:
{steps}
"""


VARIANTS = [
    "engraving-rehaut",
    "engraving-bezel",
    "material-knit",
    "material-boost",
    "material-box",
    "logo-swoosh",
    "logo-wings",
    "logo-n",
    "stitching-quilt",
    "stitching-handle",
    "hardware-lock",
    "hardware-chain",
    "dial-cyclops",
]


def _checklist(kinds: list[str], brand_path: str = "testbrand") -> str:
    steps = "\n".join(
        f"  - {{id: step-{i}, title: Step {i}, instructions: Look., severity: minor,"
        f" references: [references/{brand_path}/every-kind/{kind}.jpg]}}"
        for i, kind in enumerate(kinds)
    )
    return CHECKLIST.replace("{steps}", steps)


def _run(tmp_path: Path, text: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "checklists").mkdir(exist_ok=True)
    (tmp_path / "checklists" / "every.yaml").write_text(text)
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--checklists",
            str(tmp_path / "checklists"),
            "--assets",
            str(tmp_path / "assets"),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("refs")
    result = _run(root, _checklist(sorted(RENDERERS) + VARIANTS))
    assert result.returncode == 0, result.stderr
    return root / "assets" / "references" / "testbrand" / "every-kind"


def test_every_kind_renders_a_full_size_photo(rendered: Path) -> None:
    for kind in [*RENDERERS, *VARIANTS]:
        image = cv2.imread(str(rendered / f"{kind}.jpg"))
        assert image is not None, kind
        assert image.shape == (HEIGHT, WIDTH, 3), kind
        assert float(image.std()) > 8.0, f"{kind} is nearly blank"
        assert (rendered / f"{kind}.jpg").stat().st_size < 300_000, kind


def test_the_box_label_barcode_decodes_to_the_printed_upc(rendered: Path) -> None:
    image = cv2.imread(str(rendered / "box-label.jpg"))
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    expected = upc_digits("EK1234")
    assert any(text.lstrip("0") == expected.lstrip("0") for text in decoded), (decoded, expected)


def test_a_rerun_is_byte_identical(tmp_path: Path, rendered: Path) -> None:
    kinds = ["box-label", "engraving-rehaut", "material-knit", "dial"]
    assert _run(tmp_path, _checklist(kinds)).returncode == 0
    first = {
        k: (tmp_path / "assets/references/testbrand/every-kind" / f"{k}.jpg").read_bytes() for k in kinds
    }
    result = _run(tmp_path, _checklist(kinds), "--force")
    assert result.returncode == 0 and result.stdout.count("wrote") == len(kinds)
    for kind in kinds:
        assert (tmp_path / "assets/references/testbrand/every-kind" / f"{kind}.jpg").read_bytes() == first[
            kind
        ]


def test_existing_images_are_kept_unless_forced(tmp_path: Path) -> None:
    assert _run(tmp_path, _checklist(["logo"])).returncode == 0
    assert "wrote" not in _run(tmp_path, _checklist(["logo"])).stdout


def test_an_unknown_kind_exits_1_naming_it(tmp_path: Path) -> None:
    result = _run(tmp_path, _checklist(["box-label", "sparkles"]))
    assert result.returncode == 1
    assert "unknown kind 'sparkles'" in result.stderr
    assert not (tmp_path / "assets" / "references" / "testbrand" / "every-kind" / "box-label.jpg").exists()


@pytest.mark.parametrize(
    "kind", ["box-label", "size-tag", "stitching", "heat-stamp", "engraving-rehaut", "logo"]
)
def test_the_vision_pipeline_registers_a_photo_of_each(rendered: Path, kind: str) -> None:
    reference = cv2.imread(str(rendered / f"{kind}.jpg"))
    nuisance = Nuisance(
        tilt_deg=6, tilt_axis_deg=20, rotation_deg=3, scale=0.9, brightness=8, jpeg_quality=85
    )
    probe = make_probe(reference, nuisance, np.random.default_rng(2))
    result = compare(reference, probe.photo)
    assert result.aligned, result.message
    assert result.homography is not None
    # The recovered photo -> reference mapping sends the photo's reference corners back to the corners.
    to_reference = np.array(result.homography)
    corners = np.array([[0, 0], [WIDTH, 0], [WIDTH, HEIGHT], [0, HEIGHT]], np.float64).reshape(-1, 1, 2)
    in_photo = cv2.perspectiveTransform(corners, probe.homography)
    back = cv2.perspectiveTransform(in_photo, to_reference).reshape(-1, 2)
    assert float(np.abs(back - corners.reshape(-1, 2)).max()) < 8.0
