"""Certificate PDF of a finished inspection with 12 MP photos: first print against a reprint.

    nice uv run python benchmarks/certificate_pictures.py [--runs 5]

The certificate prints each checkpoint's photo cropped to its subject. Made from the stored 12 MP
photo, each crop costs a decode; a reprint of the same inspection finds them in the signed picture
cache (services/document_pictures.py). Both are timed in the same run, through the service
(`Printouts.certificate`), and reported as a ratio; "first print" empties the cache before each run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np


def photo_12mp(reference: Path, seed: int) -> bytes:
    """The reference as a 4000x3000 camera photo: tilted a little, on a plain background, with noise."""
    image = cv2.imread(str(reference))
    height, width = image.shape[:2]
    canvas_w, canvas_h = 4000, 3000
    scale = 0.6 * min(canvas_w / width, canvas_h / height)
    angle = 4.0 + seed
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    matrix[:, 2] += (canvas_w / 2 - width / 2, canvas_h / 2 - height / 2)
    photo = cv2.warpAffine(image, matrix, (canvas_w, canvas_h), borderValue=(205, 210, 214))
    rng = np.random.default_rng(seed)
    noisy = np.clip(photo.astype(np.int16) + rng.integers(-4, 5, photo.shape), 0, 255).astype(np.uint8)
    return cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def median_ms(work: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="inspector-certificate-"))
    os.environ["INSPECTOR_HOME"] = str(root / "home")

    from inspector.config import load_settings
    from inspector.services.station import open_station

    services = open_station(load_settings())
    services.users.create_first_admin("Ada Admin", "9999", "B-9001")
    admin = services.users.login("B-9001", "9999")
    services.users.create_user(admin, "Alex", "1234", "authenticator", "B-1001")
    alex = services.users.login("B-1001", "1234")
    checklist = services.ctx.library.get("nike-air-jordan-1-high").checklist
    upc = checklist.registry.upcs[0]
    values = {"style_code": upc.style, "size": upc.size, "upc": upc.code, "country": "Vietnam"}
    started = services.inspections.start_or_resume(alex, "BENCH-CERT-1", style_code=upc.style)
    inspection_id = started.inspection.id
    photo_steps = 0
    for number, step in enumerate(checklist.steps):
        if step.references:
            photo = photo_12mp(services.ctx.settings.assets_dir / step.references[0], number)
            added = services.inspections.add_photo(alex, inspection_id, step.id, photo)
            services.comparisons.compare_photo(alex, added.id)
            photo_steps += 1
        value = values[str(step.value.kind)] if step.value is not None else None
        services.inspections.record_step(alex, inspection_id, step.id, "pass", value=value)
    services.inspections.finish(alex, inspection_id)
    printouts = services.certificates.printouts
    pictures = services.ctx.photos.root / "pictures"

    def forget() -> None:
        shutil.rmtree(pictures, ignore_errors=True)

    def certificate() -> bytes:
        return printouts.certificate(alex, inspection_id).data

    certificate()  # warm fonts, imports and the key caches
    first = median_ms(certificate, args.runs, before=forget)
    certificate()
    reprint = median_ms(certificate, args.runs)
    print(f"certificate PDF, {photo_steps} checkpoint photos of 4000x3000 (median of {args.runs})")
    print(f"  first print (pictures made from the photos): {first:8.1f} ms")
    print(f"  reprint (pictures from the signed cache):    {reprint:8.1f} ms")
    print(f"  ratio first / reprint:                       {first / reprint:8.1f}x")
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
