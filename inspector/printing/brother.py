"""Tags for Brother QL printers (62x29 mm die-cut labels) in their own raster protocol (brother_ql).

Brother QL printers take no ZPL: the tag is drawn on the label's printable dots (696 x 271 at
300 dpi), rasterised, and sent as raster instructions over the network (port 9100), to a USB
printer device file, or over pyusb.
"""

from __future__ import annotations

import logging

from PIL import Image

from inspector.errors import BadInput
from inspector.printing.documents import TagDocument
from inspector.printing.network import PrinterUnavailable
from inspector.printing.tags import layout_in, layout_pdf

QL_LABEL = "62x29"
QL_DPI = 300


def label_dots() -> tuple[int, int]:
    """The printable area of the QL label, in dots."""
    from brother_ql.labels import LabelsManager

    width, height = LabelsManager()[QL_LABEL].dots_printable
    return int(width), int(height)


def tag_image(tag: TagDocument) -> Image.Image:
    """The tag as a 1-bit image, one pixel per printer dot."""
    import pypdfium2

    width, height = label_dots()
    spot = layout_in(width, height, tag, QL_DPI)
    document = pypdfium2.PdfDocument(layout_pdf(spot, tag))
    try:
        page = document[0]
        # One PDF dot is 72 / (12 * 25.4) points in the layout: render at exactly one pixel per dot.
        rendered = page.render(scale=12 * 25.4 / 72).to_pil().convert("L")
    finally:
        document.close()
    canvas = Image.new("L", (width, height), 255)
    canvas.paste(rendered.crop((0, 0, width, height)))
    return canvas.point(lambda value: 255 if value >= 128 else 0).convert("1")


def tag_raster(tag: TagDocument, model: str = "QL-820NWB", copies: int = 1) -> bytes:
    """Brother QL raster instructions for the tag, one label per copy, cut after each."""
    from brother_ql.conversion import convert
    from brother_ql.raster import BrotherQLRaster

    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    try:
        raster = BrotherQLRaster(model)
    except Exception as exc:
        raise BadInput(f"{model!r} is not a Brother QL model brother_ql knows.") from exc
    image = tag_image(tag)
    logging.getLogger("brother_ql").setLevel(logging.ERROR)  # it logs every conversion step
    return bytes(convert(raster, [image] * copies, QL_LABEL, cut=True, rotate=0, threshold=50))


def identifier_for(address: str) -> str:
    """'HOST[:PORT]' means the network (tcp://); a tcp://, usb:// or file:// identifier stays."""
    address = address.strip()
    if not address:
        raise BadInput("No Brother QL printer address is set.")
    if "://" in address:
        return address
    return f"tcp://{address if ':' in address else address + ':9100'}"


def send_raster(data: bytes, address: str) -> str:
    """Send the raster; returns where it went. A printer that cannot be reached is one sentence."""
    from brother_ql.backends.helpers import send

    identifier = identifier_for(address)
    backend = {"tcp": "network", "usb": "pyusb", "file": "linux_kernel"}.get(identifier.split(":", 1)[0])
    if backend is None:
        raise BadInput(f"{address!r} is not a Brother QL address (tcp://, usb:// or file://).")
    try:
        status = send(data, identifier.removeprefix("file://"), backend, blocking=True)
    except Exception as exc:  # the backends raise OSError, ValueError or their own errors
        raise PrinterUnavailable(f"The Brother QL printer at {address} cannot be reached ({exc}).") from exc
    if isinstance(status, dict) and status.get("outcome") == "error":
        raise PrinterUnavailable(f"The Brother QL printer at {address} refused the label.")
    return identifier
