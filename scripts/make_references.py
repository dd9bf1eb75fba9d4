"""Render the demo reference images every checklist names, into assets/references/.

    uv run python scripts/make_references.py [--checklists DIR] [--assets DIR] [--only GLOB] [--force]

We have no photographs of genuine goods, so these are generated bench "photos" (labels, tags,
stitching, stamps, engravings on textured surfaces). A deployment replaces them with its own
photographs of verified genuine items. Output is deterministic: each image is seeded by its path.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import re
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from references.kinds import Item, render, split_kind  # noqa: E402

from inspector.domain.checklist import Checklist  # noqa: E402
from inspector.domain.loading import ChecklistError, parse_checklist_text  # noqa: E402

JPEG_QUALITY = 85
# Brand-typical colours (accent for logos and prints, material for the surface), demo only.
BRAND_COLOURS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "Nike": ((200, 30, 40), (236, 234, 228)),
    "adidas": ((60, 60, 62), (205, 198, 185)),
    "New Balance": ((40, 110, 70), (238, 236, 230)),
    "Louis Vuitton": ((120, 80, 50), (112, 78, 48)),
    "Chanel": ((212, 175, 90), (28, 28, 30)),
    "Rolex": ((18, 18, 22), (205, 205, 210)),
    "Supreme": ((200, 20, 30), (150, 150, 155)),
}
SAMPLE_SERIALS = {"Rolex": "7X3K9142", "Chanel": "29817364"}
SAMPLE_DATE_CODES = {"Louis Vuitton": "SD4189"}


def item_for(checklist: Checklist) -> Item:
    registry = checklist.registry
    style = registry.style_codes[0] if registry.style_codes else None
    accent, material = BRAND_COLOURS.get(checklist.brand, ((30, 60, 140), (200, 196, 188)))
    serial = SAMPLE_SERIALS.get(checklist.brand, "40518273")
    if registry.serial_pattern and not re.fullmatch(registry.serial_pattern, serial):
        serial = "40518273"
    return Item(
        brand=checklist.brand,
        model=checklist.model,
        category=checklist.category,
        style_code=style.code if style else checklist.id.upper(),
        colourway=style.colourway if style else "",
        year=style.year if style else None,
        country=registry.countries[0] if registry.countries else "Italy",
        serial=serial,
        date_code=SAMPLE_DATE_CODES.get(checklist.brand, "AR1021"),
        accent=accent,
        material=material,
    )


def wanted(checklists_dir: Path) -> list[tuple[str, Checklist]]:
    """(reference path, checklist) for every reference named by a parseable checklist."""
    found: dict[str, Checklist] = {}
    for path in sorted(checklists_dir.rglob("*.yaml")):
        try:
            checklist = parse_checklist_text(path.read_text(encoding="utf-8"), str(path)).checklist
        except ChecklistError as exc:
            print(f"skipped {exc}", file=sys.stderr)
            continue
        for step in checklist.steps:
            for reference in step.references:
                found.setdefault(reference, checklist)
    return sorted(found.items())


def make(reference: str, checklist: Checklist, target: Path) -> None:
    kind = split_kind(Path(reference).stem)
    if kind is None:
        raise ValueError(
            f"{reference}: unknown kind {Path(reference).stem!r} (see refs in scripts/references)"
        )
    seed = int.from_bytes(hashlib.sha256(reference.encode()).digest()[:8], "little")
    image = render(kind[0], kind[1], item_for(checklist), np.random.default_rng(seed))
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError(f"{reference}: could not encode the image")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encoded.tobytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checklists", type=Path, default=REPO / "checklists")
    parser.add_argument("--assets", type=Path, default=REPO / "assets")
    parser.add_argument("--only", default="*", help="only references whose path matches this glob")
    parser.add_argument("--force", action="store_true", help="render even the images that exist")
    args = parser.parse_args(argv)
    unknown = [ref for ref, _ in wanted(args.checklists) if split_kind(Path(ref).stem) is None]
    if unknown:
        for reference in unknown:
            print(f"{reference}: unknown kind {Path(reference).stem!r}", file=sys.stderr)
        return 1
    for reference, checklist in wanted(args.checklists):
        target = args.assets / reference
        if not fnmatch.fnmatch(reference, args.only) or (target.exists() and not args.force):
            continue
        make(reference, checklist, target)
        print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
