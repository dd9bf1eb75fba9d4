"""Subcommand `read`: the text, codes and fields of a label photo."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from inspector.errors import BadInput


def register(subparsers: Any) -> None:
    read = subparsers.add_parser(
        "read", help="read a label photo: text, codes and fields",
        description="Read a label photo: text lines with boxes and confidence, decoded codes "
                    "(UPC/EAN, Code 128, QR, DataMatrix) and the fields recognised by kind "
                    "(style_code, size, country, date_code, serial, upc) with their evidence "
                    "boxes, using the checklists' brand registries. Exit 0 when read, 2 on a "
                    "bad image.")
    read.add_argument("image", metavar="IMAGE")
    read.add_argument("--checklist", metavar="ID",
                      help="read with this checklist's registry (default: the one that fits)")
    read.add_argument("--json", action="store_true", help="print one JSON object")
    read.set_defaults(func=_read)


def _read(args: argparse.Namespace) -> int:
    from inspector.config import load_settings
    from inspector.domain.loading import load_library
    from inspector.reading.reader import read_label_bytes
    from inspector.vision.imageio import read_bytes

    data = read_bytes(args.image)  # a missing file is a bad input, said before the models load
    settings = load_settings()
    library = load_library(settings.checklists_dir, settings.assets_dir)
    checklists = [loaded.checklist for loaded in library.all()]
    chosen = None
    if args.checklist:
        chosen = next((c for c in checklists if c.id == args.checklist), None)
        if chosen is None:
            raise BadInput(f"There is no checklist {args.checklist!r} (see `inspector checklists list`).")
    reading = read_label_bytes(data, checklists, name=Path(args.image).name, checklist=chosen)
    if args.json:
        print(json.dumps(reading.as_json(), ensure_ascii=False))
        return 0
    print(f"checklist: {reading.checklist_id or '(none fits)'}")
    for found in reading.fields:
        box = found.box
        note = f"  (read {found.read})" if found.corrected else ""
        note += f"  (the label also shows {', '.join(found.others)})" if found.others else ""
        print(f"{found.kind:<10} {found.value:<16} at {box.x},{box.y},{box.w},{box.h}  "
              f"confidence {found.confidence:.2f}  from {found.source}{note}")
    for code in reading.codes:
        print(f"code       {code.format}: {code.text}")
    for line in reading.lines:
        box = line.box
        print(f"text       {line.text!r} at {box.x},{box.y},{box.w},{box.h}  {line.confidence:.2f}")
    return 0
