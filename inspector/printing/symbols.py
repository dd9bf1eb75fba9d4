"""QR modules and Code128 bars placed on a printer's dot grid, so thermal prints stay decodable."""

from __future__ import annotations

import numpy as np
import zxingcpp
from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

QR_QUIET_MODULES = 4
CODE128_QUIET_MODULES = 10


def qr_matrix(text: str, ec_level: str = "M") -> np.ndarray:
    """Boolean module matrix (True = dark), without the quiet zone."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    image = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    return image < 128


def draw_qr(canvas: Canvas, matrix: np.ndarray, x: float, y_top: float, module: float) -> None:
    """Dark modules as filled rectangles, one run per row so PDFs stay small and fast."""
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        y = y_top - (row_index + 1) * module
        col = 0
        width = len(row)
        while col < width:
            if row[col]:
                start = col
                while col < width and row[col]:
                    col += 1
                path.rect(x + start * module, y, (col - start) * module, module)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)


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
