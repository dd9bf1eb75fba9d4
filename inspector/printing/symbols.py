"""QR modules and Code128 bars placed on a printer's dot grid, so thermal prints stay decodable."""

from __future__ import annotations

import functools

import numpy as np
import segno
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

QR_QUIET_MODULES = 4
CODE128_QUIET_MODULES = 10


@functools.lru_cache(maxsize=32)
def qr_matrix(text: str, ec_level: str = "M") -> np.ndarray:
    """Boolean module matrix (True = dark), without the quiet zone.

    Byte mode at a fixed error level and the smallest version, as a Zebra encodes ^BQ in manual byte
    mode (zpl.py): the PDF and the label printer then print the same symbol size the layout planned.
    """
    symbol = segno.make_qr(text, error=ec_level.lower(), mode="byte", boost_error=False)
    matrix = np.array([[bool(cell) for cell in row] for row in symbol.matrix], dtype=bool)
    # Cached (segno chooses the mask in pure Python: ~10 ms a symbol, and a tag's layout, PDF and ZPL
    # all ask for it): read-only, so no caller can change the cached symbol.
    matrix.setflags(write=False)
    return matrix


def draw_qr(canvas: Canvas, matrix: np.ndarray, x: float, y_top: float, module: float) -> None:
    """Dark modules as one filled path in module units (one rectangle per run of a row).

    Written as literal PDF operators under a scaling transform: formatting thousands of
    float rectangles through ReportLab's path object took most of a tag's 20 ms budget.
    """
    operators = []
    for row_index, row in enumerate(matrix):
        padded = np.concatenate(([False], row, [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(padded))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            operators.append(f"{start} {row_index} {stop - start} 1 re")
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # Module units, y downwards from the top-left corner of the symbol.
    canvas.transform(module, 0, 0, -module, x, y_top)
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()


def code128_modules(value: str) -> int:
    barcode = Code128(value, barWidth=1, quiet=0)
    barcode.validate()
    barcode.encode()
    return int(barcode.width)


def draw_code128(canvas: Canvas, value: str, x: float, y: float, bar_width: float, height: float) -> float:
    """Draws the bars (no quiet zone) with the lower-left corner at (x, y); returns the width."""
    barcode = Code128(value, barWidth=bar_width, barHeight=height, quiet=0, humanReadable=0)
    barcode.drawOn(canvas, x, y)
    return float(barcode.width)
