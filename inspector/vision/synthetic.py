"""Realistic probes from an image: camera pose, lighting, noise, blur, JPEG, and local alterations."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import cv2
import numpy as np

ALTERATIONS = ("replaced", "shifted", "recoloured", "mark")


@dataclass(frozen=True)
class Nuisance:
    """How a photo differs from the reference without any change to the item."""

    tilt_deg: float = 0.0  # out-of-plane tilt (camera not square to the label)
    tilt_axis_deg: float = 0.0  # direction of the tilt axis in the image plane
    rotation_deg: float = 0.0  # in-plane rotation
    scale: float = 1.0  # label size in the photo / in the reference
    brightness: float = 0.0  # added, in 8-bit levels
    contrast: float = 1.0
    gamma: float = 1.0
    noise_sigma: float = 0.0  # Gaussian noise, 8-bit levels
    blur_sigma: float = 0.0  # Gaussian blur, photo pixels
    jpeg_quality: int | None = None
    margin: float = 0.15  # background around the label, share of its size
    # Uneven light: a lamp on one side makes brightness vary by +-`gradient` across the frame
    # along `gradient_angle_deg`; a soft shadow darkens by `shadow` (0..1) around `shadow_at`
    # (share of the frame), `shadow_size` across (share of the frame's long side).
    gradient: float = 0.0
    gradient_angle_deg: float = 0.0
    shadow: float = 0.0
    shadow_at: tuple[float, float] = (0.5, 0.5)
    shadow_size: float = 0.3
    # Per-channel gains (B, G, R) of the camera's white balance.
    white_balance: tuple[float, float, float] = (1.0, 1.0, 1.0)

    @staticmethod
    def random(rng: np.random.Generator, *, max_tilt: float = 15.0,
               scale_range: tuple[float, float] = (0.5, 2.0),
               uneven_light: bool = False) -> Nuisance:
        """A nuisance drawn from the ranges the benchmark states.

        `uneven_light` adds a lighting gradient (up to +-15% across the frame), a soft shadow
        (darkening 0-30%) and a white balance off by up to +-12% per channel; it draws after
        the other values, so without it the random stream is the one recorded figures used.
        """
        low, high = np.log(scale_range[0]), np.log(scale_range[1])
        nuisance = Nuisance(
            tilt_deg=float(rng.uniform(0, max_tilt)),
            tilt_axis_deg=float(rng.uniform(0, 180)),
            rotation_deg=float(rng.uniform(-180, 180)),
            scale=float(np.exp(rng.uniform(low, high))),
            brightness=float(rng.uniform(-30, 30)),
            contrast=float(rng.uniform(0.7, 1.3)),
            gamma=float(rng.uniform(0.7, 1.4)),
            noise_sigma=float(rng.uniform(0, 6)),
            blur_sigma=float(rng.uniform(0, 1.5)),
            jpeg_quality=int(rng.integers(60, 91)),
            margin=float(rng.uniform(0.05, 0.25)),
        )
        if not uneven_light:
            return nuisance
        return replace(
            nuisance,
            gradient=float(rng.uniform(0.0, 0.15)),
            gradient_angle_deg=float(rng.uniform(0, 360)),
            shadow=float(rng.uniform(0.0, 0.3)),
            shadow_at=(float(rng.uniform(0, 1)), float(rng.uniform(0, 1))),
            shadow_size=float(rng.uniform(0.2, 0.6)),
            white_balance=(float(rng.uniform(0.88, 1.12)), 1.0, float(rng.uniform(0.88, 1.12))),
        )


@dataclass(frozen=True)
class Probe:
    """A synthetic photo and the truth about it."""

    photo: np.ndarray
    homography: np.ndarray  # reference pixels -> photo pixels
    change_box: tuple[int, int, int, int] | None = None  # x, y, w, h in reference pixels
    alteration: str | None = None
    nuisance: Nuisance = field(default_factory=Nuisance)


def pose_homography(size: tuple[int, int], nuisance: Nuisance) -> tuple[np.ndarray, tuple[int, int]]:
    """Homography reference -> photo for a camera tilted, rotated and scaled; and the photo size."""
    width, height = size
    focal = 1.2 * max(width, height)
    centre = np.array([width / 2, height / 2])
    tilt = np.radians(nuisance.tilt_deg)
    axis = np.radians(nuisance.tilt_axis_deg)
    rotation_vector = np.array([np.cos(axis), np.sin(axis), 0.0]) * tilt
    rotation_3d, _ = cv2.Rodrigues(rotation_vector)
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    points = np.hstack([src - centre, np.zeros((4, 1))]) @ rotation_3d.T
    depth = focal + points[:, 2]
    projected = points[:, :2] * (focal / depth)[:, None]
    angle = np.radians(nuisance.rotation_deg)
    rotation_2d = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    projected = projected @ rotation_2d.T * nuisance.scale
    span = projected.max(axis=0) - projected.min(axis=0)
    pad = nuisance.margin * span
    projected = projected - projected.min(axis=0) + pad
    photo_size = (int(np.ceil(span[0] + 2 * pad[0])), int(np.ceil(span[1] + 2 * pad[1])))
    homography = cv2.getPerspectiveTransform(src.astype(np.float32), projected.astype(np.float32))
    return homography, photo_size


def _fast_noisy(image: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """`image` (uint8) plus Gaussian noise rounded to whole levels, drawn by OpenCV.

    ~5x cheaper than numpy's float64 normal() over a whole photo. The noise comes from
    OpenCV's (per-thread) generator, seeded from `rng`, so it is still reproducible; it is a
    different stream from rng.normal(), which is why only callers that ask for it get it.
    """
    noise = np.empty(image.shape, np.int16)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    # A single-channel view: cv2.randn's scalar sigma would apply to the first channel only.
    cv2.randn(noise.reshape(image.shape[0], -1), np.zeros(1), np.full(1, float(sigma)))
    return cv2.add(image, noise, dtype=cv2.CV_8U)


def _background(size: tuple[int, int], rng: np.random.Generator, *,
                fast_noise: bool = False) -> np.ndarray:
    """A bench surface: smooth colour with a little texture, not matching the label."""
    width, height = size
    small = rng.integers(40, 200, size=(6, 6, 3)).astype(np.uint8)
    if fast_noise:
        return _fast_noisy(cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC), 4,
                           rng)
    surface = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    surface += np.asarray(rng.normal(0, 4, size=surface.shape), dtype=np.float32)
    return np.clip(surface, 0, 255).astype(np.uint8)


def apply_lighting(image: np.ndarray, nuisance: Nuisance, rng: np.random.Generator, *,
                   fast_noise: bool = False) -> np.ndarray:
    """Brightness, contrast, gamma, blur and noise, as a camera and lamp would add them.

    `fast_noise`: draw the noise with OpenCV (see _fast_noisy): cheaper, but not the random
    stream the benchmark's recorded figures were made with; the demo uses it.
    """
    levels = np.arange(256, dtype=np.float64) / 255.0
    curve = 255.0 * levels ** nuisance.gamma
    curve = (curve - 128.0) * nuisance.contrast + 128.0 + nuisance.brightness
    out = cv2.LUT(_uneven_light(image, nuisance), np.clip(curve, 0, 255).astype(np.uint8))
    if nuisance.blur_sigma > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), nuisance.blur_sigma)
    if nuisance.noise_sigma > 0.05 and fast_noise:
        out = _fast_noisy(out, nuisance.noise_sigma, rng)
    elif nuisance.noise_sigma > 0.05:
        noise = np.asarray(rng.normal(0, nuisance.noise_sigma, size=out.shape), np.float32)
        out = np.clip(out.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


def light_field(size: tuple[int, int], nuisance: Nuisance) -> np.ndarray | None:
    """Gain per pixel (float32, H x W) of the lamp's gradient and the soft shadow, or None."""
    if nuisance.gradient <= 0 and nuisance.shadow <= 0:
        return None
    width, height = size
    long_side = max(width, height)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = np.radians(nuisance.gradient_angle_deg)
    along = (xs - width / 2) * np.cos(angle) + (ys - height / 2) * np.sin(angle)
    half_extent = 0.5 * (abs(width * np.cos(angle)) + abs(height * np.sin(angle)))
    gain = 1.0 + nuisance.gradient * along / max(half_extent, 1.0)
    if nuisance.shadow > 0:
        # A soft-edged blob (an object between the lamp and the item): Gaussian fall-off.
        cx, cy = nuisance.shadow_at[0] * width, nuisance.shadow_at[1] * height
        radius = max(nuisance.shadow_size * long_side / 2, 1.0)
        blob = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * radius * radius))
        gain *= 1.0 - nuisance.shadow * blob
    result: np.ndarray = gain.astype(np.float32)
    return result


