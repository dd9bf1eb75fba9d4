"""Platypus pieces shared by the certificate and the fail report: page sizes, the QR flowable, images."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph

from inspector.errors import BadInput
from inspector.printing.symbols import QR_QUIET_MODULES, draw_qr, qr_matrix

PAGE_SIZES = {"a4": A4, "letter": LETTER}


def page_size(name: str) -> tuple[float, float]:
    try:
        size: tuple[float, float] = PAGE_SIZES[name.lower()]
        return size
    except KeyError:
        raise BadInput(f"Unknown paper size {name!r}; use A4 or Letter.") from None


def styles() -> StyleSheet1:
    return getSampleStyleSheet()


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A QR code of a given side (quiet zone included) drawn as vector modules: sharp at any dpi."""

    def __init__(self, text: str, side: float = 40 * mm) -> None:
        super().__init__()
        self.matrix = qr_matrix(text)
        self.side = side
        self.width = self.height = side

    def draw(self) -> None:
        count = len(self.matrix) + 2 * QR_QUIET_MODULES
        module = self.side / count
        draw_qr(
            self.canv, self.matrix, QR_QUIET_MODULES * module, self.side - QR_QUIET_MODULES * module, module
        )


def image_flowable(data: bytes | None, max_width: float, max_height: float) -> Flowable:
    """An encoded image scaled to fit the box, or a grey note when there is none or it is unreadable."""
    if not data:
        return Paragraph("<font color='#888888'>no photo</font>", styles()["BodyText"])
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except Exception:
        return Paragraph("<font color='#888888'>unreadable photo</font>", styles()["BodyText"])
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
