"""A returned item: same physical unit as the one that passed, or a swap?"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.errors import NotFound
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.vision.synthetic import Nuisance, make_probe


def _unit(base: np.ndarray, grain_seed: int) -> np.ndarray:
    """The same model, one physical unit: its own fine grain (leather, weave, print noise)."""
    grain = np.random.default_rng(grain_seed).normal(0, 30, base.shape[:2]).astype(np.float32)
    grain = cv2.GaussianBlur(grain, (0, 0), 1.0)[..., None]
    return np.clip(base.astype(np.float32) + grain, 0, 255).astype(np.uint8)


def _shot(unit: np.ndarray, seed: int) -> bytes:
    probe = make_probe(unit, Nuisance(tilt_deg=4, rotation_deg=3, scale=0.9, noise_sigma=1.5),
                       np.random.default_rng(seed))
    ok, data = cv2.imencode(".jpg", probe.photo, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return data.tobytes()


def _inspect(services: StationServices, actor: Actor, code: str, photo: bytes) -> int:
    inspection_id = services.inspections.start_or_resume(actor, code, style_code="TR1000-001").inspection.id
    for step in ("box-label", "size-tag"):
        services.inspections.add_photo(actor, inspection_id, step, photo)
    for step in ("box-label", "size-tag", "stitching", "smell"):
        value = "TR1000-001" if step in ("box-label", "size-tag") else None
        services.inspections.record_step(actor, inspection_id, step, "pass", value=value)
    services.inspections.finish(actor, inspection_id)
    return inspection_id


@pytest.mark.parametrize(("returned_seed", "expected_same"), [(11, True), (99, False)])
def test_return_is_matched_to_the_unit_that_passed(
    services: StationServices, people: dict[str, Actor], returned_seed: int, expected_same: bool
) -> None:
    base = cv2.imread(str(services.ctx.settings.assets_dir / "references" / "test" / "label.png"))
    alex = people["alex"]
    _inspect(services, alex, "RET-1", _shot(_unit(base, 11), seed=1))
    back = _inspect(services, alex, "RET-1", _shot(_unit(base, returned_seed), seed=2))
    result = services.returns.check(alex, back)
    assert result.same is expected_same, result.message


def test_no_earlier_pass_is_a_clear_error(services: StationServices, people: dict[str, Actor],
                                         photo_bytes: bytes) -> None:
    first = _inspect(services, people["alex"], "RET-2", photo_bytes)
    with pytest.raises(NotFound, match="no earlier passed inspection"):
        services.returns.check(people["alex"], first)
