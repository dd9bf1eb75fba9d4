"""Authenticity tags (QR, serial as text and Code128) as PDF and ZPL, laid out on the printer's dots."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from inspector.errors import BadInput
from inspector.printing.documents import TagDocument
from inspector.printing.symbols import (
    CODE128_QUIET_MODULES,
    QR_QUIET_MODULES,
    code128_modules,
    draw_code128,
    draw_qr,
    qr_matrix,
)

DPI = 203
# Label sizes warehouses use, in printer dots at 203 dpi (width x height).
TAG_SIZES: dict[str, tuple[int, int]] = {
    "2x1in": (406, 203),
    "4x6in": (812, 1218),
    "62x29mm": (round(62 / 25.4 * DPI), round(29 / 25.4 * DPI)),
}
ZEBRA_MAX_QR_MAGNIFICATION = 10


def dots_to_points(dots: float) -> float:
    return dots * 72.0 / DPI


@dataclass(frozen=True)
class TagLayout:
    """Positions in dots, origin top-left (ZPL's convention); the PDF flips y."""

    width: int
    height: int
    qr_x: int
    qr_y: int
    qr_module: int
    qr_modules: int
    text_x: int
    text_y: int
    text_height: int
    note_y: int
    note_height: int
    bar_x: int
    bar_y: int
    bar_width: int  # dots per narrow module
    bar_height: int
    bar_modules: int


def size_dots(size: str) -> tuple[int, int]:
    try:
        return TAG_SIZES[size]
    except KeyError:
        raise BadInput(f"Unknown tag size {size!r}; use one of {', '.join(TAG_SIZES)}.") from None


def layout(size: str, tag: TagDocument) -> TagLayout:
    width, height = size_dots(size)
    modules = len(qr_matrix(tag.code))
    bars = code128_modules(tag.serial)
    qr_box_modules = modules + 2 * QR_QUIET_MODULES
    if height >= 1.5 * width:
        # Portrait (4x6): QR on top, serial and barcode underneath.
        module = min(ZEBRA_MAX_QR_MAGNIFICATION, int(min(width, height * 0.55) // qr_box_modules))
        qr_x = (width - modules * module) // 2
        qr_y = QR_QUIET_MODULES * module
        below = qr_y + modules * module + QR_QUIET_MODULES * module
        bar_width = max(1, min(4, width // (bars + 2 * CODE128_QUIET_MODULES)))
        text_height = 60
        return TagLayout(
            width,
            height,
            qr_x,
            qr_y,
            module,
            modules,
            text_x=(width - bars * bar_width) // 2,
            text_y=below,
            text_height=text_height,
            note_y=below + text_height + 10,
            note_height=36,
            bar_x=(width - bars * bar_width) // 2,
            bar_y=below + text_height + 60,
            bar_width=bar_width,
            bar_height=min(240, height - below - text_height - 100),
            bar_modules=bars,
        )
    module = max(1, min(ZEBRA_MAX_QR_MAGNIFICATION, height // qr_box_modules))
    qr_x = QR_QUIET_MODULES * module
    qr_y = (height - modules * module) // 2
    # The barcode's left quiet zone may share the QR code's right quiet zone: both are blank.
    area_left = qr_x + modules * module
    area_width = width - area_left
    bar_width = max(1, area_width // (bars + 2 * CODE128_QUIET_MODULES))
    bar_x = area_left + (area_width - bars * bar_width) // 2
    margin = max(8, height // 14)
    text_height = max(20, height // 8)
    bar_height = height - 2 * margin - text_height - text_height * 3 // 4 - 8
    return TagLayout(
        width,
        height,
        qr_x,
        qr_y,
        module,
        modules,
        text_x=bar_x,
        text_y=margin,
        text_height=text_height,
        note_y=margin + text_height + 4,
        note_height=text_height * 3 // 4,
        bar_x=bar_x,
        bar_y=height - margin - bar_height,
        bar_width=bar_width,
        bar_height=bar_height,
        bar_modules=bars,
    )


def note_text(tag: TagDocument, size: str) -> str:
    if tag.reprint:
        return f"REPRINT {tag.reprint}"
    if size == "4x6in":
        return f"{tag.brand} {tag.model}".strip()[:40]
    return "Authenticated"


def tag_pdf(tag: TagDocument, size: str) -> bytes:
    spot = layout(size, tag)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(dots_to_points(spot.width), dots_to_points(spot.height)), invariant=1)
    canvas.setTitle(f"Tag {tag.serial}")
    page_height = dots_to_points(spot.height)

    def y_of(top_dots: float) -> float:
        return page_height - dots_to_points(top_dots)

    draw_qr(
        canvas,
        qr_matrix(tag.code),
        dots_to_points(spot.qr_x),
        y_of(spot.qr_y),
        dots_to_points(spot.qr_module),
    )
    canvas.setFont("Helvetica-Bold", dots_to_points(spot.text_height))
    canvas.drawString(dots_to_points(spot.text_x), y_of(spot.text_y + spot.text_height * 0.85), tag.serial)
    canvas.setFont("Helvetica-Bold" if tag.reprint else "Helvetica", dots_to_points(spot.note_height))
    canvas.drawString(
        dots_to_points(spot.text_x), y_of(spot.note_y + spot.note_height * 0.85), note_text(tag, size)
    )
    draw_code128(
        canvas,
        tag.serial,
        dots_to_points(spot.bar_x),
        y_of(spot.bar_y + spot.bar_height),
        dots_to_points(spot.bar_width),
        dots_to_points(spot.bar_height),
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _zpl_text(text: str) -> str:
    # ^ and ~ are ZPL command prefixes; a field must not contain them.
    return text.replace("^", " ").replace("~", " ")


def code128_field(serial: str) -> str:
    """^BC data: subset C (>;) for an even run of digits, which is what the printed PDF encodes too."""
    if serial.isdigit() and len(serial) % 2 == 0:
        return ">;" + serial
    return ">:" + _zpl_text(serial)


def tag_zpl(tag: TagDocument, size: str, copies: int = 1) -> str:
    """ZPL II for a Zebra printer at 203 dpi: ^BQ (QR model 2), ^BC (Code128), ^A0 text, ^PQ copies."""
    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    spot = layout(size, tag)
    lines = [
        "^XA",
        "^CI28",
        f"^PW{spot.width}",
        f"^LL{spot.height}",
        "^LH0,0",
        # ^BQN,2,m: normal orientation, model 2, magnification m; ^FD MA, = error level M, automatic mode.
        f"^FO{spot.qr_x},{spot.qr_y}^BQN,2,{spot.qr_module}^FDMA,{tag.code}^FS",
        f"^FO{spot.text_x},{spot.text_y}^A0N,{spot.text_height},{spot.text_height}^FD{_zpl_text(tag.serial)}^FS",
        f"^FO{spot.text_x},{spot.note_y}^A0N,{spot.note_height},{spot.note_height}"
        f"^FD{_zpl_text(note_text(tag, size))}^FS",
        # ^BY: narrow bar width; ^BCN,h,N,N,N: normal, height h, no text line (the serial is printed above).
        f"^BY{spot.bar_width},3,{spot.bar_height}",
        f"^FO{spot.bar_x},{spot.bar_y}^BCN,{spot.bar_height},N,N,N^FD{code128_field(tag.serial)}^FS",
        f"^PQ{copies}",
        "^XZ",
    ]
    return "\n".join(lines) + "\n"
