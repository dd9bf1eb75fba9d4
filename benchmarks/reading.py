"""Reading benchmark: field accuracy and time per label photo, beside plain OCR without the registry.

On the held-out label set (inspector/reading/specimens.py: box labels, size tags, care labels,
serial plates; perspective, blur, noise, glare, JPEG; a seed and two fonts never used while
tuning) it reads every photo twice in this process:

- inspector: `read_label_bytes` with the shipped checklists (the brand is chosen from the label,
  registry codes and patterns pick and correct the fields);
- baseline: plain OCR of the whole image, the same text models, fields taken by generic rules
  without any registry (`recognise(..., checklist=None)`).

    uv run python benchmarks/reading.py             # 120 held-out photos, a few minutes
    uv run python benchmarks/reading.py --quick     # 24 photos
    uv run python benchmarks/reading.py --split dev # the tuning set
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from inspector.domain.checklist import normalise_code
from inspector.domain.loading import load_library
from inspector.reading.codes import decode_codes
from inspector.reading.engine import shared_engine
from inspector.reading.fields import recognise
from inspector.reading.model import FIELD_KINDS
from inspector.reading.reader import read_label_bytes
from inspector.reading.specimens import split_set
from inspector.vision.imageio import decode_image

ROOT = Path(__file__).resolve().parent.parent


def same(a: str | None, b: str) -> bool:
    return a is not None and normalise_code(a).casefold() == normalise_code(b).casefold()


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "heldout"), default="heldout")
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 24 if args.quick else args.count
    checklists = [c.checklist for c in load_library(ROOT / "checklists", ROOT / "assets").all()]
    engine = shared_engine()
    started = time.perf_counter()
    specimens = split_set(args.split, count)
    print(f"{len(specimens)} {args.split} label photos rendered in {time.perf_counter() - started:.1f} s")
    jpegs = [cv2.imencode(".jpg", s.photo, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
             for s in specimens]
    read_label_bytes(jpegs[0], checklists, engine=engine)  # warm up (model load, first run)

    ours, base = Counter(), Counter()
    totals = Counter()
    brand_right = 0
    wall, cpu, base_wall = [], [], []
    misses: list[str] = []
    for specimen, data in zip(specimens, jpegs, strict=True):
        w0, c0 = time.perf_counter(), time.process_time()
        reading = read_label_bytes(data, checklists, engine=engine)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        w0 = time.perf_counter()
        image = decode_image(data)
        lines = engine.read(image)
        codes = decode_codes(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
        plain = {f.kind: f.value for f in recognise(lines, codes, None)}
        base_wall.append(time.perf_counter() - w0)
        brand_right += reading.checklist_id == specimen.spec.checklist_id
        got = reading.values()
        for kind, value in specimen.spec.truth.items():
            totals[kind] += 1
            ours[kind] += same(got.get(kind), value)
            base[kind] += same(plain.get(kind), value)
            if not same(got.get(kind), value):
                misses.append(f"{specimen.spec.kind}/{kind}: {value} read {got.get(kind)}")

    print(f"\nfield accuracy ({args.split}, {len(specimens)} photos; "
          f"brand chosen right {brand_right}/{len(specimens)})")
    print(f"{'field':<11}{'n':>5}{'inspector':>12}{'baseline':>11}")
    for kind in FIELD_KINDS:
        if totals[kind]:
            print(f"{kind:<11}{totals[kind]:>5}{ours[kind] / totals[kind]:>12.1%}"
                  f"{base[kind] / totals[kind]:>11.1%}")
    all_ours, all_base, n = sum(ours.values()), sum(base.values()), sum(totals.values())
    print(f"{'all':<11}{n:>5}{all_ours / n:>12.1%}{all_base / n:>11.1%}")

    def ms(values: list[float], q: float) -> str:
        return f"{np.percentile(values, q) * 1000:.0f}"

    print(f"\ntime per label photo (JPEG {statistics.median(len(j) for j in jpegs) / 1000:.0f} kB "
          f"median, {specimens[0].photo.shape[1]}x{specimens[0].photo.shape[0]} px first; one "
          f"onnxruntime thread, so CPU time is the time on a free core; load average {load_average()})")
    print(f"  inspector: median {ms(wall, 50)} ms wall, p90 {ms(wall, 90)} ms; "
          f"CPU median {ms(cpu, 50)} ms, p90 {ms(cpu, 90)} ms")
    print(f"  baseline (plain OCR + codes): median {ms(base_wall, 50)} ms wall; "
          f"ratio inspector/baseline {statistics.median(wall) / statistics.median(base_wall):.2f}")
    big = cv2.resize(specimens[1].photo, (4000, 3000), interpolation=cv2.INTER_CUBIC)
    data = cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    times, cpu_big = [], []
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        read_label_bytes(data, checklists, engine=engine)
        times.append(time.perf_counter() - w0)
        cpu_big.append(time.process_time() - c0)
    print(f"  a 12 MP JPEG of a label ({len(data) // 1000} kB): median "
          f"{statistics.median(times) * 1000:.0f} ms wall, CPU {statistics.median(cpu_big) * 1000:.0f} ms")
    if misses:
        print(f"\nmisses ({len(misses)}):")
        for miss in misses[:40]:
            print("  " + miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
