"""Photometric normalisation and the per-pixel difference map (structure + colour) of two aligned images."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

# Constants of the usual SSIM definition for 8-bit images.
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2
# A chroma difference (ΔE in the a*b* plane, after normalisation) this large counts as fully different.
CHROMA_FULL_SCALE = 18.0
COLOUR_SIGMA = 2.5
DARK_LIGHTNESS = 25.0  # L* below this: chroma counts less
# After a first histogram match, pixels still this far apart (8-bit levels, any channel)
# are left out of the second match.
ROBUST_MATCH_LEVEL = 60
# Exposure within the stated ranges (brightness ±30, contrast 1.3, gamma 0.7-1.4) can blow a
# reference level above this to white, or crush one below the other to black.
CLIP_PLAUSIBLE_HIGH = 140
CLIP_PLAUSIBLE_LOW = 110
# A pixel that some pixel of the other image within this radius matches is not a change: what
# genuine units and the non-rigid fit leave (an edge 1-2 px off) is explained by a small shift.
SHIFT_TOLERANCE = 2
# After that tolerance, a mean gap of this many 8-bit levels (worst channel) over a
# PATCH_SIDE patch counts as fully different.
TOLERANT_FULL_SCALE = 40.0
PATCH_SIDE = 5


def channel_max(image: np.ndarray) -> np.ndarray:
    """The largest of the three channels per pixel (what `image.max(axis=2)` gives, with OpenCV:
    numpy's reduction over the last axis of an HxWx3 array is ~10x slower)."""
    blue, green, red = cv2.split(image)
    result: np.ndarray = cv2.max(cv2.max(blue, green), red)
    return result


def match_histograms(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Map each channel of `source` so its histogram inside `mask` matches `target`'s.

    Handles brightness, contrast and gamma at once (any monotonic tone curve); a small local
    change barely moves a whole-image histogram, so it survives the mapping.
    """
    out = np.empty_like(source)
    inside = mask > 0
    levels = np.arange(256, dtype=np.float64)
    for channel in range(source.shape[2]):
        src_values = source[..., channel][inside]
        tgt_values = target[..., channel][inside]
        if src_values.size == 0:
            out[..., channel] = source[..., channel]
            continue
        src_cdf = np.cumsum(np.bincount(src_values, minlength=256)).astype(np.float64)
        tgt_cdf = np.cumsum(np.bincount(tgt_values, minlength=256)).astype(np.float64)
        src_cdf /= src_cdf[-1]
        tgt_cdf /= tgt_cdf[-1]
        lut = np.interp(src_cdf, tgt_cdf, levels)
        out[..., channel] = cv2.LUT(source[..., channel], np.clip(lut, 0, 255).astype(np.uint8))
    return out


def ssim_map(first: np.ndarray, second: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    """Gaussian-window SSIM map of two gray float32 images (OpenCV, a few ms at 512 px)."""
    def blur(image: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(image, (0, 0), sigma)

    mu1, mu2 = blur(first), blur(second)
    mu1_sq, mu2_sq, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    var1 = blur(first * first) - mu1_sq
    var2 = blur(second * second) - mu2_sq
    cov = blur(first * second) - mu12
    numerator = (2 * mu12 + _C1) * (2 * cov + _C2)
    denominator = (mu1_sq + mu2_sq + _C1) * (var1 + var2 + _C2)
    result: np.ndarray = numerator / denominator
    return result


def chroma_difference(first_bgr: np.ndarray, second_bgr: np.ndarray) -> np.ndarray:
    """ΔE in the a*b* plane (CIE Lab) per pixel: catches recolouring that grayscale SSIM misses.

    Weighted down in dark pixels, where a* and b* are mostly noise and rounding.
    """
    lab1 = cv2.cvtColor(first_bgr.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    lab2 = cv2.cvtColor(second_bgr.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    delta = lab1[..., 1:] - lab2[..., 1:]
    lightness = np.minimum(lab1[..., 0], lab2[..., 0])
    result: np.ndarray = np.sqrt((delta * delta).sum(axis=2)) * np.clip(lightness / DARK_LIGHTNESS, 0.0, 1.0)
    return result


def exposure_clipped(photo: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per channel (bool, HxWx3): the photo's exposure clipped this channel here.

    A channel at black or white counts as clipped only where the reference is on the same side
    (bright where blown, dark where crushed), as exposure or glare would do it; red paint over a
    grey label (blue and green crushed) is a change to flag, not clipping.
    """
    blown = (photo >= 253) & (reference >= CLIP_PLAUSIBLE_HIGH)
    crushed = (photo <= 2) & (reference <= CLIP_PLAUSIBLE_LOW)
    return blown | crushed


def clipped_pixels(photo: np.ndarray, reference: np.ndarray, plain_change: np.ndarray
                   ) -> np.ndarray:
    """Pixels where exposure clipped the photo and nothing else shows a change: no evidence.

    `plain_change` (HxWx3 bool): channels that differ plainly from the reference after tone
    matching. A pixel keeps its evidence when a channel is at black or white where the reference
    is not on that side, or when an unclipped channel plainly differs (red paint on a grey label
    under brighter light: red blown, blue and green near 0 where the label is bright).
    """
    censored = exposure_clipped(photo, reference)
    at_limit = (photo >= 253) | (photo <= 2)
    contradicted = ((at_limit & ~censored) | (plain_change & ~censored)).any(axis=2)
    clipped = (censored.any(axis=2) & ~contradicted).astype(np.uint8)
    return cv2.dilate(clipped, np.ones((3, 3), np.uint8)) > 0


def shift_tolerant_difference(reference: np.ndarray, photo: np.ndarray,
                              radius: int = SHIFT_TOLERANCE) -> np.ndarray:
    """0..1 per pixel: the difference of small patches around it, at the best of the shifts
    up to `radius` px. Print or an edge a pixel or two off matches at some shift; new content
    (other glyphs, a patch from elsewhere, another colour) matches at none.
    """
    height, width = reference.shape[:2]
    pad = radius
    padded = cv2.copyMakeBorder(photo, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    best = np.full((height, width), np.inf, np.float32)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius + 1:
                continue
            shifted = padded[pad + dy:pad + dy + height, pad + dx:pad + dx + width]
            gap = channel_max(cv2.absdiff(reference, shifted)).astype(np.float32)
            np.minimum(best, cv2.blur(gap, (PATCH_SIDE, PATCH_SIDE)), out=best)
    result: np.ndarray = np.clip(best / TOLERANT_FULL_SCALE, 0.0, 1.0)
    return result


def _plainly_same(photo: np.ndarray, reference: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`mask` without the pixels (dilated) that plainly differ after tone matching.

    Smoothed first, so that edges softened by blur or a sub-pixel shift are not left out.
    """
    plain = channel_max(cv2.absdiff(cv2.GaussianBlur(photo, (0, 0), 2.0),
                                    cv2.GaussianBlur(reference, (0, 0), 2.0)))
    changed = cv2.dilate((plain > ROBUST_MATCH_LEVEL).astype(np.uint8), np.ones((5, 5), np.uint8))
    result: np.ndarray = mask & (1 - changed)
    return result


def difference_map(reference: np.ndarray, photo: np.ndarray, mask: np.ndarray,
                   even_light: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
                   | None = None) -> np.ndarray:
    """Per-pixel dissimilarity 0..1 of two aligned BGR uint8 images of the same size.

    Both are lightly smoothed first so noise, JPEG blocks and mild blur do not count; colour
    is compared on a coarser scale so edges softened by blur or a sub-pixel shift do not either.
    Pixels outside `mask` (not shown by the photo) and pixels clipped in the photo are 0.
    """
    normalised = match_histograms(photo, reference, mask)
    # A large change (a painted blotch) skews the histograms and with them every other colour;
    # match again without the pixels that plainly differ.
    kept = _plainly_same(normalised, reference, mask)
    if kept.sum() > 0.5 * mask.sum():
        normalised = match_histograms(photo, reference, kept)
    if even_light is not None:
        # Tones first (the camera's curve), then the lamp's slow gradient and shadows on them,
        # measured where nothing plainly changed (a blotch is not a shadow).
        kept = _plainly_same(normalised, reference, mask)
        if kept.sum() > 0.5 * mask.sum():
            normalised = match_histograms(even_light(reference, normalised, kept), reference,
                                          kept)
    plain_change = cv2.absdiff(cv2.GaussianBlur(normalised, (0, 0), 2.0),
                               cv2.GaussianBlur(reference, (0, 0), 2.0)) > ROBUST_MATCH_LEVEL
    ref_smooth = cv2.GaussianBlur(reference, (0, 0), 1.0)
    photo_smooth = cv2.GaussianBlur(normalised, (0, 0), 1.0)
    ref_gray = cv2.cvtColor(ref_smooth, cv2.COLOR_BGR2GRAY).astype(np.float32)
    photo_gray = cv2.cvtColor(photo_smooth, cv2.COLOR_BGR2GRAY).astype(np.float32)
    structural = np.clip((1.0 - ssim_map(ref_gray, photo_gray)) / 2.0, 0.0, 1.0)
    chroma = chroma_difference(cv2.GaussianBlur(reference, (0, 0), COLOUR_SIGMA),
                               cv2.GaussianBlur(normalised, (0, 0), COLOUR_SIGMA))
    colour = np.clip(chroma / CHROMA_FULL_SCALE, 0.0, 1.0)
    combined = np.maximum(structural, colour)
    # Only what no small shift explains: SSIM alone flags every edge that moved a pixel.
    combined = np.minimum(combined, shift_tolerant_difference(ref_smooth, photo_smooth))
    combined[(mask == 0) | clipped_pixels(photo, reference, plain_change)] = 0.0
    result: np.ndarray = combined.astype(np.float32)
    return result


def local_density(difference: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """Mask-normalised local average: dense blobs of difference stand out, thin edges fade.

    Two box filters approximate a Gaussian of `sigma` at a cost independent of its size.
    """
    side = max(3, round(sigma * 1.7) | 1)

    def smooth(image: np.ndarray) -> np.ndarray:
        return cv2.blur(cv2.blur(image, (side, side)), (side, side))

    weights = smooth(mask.astype(np.float32))
    density = smooth(difference) / np.maximum(weights, 1e-3)
    density[weights < 0.3] = 0.0
    result: np.ndarray = density
    return result
