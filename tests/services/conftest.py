"""A small real checklist and a station built on it, for service tests independent of shipped content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.config import Settings
from inspector.security.roles import Actor, Role
from inspector.services.station import StationServices, open_station

CHECKLIST = """\
id: test-runner
brand: Testbrand
model: Runner
category: sneakers
version: 1
patterns: ["TR\\\\d{4}-\\\\d{3}"]
registry:
  style_codes:
    - {code: TR1000-001, colourway: Black/White, year: 2024}
  countries: [Vietnam, Indonesia]
steps:
  - id: box-label
    title: Box label
    instructions: Photograph the whole box label.
    severity: critical
    photo: required
    references: [references/test/label.png]
    value: {kind: style_code, label: style code}
  - id: size-tag
    title: Size tag
    instructions: Photograph the size tag inside the shoe.
    severity: major
    photo: required
    references: [references/test/label.png]
    value: {kind: style_code, label: style code, must_match: box-label}
  - id: stitching
    title: Stitching
    instructions: Check the stitching of the heel.
    severity: minor
    photo: optional
    references: [references/test/label.png]
  - id: smell
    title: Smell
    instructions: Factory glue smell, no strong chemical odour.
    severity: minor
    photo: none
"""


def printed_label(style_prefix: str = "TR") -> np.ndarray:
    """A grey label with coloured blocks and rows of dark text: the tests' genuine reference."""
    rng = np.random.default_rng(3)
    image = np.full((600, 800, 3), 235, np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(0, 760)), int(rng.integers(0, 560))
        cv2.rectangle(image, (x, y), (x + int(rng.integers(8, 60)), y + int(rng.integers(8, 40))),
                      tuple(int(c) for c in rng.integers(0, 200, 3)), -1)
    for row in range(8):
        cv2.putText(image, f"STYLE {style_prefix}1000-00{row} MADE IN VIETNAM", (30, 60 + row * 65),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    return image


def make_reference(path: Path, style_prefix: str = "TR") -> np.ndarray:
    image = printed_label(style_prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image)
    return image


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The service tests here run on both backends (elsewhere tests/conftest.py's `backend` is SQLite)."""
    return str(request.param)


@pytest.fixture
def test_settings(settings: Settings, tmp_path: Path, backend: str,
                  request: pytest.FixtureRequest) -> Settings:
    if backend == "postgresql" and not settings.database_url.startswith("postgresql"):
        settings = settings.with_changes(database_url=request.getfixturevalue("pg_url"))
    checklists = tmp_path / "checklists"
    (checklists / "testbrand").mkdir(parents=True)
    (checklists / "testbrand" / "runner.yaml").write_text(CHECKLIST)
    assets = tmp_path / "assets"
    make_reference(assets / "references" / "test" / "label.png")
    return settings.with_changes(checklists_dir=checklists, assets_dir=assets)


@pytest.fixture
def services(test_settings: Settings) -> Iterator[StationServices]:
    station = open_station(test_settings)
    yield station
    station.close()


@pytest.fixture
def people(services: StationServices) -> dict[str, Actor]:
    users = services.users
    users.create_first_admin("Ada", "9999", "B-9")
    admin = users.login("B-9", "9999")
    users.create_user(admin, "Alex", "1234", Role.AUTHENTICATOR, "B-1")
    users.create_user(admin, "Morgan", "3456", Role.SUPERVISOR, "B-2")
    return {
        "admin": admin,
        "alex": users.login("B-1", "1234"),
        "morgan": users.login("morgan", "3456"),
    }


@pytest.fixture
def photo_bytes(test_settings: Settings) -> bytes:
    image = cv2.imread(str(test_settings.assets_dir / "references" / "test" / "label.png"))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()
