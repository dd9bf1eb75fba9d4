"""Codes on a label, decoded by zxing-cpp: every format the reader promises, with its box."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from inspector.reading.codes import decode_codes, retail_number
from inspector.reading.model import Box, Code


@pytest.mark.parametrize(("fmt", "text", "name"), [
    (zxingcpp.BarcodeFormat.QRCode, "https://verify.example/#C-0001", "QRCode"),
    (zxingcpp.BarcodeFormat.DataMatrix, "SN 7H3K9M2P", "DataMatrix"),
    (zxingcpp.BarcodeFormat.Code128, "SKU-555088-101", "Code128"),
    (zxingcpp.BarcodeFormat.EAN13, "4006381333931", "EAN13"),
])
def test_each_format_is_decoded_where_it_is_printed(fmt: zxingcpp.BarcodeFormat, text: str,
                                                    name: str) -> None:
    symbol = np.asarray(zxingcpp.create_barcode(text, fmt).to_image(scale=4, add_quiet_zones=True))
    page = np.full((600, 1400), 235, np.uint8)
    y, x = 150, 300
    page[y:y + symbol.shape[0], x:x + symbol.shape[1]] = symbol
    page = cv2.GaussianBlur(page, (0, 0), 0.8)
    codes = decode_codes(page)
    assert [(c.format, c.text) for c in codes] == [(name, text)]
    box = codes[0].box
    assert x - 5 <= box.x <= x + 60 and y - 5 <= box.y <= y + symbol.shape[0]
    assert box.x + box.w <= x + symbol.shape[1] + 5


def test_nothing_on_a_blank_label() -> None:
    assert decode_codes(np.full((300, 400), 240, np.uint8)) == []


def test_retail_numbers_as_printed() -> None:
    box = Box(0, 0, 1, 1)
    assert retail_number(Code("EAN13", "0195866000025", box)) == "195866000025"  # a UPC-A
    assert retail_number(Code("EAN13", "4006381333931", box)) == "4006381333931"
    assert retail_number(Code("QRCode", "0195866000025", box)) is None
