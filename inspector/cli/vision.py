"""Subcommands `compare` (one photo against its reference) and `batch` (a folder of photos)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector.errors import BadInput, InspectorError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
REPORT_FIELDS = ("reference", "photo", "aligned", "score", "regions", "worst_region",
                 "elapsed_ms", "message", "error")


def register(subparsers: Any) -> None:
    compare = subparsers.add_parser(
        "compare", help="align PHOTO onto REFERENCE (a file or a folder of genuine references) "
                        "and compare them",
        description="Align PHOTO onto REFERENCE and compare them. REFERENCE may be a folder of "
                    "photographs of the same checkpoint on different genuine units (a set): the "
                    "photo is aligned with the one it matches best, and what varies between "
                    "them is not flagged; boxes are in the first file's pixels (by name). Exit 0 "
                    "when it compared (even if it could not align), 2 on bad input.")
    compare.add_argument("reference", metavar="REFERENCE_OR_FOLDER")
    compare.add_argument("photo", metavar="PHOTO")
    compare.add_argument("--region", metavar="x,y,w,h",
                         help="compare only this box of the reference (reference pixels)")
    compare.add_argument("--ignore", metavar="x,y,w,h", action="append", default=[],
                         help="leave this box out (variable print); may be given several times")
    compare.add_argument("--heatmap", metavar="OUT.png", help="write the difference heatmap")
    compare.add_argument("--json", action="store_true", help="print one JSON object")
    compare.set_defaults(func=_compare)

    batch = subparsers.add_parser(
        "batch", help="compare a folder of photos against a folder of references",
        description="Pairs each photo with the reference whose file name (without extension) is "
                    "the longest prefix of the photo's: heel_tab.jpg serves heel_tab.jpg, "
                    "heel_tab_2.jpg and heel_tab-retake.png. Or give --pairs CSV with columns "
                    "reference,photo (paths relative to the CSV). Exit 0 when every pair was "
                    "compared, 1 when some could not be read (listed in the report).")
    batch.add_argument("references", metavar="REFERENCES", help="folder of reference images")
    batch.add_argument("photos", metavar="PHOTOS", help="folder of photos")
    batch.add_argument("--pairs", metavar="PAIRS.csv", help="explicit pairs instead of names")
    batch.add_argument("-o", "--output", metavar="REPORT",
                       help="write the report here (.json or .csv); default CSV on stdout")
    batch.add_argument("--heatmaps", metavar="DIR", help="write a heatmap per photo here")
    batch.set_defaults(func=_batch)


def _compare(args: argparse.Namespace) -> int:
    from inspector.vision.compare import compare_files, parse_region

    region = parse_region(args.region) if args.region else None
    ignore = [parse_region(box) for box in args.ignore]
    result = compare_files(args.reference, args.photo, region=region, ignore=ignore)
    if args.heatmap:
        _write_heatmap(result, Path(args.heatmap))
    if args.json:
        print(result.to_json())
    else:
        print(f"aligned: {'yes' if result.aligned else 'no'}   score: {result.score:.3f}   "
              f"({result.elapsed_ms:.0f} ms)")
        print(result.message)
        for region_box in result.regions:
            print(f"  region x={region_box.x} y={region_box.y} w={region_box.w} "
                  f"h={region_box.h} score={region_box.score:.3f}")
    return 0


def _write_heatmap(result: Any, path: Path) -> None:
    import cv2

    heatmap = result.heatmap
    if heatmap is None:
        # Not aligned: nothing to map. Say so rather than write a misleading blank image.
        print(f"inspector: no heatmap written to {path} — {result.message}", file=sys.stderr)
        return
    try:
        ok = cv2.imwrite(str(path), heatmap)
    except cv2.error as exc:
        raise BadInput(f"cannot write heatmap {path}: use a .png or .jpg name.") from exc
    if not ok:
        raise BadInput(f"cannot write heatmap {path}: check the folder exists and is writable.")


@dataclass(frozen=True)
class Pair:
    reference: Path
    photo: Path


def _images_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder.")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def pair_by_name(references: list[Path], photos: list[Path]) -> tuple[list[Pair], list[Path]]:
    """Each photo goes with the reference whose stem is the longest prefix of the photo's stem."""
    by_length = sorted(references, key=lambda p: len(p.stem), reverse=True)
    pairs, unpaired = [], []
    for photo in photos:
        stem = photo.stem.lower()
        match = next((ref for ref in by_length if stem.startswith(ref.stem.lower())), None)
        if match is None:
            unpaired.append(photo)
        else:
            pairs.append(Pair(match, photo))
    return pairs, unpaired


