"""Write the labelled test set: label photos and truth.json (what each photo says).

    uv run python scripts/make_label_set.py OUT_DIR [--split dev|heldout] [--count 200]

Box labels, size tags, care labels and serial plates in several Debian fonts, photographed with
perspective, rotation, blur, noise, glare and JPEG (inspector/reading/specimens.py). Tune on
"dev" only; the benchmark reports "heldout" (another seed and two more fonts).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2

from inspector.reading.specimens import split_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    truth = []
    for index, specimen in enumerate(split_set(args.split, args.count)):
        name = f"{args.split}-{index:04d}-{specimen.spec.kind}.jpg"
        cv2.imwrite(str(args.out / name), specimen.photo, [cv2.IMWRITE_JPEG_QUALITY, 95])
        truth.append({"file": name, "kind": specimen.spec.kind, "font": specimen.spec.font,
                      "checklist": specimen.spec.checklist_id, "fields": specimen.spec.truth,
                      "printed": list(specimen.spec.lines)})
    (args.out / "truth.json").write_text(json.dumps(truth, indent=1))
    print(f"{len(truth)} label photos and truth.json in {args.out}")


if __name__ == "__main__":
    main()
