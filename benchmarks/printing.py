"""Printing benchmark: certificate PDF and tag generation time beside a bare ReportLab page in the same run.

    uv run python benchmarks/printing.py [--runs 30]

Goals: certificate <= 100 ms, tag <= 20 ms (signing the payload included in both).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from inspector.printing.certificate_pdf import certificate_pdf
from inspector.printing.documents import CertificateDocument, Checkpoint, TagDocument
from inspector.printing.evidence import subject_thumbnail, thumbnail
from inspector.printing.symbols import qr_matrix
from inspector.printing.tags import TAG_SIZES, tag_pdf
from inspector.printing.zpl import tag_zpl
from inspector.security import keys, payload
from inspector.storage.photostore import PhotoStore


def bare_page() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.drawString(72, 720, "baseline")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm caches (fonts, imports)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    key = keys.load_or_create(Path(tempfile.mkdtemp()) / "keys")
    rng = np.random.default_rng(1)
    # A camera-like photo: smooth texture and edges (pure noise would be an unrealistic worst case).
    texture = cv2.resize(
        rng.integers(0, 255, (75, 100, 3), dtype=np.uint8), (1600, 1200), interpolation=cv2.INTER_CUBIC
    )
    for _ in range(40):
        x, y = int(rng.integers(0, 1500)), int(rng.integers(0, 1100))
        cv2.putText(texture, "MADE IN VIETNAM", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 2)
    photo = cv2.imencode(".jpg", texture, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    thumb = thumbnail(photo)
    content = payload.CertificatePayload(
        deployment="ACME",
        serial_number=12345,
        status_index=12345,
        item_code="DD1391-100-000123",
        brand="Nike",
        model="Dunk Low Panda",
        verdict="pass",
        issued_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        key_id=key.key_id,
    )
    checkpoints = tuple(Checkpoint(f"Checkpoint {n}", "pass", "", thumb) for n in range(8))

    store = PhotoStore(Path(tempfile.mkdtemp()))
    cached_shas = [f"{index:02d}" + "ab" * 31 for index in range(len(checkpoints))]
    for sha in cached_shas:
        store.put_thumbnail(sha, thumb or b"")

    def certificate(source: str = "ready") -> bytes:
        code = payload.encode(content, key)
        points = checkpoints
        if source == "photos":  # what the certificate does: each stored photo cropped to its subject
            points = tuple(Checkpoint(p.title, p.outcome, "", subject_thumbnail(photo)) for p in checkpoints)
        elif source == "cache":  # the usual case: the comparison left the thumbnail in the store
            points = tuple(Checkpoint(p.title, p.outcome, "", store.read_thumbnail(sha))
                           for p, sha in zip(checkpoints, cached_shas, strict=True))
        return certificate_pdf(
            CertificateDocument(
                serial=content.serial,
                item_code=content.item_code,
                brand=content.brand,
                model=content.model,
                verdict="pass",
                issued_on=content.issued_on,
                code=code,
                authenticator="A.A.",
                checkpoints=points,
            )
        )

    def tag(size: str, fmt: str, first: bool = False) -> Callable[[], object]:
        def work() -> object:
            if first:  # a certificate's first tag: its QR symbol not yet in qr_matrix's cache
                qr_matrix.cache_clear()
            doc = TagDocument(serial=content.serial, code=payload.encode(content, key))
            return tag_pdf(doc, size) if fmt == "pdf" else tag_zpl(doc, size)

        return work

    baseline = median_ms(bare_page, args.runs)
    rows: list[tuple[str, float, float | None]] = [("bare ReportLab page (baseline)", baseline, None)]
    rows.append(("certificate PDF, 8 checkpoints with thumbnails", median_ms(certificate, args.runs), 100.0))
    rows.append(("certificate PDF, 8 thumbnails read from the cache",
                 median_ms(lambda: certificate("cache"), args.runs), 100.0))
    rows.append(
        (
            "certificate PDF incl. 8 subject crops from 1600x1200 photos",
            median_ms(lambda: certificate("photos"), args.runs),
            100.0,
        )
    )
    rows.append(
        (
            f"photo thumbnail (one 1600x1200 JPEG, {len(photo) // 1024} KiB)",
            median_ms(lambda: thumbnail(photo), args.runs),
            None,
        )
    )
    for size in TAG_SIZES:
        rows.append((f"tag {size} PDF, first print (QR symbol made)", median_ms(tag(size, "pdf", True),
                                                                          args.runs), 20.0))
        rows.append((f"tag {size} PDF", median_ms(tag(size, "pdf"), args.runs), 20.0))
        rows.append((f"tag {size} ZPL", median_ms(tag(size, "zpl"), args.runs), 20.0))
    rows.append(("sign + encode payload", median_ms(lambda: payload.encode(content, key), args.runs), None))
    print(f"{'what':50} {'median ms':>10} {'x baseline':>11} {'goal ms':>8}")
    for name, ms, goal in rows:
        verdict = "" if goal is None else ("ok" if ms <= goal else "OVER")
        print(
            f"{name:50} {ms:10.2f} {ms / baseline:11.1f} {'' if goal is None else f'{goal:.0f}':>8} {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
