"""Drawing on float RGB canvases: text, labels with shadows, UPC-A barcodes, stitches, stamped letters."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# The left-hand odd-parity patterns of EAN/UPC digits; right-hand patterns are their complements.
_UPC_LEFT = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False, mono: bool = False) -> Font:
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    name += "-Bold.ttf" if bold else ".ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        # Without DejaVu (fonts-dejavu-core) Pillow's own scalable font still gives legible text.
        return ImageFont.load_default(size=size)


def fitted(text: str, max_width: int, size: int, bold: bool = False) -> Font:
    """The largest font up to `size` in which `text` fits `max_width` pixels."""
    face = font(size, bold)
    while size > 12 and face.getlength(text) > max_width:
        size = int(size * 0.9)
        face = font(size, bold)
    return face


def text_mask(
    size: tuple[int, int], lines: list[tuple[tuple[int, int], str, Font]], anchor: str = "la"
) -> np.ndarray:
    """A float mask (H x W) with the given text drawn at 1.0."""
    width, height = size
    image = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(image)
    for position, text, face in lines:
        draw.text(position, text, fill=255, font=face, anchor=anchor)
    return np.asarray(image, np.float32) / 255.0


def ink(canvas: np.ndarray, mask: np.ndarray, colour: Colour, opacity: float = 0.95) -> None:
    rgb = np.array(colour, np.float32) / 255.0
    alpha = (mask * opacity)[..., None]
    canvas[:] = canvas * (1 - alpha) + rgb * alpha


def write(
    canvas: np.ndarray,
    position: tuple[int, int],
    text: str,
    size: int,
    colour: Colour,
    bold: bool = False,
    mono: bool = False,
    anchor: str = "la",
) -> None:
    h, w = canvas.shape[:2]
    ink(canvas, text_mask((w, h), [(position, text, font(size, bold, mono))], anchor), colour)


def deboss(canvas: np.ndarray, mask: np.ndarray, depth: float = 0.35) -> None:
    """Letters pressed into leather or engraved in metal: dark floor, light lower edge."""
    floor = cv2.GaussianBlur(mask, (3, 3), 0)
    edge = np.clip(np.roll(floor, 2, axis=0) - floor, 0, 1)
    canvas[:] = np.clip(canvas * (1 - depth * floor)[..., None] + 0.25 * edge[..., None], 0, 1)


def embroider(canvas: np.ndarray, mask: np.ndarray, colour: Colour, rng: np.random.Generator) -> None:
    """Satin-stitch fill: thread lines at an angle inside the mask."""
    h, w = mask.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    thread = 0.75 + 0.25 * np.sin((x + 0.6 * y) * 1.3) + rng.normal(0, 0.04, (h, w)).astype(np.float32)
    rgb = np.array(colour, np.float32) / 255.0
    alpha = cv2.GaussianBlur(mask, (3, 3), 0)[..., None]
    canvas[:] = canvas * (1 - alpha) + np.clip(rgb * thread[..., None], 0, 1) * alpha


def paste_panel(
    canvas: np.ndarray, panel: np.ndarray, origin: tuple[int, int], shadow: float = 0.35, radius: int = 0
) -> None:
    """Lay a label or tag on a surface with a soft drop shadow."""
    ph, pw = panel.shape[:2]
    x, y = origin
    h, w = canvas.shape[:2]
    mask = np.zeros((h, w), np.float32)
    cv2.rectangle(mask, (x, y), (x + pw - 1, y + ph - 1), 1.0, -1)
    if radius:
        mask[:] = 0
        cv2.rectangle(mask, (x + radius, y), (x + pw - radius, y + ph), 1.0, -1)
        cv2.rectangle(mask, (x, y + radius), (x + pw, y + ph - radius), 1.0, -1)
        for cx, cy in (
            (x + radius, y + radius),
            (x + pw - radius, y + radius),
            (x + radius, y + ph - radius),
            (x + pw - radius, y + ph - radius),
        ):
            cv2.circle(mask, (cx, cy), radius, 1.0, -1, cv2.LINE_AA)
    blur = cv2.GaussianBlur(np.roll(mask, (8, 6), axis=(0, 1)), (0, 0), 7)
    canvas[:] = canvas * (1 - shadow * blur)[..., None]
    region = canvas[y : y + ph, x : x + pw]
    alpha = mask[y : y + ph, x : x + pw][..., None]
    region[:] = region * (1 - alpha) + panel * alpha


def upc_digits(seed_text: str) -> str:
    """A valid 12-digit UPC-A for a style code (check digit computed), stable for the same text."""
    body = "".join(str(ord(c) % 10) for c in seed_text.upper())[:11].ljust(11, "7")
    body = "1" + body[1:]
    odd = sum(int(d) for d in body[0::2])
    even = sum(int(d) for d in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def upc_modules(digits: str) -> str:
    left = "".join(_UPC_LEFT[int(d)] for d in digits[:6])
    right = "".join("".join("1" if b == "0" else "0" for b in _UPC_LEFT[int(d)]) for d in digits[6:])
    return "101" + left + "01010" + right + "101"


def barcode(
    canvas: np.ndarray, origin: tuple[int, int], digits: str, module: int = 3, height: int = 120
) -> None:
    """Draw a UPC-A symbol with its human-readable digits underneath."""
    x0, y0 = origin
    for index, bit in enumerate(upc_modules(digits)):
        if bit == "1":
            x = x0 + index * module
            canvas[y0 : y0 + height, x : x + module] = 0.05
    width = 95 * module
    write(
        canvas,
        (x0 + width // 2, y0 + height + 6),
        f"{digits[0]} {digits[1:6]} {digits[6:11]} {digits[11]}",
        max(14, module * 8),
        (20, 20, 20),
        mono=True,
        anchor="ma",
    )


def stitches(
    canvas: np.ndarray,
    start: tuple[float, float],
    end: tuple[float, float],
    pitch: float,
    colour: Colour,
    width: int = 3,
    slant: float = 0.0,
) -> int:
    """A row of stitches along a line; returns how many were drawn."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    count = max(1, int(length // pitch))
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    rgb = tuple(float(c) / 255.0 for c in colour)
    for i in range(count):
        sx, sy = x0 + dx * i * pitch, y0 + dy * i * pitch
        ex, ey = sx + dx * pitch * 0.7 - dy * slant, sy + dy * pitch * 0.7 + dx * slant
        cv2.line(canvas, (int(sx), int(sy)), (int(ex), int(ey)), (0.0, 0.0, 0.0), width + 2, cv2.LINE_AA)
        cv2.line(canvas, (int(sx), int(sy)), (int(ex), int(ey)), rgb, width, cv2.LINE_AA)
    return count
