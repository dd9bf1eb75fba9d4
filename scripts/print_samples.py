"""Sample certificates, fail report and tags for docs/printing/, rendered and decoded as printed.

    uv run python scripts/print_samples.py

Builds a throwaway demo station in a temporary folder (demo users and inspections, an issuer),
prints through the same code as the station (services/printouts.py), renders every page at the
printer's resolution (pdftoppm; ZPL with the zebrash renderer in tests/zpl when node and
`npm ci --prefix tests/zpl` are there; Brother QL raster with brother_ql's own reader), decodes
each code with zxing-cpp, and saves small PNGs to look at.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "docs" / "printing"
DOC_DPI = 110  # pages in the docs: readable, small files

ISSUER = {
    "INSPECTOR_ISSUER_NAME": "Northside Authentication Centre",
    "INSPECTOR_ISSUER_SITE": "Unit 4, Mill Lane, Leeds LS1 4AB",
    "INSPECTOR_ISSUER_WEB": "https://northside-auth.example",
}


def render(pdf: bytes, dpi: float, folder: Path, name: str) -> list[Path]:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", f"{dpi:g}", "-png", str(source), str(folder / name)], check=True)
    return sorted(folder.glob(f"{name}*.png"))


def codes(png: Path) -> dict[str, str]:
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return {r.format.name: r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.valid}


def save_small(png: Path, target: Path, colours: int = 64) -> None:
    from PIL import Image

    with Image.open(png) as image:
        image.convert("RGB").quantize(colours).save(target, optimize=True)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="inspector-samples-"))
    os.environ.update(ISSUER, INSPECTOR_HOME=str(work / "home"))
    from inspector.config import load_settings
    from inspector.printing.brother import tag_image
    from inspector.printing.tags import dots_per_mm
    from inspector.services.certificates import attach
    from inspector.services.demo import seed_demo
    from inspector.services.station import open_station

    OUT.mkdir(parents=True, exist_ok=True)
    station = open_station(load_settings())
    try:
        service = attach(station)
        seed_demo(station, inspections=8, seed=7)
        printouts = service.printouts
        passed, failed = _pick(station)
        print(f"certificate of inspection {passed}, fail report of inspection {failed}")
        certificate = printouts.certificate(passed)
        pages = render(certificate.data, 300, work, "certificate")  # an office printer's resolution
        print("certificate at 300 dpi:", [codes(page).get("QRCode", "-")[:60] for page in pages])
        for number, page in enumerate(render(certificate.data, DOC_DPI, work, "certificate-doc"), 1):
            save_small(page, OUT / f"certificate-page-{number}.png", 128)
        report = printouts.certificate(failed)
        for number, page in enumerate(render(report.data, DOC_DPI, work, "report-doc"), 1):
            save_small(page, OUT / f"fail-report-page-{number}.png", 128)
        for size in ("4x6in", "2x1in", "62x29mm"):
            for dpi in (203, 300):
                station.ctx.settings = station.ctx.settings.with_changes(label_dpi=dpi)
                tag = printouts.tag(passed, size, "pdf")
                [png] = render(tag.data, dots_per_mm(dpi) * 25.4, work, f"tag-{size}-{dpi}")
                print(f"tag {size} PDF at {dpi} dpi:", {k: v[:50] for k, v in codes(png).items()})
                if dpi == 203:
                    save_small(png, OUT / f"tag-{size}.png", 2)
                zpl = printouts.tag(passed, size, "zpl").data.decode()
                made = _zpl_png(zpl, size, dpi, work / f"zpl-{size}-{dpi}.png")
                if made is not None:
                    print(f"tag {size} ZPL at {dpi} dpi:", {k: v[:50] for k, v in codes(made).items()})
                    if dpi == 300:
                        save_small(made, OUT / f"zpl-{size}-300dpi.png", 2)
            station.ctx.settings = station.ctx.settings.with_changes(label_dpi=203)
        ql = work / "ql.png"
        tag_image(_tag_document(printouts, passed)).save(ql)
        print("Brother QL 62x29 at 300 dpi:", {k: v[:50] for k, v in codes(ql).items()})
        save_small(ql, OUT / "brother-ql-62x29mm.png", 2)
        reprint = printouts.tag(passed, "4x6in", "pdf")
        alex = station.users.login("B-1001", "1234")  # a demo authenticator (README)
        printouts.record_printed(reprint, job="sample-1", printer="sample", actor=alex)
        [png] = render(printouts.tag(passed, "4x6in", "pdf").data, 203.2, work, "tag-reprint")
        save_small(png, OUT / "tag-4x6in-reprint.png", 2)
        _demo_photo(station, passed, work)
    finally:
        station.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {OUT}")
    return 0


def _pick(station: object) -> tuple[int, int]:
    """A passed inspection with a condition note (the demo's 'minor' scenario), and a failed one."""
    from sqlalchemy import select

    from inspector.storage.models import Inspection, StepResult

    ctx = station.ctx  # type: ignore[attr-defined]
    with ctx.db.read() as session:
        passes = list(session.scalars(select(Inspection.id).where(Inspection.verdict == "pass")))
        fails = list(session.scalars(select(Inspection.id).where(Inspection.verdict == "fail")))
        noted = [i for i in passes if session.scalar(
            select(StepResult.id).where(StepResult.inspection_id == i, StepResult.outcome == "fail")
            .limit(1))]
    return (noted or passes)[0], fails[0]


def _tag_document(printouts: object, inspection_id: int) -> object:
    """The tag's document, as printouts.tag builds it (for the Brother QL image)."""
    from inspector.printing.documents import TagDocument

    made = printouts.tag(inspection_id, "62x29mm", "zpl")  # type: ignore[attr-defined]
    import re

    text = made.data.decode()
    code = re.search(r"\^FDMM,B\d{4}(.*?)\^FS", text).group(1)  # type: ignore[union-attr]
    issuer = os.environ["INSPECTOR_ISSUER_NAME"]
    return TagDocument(serial=made.serial, code=code, issuer_name=issuer)


def _zpl_png(zpl: str, size: str, dpi: int, target: Path) -> Path | None:
    from inspector.printing.tags import TAG_SIZES, dots_per_mm

    renderer = REPO / "tests" / "zpl"
    if shutil.which("node") is None or not (renderer / "node_modules").is_dir():
        print("(no ZPL renderer: npm ci --prefix tests/zpl)")
        return None
    width, height = TAG_SIZES[size]
    done = subprocess.run(["node", str(renderer / "render.cjs"), str(width), str(height),
                           str(dots_per_mm(dpi))], input=zpl.encode(), capture_output=True, check=True)
    target.write_bytes(done.stdout)
    return target


def _demo_photo(station: object, inspection_id: int, work: Path) -> None:
    """One demo photo as the station stored it, for the docs."""
    from PIL import Image
    from sqlalchemy import select

    from inspector.storage.models import Photo

    ctx = station.ctx  # type: ignore[attr-defined]
    with ctx.db.read() as session:
        sha = session.scalars(select(Photo.sha256).where(Photo.inspection_id == inspection_id)).first()
    with Image.open(io.BytesIO(ctx.photos.read(sha))) as image:
        image.thumbnail((720, 720))
        image.convert("RGB").quantize(128).save(OUT / "demo-photo.png", optimize=True)


if __name__ == "__main__":
    sys.exit(main())
