"""One renderer per reference kind: what a bench photograph of that checkpoint shows."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from references import draw
from references import textures as tx

WIDTH, HEIGHT = 1200, 900
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Item:
    """What the generator prints: taken from the checklist, plus brand-typical colours."""

    brand: str
    model: str
    category: str
    style_code: str
    colourway: str
    year: int | None
    country: str
    serial: str
    date_code: str
    accent: Colour
    material: Colour


Renderer = Callable[[Item, str, np.random.Generator], np.ndarray]


def _blank(rng: np.random.Generator, surface: str, colour: Colour) -> np.ndarray:
    makers = {
        "cardboard": tx.cardboard,
        "leather": tx.leather,
        "fabric": tx.weave,
        "foam": tx.foam,
        "fleece": tx.fleece,
    }
    return makers[surface](rng, HEIGHT, WIDTH, colour)


def _paper(rng: np.random.Generator, w: int, h: int, colour: Colour = (246, 244, 238)) -> np.ndarray:
    return tx.tint(tx.fractal_noise(rng, h, w, 4, 4), colour, 0.06)


def box_label(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    box = (200, 122, 74) if item.brand == "Nike" else (190, 160, 120)
    canvas = tx.cardboard(rng, HEIGHT, WIDTH, box)
    label = _paper(rng, 1060, 640)
    draw.write(label, (40, 30), item.brand.upper(), 64, (15, 15, 15), bold=True)
    draw.write(label, (40, 115), item.model.upper(), 34, (15, 15, 15), bold=True)
    draw.write(label, (40, 170), item.colourway.upper()[:48], 26, (30, 30, 30))
    draw.write(label, (40, 230), "STYLE", 22, (60, 60, 60))
    draw.write(label, (40, 258), item.style_code, 58, (10, 10, 10), bold=True, mono=True)
    sizes = "US 10   UK 9   EUR 44   CM 28" if item.category == "sneakers" else "ONE SIZE"
    draw.write(label, (40, 350), sizes, 36, (10, 10, 10), bold=True)
    draw.write(label, (40, 410), f"MADE IN {item.country.upper()}", 26, (30, 30, 30))
    if item.year:
        draw.write(label, (40, 450), f"{item.year}", 24, (60, 60, 60))
    draw.barcode(label, (620, 390), draw.upc_digits(item.style_code), module=4, height=150)
    cv2.rectangle(label, (20, 20), (1040, 620), (0.1, 0.1, 0.1), 2)
    draw.paste_panel(canvas, label, (70, 130))
    return canvas


def size_tag(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.weave(rng, HEIGHT, WIDTH, item.material, pitch=4.0)
    tag = tx.tint(tx.fractal_noise(rng, 620, 820, 5, 6), (240, 240, 236), 0.1)
    draw.write(tag, (410, 40), item.brand.upper(), 44, (20, 20, 20), bold=True, anchor="ma")
    draw.write(tag, (410, 110), "US 10  UK 9  EUR 44  CM 28", 34, (20, 20, 20), bold=True, anchor="ma")
    draw.write(tag, (410, 190), item.style_code, 54, (10, 10, 10), bold=True, mono=True, anchor="ma")
    draw.write(tag, (410, 270), "04/12/21 - 06/30/21", 28, (40, 40, 40), mono=True, anchor="ma")
    draw.write(tag, (410, 330), f"MADE IN {item.country.upper()}", 34, (20, 20, 20), anchor="ma")
    draw.write(tag, (410, 400), "UPPER: LEATHER  SOLE: RUBBER", 24, (40, 40, 40), anchor="ma")
    draw.barcode(tag, (265, 450), draw.upc_digits(item.style_code), module=3, height=90)
    draw.paste_panel(canvas, tag, (190, 140), radius=18)
    draw.stitches(canvas, (200, 150), (1000, 150), 14, (235, 235, 230), width=2)
    return canvas


def woven_tag(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    """Tongue and neck tags: a woven label sewn onto the upper or the collar."""
    canvas = tx.weave(rng, HEIGHT, WIDTH, item.material, pitch=6.0)
    colour = item.accent if item.brand == "Supreme" else (250, 250, 250)
    tag = tx.weave(rng, 360, 760, colour, pitch=2.5)
    text_colour: Colour = (250, 250, 250) if item.brand == "Supreme" else (20, 20, 20)
    word = "Supreme" if item.brand == "Supreme" else item.brand.upper()
    mask = draw.text_mask(
        (760, 360), [((380, 70), word, draw.fitted(word, 680, 110, bold=True))], anchor="ma"
    )
    draw.embroider(tag, mask, text_colour, rng)
    draw.write(tag, (380, 250), item.model.upper()[:30], 30, text_colour, anchor="ma")
    draw.paste_panel(canvas, tag, (220, 270))
    for y in (285, 615):
        draw.stitches(canvas, (235, y), (965, y), 12, item.accent, width=2)
    return canvas


def care_tag(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.fleece(rng, HEIGHT, WIDTH, item.material)
    tag = tx.weave(rng, 800, 420, (245, 245, 242), pitch=2.0)
    lines = [
        "100% COTTON",
        "EXCLUSIVE OF TRIM",
        f"MADE IN {item.country.upper()}",
        "CA# 52435",
        "MACHINE WASH COLD",
        "INSIDE OUT",
        "TUMBLE DRY LOW",
        "DO NOT BLEACH",
        item.style_code,
    ]
    for row, line in enumerate(lines):
        draw.write(tag, (210, 60 + row * 70), line, 28, (30, 30, 30), bold=row == 2, anchor="ma")
    draw.paste_panel(canvas, tag, (390, 50))
    draw.stitches(canvas, (400, 60), (800, 60), 10, (235, 235, 235), width=2)
    return canvas


def logo(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if item.brand == "Supreme":
        canvas = tx.fleece(rng, HEIGHT, WIDTH, item.material)
        box = np.zeros((HEIGHT, WIDTH), np.float32)
        cv2.rectangle(box, (180, 300), (1020, 600), 1.0, -1)
        draw.embroider(canvas, box, item.accent, rng)
        mask = draw.text_mask(
            (WIDTH, HEIGHT), [((600, 350), "Supreme", draw.fitted("Supreme", 760, 190, True))], "ma"
        )
        draw.embroider(canvas, mask, (250, 250, 250), rng)
        return canvas
    canvas = tx.leather(rng, HEIGHT, WIDTH, item.material)
    mask = np.zeros((HEIGHT, WIDTH), np.float32)
    if variant == "swoosh":
        curve = np.array([[180, 620], [420, 560], [1040, 300], [480, 640], [300, 700], [190, 680]], np.int32)
        cv2.fillPoly(mask, [curve], 1.0, cv2.LINE_AA)
        draw.ink(canvas, cv2.GaussianBlur(mask, (3, 3), 0), item.accent)
        for a, b in itertools.pairwise(curve):
            draw.stitches(canvas, tuple(a), tuple(b), 13, (30, 30, 30), width=2)
        return canvas
    if variant == "wings":
        wing = np.array([[300, 560], [560, 260], [900, 220], [760, 330], [980, 320], [640, 560]], np.int32)
        cv2.fillPoly(mask, [wing], 0.7, cv2.LINE_AA)
        cv2.circle(mask, (600, 420), 150, 1.0, 8, cv2.LINE_AA)
        mask = np.maximum(
            mask,
            draw.text_mask((WIDTH, HEIGHT), [((600, 610), "AIR JORDAN", draw.font(80, bold=True))], "ma"),
        )
        draw.deboss(canvas, mask, 0.45)
        return canvas
    if variant == "n":
        mask = draw.text_mask((WIDTH, HEIGHT), [((600, 140), "N", draw.font(620, bold=True))], "ma")
        draw.ink(canvas, mask, item.accent)
        edges = cv2.Canny((mask * 255).astype(np.uint8), 50, 150)
        ys, xs = np.nonzero(edges[::1, ::1])
        for x, y in list(zip(xs, ys, strict=True))[::60]:
            cv2.circle(canvas, (int(x), int(y)), 3, (0.1, 0.1, 0.1), -1, cv2.LINE_AA)
        return canvas
    word = item.brand.upper()
    mask = draw.text_mask(
        (WIDTH, HEIGHT), [((600, 330), word, draw.fitted(word, 1000, 170, bold=True))], "ma"
    )
    draw.embroider(canvas, mask, item.accent, rng)
    return canvas


def stitching(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if variant == "quilt":
        canvas = tx.leather(rng, HEIGHT, WIDTH, item.material, grain=6)
        y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
        # Each quilted diamond is padded: lighter in its middle, darker along the seams.
        puff = np.abs(np.sin((x + y) * np.pi / 283)) * np.abs(np.sin((x - y) * np.pi / 283))
        canvas *= (0.55 + 0.9 * puff)[..., None]
        for offset in range(-HEIGHT, WIDTH + HEIGHT, 200):
            draw.stitches(canvas, (offset, 0), (offset + HEIGHT, HEIGHT), 18, (95, 95, 100), width=2)
            draw.stitches(canvas, (offset + HEIGHT, 0), (offset, HEIGHT), 18, (95, 95, 100), width=2)
        return np.clip(canvas, 0, 1)
    if variant == "handle":
        canvas = tx.leather(rng, HEIGHT, WIDTH, (214, 170, 120), grain=14)
        tab = tx.leather(rng, 500, 420, (226, 182, 128), grain=20)
        draw.paste_panel(canvas, tab, (390, 200), radius=40)
        for x in (420, 780):
            draw.stitches(canvas, (x, 230), (x, 680), 22, (230, 190, 60), width=4, slant=6)
        draw.stitches(canvas, (430, 650), (770, 650), 22, (230, 190, 60), width=4, slant=6)
        return canvas
    surface = "fleece" if item.category == "apparel" else "leather"
    canvas = _blank(rng, surface, item.material)
    overlay = _blank(rng, surface, item.accent)
    edge = (np.mgrid[0:HEIGHT, 0:WIDTH][0] > 420 + 90 * np.sin(np.arange(WIDTH) / 220.0))[..., None]
    canvas[:] = np.where(edge, overlay, canvas)
    thread = (245, 245, 240) if sum(item.accent) < 400 else (40, 40, 40)
    for row in (0, 30):
        points = [(x, 450 + row + 90 * np.sin(x / 220.0)) for x in range(0, WIDTH + 40, 40)]
        for a, b in itertools.pairwise(points):
            draw.stitches(canvas, a, b, 12, thread, width=3)
    return canvas


def overall(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.weave(rng, HEIGHT, WIDTH, (150, 150, 150), pitch=9.0)
    body = tx.leather(rng, HEIGHT, WIDTH, item.material, grain=7)
    shape = np.zeros((HEIGHT, WIDTH), np.float32)
    if item.category == "bags":
        cv2.fillPoly(shape, [np.array([[220, 260], [980, 260], [1060, 800], [140, 800]], np.int32)], 1.0)
        cv2.ellipse(shape, (600, 260), (260, 200), 0, 180, 360, 1.0, 26, cv2.LINE_AA)
    else:
        cv2.ellipse(shape, (600, 480), (250, 360), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
        cv2.rectangle(shape, (420, 640), (780, 860), 1.0, -1)
    alpha = cv2.GaussianBlur(shape, (5, 5), 0)[..., None]
    canvas[:] = canvas * (1 - 0.4 * cv2.GaussianBlur(np.roll(shape, 18, axis=1), (0, 0), 15)[..., None])
    canvas[:] = canvas * (1 - alpha) + body * alpha
    draw.write(canvas, (600, 420), item.brand.upper(), 60, item.accent, bold=True, anchor="ma")
    return canvas


def insole(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.weave(rng, HEIGHT, WIDTH, (120, 120, 125), pitch=8.0)
    sole = tx.foam(rng, HEIGHT, WIDTH, item.material)
    shape = np.zeros((HEIGHT, WIDTH), np.float32)
    cv2.ellipse(shape, (600, 450), (520, 230), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    alpha = cv2.GaussianBlur(shape, (7, 7), 0)[..., None]
    canvas[:] = canvas * (1 - alpha) + sole * alpha
    draw.write(canvas, (820, 390), item.brand.upper(), 72, item.accent, bold=True, anchor="ma")
    draw.write(canvas, (820, 480), item.model.upper()[:22], 28, item.accent, anchor="ma")
    points = [(600 + 500 * np.cos(t), 450 + 212 * np.sin(t)) for t in np.linspace(0, 2 * np.pi, 60)]
    for a, b in itertools.pairwise(points):
        draw.stitches(canvas, a, b, 14, (60, 60, 60), width=2)
    return canvas


def outsole(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    rubber = tx.foam(rng, HEIGHT, WIDTH, item.accent if item.brand != "adidas" else (120, 110, 95))
    grooves = np.zeros((HEIGHT, WIDTH), np.float32)
    for x in range(-HEIGHT, WIDTH, 34):
        cv2.line(grooves, (x, 0), (x + HEIGHT // 2, HEIGHT), 1.0, 6, cv2.LINE_AA)
        cv2.line(grooves, (x + HEIGHT // 2, 0), (x, HEIGHT), 1.0, 6, cv2.LINE_AA)
    cv2.circle(grooves, (380, 450), 170, 0.0, -1)
    for radius in range(40, 170, 32):
        cv2.circle(grooves, (380, 450), radius, 1.0, 6, cv2.LINE_AA)
    for index in range(14):
        cx, cy = 960 + 50 * (index % 3), 150 + 50 * (index // 3)
        star = np.array(
            [[cx + 20 * np.cos(a), cy + 20 * np.sin(a)] for a in np.linspace(0, 2 * np.pi, 11)], np.int32
        )
        cv2.polylines(grooves, [star], True, 1.0, 3, cv2.LINE_AA)
    draw.deboss(rubber, grooves, 0.55)
    draw.deboss(
        rubber,
        draw.text_mask((WIDTH, HEIGHT), [((800, 700), item.brand.upper(), draw.font(90, bold=True))], "ma"),
        0.6,
    )
    return rubber


def material(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if variant == "knit":
        return tx.knit(rng, HEIGHT, WIDTH, item.material, item.accent)
    if variant == "boost":
        return tx.pellets(rng, HEIGHT, WIDTH, (235, 232, 225))
    if variant == "box":
        colour = (200, 122, 74) if item.brand == "Nike" else (190, 160, 120)
        canvas = tx.cardboard(rng, HEIGHT, WIDTH, colour)
        # The lid's edge and its small print are what a box-construction photo shows besides the logo.
        canvas[690:, :] *= 0.82
        cv2.line(canvas, (0, 690), (WIDTH, 690), (0.25, 0.15, 0.1), 3, cv2.LINE_AA)
        draw.write(canvas, (600, 300), item.brand.upper(), 150, (250, 250, 250), bold=True, anchor="ma")
        for row, line in enumerate(
            (
                f"{item.brand.upper()}, INC.  ONE BOWERMAN DRIVE",
                "BEAVERTON, OREGON 97005",
                f"{item.model.upper()}  {item.style_code}",
            )
        ):
            draw.write(canvas, (80, 730 + row * 45), line, 26, (40, 25, 15))
        return canvas
    if variant == "vachetta":
        return tx.leather(rng, HEIGHT, WIDTH, (222, 178, 128), grain=16)
    if variant == "fleece":
        return tx.fleece(rng, HEIGHT, WIDTH, item.material)
    canvas = tx.leather(rng, HEIGHT, WIDTH, item.material)
    # A close-up of a panel includes its edge seam; plain grain alone is hard to align.
    panel_edge = 620 + (40 * np.sin(np.arange(WIDTH) / 150.0)).astype(int)
    for x in range(WIDTH):
        canvas[panel_edge[x] :, x] *= 0.8
    points = [(x, 590 + 40 * np.sin(x / 150.0)) for x in range(0, WIDTH + 40, 40)]
    for a, b in itertools.pairwise(points):
        draw.stitches(canvas, a, b, 13, (200, 200, 195), width=3)
    return canvas


def canvas_print(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    """Monogram-style coated canvas: a repeating pattern of initials and flowers."""
    canvas = tx.weave(rng, HEIGHT, WIDTH, (112, 78, 48), pitch=3.0)
    motif = np.zeros((HEIGHT, WIDTH), np.float32)
    initials = "".join(word[0] for word in item.brand.split())[:2]
    face = draw.font(70, bold=True)
    lines = []
    for row, y in enumerate(range(20, HEIGHT, 150)):
        for x in range(-60 + (row % 2) * 110, WIDTH, 220):
            lines.append(((x, y), initials, face))
            cv2.circle(motif, (x + 150, y + 40), 26, 1.0, 4, cv2.LINE_AA)
            for angle in range(0, 360, 90):
                tip = (
                    int(x + 150 + 22 * np.cos(np.radians(angle))),
                    int(y + 40 + 22 * np.sin(np.radians(angle))),
                )
                cv2.circle(motif, tip, 9, 1.0, -1, cv2.LINE_AA)
    motif = np.maximum(motif, draw.text_mask((WIDTH, HEIGHT), lines))
    draw.ink(canvas, motif, (210, 170, 100), 0.9)
    return canvas


def stamp(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    """Heat stamps (debossed on leather) and date codes (pressed into a small tab)."""
    leather = (214, 170, 120) if item.brand == "Louis Vuitton" else (90, 30, 40)
    canvas = tx.leather(rng, HEIGHT, WIDTH, leather, grain=12)
    face = draw.font(96, bold=False)
    if variant == "date-code":
        lines = [((600, 360), item.date_code, draw.font(150, mono=True))]
    else:
        lines = [
            ((600, 200), item.brand.upper(), face),
            ((600, 350), "®", draw.font(60)),
            ((600, 440), "PARIS", face),
            ((600, 600), f"made in {item.country}", draw.font(64)),
        ]
    mask = draw.text_mask((WIDTH, HEIGHT), lines, "ma")
    if item.brand == "Chanel":
        draw.ink(canvas, mask, (212, 175, 90))
    else:
        draw.deboss(canvas, mask, 0.5)
    return canvas


def hardware(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    gold = (212, 175, 90)
    canvas = tx.leather(rng, HEIGHT, WIDTH, item.material)
    metal = tx.brushed_metal(rng, HEIGHT, WIDTH, gold if item.category == "bags" else (205, 205, 210))
    shape = np.zeros((HEIGHT, WIDTH), np.float32)
    if variant == "lock":
        cv2.ellipse(shape, (520, 450), (190, 210), 0, 40, 320, 1.0, 60, cv2.LINE_AA)
        cv2.ellipse(shape, (680, 450), (190, 210), 0, 220, 500, 1.0, 60, cv2.LINE_AA)
    elif variant == "chain":
        for index in range(7):
            cv2.ellipse(
                shape,
                (120 + index * 160, 450),
                (110, 60),
                0 if index % 2 else 90,
                0,
                360,
                1.0,
                28,
                cv2.LINE_AA,
            )
    elif variant == "crown":
        cv2.circle(shape, (600, 450), 260, 1.0, -1, cv2.LINE_AA)
    elif variant == "drawstring":
        canvas = tx.fleece(rng, HEIGHT, WIDTH, item.material)
        cv2.rectangle(shape, (460, 100), (740, 700), 1.0, -1)
    else:
        cv2.rectangle(shape, (250, 280), (950, 620), 1.0, -1)
    alpha = cv2.GaussianBlur(shape, (5, 5), 0)[..., None]
    canvas[:] = canvas * (1 - alpha) + metal * alpha
    engraving = item.brand.upper() if variant != "crown" else "• • •"
    draw.deboss(
        canvas,
        draw.text_mask((WIDTH, HEIGHT), [((600, 410), engraving, draw.font(70, bold=True))], "ma"),
        0.5,
    )
    return canvas


def lining(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if item.brand == "Chanel":
        canvas = tx.leather(rng, HEIGHT, WIDTH, (150, 40, 58), grain=6)
    else:
        canvas = tx.weave(rng, HEIGHT, WIDTH, (200, 50, 60), pitch=3.0)
        for x in range(0, WIDTH, 48):
            canvas[:, x : x + 16] *= 0.55
    # A lining photo always shows a pocket and its seams, which is also what registration locks onto.
    pocket = tx.leather(rng, 380, 560, (170, 60, 70) if item.brand == "Chanel" else (214, 170, 120), grain=10)
    draw.paste_panel(canvas, pocket, (320, 380), radius=12)
    for (x0, y0), (x1, y1) in (((335, 395), (865, 395)), ((335, 395), (335, 745)), ((865, 395), (865, 745))):
        draw.stitches(canvas, (x0, y0), (x1, y1), 14, (230, 200, 120), width=2)
    draw.deboss(
        canvas,
        draw.text_mask((WIDTH, HEIGHT), [((600, 520), item.brand.upper(), draw.font(54, True))], "ma"),
        0.5,
    )
    return canvas


def hologram(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.leather(rng, HEIGHT, WIDTH, (120, 30, 45), grain=6)
    sticker = np.zeros((300, 700, 3), np.float32)
    y, x = np.mgrid[0:300, 0:700].astype(np.float32)
    for channel, phase in enumerate((0.0, 2.1, 4.2)):
        sticker[..., channel] = 0.65 + 0.3 * np.sin(x / 37.0 + y / 53.0 + phase)
    marks = draw.text_mask(
        (700, 300), [((cx, 30), "CC", draw.font(40, bold=True)) for cx in range(40, 700, 80)]
    )
    draw.ink(sticker, marks, (235, 235, 235), 0.8)
    cv2.rectangle(sticker, (40, 140), (660, 260), (0.96, 0.96, 0.94), -1)
    draw.write(sticker, (350, 155), item.serial, 80, (15, 15, 15), mono=True, anchor="ma")
    draw.paste_panel(canvas, sticker, (250, 300), radius=10)
    return canvas


def dust_bag(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.weave(rng, HEIGHT, WIDTH, (30, 30, 32), pitch=3.0)
    draw.write(canvas, (600, 330), item.brand.upper(), 150, (240, 240, 240), bold=True, anchor="ma")
    return canvas


def _watch_ring(item: Item, rng: np.random.Generator, text: str, serial_at_six: str) -> np.ndarray:
    canvas = tx.brushed_metal(rng, HEIGHT, WIDTH, (215, 215, 220), radial=True)
    centre, radius = (600, 450), 400
    cv2.circle(canvas, centre, radius - 60, (0.08, 0.08, 0.09), -1, cv2.LINE_AA)
    face = draw.font(40, bold=True)
    for index in range(24):
        angle = index * 15.0
        letter = text if index % 2 == 0 else "•"
        if serial_at_six and 165 <= angle <= 195:
            continue
        patch = draw.text_mask((300, 80), [((150, 20), letter, face)], "ma")
        rotation = cv2.getRotationMatrix2D((150, 40), -angle, 1.0)
        x = centre[0] + (radius - 30) * np.sin(np.radians(angle)) - 150
        y = centre[1] - (radius - 30) * np.cos(np.radians(angle)) - 40
        rotation[:, 2] += (x, y)
        mask = cv2.warpAffine(patch, rotation, (WIDTH, HEIGHT))
        draw.deboss(canvas, mask, 0.55)
    if serial_at_six:
        draw.deboss(
            canvas,
            draw.text_mask(
                (WIDTH, HEIGHT), [((600, 800), serial_at_six, draw.font(44, bold=True, mono=True))], "ma"
            ),
            0.6,
        )
    return canvas


def engraving(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if variant == "rehaut":
        return _watch_ring(item, rng, item.brand.upper(), item.serial)
    if variant == "bezel":
        canvas = tx.brushed_metal(rng, HEIGHT, WIDTH, (40, 40, 45), radial=True)
        for index, number in enumerate(("", "10", "20", "30", "40", "50")):
            angle = np.radians(index * 60)
            position = (int(600 + 330 * np.sin(angle)), int(430 - 330 * np.cos(angle)))
            if number:
                draw.write(canvas, position, number, 80, (225, 225, 228), bold=True, anchor="mm")
        cv2.drawMarker(canvas, (600, 110), (0.9, 0.9, 0.9), cv2.MARKER_TRIANGLE_DOWN, 70, 6)
        return canvas
    canvas = tx.brushed_metal(rng, HEIGHT, WIDTH, (210, 210, 215))
    lines = [
        ((600, 300), item.style_code, draw.font(110, bold=True, mono=True)),
        ((600, 470), "ORIG " + item.brand.upper() + " DESIGN", draw.font(50)),
    ]
    draw.deboss(canvas, draw.text_mask((WIDTH, HEIGHT), lines, "ma"), 0.6)
    return canvas


def serial(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    if item.category == "watches":
        return _watch_ring(item, rng, item.brand.upper(), item.serial)
    canvas = tx.leather(rng, HEIGHT, WIDTH, item.material)
    draw.deboss(
        canvas,
        draw.text_mask((WIDTH, HEIGHT), [((600, 380), item.serial, draw.font(130, mono=True))], "ma"),
        0.5,
    )
    return canvas


def dial(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.brushed_metal(rng, HEIGHT, WIDTH, (200, 200, 205), radial=True)
    face = tx.tint(tx.fractal_noise(rng, HEIGHT, WIDTH, 4, 4), item.accent, 0.1)
    shape = np.zeros((HEIGHT, WIDTH), np.float32)
    cv2.circle(shape, (600, 450), 400, 1.0, -1, cv2.LINE_AA)
    canvas[:] = canvas * (1 - shape[..., None]) + face * shape[..., None]
    for hour in range(12):
        angle = np.radians(hour * 30)
        centre = (int(600 + 330 * np.sin(angle)), int(450 - 330 * np.cos(angle)))
        if hour == 0:
            cv2.fillPoly(canvas, [np.array([[570, 90], [630, 90], [600, 150]], np.int32)], (0.95, 0.95, 0.9))
        elif hour in (3, 6, 9):
            cv2.rectangle(
                canvas,
                (centre[0] - 14, centre[1] - 34),
                (centre[0] + 14, centre[1] + 34),
                (0.95, 0.95, 0.9),
                -1,
            )
        else:
            cv2.circle(canvas, centre, 24, (0.95, 0.95, 0.9), -1, cv2.LINE_AA)
    for row, (text, size) in enumerate(
        ((item.brand.upper(), 52), ("OYSTER PERPETUAL", 26), (item.model.upper(), 30), ("1000ft = 300m", 24))
    ):
        draw.write(
            canvas,
            (600, 220 + row * 52 + (100 if row > 1 else 0)),
            text,
            size,
            (240, 240, 235),
            bold=row == 0,
            anchor="ma",
        )
    draw.write(
        canvas,
        (600, 800),
        "SWISS MADE" if item.country == "Switzerland" else item.country.upper(),
        20,
        (240, 240, 235),
        anchor="ma",
    )
    if variant == "cyclops":
        cv2.rectangle(canvas, (830, 410), (930, 490), (0.97, 0.97, 0.97), -1)
        draw.write(canvas, (880, 450), "23", 70, (10, 10, 10), bold=True, anchor="mm")
        cv2.rectangle(canvas, (810, 390), (950, 510), (0.7, 0.75, 0.8), 3, cv2.LINE_AA)
    return canvas


def clasp(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.brushed_metal(rng, HEIGHT, WIDTH, (205, 205, 210))
    lines = [
        ((600, 280), item.brand.upper(), draw.font(120, bold=True)),
        ((600, 480), "STEELINOX  GLIDELOCK", draw.font(48)),
    ]
    draw.deboss(canvas, draw.text_mask((WIDTH, HEIGHT), lines, "ma"), 0.6)
    cv2.rectangle(canvas, (120, 120), (1080, 780), (0.5, 0.5, 0.52), 4, cv2.LINE_AA)
    return canvas


def caseback(item: Item, variant: str, rng: np.random.Generator) -> np.ndarray:
    canvas = tx.leather(rng, HEIGHT, WIDTH, (40, 40, 40), grain=5)
    disk = tx.brushed_metal(rng, HEIGHT, WIDTH, (210, 210, 215), radial=True)
    shape = np.zeros((HEIGHT, WIDTH), np.float32)
    cv2.circle(shape, (600, 450), 400, 1.0, -1, cv2.LINE_AA)
    for index in range(36):
        angle = np.radians(index * 10)
        cv2.circle(shape, (int(600 + 400 * np.cos(angle)), int(450 + 400 * np.sin(angle))), 16, 0.0, -1)
    alpha = cv2.GaussianBlur(shape, (5, 5), 0)[..., None]
    canvas[:] = canvas * (1 - alpha) + disk * alpha
    return canvas


RENDERERS: dict[str, Renderer] = {
    "box-label": box_label,
    "size-tag": size_tag,
    "tongue-tag": woven_tag,
    "neck-tag": woven_tag,
    "care-tag": care_tag,
    "insole": insole,
    "outsole": outsole,
    "stitching": stitching,
    "logo": logo,
    "heat-stamp": stamp,
    "date-code": stamp,
    "serial": serial,
    "engraving": engraving,
    "hardware": hardware,
    "zipper": hardware,
    "material": material,
    "print": canvas_print,
    "dial": dial,
    "caseback": caseback,
    "clasp": clasp,
    "lining": lining,
    "hologram": hologram,
    "dust-bag": dust_bag,
    "overall": overall,
}


def split_kind(stem: str) -> tuple[str, str] | None:
    """`engraving-rehaut` -> ("engraving", "rehaut"); the longest known kind wins (box-label, not box)."""
    for kind in sorted(RENDERERS, key=len, reverse=True):
        if stem == kind:
            return kind, "date-code" if kind == "date-code" else ""
        if stem.startswith(kind + "-"):
            return kind, stem[len(kind) + 1 :]
    return None


def render(kind: str, variant: str, item: Item, rng: np.random.Generator) -> np.ndarray:
    """The finished bench photo, BGR uint8, WIDTH x HEIGHT."""
    image = RENDERERS[kind](item, variant, rng).astype(np.float32)
    return tx.photographed(rng, image)
