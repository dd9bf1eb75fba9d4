"""Tags as ZPL II for Zebra printers at 203, 300 or 600 dpi, with darkness, speed and copies."""

from __future__ import annotations

from inspector.errors import BadInput
from inspector.printing.documents import TagDocument
from inspector.printing.tags import layout


def _zpl_text(text: str) -> str:
    # ^ and ~ are ZPL command prefixes; a field must not contain them.
    return text.replace("^", " ").replace("~", " ")


def code128_field(serial: str) -> str:
    """^BC data: subset C (>;) for an even run of digits, which is what the printed PDF encodes too."""
    if serial.isdigit() and len(serial) % 2 == 0:
        return ">;" + serial
    return ">:" + _zpl_text(serial)


def tag_zpl(tag: TagDocument, size: str, copies: int = 1, dpi: int = 203, darkness: int = 0,
            speed: int = 4) -> str:
    """^BQ (QR model 2), ^A0 text in ^FB boxes, ^GB rules, ^BC (Code128); ^MD darkness, ^PR speed,
    ^PQ copies. Positions are the layout's dots at the printer's resolution."""
    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    if not -30 <= darkness <= 30:
        raise BadInput("The label darkness must be between -30 and 30.")
    if not 2 <= speed <= 14:
        raise BadInput("The label speed must be between 2 and 14 inches per second.")
    spot = layout(size, tag, dpi)
    lines = [
        "^XA",
        "^CI28",  # UTF-8 field data
        f"^MD{darkness}",
        f"^PR{speed}",
        f"^PW{spot.width}",
        f"^LL{spot.height}",
        "^LH0,0",
        # ^BQN,2,m: normal orientation, model 2, magnification m. ^FD MM,B<n>: error level M, manual
        # input, byte mode of n bytes: the symbol the layout planned (automatic mode may pick another).
        f"^FO{spot.qr_x},{spot.qr_y}^BQN,2,{spot.qr_module}"
        f"^FDMM,B{len(tag.code.encode('utf-8')):04d}{tag.code}^FS",
    ]
    for text in spot.texts:
        # ^FB width,1 line,0,justification: the box the layout measured the text into.
        lines.append(
            f"^FO{text.x},{text.y}^A0N,{text.height},{text.height}"
            f"^FB{text.width},1,0,{'C' if text.centred else 'L'}^FD{_zpl_text(text.text)}^FS"
        )
    for rule in spot.rules:
        lines.append(f"^FO{rule.x},{rule.y}^GB{rule.width},{rule.thickness},{rule.thickness}^FS")
    if spot.bars is not None:
        bars = spot.bars
        # ^BY: narrow bar width; ^BCN,h,N,N,N: normal, height h, no text line (the serial is printed above).
        lines.append(f"^BY{bars.module},3,{bars.height}")
        lines.append(f"^FO{bars.x},{bars.y}^BCN,{bars.height},N,N,N^FD{code128_field(tag.serial)}^FS")
    lines += [f"^PQ{copies}", "^XZ"]
    return "\n".join(lines) + "\n"