def _uneven_light(image: np.ndarray, nuisance: Nuisance) -> np.ndarray:
    """The lamp's gradient, a soft shadow and the white balance, on linear-ish levels."""
    gain = light_field((image.shape[1], image.shape[0]), nuisance)
    balanced = nuisance.white_balance != (1.0, 1.0, 1.0)
    if gain is None and not balanced:
        return image
    out = image.astype(np.float32)
    if gain is not None:
        out *= gain[..., None] if out.ndim == 3 else gain
    if balanced and out.ndim == 3:
        out *= np.asarray(nuisance.white_balance, np.float32)
    result: np.ndarray = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return result


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise ValueError("JPEG round trip failed")
    return np.asarray(decoded)


def make_probe(reference: np.ndarray, nuisance: Nuisance, rng: np.random.Generator,
               *, alteration: str | None = None, change_share: float = 0.02,
               fast_noise: bool = False) -> Probe:
    """Photograph `reference` (BGR uint8) under `nuisance`, optionally altered first.

    `fast_noise=True` makes a photo ~3x cheaper (OpenCV noise and blending) but from a
    different random stream: keep the default wherever recorded figures depend on the stream.
    """
    item = reference
    change_box = None
    if alteration is not None:
        item, change_box = alter(reference, alteration, rng, share=change_share)
    height, width = reference.shape[:2]
    homography, photo_size = pose_homography((width, height), nuisance)
    background = _background(photo_size, rng, fast_noise=fast_noise)
    warped = cv2.warpPerspective(item, homography, photo_size, flags=cv2.INTER_AREA
                                 if nuisance.scale < 1 else cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.full((height, width), 255, np.uint8), homography, photo_size)
    if fast_noise:
        weight = cv2.GaussianBlur(cover, (3, 3), 0).astype(np.float32) / 255.0
        photo = cv2.blendLinear(warped, background, weight, 1.0 - weight)
    else:
        cover = cv2.GaussianBlur(cover, (3, 3), 0).astype(np.float32)[..., None] / 255.0
        photo = (warped * cover + background * (1 - cover)).astype(np.uint8)
    photo = apply_lighting(photo, nuisance, rng, fast_noise=fast_noise)
    if nuisance.jpeg_quality is not None:
        photo = jpeg_roundtrip(photo, nuisance.jpeg_quality)
    return Probe(photo, homography, change_box, alteration, nuisance)


