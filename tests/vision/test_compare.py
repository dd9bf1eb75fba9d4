"""Registration and comparison: known homographies are recovered, changes are found and boxed."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.vision.compare import compare, parse_region
from inspector.vision.registration import corners, project
from inspector.vision.synthetic import Nuisance, box_iou, make_probe

NUISANCE = Nuisance(tilt_deg=10, tilt_axis_deg=30, rotation_deg=25, scale=1.3, brightness=15,
                    contrast=1.1, gamma=0.9, noise_sigma=2, blur_sigma=0.6, jpeg_quality=80)


def corner_error(homography: list[list[float]] | None, truth: np.ndarray,
                 size: tuple[int, int]) -> float:
    assert homography is not None
    round_trip = project(np.array(homography), project(truth, corners(size)))
    return float(np.linalg.norm(round_trip - corners(size), axis=1).max())


def test_alignment_recovers_a_known_homography(reference: np.ndarray,
                                               rng: np.random.Generator) -> None:
    probe = make_probe(reference, NUISANCE, rng)
    result = compare(reference, probe.photo)
    assert result.aligned
    assert corner_error(result.homography, probe.homography, (512, 512)) < 2.0


def test_genuine_photo_scores_high_with_no_strong_region(reference: np.ndarray,
                                                         rng: np.random.Generator) -> None:
    result = compare(reference, make_probe(reference, NUISANCE, rng).photo)
    assert result.score > 0.7
    assert all(region.score > 0.5 for region in result.regions)


@pytest.mark.parametrize("kind", ["replaced", "recoloured", "mark"])
def test_altered_patch_is_the_worst_region(reference: np.ndarray, rng: np.random.Generator,
                                           kind: str) -> None:
    genuine = compare(reference, make_probe(reference, NUISANCE, rng).photo)
    probe = make_probe(reference, NUISANCE, rng, alteration=kind, change_share=0.04)
    result = compare(reference, probe.photo)
    assert result.aligned and result.regions
    worst = result.regions[0]
    assert probe.change_box is not None
    assert box_iou((worst.x, worst.y, worst.w, worst.h), probe.change_box) > 0.3
    assert result.score < genuine.score
    assert [r.score for r in result.regions] == sorted(r.score for r in result.regions)


def test_unrelated_photo_is_not_aligned(reference: np.ndarray, other_photo: np.ndarray) -> None:
    result = compare(reference, other_photo)
    assert not result.aligned
    assert result.homography is None and result.regions == []
    assert result.message == "could not align — photograph the whole label"
    assert result.heatmap is None and result.warped is None


def test_partial_photo_is_not_compared(reference: np.ndarray) -> None:
    crop = np.ascontiguousarray(reference[:, :200])  # 39% of the label
    result = compare(reference, crop)
    assert not result.aligned
    assert "photograph the whole label" in result.message


def test_region_of_interest_limits_the_comparison(reference: np.ndarray,
                                                  rng: np.random.Generator) -> None:
    probe = make_probe(reference, NUISANCE, rng, alteration="mark", change_share=0.03)
    x, y, w, h = probe.change_box  # type: ignore[misc]
    # A region far from the change: nothing there should be flagged.
    far = (0, 0, 160, 160) if x > 256 or y > 256 else (352, 352, 160, 160)
    result = compare(reference, probe.photo, region=far)
    full = compare(reference, probe.photo)
    assert result.score > full.score
    for region in result.regions:
        assert box_iou((region.x, region.y, region.w, region.h), (x, y, w, h)) == 0.0


def test_outputs_for_the_ui_have_reference_size(reference: np.ndarray,
                                                rng: np.random.Generator) -> None:
    result = compare(reference, make_probe(reference, NUISANCE, rng).photo)
    assert result.heatmap is not None and result.heatmap.shape == reference.shape
    assert result.warped is not None and result.warped.shape == reference.shape
    # The warped photo lies on the reference: close in the middle after lighting changes.
    middle = (slice(150, 350), slice(150, 350))
    correlation = np.corrcoef(result.warped[middle].ravel().astype(float),
                              reference[middle].ravel().astype(float))[0, 1]
    assert correlation > 0.9


def test_json_contract_keys_and_types(reference: np.ndarray, rng: np.random.Generator) -> None:
    result = compare(reference, make_probe(reference, NUISANCE, rng, alteration="mark").photo)
    payload = json.loads(result.to_json())
    assert set(payload) == {"aligned", "score", "regions", "homography", "elapsed_ms"}
    assert payload["aligned"] is True and 0.0 <= payload["score"] <= 1.0
    assert len(payload["homography"]) == 3 and all(len(row) == 3 for row in payload["homography"])
    for region in payload["regions"]:
        assert set(region) == {"x", "y", "w", "h", "score"}
        assert all(isinstance(region[key], int) for key in "xywh")


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "0,0,-5,10", ""])
def test_bad_region_text(text: str) -> None:
    with pytest.raises(BadInput, match="region"):
        parse_region(text)


def test_region_outside_reference(reference: np.ndarray, rng: np.random.Generator) -> None:
    with pytest.raises(BadInput, match="outside the reference"):
        compare(reference, make_probe(reference, NUISANCE, rng).photo, region=(900, 900, 10, 10))


def test_match_scale_is_calibrated_and_flags_below_80() -> None:
    """100% within what genuine photos typically differ by, 80% at the flag level, 0% solid."""
    from inspector.vision.compare import (
        DENSITY_FULL_SCALE,
        FLAG_LEVEL,
        GENUINE_TYPICAL,
        MATCH_AT_FLAG,
        _score,
    )

    assert _score(0.0) == _score(GENUINE_TYPICAL) == 1.0
    assert _score(FLAG_LEVEL) == pytest.approx(MATCH_AT_FLAG)
    assert _score(DENSITY_FULL_SCALE) == 0.0
    levels = np.linspace(0, 1, 101)
    scores = [_score(float(level)) for level in levels]
    assert all(a >= b for a, b in itertools.pairwise(scores))


def test_regions_exactly_when_match_is_below_80(reference: np.ndarray,
                                                rng: np.random.Generator) -> None:
    for alteration in (None, "mark"):
        probe = make_probe(reference, Nuisance(tilt_deg=5, rotation_deg=10, noise_sigma=2,
                                               gradient=0.12, white_balance=(1.08, 1.0, 0.92),
                                               jpeg_quality=85),
                           rng, alteration=alteration, change_share=0.03)
        result = compare(reference, probe.photo)
        assert bool(result.regions) == (result.score < 0.8), (alteration, result.score)
        assert bool(result.regions) == (alteration is not None)
