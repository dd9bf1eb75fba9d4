"""Genuine units with natural variation, made here on purpose apart from the benchmark's.

A "product" is a grained surface with a stitched seam, a printed label and a logo. Each unit
of it is printed a little off (label and logo up to 0.4% of the side, independently) and its
surface deformed smoothly (a sum of slow waves stretching or shearing it by up to 0.25%), as
genuine units differ. The benchmark (benchmarks/vision.py) builds its units differently (photographs, a
spline deformation), so tuning on one cannot fit the other.
"""

from __future__ import annotations

import cv2
import numpy as np

WIDTH, HEIGHT = 960, 720
PRINT_OFFSET = 0.004
DEFORMATION = 0.0025


def _surface(rng: np.random.Generator) -> np.ndarray:
    """Leather-like grain: smoothed noise at two scales over a base colour, and a seam."""
    base = np.array([60, 90, 140], np.float32)  # brown, BGR
    fine = cv2.GaussianBlur(rng.normal(0, 1, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 1.2)
    coarse = cv2.GaussianBlur(rng.normal(0, 1, (HEIGHT, WIDTH)).astype(np.float32), (0, 0), 12)
    shade = 1.0 + 0.25 * fine / fine.std() * 0.4 + 0.3 * coarse / coarse.std() * 0.3
    surface = np.clip(base[None, None, :] * shade[..., None], 0, 255).astype(np.uint8)
    for x in range(30, WIDTH - 30, 24):  # stitches along the bottom seam
        cv2.line(surface, (x, HEIGHT - 70), (x + 14, HEIGHT - 70), (200, 220, 230), 3, cv2.LINE_AA)
    return surface


class Product:
    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.surface = _surface(rng)
        self.words = ["".join(rng.choice(list("ACEHKMNRSTUWXZ2345789"), size=7))
                      for _ in range(3)]

    def unit(self, seed: int, *, natural: bool = True) -> np.ndarray:
        """One genuine unit (BGR uint8, WIDTH x HEIGHT)."""
        rng = np.random.default_rng(seed)
        image = self.surface.copy()
        side = max(WIDTH, HEIGHT)
        reach = PRINT_OFFSET * side if natural else 0.0
        lx, ly = (round(float(v)) for v in rng.uniform(-reach, reach, 2))
        mx, my = (round(float(v)) for v in rng.uniform(-reach, reach, 2))
        x0, y0 = 420 + lx, 120 + ly
        cv2.rectangle(image, (x0, y0), (x0 + 440, y0 + 260), (225, 232, 238), -1)
        for row, word in enumerate(self.words):
            cv2.putText(image, word, (x0 + 24, y0 + 70 + 70 * row), cv2.FONT_HERSHEY_DUPLEX,
                        1.5, (30, 30, 30), 2, cv2.LINE_AA)
        centre = (220 + mx, 250 + my)
        cv2.circle(image, centre, 80, (20, 20, 160), 8, cv2.LINE_AA)
        cv2.putText(image, "W", (centre[0] - 38, centre[1] + 30), cv2.FONT_HERSHEY_TRIPLEX, 2.6,
                    (20, 20, 160), 5, cv2.LINE_AA)
        if not natural:
            return image
        ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
        shift_x = np.zeros_like(xs)
        shift_y = np.zeros_like(ys)
        for _ in range(2):  # two slow waves each way
            fx, fy = rng.uniform(0.5, 1.5, 2) * 2 * np.pi / side
            phase = rng.uniform(0, 2 * np.pi, 2)
            shift_x += np.sin(fx * xs + fy * ys + phase[0])
            shift_y += np.cos(fy * xs - fx * ys + phase[1])
        # Scale so the surface stretches or shears by at most DEFORMATION anywhere.
        strain = max(float(np.abs(np.gradient(shift, axis=axis)).max())
                     for shift in (shift_x, shift_y) for axis in (0, 1))
        shift_x *= DEFORMATION / strain
        shift_y *= DEFORMATION / strain
        return cv2.remap(image, xs + shift_x, ys + shift_y, cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REFLECT)


def photograph(unit: np.ndarray, seed: int) -> np.ndarray:
    """The unit as a bench camera sees it: slight tilt, a lamp on one side, warm white
    balance, sensor noise, mild defocus, JPEG."""
    rng = np.random.default_rng(seed)
    height, width = unit.shape[:2]
    angle = rng.uniform(-4, 4)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, rng.uniform(0.9, 1.0))
    matrix[:, 2] += rng.uniform(-15, 15, 2)
    photo = cv2.warpAffine(unit, matrix, (width, height), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90))
    xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
    light = 1.0 + rng.uniform(0.08, 0.15) * xs * rng.choice([-1, 1])  # +-15% across
    balance = np.array([rng.uniform(0.9, 1.0), 1.0, rng.uniform(1.0, 1.1)], np.float32)
    photo = photo.astype(np.float32) * light[..., None] * balance
    photo += rng.normal(0, 2.5, photo.shape).astype(np.float32)
    photo = cv2.GaussianBlur(np.clip(photo, 0, 255).astype(np.uint8), (0, 0), 0.8)
    ok, encoded = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)
