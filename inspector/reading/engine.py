"""Text lines from an image with PP-OCR models run by onnxruntime (RapidOCR), offline on the CPU.

The models ship inside the rapidocr-onnxruntime wheel: nothing is downloaded at run time.
Loading them takes a few hundred milliseconds, so one engine is made per process and shared.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from inspector.reading.model import Box, TextLine

# With limit type "max" RapidOCR shrinks only images larger than this (it raises the limit to
# 960/1500/2000 by the image's size itself); the reader hands it images of at most 640 px.
DETECT_SIDE = 960
# A line the recogniser is less sure of than this is dropped (RapidOCR's default is 0.5).
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class EngineInfo:
    name: str
    models: tuple[str, ...]


class OcrEngine:
    """One loaded OCR model set; `read` may be called from any thread (one read at a time).

    One onnxruntime thread: a label costs ~0.37 s of CPU with one thread and ~0.76 s with two
    (measured on 24 dev-split labels), and at the bench the photo's comparison runs on the other
    core at the same moment.
    """

    def __init__(self, threads: int = 1) -> None:
        # Imported here: importing rapidocr loads onnxruntime, which the CLI's other commands
        # do not need.
        from rapidocr_onnxruntime import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._ocr: Any = RapidOCR(
            use_cls=False,  # labels are photographed upright; the angle classifier costs time
            intra_op_num_threads=threads, inter_op_num_threads=1,
            det_limit_type="max", det_limit_side_len=DETECT_SIDE,
            text_score=MIN_CONFIDENCE, print_verbose=False)
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[TextLine]:
        """The text lines of a BGR image, top to bottom, each with its box and confidence."""
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        with self._lock:
            found, _elapsed = self._ocr(image, use_cls=False)
        lines = []
        for corners, text, score in found or []:
            points = np.asarray(corners, dtype=np.float32)
            x, y = points.min(axis=0)
            x2, y2 = points.max(axis=0)
            lines.append(TextLine(str(text), float(score),
                                  Box(int(x), int(y), round(x2 - x), round(y2 - y))))
        lines.sort(key=lambda line: (line.box.y + line.box.h / 2, line.box.x))
        return lines


_shared: OcrEngine | None = None
_shared_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """The process's engine, loaded on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = OcrEngine()
        return _shared
