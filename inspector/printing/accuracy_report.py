"""The published-accuracy report: per brand, false-pass, false-fail and inconclusive rates with intervals."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector.printing.documents import Issuer
from inspector.printing.flowables import escape, page_size, styles
from inspector.printing.letterhead import letterhead

COLUMNS = ("Brand", "Inspections", "False pass (calibration)", "False fail (calibration)",
           "False pass (reviews)", "False fail (reviews)", "Inconclusive")


@dataclass(frozen=True)
class AccuracyDocument:
    issuer: Issuer
    as_of: date
    period: str
    rows: tuple[tuple[str, ...], ...]  # one per brand, the COLUMNS' texts


def accuracy_report_pdf(doc: AccuracyDocument, paper: str = "a4") -> bytes:
    sheet = styles()
    size = landscape(page_size(paper))
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=size, invariant=1, title="Published accuracy",
                                 leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm)
    width = size[0] - 28 * mm
    small = sheet["BodyText"].clone("small", fontSize=8, leading=10)
    story: list[Flowable] = [
        letterhead(doc.issuer, "Published accuracy", f"as of {doc.as_of.isoformat()}", width),
        Paragraph("Published accuracy per brand", sheet["Title"]),
        Paragraph(escape(f"Dated {doc.as_of.isoformat()}. Period: {doc.period}."), sheet["BodyText"]),
        Spacer(1, 3 * mm),
    ]
    cells = [[Paragraph(f"<b>{escape(c)}</b>", small) for c in COLUMNS]]
    cells += [[Paragraph(escape(text), small) for text in row] for row in doc.rows]
    table = Table(cells, colWidths=[width * w for w in (0.12, 0.09, 0.16, 0.16, 0.16, 0.16, 0.15)],
                  repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 4 * mm), Paragraph(
        "Each rate is shown as a share, its count (k/n) and its 95% Wilson score interval. Calibration "
        "rates score the authenticator's own verdict on known test items (known fakes passed; known "
        "genuine items failed). Review rates count passes a supervisor's deciding review changed to a "
        "fail, and fails changed to a pass, among the reviewed ones. Inconclusive: inspections whose "
        "verdict is inconclusive, among all of the brand's inspections in the period.", small)]
    template.build(story)
    return buffer.getvalue()
