"""The static verify page in a real browser: Debian's chromium, headless, on a loopback server.

The tags are rendered at 203 dpi and their QR codes read by zxing-cpp; the page is opened at those URLs
(the 2x1 in tag's plain address and the 4x6 in label's GS1 Digital Link) with only the host swapped for
the loopback server, which answers unknown paths with 404.html as GitHub Pages and Netlify do, and the
verdict read from the DOM chromium dumps.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.config import Settings
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from tests.certificates.conftest import SIZED_GTIN, add_sized_checklist, decode, finish_sized, render_png

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VERDICT = re.compile(r'<div id="verdict" data-verdict="([A-Z]*)"')


@pytest.fixture
def test_settings(test_settings: Settings) -> Settings:
    return add_sized_checklist(test_settings)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A static file server on 127.0.0.1 (a secure context for WebCrypto) serving an empty folder."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static host: files as they are, 404.html (if there is one) for any other path."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _chromium(tmp_path: Path, url: str, *extra: str) -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: install Debian's chromium (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
        *extra,
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    return done.stdout


def _verdict(tmp_path: Path, url: str) -> tuple[str, str]:
    dom = _chromium(tmp_path, url, "--dump-dom")
    found = VERDICT.search(dom)
    assert found, dom[-2000:]
    return found.group(1), dom


@pytest.mark.slow
def test_the_page_says_valid_invalid_then_void_in_a_real_browser(
    services: StationServices,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
    served: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, base = served
    inspection_id = finish_sized(services, people["alex"], photo_bytes, "ITEM-WEB-1", "42")
    alex = people["alex"]
    [png] = render_png(services.certificates.tag(alex, inspection_id, "2x1in"), tmp_path, 203, "tag")
    scanned = decode(png)["QRCode"]
    assert scanned.startswith("https://verify.example.com/#INS2:")
    url = scanned.replace("https://verify.example.com/", base)
    [png] = render_png(services.certificates.tag(alex, inspection_id, "4x6in"), tmp_path, 203, "label")
    scanned_link = decode(png)["QRCode"]
    assert scanned_link.startswith(f"https://verify.example.com/01/{SIZED_GTIN}/21/")
    link = scanned_link.replace("https://verify.example.com/", base)
    settings = services.ctx.settings
    for name, value in (
        ("INSPECTOR_DATABASE_URL", settings.database_url),
        ("INSPECTOR_CHECKLISTS_DIR", str(settings.checklists_dir)),
        ("INSPECTOR_ASSETS_DIR", str(settings.assets_dir)),
    ):
        monkeypatch.setenv(name, value)
    assert main(["site", "export", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "404.html",
        "index.html",
        "status.json",
        "trust.json",
        "verify.js",
    ]
    page = (folder / "index.html").read_text() + (folder / "verify.js").read_text()
    assert (
        "http://" not in page.replace("http-equiv", "") and "https://" not in page
    )  # nothing from elsewhere

    verdict, dom = _verdict(tmp_path, url)
    assert verdict == "VALID"
    for words in ("Testbrand", "Sized", "ITEM-WEB-1", "bench-1", "Status as of"):
        assert words in dom, words
    # The GS1 Digital Link: a path the host does not have, answered by 404.html, same verdict.
    verdict, dom = _verdict(tmp_path, link)
    assert verdict == "VALID" and "ITEM-WEB-1" in dom
    # One payload character changed: the signature no longer matches.
    position = len(link) - 20
    altered = link[:position] + ("A" if link[position] != "A" else "B") + link[position + 1 :]
    assert _verdict(tmp_path, altered)[0] == "INVALID"

    services.reviews.overturn(people["morgan"], inspection_id, "fail", "Re-inspect: logo font")
    assert _verdict(tmp_path, link)[0] == "VALID"  # the page still has the old status list
    assert main(["site", "export", str(folder)]) == 0
    verdict, dom = _verdict(tmp_path, link)
    assert verdict == "VOID" and "not authentic" in dom and "Re-inspect" not in dom

    # A phone-sized screenshot, kept for a person to look at.
    shot = tmp_path / "phone.png"
    _chromium(tmp_path, url, f"--screenshot={shot}", "--window-size=390,844", "--hide-scrollbars")
    assert shot.exists() and shot.stat().st_size > 5000
