"""The certificate of authenticity as a buyer keeps it: A4 or Letter, ReportLab Platypus."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from inspector.errors import BadInput
from inspector.printing.documents import (
    CertificateDocument,
    Checkpoint,
    plain_date,
    short_address,
    verdict_word,
)
from inspector.printing.flowables import QrFlowable, escape, image_flowable, page_size
from inspector.printing.letterhead import INK, MUTED, RULE, footer, letterhead

GREEN = "#1b7f3b"
AMBER = "#8a5a00"
MARGIN = 18 * mm
GRID_COLUMNS = 3
PHOTO_HEIGHT = 40 * mm

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5, textColor=INK)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
LABEL = ParagraphStyle("label", parent=BODY, fontSize=8, leading=10, textColor=MUTED)
VALUE = ParagraphStyle("value", parent=BODY, fontName="Helvetica-Bold", fontSize=11, leading=14)
HEADING = ParagraphStyle("heading", parent=BODY, fontName="Helvetica-Bold", fontSize=13, leading=17,
                         spaceBefore=4 * mm, spaceAfter=2 * mm)
VERDICT = ParagraphStyle("verdict", parent=BODY, fontName="Helvetica-Bold", fontSize=40, leading=46,
                         textColor=colors.HexColor(GREEN))
SERIAL = ParagraphStyle("serial", parent=BODY, fontName="Helvetica-Bold", fontSize=12, leading=15,
                        alignment=1)


def status_line(point: Checkpoint) -> str:
    """How a checkpoint reads on a passed item: checked, or checked with a condition note. Never 'fail':
    a note on a minor point of a passed item is about its condition, not its authenticity."""
    if point.outcome == "pass":
        return f"<font color='{GREEN}'>Checked</font>"
    if point.outcome in ("fail", "unsure"):
        return f"<font color='{AMBER}'>Checked, with a condition note</font>"
    return "<font color='#5f6368'>Not recorded</font>"


def _facts(doc: CertificateDocument, width: float) -> Table:
    pairs = [
        ("Brand", doc.brand),
        ("Model", doc.model),
        ("Style code", doc.style_code),
        ("Size", doc.size),
        ("Item code", doc.item_code),
        ("Date", plain_date(doc.issued_on)),
        ("Authenticated by", doc.authenticator),
        ("Serial", doc.serial),
    ]
    cells = [
        [Paragraph(escape(label), LABEL), Paragraph(escape(value), VALUE)]
        for label, value in pairs
        if value
    ]
    # Two columns of label-over-value pairs.
    rows = []
    half = (len(cells) + 1) // 2
    for index in range(half):
        right = cells[index + half] if index + half < len(cells) else ["", ""]
        rows.append([cells[index][0], cells[index][1], right[0], right[1]])
    table = Table(rows, colWidths=[width * 0.17, width * 0.33, width * 0.17, width * 0.33])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2 * mm),
            ]
        )
    )
    return table


def _card(point: Checkpoint, width: float) -> list[Flowable]:
    parts: list[Flowable] = [
        image_flowable(point.thumbnail, width - 4 * mm, PHOTO_HEIGHT),
        Spacer(1, 1.5 * mm),
    ]
    parts.append(Paragraph(f"<b>{escape(point.title)}</b>", SMALL))
    parts.append(Paragraph(status_line(point), SMALL))
    if point.note:
        parts.append(Paragraph(escape(point.note), SMALL))
    return parts


def _checkpoints(doc: CertificateDocument, width: float) -> list[Flowable]:
    if not doc.checkpoints:
        return []
    story: list[Flowable] = [Paragraph(f"What we checked ({len(doc.checkpoints)} checkpoints)", HEADING)]
    with_photo = [p for p in doc.checkpoints if p.thumbnail]
    without_photo = [p for p in doc.checkpoints if not p.thumbnail]
    column = width / GRID_COLUMNS
    rows = []
    for start in range(0, len(with_photo), GRID_COLUMNS):
        row: list[object] = [_card(p, column) for p in with_photo[start:start + GRID_COLUMNS]]
        rows.append(row + [""] * (GRID_COLUMNS - len(row)))
    if rows:
        grid = Table(rows, colWidths=[column] * GRID_COLUMNS)
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
                ]
            )
        )
        story.append(grid)
    for point in without_photo:
        note = f" - {escape(point.note)}" if point.note else ""
        story.append(Paragraph(f"<b>{escape(point.title)}</b>: {status_line(point)}{note}", SMALL))
    return story


def how_to_verify(doc: CertificateDocument, width: float) -> Flowable:
    address = short_address(doc.verify_address)
    page = f"<b>{escape(address)}</b>" if address else "our verification page"
    steps = [
        "<b>How to verify this certificate</b>",
        f"1. Scan the QR code with your phone's camera. It opens {page} with this certificate's "
        "signed code; the page checks the digital signature, so an altered certificate shows as not valid.",
        f"2. The page must show serial <b>{escape(doc.serial)}</b>, the same item and date, and "
        "<b>valid</b>. If anything differs, or it says <b>void</b>, this certificate is not valid.",
    ]
    contact = f", {escape(short_address(doc.issuer.web))}" if doc.issuer.web else ""
    steps.append(f"3. No phone at hand, or a question? Ask {escape(doc.issuer.name)}{contact}, "
                 "quoting the serial.")
    text = [Paragraph(line, BODY) for line in steps]
    qr_side = 42 * mm
    qr_cell = [QrFlowable(doc.code, qr_side), Paragraph(escape(doc.serial), SERIAL)]
    if address:
        qr_cell.append(Paragraph(escape(address), ParagraphStyle("addr", parent=SMALL, alignment=1)))
    box = Table([[qr_cell, text]], colWidths=[qr_side + 6 * mm, width - qr_side - 6 * mm])
    box.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    return KeepTogether([Spacer(1, 4 * mm), box])


def _story(doc: CertificateDocument, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        letterhead(doc.issuer, "Certificate of authenticity", f"Serial {doc.serial}", width),
        Spacer(1, 5 * mm),
    ]
    if doc.reprint:
        story.append(
            Paragraph(
                f"<font color='#b3261e'><b>REPRINT {doc.reprint}</b></font> - a copy of the certificate "
                f"issued on {plain_date(doc.issued_on)}; the original stays valid.",
                BODY,
            )
        )
    story.append(Paragraph(escape(verdict_word(doc.verdict).capitalize()), VERDICT))
    item = " ".join(part for part in (doc.brand, doc.model) if part) or "This item"
    story.append(
        Paragraph(
            f"This {escape(item)} passed authentication by {escape(doc.issuer.name)} on "
            f"{plain_date(doc.issued_on)}: each checkpoint below was examined and photographed.",
            BODY,
        )
    )
    story += [Spacer(1, 4 * mm), _facts(doc, width), how_to_verify(doc, width)]
    story += _checkpoints(doc, width)
    return story


def certificate_pdf(doc: CertificateDocument, paper: str = "a4", copies: int = 1) -> bytes:
    if copies < 1:
        raise BadInput("The number of copies must be at least 1.")
    buffer = io.BytesIO()
    size = page_size(paper)
    template = SimpleDocTemplate(
        buffer,
        pagesize=size,
        invariant=1,
        title=f"Certificate {doc.serial}",
        author=doc.issuer.name,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
    )
    width = size[0] - 2 * MARGIN
    story: list[Flowable] = []
    for copy in range(copies):
        if copy:
            story.append(PageBreak())
        story += _story(doc, width)
    draw_footer = footer(doc.issuer, f"Certificate {doc.serial}")
    template.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
