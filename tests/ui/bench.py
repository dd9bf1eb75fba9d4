"""A small real bench for the station-window tests: checklist, reference image, people, photos."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from inspector.config import Settings, load_settings
from tests.services.conftest import make_reference

CHECKLIST = """\
id: bench-runner
brand: Benchbrand
model: Runner
category: sneakers
version: 1
patterns: ["BR\\\\d{4}-\\\\d{3}"]
registry:
  style_codes:
    - {code: BR1000-001, colourway: Black/White, year: 2024}
  countries: [Vietnam, Indonesia]
steps:
  - id: box-label
    title: Box label
    instructions: Photograph the whole box label, flat and square.
    severity: critical
    photo: required
    references: [references/bench/label.png]
    value: {kind: style_code, label: style code}
  - id: size-tag
    title: Size tag
    instructions: Photograph the size tag inside the left shoe.
    severity: major
    photo: required
    references: [references/bench/label.png]
    compare: {region: [0, 0, 800, 300]}
  - id: smell
    title: Smell
    instructions: Factory glue smell, no strong chemical odour.
    severity: minor
    photo: none
"""

STYLE_CODE = "BR1000-001"
PEOPLE = (("Ada Admin", "admin", "B-9001", "9999"), ("Alex Authenticator", "authenticator", "B-1001", "1234"))


def build_bench(root: Path) -> dict[str, str]:
    """Home, checklists and assets under root: the INSPECTOR_* variables that point a station there."""
    checklists, assets = root / "checklists", root / "assets"
    (checklists / "benchbrand").mkdir(parents=True, exist_ok=True)
    (checklists / "benchbrand" / "runner.yaml").write_text(CHECKLIST)
    reference = assets / "references" / "bench" / "label.png"
    make_reference(reference, style_prefix="BR")
    camera = root / "camera"  # an image-sequence camera: frames of the reference, as at the bench
    camera.mkdir(exist_ok=True)
    for number in range(3):
        (camera / f"frame-{number}.jpg").write_bytes(photo_of(reference, seed=10 + number))
    return {"INSPECTOR_HOME": str(root / "home"), "INSPECTOR_CHECKLISTS_DIR": str(checklists),
            "INSPECTOR_ASSETS_DIR": str(assets), "INSPECTOR_CAMERA": str(camera)}


def settings_for(env: dict[str, str]) -> Settings:
    return load_settings({**os.environ, **env})


def add_people(services: object) -> None:
    users = services.users  # type: ignore[attr-defined]
    name, _role, badge, pin = PEOPLE[0]
    users.create_first_admin(name, pin, badge)
    admin = users.login(badge, pin)
    for name, role, badge, pin in PEOPLE[1:]:
        users.create_user(admin, name, pin, role, badge)


def photo_of(reference: Path, *, tamper: bool = False, seed: int = 0) -> bytes:
    """A camera-like JPEG of the reference; `tamper` paints over a patch (a region to flag)."""
    image = cv2.imread(str(reference))
    rng = np.random.default_rng(seed)
    noisy = np.clip(image.astype(np.int16) + rng.integers(-6, 7, image.shape), 0, 255).astype(np.uint8)
    if tamper:
        cv2.rectangle(noisy, (420, 60), (700, 200), (40, 40, 200), -1)
    ok, data = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()