def read_pairs(csv_path: Path, references: Path, photos: Path) -> list[Pair]:
    """Pairs from a CSV with header reference,photo; relative names are looked up in the folders."""
    try:
        text = csv_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInput(f"cannot read pairs file {csv_path}.") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"reference", "photo"} <= set(rows[0]):
        raise BadInput(f"{csv_path} needs a header line with columns reference,photo.")
    return [Pair(references / row["reference"].strip(), photos / row["photo"].strip())
            for row in rows]


class ProgressBar:
    """A one-line progress bar on stderr (redrawn in place on a terminal, plain lines otherwise)."""

    def __init__(self, total: int, width: int = 30) -> None:
        self.total, self.width = total, width
        self.interactive = sys.stderr.isatty()

    def show(self, done: int, label: str) -> None:
        filled = int(self.width * done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        line = f"[{bar}] {done}/{self.total} {label}"
        if self.interactive:
            print(f"\r{line[:120]:<120}", end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.interactive:
            print(file=sys.stderr)


def _batch(args: argparse.Namespace) -> int:
    from inspector.vision.compare import compare_files

    references, photos = Path(args.references), Path(args.photos)
    reference_files = _images_in(references)
    if args.pairs:
        _images_in(photos)  # the folder must exist even when pairs are explicit
        pairs, unpaired = read_pairs(Path(args.pairs), references, photos), list[Path]()
    else:
        pairs, unpaired = pair_by_name(reference_files, _images_in(photos))
    if not pairs:
        raise BadInput(f"no photo in {photos} matches a reference in {references} by name.")
    heatmap_dir = Path(args.heatmaps) if args.heatmaps else None
    if heatmap_dir:
        heatmap_dir.mkdir(parents=True, exist_ok=True)

    rows: list[dict[str, Any]] = []
    progress = ProgressBar(len(pairs))
    for index, pair in enumerate(pairs):
        progress.show(index, pair.photo.name)
        row: dict[str, Any] = {"reference": str(pair.reference), "photo": str(pair.photo)}
        try:
            result = compare_files(pair.reference, pair.photo)
        except InspectorError as exc:
            row.update(aligned=None, score=None, regions=[], worst_region=None,
                       elapsed_ms=None, message="", error=str(exc))
        else:
            regions = [region.to_dict() for region in result.regions]
            row.update(aligned=result.aligned, score=round(result.score, 4), regions=regions,
                       worst_region=regions[0] if regions else None,
                       elapsed_ms=round(result.elapsed_ms, 1), message=result.message, error="")
            if heatmap_dir and result.heatmap is not None:
                _write_heatmap(result, heatmap_dir / f"{pair.photo.stem}.heatmap.png")
        rows.append(row)
    progress.show(len(pairs), "done")
    progress.close()
    for photo in unpaired:
        rows.append({"reference": "", "photo": str(photo), "aligned": None, "score": None,
                     "regions": [], "worst_region": None, "elapsed_ms": None, "message": "",
                     "error": "no reference with a matching name"})
    _write_report(rows, Path(args.output) if args.output else None)
    failed = sum(1 for row in rows if row["error"])
    if failed:
        print(f"inspector: {failed} of {len(rows)} photo(s) could not be compared; see the report.",
              file=sys.stderr)
    return 1 if failed else 0


def _write_report(rows: list[dict[str, Any]], output: Path | None) -> None:
    if output is not None and output.suffix.lower() == ".json":
        text = json.dumps(rows, indent=2)
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            flat = dict(row)
            flat["regions"] = len(row["regions"])
            worst = row["worst_region"]
            flat["worst_region"] = (f"{worst['x']},{worst['y']},{worst['w']},{worst['h']}"
                                    if worst else "")
            writer.writerow(flat)
        text = buffer.getvalue()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot write report {output}: {exc.strerror or exc}.") from exc
