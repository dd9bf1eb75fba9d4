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
