"""Capture quality: each problem is detected and phrased as an instruction."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.vision.quality import assess_quality, prepare_reference
from inspector.vision.synthetic import Nuisance, make_probe


@pytest.fixture(scope="module")
def frame(reference: np.ndarray) -> np.ndarray:
    """A 1280x720 preview frame filled mostly by the label."""
    canvas = np.full((720, 1280, 3), 90, np.uint8)
    label = cv2.resize(reference, (680, 680))
    canvas[20:700, 300:980] = label
    return canvas


def test_good_frame_has_no_problems(frame: np.ndarray, reference: np.ndarray) -> None:
    report = assess_quality(frame, prepare_reference(reference))
    assert report.ok, report.problems
    assert report.coverage is not None and report.coverage > 0.95


def test_blur(frame: np.ndarray) -> None:
    report = assess_quality(cv2.GaussianBlur(frame, (0, 0), 5))
    assert "hold steady — too blurry" in report.problems


def test_dark(frame: np.ndarray) -> None:
    report = assess_quality((frame // 5).astype(np.uint8))
    assert "add light — too dark" in report.problems


def test_overexposed(frame: np.ndarray) -> None:
    report = assess_quality(cv2.add(frame, np.full_like(frame, 150)))
    assert any(p.startswith("reduce light") for p in report.problems)


def test_glare(frame: np.ndarray) -> None:
    glared = frame.copy()
    cv2.circle(glared, (640, 360), 110, (255, 255, 255), -1)
    report = assess_quality(glared)
    assert any("glare covers" in p for p in report.problems)
    assert not any("blurry" in p for p in report.problems)


def test_too_small() -> None:
    tiny = np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    report = assess_quality(tiny)
    assert any("higher resolution" in p for p in report.problems)


def test_label_too_far(reference: np.ndarray) -> None:
    canvas = np.full((720, 1280, 3), 90, np.uint8)
    canvas[180:540, 460:820] = cv2.resize(reference, (360, 360), interpolation=cv2.INTER_AREA)
    report = assess_quality(canvas, prepare_reference(reference))
    assert report.fill is not None and 0.1 < report.fill < 0.2
    assert any(p.startswith("move closer — label fills") for p in report.problems)


def test_label_cut_off(frame: np.ndarray, reference: np.ndarray) -> None:
    shifted = np.full_like(frame, 90)
    shifted[:, 800:] = frame[:, 300:780]  # 30% of the label is out of the frame
    report = assess_quality(shifted, prepare_reference(reference))
    assert any(p.startswith("move back") for p in report.problems)


def test_tilt(reference: np.ndarray) -> None:
    probe = make_probe(reference, Nuisance(tilt_deg=40, tilt_axis_deg=0, margin=0.02),
                       np.random.default_rng(0))
    frame = cv2.resize(probe.photo, (1280, 720))
    report = assess_quality(frame, prepare_reference(reference))
    assert report.tilt_deg is not None and report.tilt_deg > 12
    assert any("square to the label" in p for p in report.problems)


def test_unrelated_frame(frame: np.ndarray, other_photo: np.ndarray) -> None:
    report = assess_quality(cv2.resize(other_photo, (1280, 720)), prepare_reference(frame))
    assert "point the camera at the label — it is not recognised" in report.problems


def test_sharpness_and_brightness_are_the_plain_statistics(frame: np.ndarray) -> None:
    report = assess_quality(frame)
    small = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), (640, 360),
                       interpolation=cv2.INTER_AREA)
    assert report.sharpness == pytest.approx(float(cv2.Laplacian(small, cv2.CV_16S).var()))
    assert report.brightness == pytest.approx(float(small.mean()))


@pytest.mark.parametrize(("x", "y", "angle"), [(40, 20, 0.0), (680, 100, 8.0), (360, 60, -15.0)])
def test_label_filling_a_third_is_measured_right(
    reference: np.ndarray, x: int, y: int, angle: float
) -> None:
    """A label covering 30% of the frame (rotated, anywhere) is found and its fill measured."""
    label_side = 525  # 525^2 / (1280 * 720) = 0.30
    # The rotated label must fit its canvas whole: canvas side = label side * (|cos| + |sin|).
    radians = np.radians(abs(angle))
    side = int(np.ceil(label_side * (np.cos(radians) + np.sin(radians))))
    rotation = cv2.getRotationMatrix2D((side / 2, side / 2), angle, label_side / side)
    label = cv2.resize(reference, (side, side), interpolation=cv2.INTER_AREA)
    label = cv2.warpAffine(label, rotation, (side, side), borderValue=(90, 90, 90))
    canvas = np.full((720, 1280, 3), 90, np.uint8)
    canvas[y:y + side, x:x + side] = label
    report = assess_quality(canvas, prepare_reference(reference))
    assert report.fill is not None and report.coverage is not None and report.tilt_deg is not None
    assert report.fill == pytest.approx(0.30, abs=0.01)
    assert report.coverage > 0.97
    assert report.tilt_deg < 3
    assert report.problems == ["move closer — label fills 30% of the frame"]
