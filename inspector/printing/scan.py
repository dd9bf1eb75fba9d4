"""Read certificate codes back from a PDF (rendered with pdfium) or a photo of a tag (zxing-cpp)."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from inspector.errors import BadInput, NotFound

PDF_RENDER_DPI = 200


def codes_in_image(image: Image.Image) -> list[str]:
    results = zxingcpp.read_barcodes(image.convert("L"))
    return [r.text for r in results if r.valid and r.format == zxingcpp.BarcodeFormat.QRCode]


def codes_in_pdf(data: bytes, dpi: int = PDF_RENDER_DPI) -> list[str]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise BadInput(f"The PDF cannot be read ({exc}).") from exc
    codes: list[str] = []
    try:
        for page in document:
            codes += codes_in_image(page.render(scale=dpi / 72).to_pil())
    finally:
        document.close()
    return codes


def codes_in_file(path: Path) -> list[str]:
    """Every QR code text in a PDF or an image file, in reading order."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no file {path}.") from None
    except OSError as exc:
        raise BadInput(f"The file {path} cannot be read ({exc.strerror}).") from exc
    if data[:5] == b"%PDF-":
        return codes_in_pdf(data)
    try:
        import io

        with Image.open(io.BytesIO(data)) as image:
            return codes_in_image(image)
    except UnidentifiedImageError:
        raise BadInput(f"{path} is neither a PDF nor an image.") from None
