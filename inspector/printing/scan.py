"""Read certificate codes back from a PDF (rendered with pdfium) or a photo of a tag (zxing-cpp).

The file comes from anyone, so every reading has a limit: its bytes, the pages read, the pixels one
page renders to (a 333-byte PDF can declare a page the size of a building), the pixels of an image.
Past a limit, or when the file is damaged, the answer is BadInput: "could not read", never "forged".
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError

from inspector.errors import BadInput, NotFound
from inspector.untrusted import (
    MAX_SCAN_FILE_BYTES,
    MAX_SCAN_IMAGE_PIXELS,
    MAX_SCAN_PDF_PAGES,
    MAX_SCAN_RENDER_PIXELS,
    check_jpeg_segments,
    size_text,
)

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
        for index in range(min(len(document), MAX_SCAN_PDF_PAGES)):
            page = document[index]
            width, height = page.get_size()
            # Render at `dpi`, but never past MAX_SCAN_RENDER_PIXELS: a huge MediaBox is drawn smaller.
            area = max(width * height, 1.0)
            scale = min(dpi / 72, math.sqrt(MAX_SCAN_RENDER_PIXELS / area))
            if width * scale < 50 or height * scale < 50:
                continue  # a page too large or too thin to hold a readable code at any sane size
            codes += codes_in_image(page.render(scale=scale).to_pil())
    except pypdfium2.PdfiumError as exc:
        raise BadInput(f"The PDF cannot be read ({exc}).") from exc
    finally:
        document.close()
    return codes


def codes_in_file(path: Path) -> list[str]:
    """Every QR code text in a PDF or an image file, in reading order."""
    try:
        if path.stat().st_size > MAX_SCAN_FILE_BYTES:
            raise BadInput(f"{path} is larger than {size_text(MAX_SCAN_FILE_BYTES)}; "
                           "no certificate is that big.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"There is no file {path}.") from None
    except OSError as exc:
        raise BadInput(f"The file {path} cannot be read ({exc.strerror}).") from exc
    if data[:5] == b"%PDF-":
        return codes_in_pdf(data)
    check_jpeg_segments(data, str(path))
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size  # from the header: nothing decoded yet (Pillow refuses > 179 MP)
            if width * height > MAX_SCAN_IMAGE_PIXELS:
                raise BadInput(f"{path} is a {width}x{height} image, larger than "
                               f"{MAX_SCAN_IMAGE_PIXELS // 1_000_000} MP; photograph the tag alone.")
            image.load()
            return codes_in_image(image)
    except UnidentifiedImageError:
        raise BadInput(f"{path} is neither a PDF nor an image.") from None
    except Image.DecompressionBombError:
        raise BadInput(f"{path} declares more than {MAX_SCAN_IMAGE_PIXELS // 1_000_000} MP; "
                       "photograph the tag alone.") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadInput(f"The image {path} is damaged or cut short ({exc}).") from exc
