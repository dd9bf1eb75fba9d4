"""Limits shared by every reader of files from anyone (photos, tags, certificates): checks on raw bytes
that run before a decoder is given the file, so no decoder spends minutes or gigabytes on it."""

from __future__ import annotations

from inspector.errors import BadInput

# EXIF, ICC and maker notes are kilobytes; a JPEG stuffed with 1,000 APP1 segments took 73 s to open.
MAX_JPEG_METADATA_BYTES = 2 * 1024 * 1024
MAX_JPEG_SEGMENTS = 256


def check_jpeg_segments(data: bytes, name: str) -> None:
    """Walk a JPEG's marker segments up to the image data: count them and their metadata bytes.
    Anything that is not a JPEG passes untouched."""
    if data[:2] != b"\xff\xd8":
        return
    position, segments, metadata = 2, 0, 0
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return  # not a marker where one should be: the decoder will say what is wrong
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the pixels follow
            return
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segments += 1
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn and comments
            metadata += length
        if segments > MAX_JPEG_SEGMENTS or metadata > MAX_JPEG_METADATA_BYTES:
            raise BadInput(f"{name} carries more metadata than a photo does ({segments} segments, "
                           f"{metadata // 1024} KB before the image); it is refused.")
        position += 2 + length
