"""Small real photographs (scikit-image samples) and files made from them for the vision tests."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data as skdata


def sample(name: str, long_side: int = 512) -> np.ndarray:
    """A scikit-image sample photo as BGR uint8 with the given long side."""
    image = getattr(skdata, name)()
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    scale = long_side / max(image.shape[:2])
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


@pytest.fixture(scope="session")
def reference() -> np.ndarray:
    return sample("astronaut", 512)


@pytest.fixture(scope="session")
def other_photo() -> np.ndarray:
    return sample("coffee", 512)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def write_jpeg(path: Path, image: np.ndarray, quality: int = 90) -> Path:
    assert cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return path
