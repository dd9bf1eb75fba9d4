"""Authenticity tags laid out on the label printer's own dots, drawn as PDF (ZPL lives in zpl.py).

One layout serves both: positions are printer dots (origin top-left, as in ZPL), computed for the
printer's resolution, so a 300 dpi Zebra prints the same physical tag as a 203 dpi one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from inspector.errors import BadInput
from inspector.printing.documents import TagDocument, plain_date, short_address, verdict_word
from inspector.printing.symbols import (
    CODE128_QUIET_MODULES,
    QR_QUIET_MODULES,
    code128_modules,
    draw_code128,
    draw_qr,
    qr_matrix,
)

# Label stock sizes (width x height, millimetres) and the resolutions label printers come in.
TAG_SIZES: dict[str, tuple[float, float]] = {
    "2x1in": (50.8, 25.4),
    "4x6in": (101.6, 152.4),
    "62x29mm": (62.0, 29.0),
}
# Zebra's "203/300/600 dpi" heads are 8, 12 and 24 dots per millimetre.
DOTS_PER_MM: dict[int, int] = {203: 8, 300: 12, 600: 24}
ZEBRA_MAX_QR_MAGNIFICATION = 10
# The smallest QR module a thermal tag should carry so that phones read it after wear: 3 dots at 203 dpi.
MIN_QR_MODULE_MM = 0.375
BOLD, REGULAR = "Helvetica-Bold", "Helvetica"


@dataclass(frozen=True)
class Text:
    """One line of text: top-left corner and cell height in dots, inside a box `width` dots wide."""

    text: str
    x: int
    y: int
    height: int
    width: int
    bold: bool = False
    centred: bool = False


@dataclass(frozen=True)
class Rule:
    x: int
    y: int
    width: int
    thickness: int


@dataclass(frozen=True)
class Bars:
    x: int
    y: int
    module: int  # dots per narrow bar
    height: int
    modules: int


@dataclass(frozen=True)
class TagLayout:
    width: int
    height: int
    dpi: int
    qr_x: int
    qr_y: int
    qr_module: int
    qr_modules: int
    texts: tuple[Text, ...]
    rules: tuple[Rule, ...] = ()
    bars: Bars | None = None


def dots_per_mm(dpi: int) -> int:
    try:
        return DOTS_PER_MM[dpi]
    except KeyError:
        raise BadInput(f"Unknown printer resolution {dpi} dpi; use 203, 300 or 600.") from None


def size_dots(size: str, dpi: int = 203) -> tuple[int, int]:
    try:
        width_mm, height_mm = TAG_SIZES[size]
    except KeyError:
        raise BadInput(f"Unknown tag size {size!r}; use one of {', '.join(TAG_SIZES)}.") from None
    per_mm = dots_per_mm(dpi)
    return round(width_mm * per_mm), round(height_mm * per_mm)


def fitted(text: str, bold: bool, width: int, largest: int, smallest: int) -> tuple[str, int]:
    """The largest cell height (dots) at which the text fits the width; cut with '...' below the smallest.
    Measured with Helvetica, which is wider than the Zebra's condensed font 0, so ZPL fits too."""
    font = BOLD if bold else REGULAR
    per_dot = stringWidth(text, font, 1.0) or 1.0
    height = min(largest, int(width / per_dot))
    if height >= smallest:
        return text, height
    while text and stringWidth(text + "...", font, smallest) > width:
        text = text[:-1]
    return text.rstrip() + "...", smallest


def _line(text: str, x: int, y: int, width: int, largest: int, smallest: int, bold: bool = False,
          centred: bool = False) -> Text:
    text, height = fitted(text, bold, width, largest, smallest)
    return Text(text, x, y, height, width, bold, centred)