def _box(size: tuple[int, int], share: float, rng: np.random.Generator
         ) -> tuple[int, int, int, int]:
    width, height = size
    area = share * width * height
    aspect = float(rng.uniform(0.6, 1.6))
    box_w = int(min(width * 0.8, np.sqrt(area * aspect)))
    box_h = int(min(height * 0.8, area / max(box_w, 1)))
    margin_x, margin_y = int(0.05 * width), int(0.05 * height)
    x = int(rng.integers(margin_x, max(margin_x + 1, width - box_w - margin_x)))
    y = int(rng.integers(margin_y, max(margin_y + 1, height - box_h - margin_y)))
    return x, y, box_w, box_h


def alter(image: np.ndarray, kind: str, rng: np.random.Generator, *, share: float = 0.02
          ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A local change covering `share` of the image; returns the altered copy and its box."""
    height, width = image.shape[:2]
    x, y, w, h = _box((width, height), share, rng)
    out = image.copy()
    patch = out[y:y + h, x:x + w]
    if kind == "replaced":
        # Content from elsewhere in the same image: same textures and colours, wrong place.
        for _ in range(20):
            sx, sy = int(rng.integers(0, width - w)), int(rng.integers(0, height - h))
            if abs(sx - x) > w or abs(sy - y) > h:
                break
        patch[:] = image[sy:sy + h, sx:sx + w]
    elif kind == "shifted":
        dx, dy = int(max(3, 0.3 * w)) * int(rng.choice([-1, 1])), int(0.2 * h)
        source = cv2.copyMakeBorder(image, h, h, w, w, cv2.BORDER_REFLECT)
        patch[:] = source[y + h - dy:y + 2 * h - dy, x + w - dx:x + 2 * w - dx]
    elif kind == "recoloured":
        hsv = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV).astype(np.int32)
        hsv[..., 0] = (hsv[..., 0] + int(rng.integers(40, 140))) % 180
        hsv[..., 1] = np.clip(np.maximum(hsv[..., 1], 90), 0, 255)
        patch[:] = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
    elif kind == "mark":
        # A printed mark or text changed: new glyphs over the box in a contrasting ink.
        mean = patch.reshape(-1, 3).mean(axis=0)
        ink = tuple(int(v) for v in (255 - mean))
        text = "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"), size=3))
        scale = h / 30.0
        cv2.putText(patch, text, (int(0.05 * w), int(0.8 * h)), cv2.FONT_HERSHEY_SIMPLEX,
                    min(scale, w / 60.0), ink, max(2, int(h / 12)), cv2.LINE_AA)
        cv2.rectangle(patch, (0, 0), (w - 1, h - 1), ink, max(2, int(h / 20)))
    else:
        raise ValueError(f"unknown alteration {kind!r}; choose one of {ALTERATIONS}")
    return out, (x, y, w, h)


def box_iou(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ax, ay, aw, ah = first
    bx, by, bw, bh = second
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0
