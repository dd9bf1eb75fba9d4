"""Surface textures (cardboard, leather, fabric, metal...) as float RGB arrays in [0, 1], H x W x 3."""

from __future__ import annotations

import cv2
import numpy as np

Colour = tuple[int, int, int]


def fractal_noise(
    rng: np.random.Generator,
    height: int,
    width: int,
    octaves: int = 5,
    base: int = 4,
    persistence: float = 0.55,
) -> np.ndarray:
    """Smooth noise in [0, 1]: random grids of growing resolution, upscaled and summed."""
    total = np.zeros((height, width), np.float32)
    amplitude, weight = 1.0, 0.0
    for octave in range(octaves):
        cells = base * 2**octave
        grid = rng.random((max(2, cells * height // width), cells)).astype(np.float32)
        total += amplitude * cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        weight += amplitude
        amplitude *= persistence
    total /= weight
    return cv2.normalize(total, None, 0.0, 1.0, cv2.NORM_MINMAX)


def tint(value: np.ndarray, colour: Colour, spread: float = 0.35) -> np.ndarray:
    """Colour a [0, 1] luminance field around an RGB colour."""
    rgb = np.array(colour, np.float32) / 255.0
    shade = (1.0 - spread / 2) + spread * value[..., None]
    return np.clip(rgb * shade, 0.0, 1.0)


def cardboard(rng: np.random.Generator, h: int, w: int, colour: Colour) -> np.ndarray:
    # Mid-frequency mottling: flat card would leave the comparison nothing stable to measure.
    base = 0.5 * fractal_noise(rng, h, w, octaves=6, base=6) + 0.5 * fractal_noise(
        rng, h, w, octaves=4, base=40
    )
    fibres = np.zeros((h, w), np.float32)
    for _ in range(1400):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        angle = rng.normal(0.0, 0.4)
        length = int(rng.integers(6, 26))
        end = (int(x + length * np.cos(angle)), int(y + length * np.sin(angle)))
        cv2.line(fibres, (x, y), end, float(rng.uniform(0.3, 1.0)), 1, cv2.LINE_AA)
    # Soft fibres: sharp one-pixel lines would be lost to any blur and read as a difference.
    fibres = cv2.GaussianBlur(fibres, (0, 0), 1.5)
    return tint(0.88 * base + 0.12 * (1 - fibres), colour, 0.6)


def leather(rng: np.random.Generator, h: int, w: int, colour: Colour, grain: int = 9) -> np.ndarray:
    """Pebbled grain: distance to random seeds gives cells with creases between them."""
    seeds = np.full((h, w), 255, np.uint8)
    count = h * w // (grain * grain)
    seeds[rng.integers(0, h, count), rng.integers(0, w, count)] = 0
    distance = cv2.distanceTransform(seeds, cv2.DIST_L2, 3)
    cells = np.sqrt(distance / max(float(distance.max()), 1.0))
    value = 0.6 * cells + 0.4 * fractal_noise(rng, h, w, octaves=5, base=5)
    return tint(cv2.GaussianBlur(value, (3, 3), 0), colour, 0.55)


def weave(rng: np.random.Generator, h: int, w: int, colour: Colour, pitch: float = 5.0) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    warp = np.sin(x * np.pi / pitch) * np.sign(np.sin(y * np.pi / (2 * pitch)))
    weft = np.sin(y * np.pi / pitch) * np.sign(np.sin(x * np.pi / (2 * pitch)))
    value = 0.5 + 0.18 * (warp + weft) + 0.35 * (fractal_noise(rng, h, w, 6, 8) - 0.5)
    return tint(np.clip(value, 0, 1), colour, 0.5)


def knit(rng: np.random.Generator, h: int, w: int, colour: Colour, stripe: Colour) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    row = 14.0
    vee = np.abs(((x % row) - row / 2) / (row / 2)) - ((y % row) / row)
    loops = 0.5 + 0.5 * np.cos(vee * np.pi)
    # Knit is periodic; the irregular heathering gives registration something unique to hold on to.
    noise = fractal_noise(rng, h, w, 6, 3)
    image = tint(0.45 * loops + 0.55 * noise, colour, 0.7)
    band = (np.abs(y - h * 0.55 + 80 * np.sin(x / w * np.pi)) < 45)[..., None]
    return np.where(band, tint(0.45 * loops + 0.55 * noise, stripe, 0.7), image)


def brushed_metal(
    rng: np.random.Generator, h: int, w: int, colour: Colour, radial: bool = False
) -> np.ndarray:
    noise = rng.random((h, w)).astype(np.float32)
    if radial:
        centre = (w / 2, h / 2)
        # FILL_OUTLIERS: without it the corners outside the circle are left uninitialised (not reproducible).
        flags = cv2.WARP_POLAR_LINEAR | cv2.WARP_FILL_OUTLIERS
        polar = cv2.blur(cv2.warpPolar(noise, (w, h), centre, max(w, h), flags), (1, 61))
        value = cv2.warpPolar(polar, (w, h), centre, max(w, h), flags | cv2.WARP_INVERSE_MAP)
    else:
        value = cv2.blur(noise, (81, 1))
    value = cv2.normalize(value, None, 0, 1, cv2.NORM_MINMAX)
    return tint(0.6 * value + 0.4 * fractal_noise(rng, h, w, 3, 2), colour, 0.45)


def foam(rng: np.random.Generator, h: int, w: int, colour: Colour) -> np.ndarray:
    pores = (rng.random((h, w)) > 0.985).astype(np.float32)
    pores = cv2.GaussianBlur(pores, (5, 5), 0) * 6
    return tint(np.clip(0.7 * fractal_noise(rng, h, w, 6, 6) + 0.3 * (1 - pores), 0, 1), colour, 0.3)


def pellets(rng: np.random.Generator, h: int, w: int, colour: Colour) -> np.ndarray:
    """Boost foam: packed irregular beads with dark seams."""
    value = np.full((h, w), 0.25, np.float32)
    for _ in range(h * w // 500):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        axes = (int(rng.integers(12, 22)), int(rng.integers(9, 17)))
        shade = float(rng.uniform(0.6, 1.0))
        cv2.ellipse(value, centre, axes, float(rng.uniform(0, 180)), 0, 360, shade, -1, cv2.LINE_AA)
        cv2.ellipse(value, centre, axes, float(rng.uniform(0, 180)), 0, 360, 0.3, 1, cv2.LINE_AA)
    return tint(0.8 * value + 0.2 * fractal_noise(rng, h, w, 4, 8), colour, 0.6)


def fleece(rng: np.random.Generator, h: int, w: int, colour: Colour) -> np.ndarray:
    fluff = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 1.2)
    fluff = cv2.normalize(fluff, None, 0, 1, cv2.NORM_MINMAX)
    return tint(0.5 * fluff + 0.5 * fractal_noise(rng, h, w, 5, 4), colour, 0.5)


def photographed(rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
    """A bench photo's look: light from one side, vignetting and a little sensor noise; to BGR uint8."""
    h, w = image.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    gradient = 1.0 + 0.08 * ((x / w - 0.5) * np.cos(angle) + (y / h - 0.5) * np.sin(angle))
    radius = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2
    vignette = 1.0 - 0.06 * radius
    lit = image * (gradient * vignette)[..., None]
    lit += rng.normal(0.0, 0.012, lit.shape).astype(np.float32)
    rgb = (np.clip(lit, 0, 1) * 255).astype(np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