def _stack(lines: list[Text], top: int, bottom: int) -> tuple[Text, ...]:
    """Spread the lines evenly between top and bottom."""
    room = bottom - top - sum(line.height for line in lines)
    gap = max(0, room // max(1, len(lines) - 1)) if len(lines) > 1 else 0
    placed, y = [], top if len(lines) > 1 else top + room // 2
    for line in lines:
        placed.append(Text(line.text, line.x, y, line.height, line.width, line.bold, line.centred))
        y += line.height + gap
    return tuple(placed)


def qr_module(width: int, height: int, box: int) -> int:
    """Dots per QR module for a symbol `box` modules wide (quiet zone included): as large as the
    label's height allows beside the words (landscape), or 62 % of its width (portrait)."""
    room = int(width * 0.62) if height > width else height
    return max(1, min(ZEBRA_MAX_QR_MAGNIFICATION, room // box))


def holds_qr_text(width: int, height: int, dpi: int, text_bytes: int) -> bool:
    """Whether a QR code of `text_bytes` (byte mode, error correction M) prints on a tag of width x height
    dots with a 4-module quiet zone and modules of at least MIN_QR_MODULE_MM: 3 dots at 203 dpi, 5 at
    300 dpi (a finer head does not make a small module easier for a phone to read)."""
    box = len(qr_matrix("x" * text_bytes)) + 2 * QR_QUIET_MODULES
    return qr_module(width, height, box) >= MIN_QR_MODULE_MM * dots_per_mm(dpi)


def layout(size: str, tag: TagDocument, dpi: int = 203) -> TagLayout:
    width, height = size_dots(size, dpi)
    return layout_in(width, height, tag, dpi)


def layout_in(width: int, height: int, tag: TagDocument, dpi: int) -> TagLayout:
    """The tag laid out in a printable area of width x height dots."""
    modules = len(qr_matrix(tag.code))
    box = modules + 2 * QR_QUIET_MODULES
    if height > width:
        return _portrait(tag, width, height, dpi, modules, box)
    # Landscape (2x1 in, 62x29 mm): the QR as large as the height allows, the words beside it.
    module = qr_module(width, height, box)
    qr_x, qr_y = QR_QUIET_MODULES * module, (height - modules * module) // 2
    left = qr_x + (modules + QR_QUIET_MODULES - 1) * module
    margin = round(height * 0.08)
    area = width - left - margin
    lines = [
        _line(tag.issuer_name or "Authenticated", left, 0, area, height * 14 // 100, height // 11),
        _line(verdict_word(tag.verdict), left, 0, area, height * 26 // 100, height // 8, bold=True),
        _line(tag.serial, left, 0, area, height * 17 // 100, height // 10, bold=True),
    ]
    if tag.reprint:
        lines.append(_line(f"REPRINT {tag.reprint}", left, 0, area, height * 10 // 100, height // 12))
    return TagLayout(width, height, dpi, qr_x, qr_y, module, modules, _stack(lines, margin, height - margin))


def _portrait(tag: TagDocument, width: int, height: int, dpi: int, modules: int, box: int) -> TagLayout:
    """4x6 in: who issued it, what it is, the verdict, the QR and how to check it."""
    margin = round(width * 0.05)
    inner = width - 2 * margin
    unit = height // 100  # layout in hundredths of the label's height
    header = [
        _line(tag.issuer_name or "Authenticity tag", margin, 0, inner, unit * 5, unit * 3, bold=True),
    ]
    top = margin
    if tag.reprint:  # small, in the corner: the content of a reprint is the original's
        mark = _line(f"REPRINT {tag.reprint}", margin, top, inner, unit * 2, unit * 2, centred=False)
        header_top = top + mark.height + unit
    else:
        mark, header_top = None, top
    texts = list(_stack(header, header_top, header_top + header[0].height))
    rule_y = header_top + header[0].height + unit
    rules = [Rule(margin, rule_y, inner, max(2, unit // 3))]
    body = [
        _line(verdict_word(tag.verdict), margin, 0, inner, unit * 9, unit * 5, bold=True, centred=True),
        _line(" ".join(p for p in (tag.brand, tag.model) if p), margin, 0, inner, unit * 4, unit * 2,
              centred=True),
        _line(f"Item {tag.item_code}" if tag.item_code else "", margin, 0, inner, unit * 3, unit * 2,
              centred=True),
        _line(plain_date(tag.issued_on) if tag.issued_on else "", margin, 0, inner, unit * 3, unit * 2,
              centred=True),
    ]
    body = [line for line in body if line.text]
    body_top = rule_y + 2 * unit
    body_bottom = body_top + sum(line.height for line in body) + unit * 2 * (len(body) - 1)
    texts += _stack(body, body_top, body_bottom)
    module = qr_module(width, height, box)
    qr_x = (width - modules * module) // 2
    qr_y = body_bottom + unit * 2 + QR_QUIET_MODULES * module
    below = qr_y + modules * module + unit * 2
    texts.append(_line(tag.serial, margin, below, inner, unit * 4, unit * 3, bold=True, centred=True))
    bars = None
    bar_count = code128_modules(tag.serial)
    bar_module = max(1, min(dpi // 100, inner // (bar_count + 2 * CODE128_QUIET_MODULES)))
    bar_top = below + texts[-1].height + unit
    address = short_address(tag.verify_address)
    instruction = f"Scan the QR or open {address} to verify." if address else "Scan the QR to verify."
    footer = _line(instruction, margin, 0, inner, unit * 3, unit * 2, centred=True)
    footer_y = height - margin - footer.height
    bar_height = min(unit * 8, footer_y - unit * 2 - bar_top)
    if bar_height >= unit * 4:
        bars = Bars((width - bar_count * bar_module) // 2, bar_top, bar_module, bar_height, bar_count)
    texts.append(Text(footer.text, footer.x, footer_y, footer.height, footer.width, False, True))
    if mark is not None:
        texts.append(mark)
    return TagLayout(width, height, dpi, qr_x, qr_y, module, modules, tuple(texts), tuple(rules), bars)


def tag_pdf(tag: TagDocument, size: str, dpi: int = 203, copies: int = 1) -> bytes:
    """The tag as a PDF page the label's size, one page per copy, drawn on the printer's dots."""
    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    return layout_pdf(layout(size, tag, dpi), tag, copies)


def layout_pdf(spot: TagLayout, tag: TagDocument, copies: int = 1) -> bytes:
    dpi = spot.dpi
    scale = 72.0 / (dots_per_mm(dpi) * 25.4)  # points per dot (8 dots/mm is 203.2 dpi)
    page_width, page_height = spot.width * scale, spot.height * scale
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), invariant=1)
    canvas.setTitle(f"Tag {tag.serial}")
    matrix = qr_matrix(tag.code)
    for _ in range(copies):
        draw_qr(canvas, matrix, spot.qr_x * scale, page_height - spot.qr_y * scale, spot.qr_module * scale)
        for line in spot.texts:
            font_size = line.height * scale
            canvas.setFont(BOLD if line.bold else REGULAR, font_size)
            baseline = page_height - (line.y + line.height * 0.8) * scale
            if line.centred:
                canvas.drawCentredString((line.x + line.width / 2) * scale, baseline, line.text)
            else:
                canvas.drawString(line.x * scale, baseline, line.text)
        for rule in spot.rules:
            canvas.rect(rule.x * scale, page_height - (rule.y + rule.thickness) * scale,
                        rule.width * scale, rule.thickness * scale, stroke=0, fill=1)
        if spot.bars is not None:
            bars = spot.bars
            draw_code128(canvas, tag.serial, bars.x * scale, page_height - (bars.y + bars.height) * scale,
                         bars.module * scale, bars.height * scale)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
