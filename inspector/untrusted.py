"""Every limit on a file that comes from anyone, in one place (docs/untrusted-files.md lists them).

A photo, a PDF or a photo of a tag handed to `verify`, an evidence zip, a checklist, a settings file: each
is read with explicit limits (bytes, pixels, pages, members, nesting) checked on the raw bytes or the
header before a decoder or parser is given the file, so none spends minutes or gigabytes on it. Past a
limit the answer is BadInput: one sentence, exit 2 ("could not read"), never "not genuine".
"""

from __future__ import annotations

from inspector.errors import BadInput

MB = 1024 * 1024

# --- photos: the bench camera, imported files, references, stored photos (vision/imageio.py) ---------
# A 45 MP JPEG at the best quality is ~40 MB; a bigger file is not a bench photo.
MAX_PHOTO_BYTES = 96 * MB
# 100 MP is far above any bench camera (a 45 MP DSLR is 8192x5464); past this a file is a bomb.
MAX_PHOTO_PIXELS = 100_000_000
# Smaller than this holds nothing to compare or read (a 4x4 "photo" used to compare with exit 0).
MIN_PHOTO_SIDE = 16
# A seller's appeal photos (services/appeals.py): a 48 MP camera's photo passes, a bomb does not.
MAX_APPEAL_PHOTOS = 12
MAX_APPEAL_PHOTO_PIXELS = 50_000_000

# --- JPEG metadata, for every JPEG above -----------------------------------------------------------
# EXIF, ICC and maker notes are kilobytes; a JPEG stuffed with 1,000 APP1 segments took 73 s to open.
MAX_JPEG_METADATA_BYTES = 2 * MB
MAX_JPEG_SEGMENTS = 256

# --- a certificate PDF or a photo of a tag given to `inspector verify` (printing/scan.py) -----------
MAX_SCAN_FILE_BYTES = 64 * MB  # no certificate is that big
MAX_SCAN_PDF_PAGES = 8  # certificates and tags are one or two pages; a code is on the first
MAX_SCAN_RENDER_PIXELS = 20_000_000  # one page rendered; a Letter page at 200 dpi is 3.7 MP
MAX_SCAN_IMAGE_PIXELS = 60_000_000  # a 50 MP camera's photo of a tag fits

# --- evidence bundles (security/safezip.py) ----------------------------------------------------------
MAX_ZIP_BYTES = 512 * MB
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_MEMBER_BYTES = 64 * MB  # unpacked, whatever the member's header declares
MAX_ZIP_UNPACKED_BYTES = 768 * MB  # all members together
# --- JSON inside a bundle (its manifest) ------------------------------------------------------------
MAX_JSON_BYTES = 8 * MB
MAX_JSON_DEPTH = 32  # deep nesting exhausts the parser's stack (RecursionError, a traceback)

# --- checklists (domain/loading.py, domain/patterns.py) -----------------------------------------------
MAX_CHECKLIST_BYTES = 1_000_000
MAX_CHECKLIST_NESTING = 32  # deeper overflows the C stack of libyaml's composer: a crash
MAX_PATTERN_LENGTH = 500

# --- the station's settings.json (config.py) ---------------------------------------------------------
MAX_SETTINGS_BYTES = 256 * 1024  # its nesting is limited like any JSON's (MAX_JSON_DEPTH)


def size_text(count: int) -> str:
    """A byte count as the limits' sentences say it: '96 MB', '256 KB'."""
    return f"{count // MB} MB" if count >= MB else f"{count // 1024} KB"


def check_json_depth(data: bytes, what: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Count bracket nesting outside strings before parsing: json.loads on a deep document raises
    RecursionError (a traceback), not ValueError."""
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > max_depth:
                raise BadInput(f"{what} is nested deeper than {max_depth} levels.")
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1


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
