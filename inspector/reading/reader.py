"""Reading one label photo: text lines, codes and the fields they give, in photo pixels."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from inspector.domain.checklist import Checklist
from inspector.reading.codes import decode_codes
from inspector.reading.engine import OcrEngine, shared_engine
from inspector.reading.fields import choose_checklist, recognise
from inspector.reading.model import Code, LabelReading, TextLine
from inspector.vision.imageio import decode_image_with_size

# Codes are decoded at most this size (long side), text is read at most at OCR_SIDE: the text
# detector's time grows with the area. 24 dev labels pasted at 40 % of a 12 MP frame's width:
# 69/71 fields at 960, 800 and 640 px, CPU per photo 594 / 455 / 379 ms median. A label should
# fill at least about a third of the frame's width (the capture ghost asks for more).
READ_SIDE = 1000
OCR_SIDE = 640


def read_label(image: np.ndarray, checklists: Sequence[Checklist] = (), *,
               checklist: Checklist | None = None, engine: OcrEngine | None = None,
               full_size: tuple[int, int] | None = None) -> LabelReading:
    """Read a BGR photo. `checklist` fixes the brand; otherwise the best fitting of `checklists`
    is used, and with none the generic rules (no registry) apply. Boxes are in `full_size`
    pixels (the photo's own size when the image given was decoded reduced)."""
    height, width = image.shape[:2]
    out_w, out_h = full_size or (width, height)
    for_codes = _at_most(image, READ_SIDE)
    for_text = _at_most(for_codes, OCR_SIDE)
    text_scale = out_w / for_text.shape[1]
    code_scale = out_w / for_codes.shape[1]
    lines = [TextLine(line.text, line.confidence, line.box.scaled(text_scale))
             for line in (engine or shared_engine()).read(for_text)]
    codes = [Code(code.format, code.text, code.box.scaled(code_scale))
             for code in decode_codes(cv2.cvtColor(for_codes, cv2.COLOR_BGR2GRAY))]
    chosen = checklist or choose_checklist(lines, checklists)
    fields = recognise(lines, codes, chosen)
    return LabelReading(out_w, out_h, lines, codes, fields, chosen.id if chosen else None)


def _at_most(image: np.ndarray, side: int) -> np.ndarray:
    height, width = image.shape[:2]
    shrink = side / max(width, height)
    if shrink >= 1.0:
        return image
    return cv2.resize(image, (round(width * shrink), round(height * shrink)),
                      interpolation=cv2.INTER_AREA)


def read_label_bytes(data: bytes, checklists: Sequence[Checklist] = (), *, name: str = "image",
                     checklist: Checklist | None = None,
                     engine: OcrEngine | None = None) -> LabelReading:
    """Read an encoded photo; BadInput (one sentence) when it is not a readable image."""
    image, full_size = decode_image_with_size(data, name=name, min_side=READ_SIDE)
    return read_label(image, checklists, checklist=checklist, engine=engine, full_size=full_size)
