"""The system print queue (CUPS) through its own client, `lp`: a job is printed once CUPS accepts it.

`lp` answers "request id is QUEUE-123 (1 file(s))": that id is what the print record keeps. The
server is the system's, or the one CUPS_SERVER names (tests start their own).
"""

from __future__ import annotations

import re
import shutil
import subprocess

from inspector.errors import BadInput
from inspector.printing.network import PrinterUnavailable

_REQUEST_ID = re.compile(r"request id is (\S+)")
TIMEOUT_S = 30.0


def _run(arguments: list[str], data: bytes | None = None) -> str:
    program = shutil.which(arguments[0])
    if program is None:
        raise PrinterUnavailable("No print system is installed here (CUPS: apt-get install cups-client).")
    try:
        done = subprocess.run([program, *arguments[1:]], input=data, capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise PrinterUnavailable("The print system did not answer within 30 seconds.") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        why = reason[-1] if reason else "no reason given"
        raise PrinterUnavailable(f"The print system refused the job ({why}).")
    return done.stdout.decode("utf-8", "replace")


def printers() -> list[str]:
    """The queues CUPS offers, default first when there is one."""
    try:
        names = _run(["lpstat", "-e"]).split()
    except PrinterUnavailable:
        return []
    try:
        default = _run(["lpstat", "-d"]).rsplit(":", 1)[-1].strip()
    except PrinterUnavailable:
        default = ""
    return sorted(names, key=lambda name: (name != default, name))


def page_media(pdf: bytes) -> str | None:
    """The PDF's own paper as a CUPS media name: A4, Letter, or Custom.WxHmm for a label."""
    import pypdfium2

    if not pdf.startswith(b"%PDF"):
        return None  # raw ZPL goes to the printer as it is
    document = pypdfium2.PdfDocument(pdf)
    try:
        width, height = (round(side / 72 * 25.4, 1) for side in document[0].get_size())
    finally:
        document.close()
    for name, (w, h) in (("A4", (210.0, 297.0)), ("Letter", (215.9, 279.4))):
        if abs(width - w) < 1 and abs(height - h) < 1:
            return name
    return f"Custom.{width:g}x{height:g}mm"


def submit(document: bytes, printer: str = "", copies: int = 1, title: str = "inspector") -> str:
    """Queue the document (PDF on its own paper size, or raw label language) and return the job id
    CUPS gave it."""
    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    arguments = ["lp", "-n", str(copies), "-t", title]
    media = page_media(document)
    if media:  # else the queue's default paper: a 2x1 in tag would land in the middle of an A4 sheet
        arguments += ["-o", f"media={media}"]
    if printer:
        arguments += ["-d", printer]
    answer = _run([*arguments, "--", "-"], document)
    found = _REQUEST_ID.search(answer)
    if found is None:
        raise PrinterUnavailable(f"The print system gave no job id ({answer.strip() or 'no answer'}).")
    return found.group(1)
