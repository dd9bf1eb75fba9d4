"""The certificate of authenticity as a PDF (A4 or Letter) with ReportLab Platypus."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector.printing.documents import CertificateDocument
from inspector.printing.flowables import QrFlowable, escape, image_flowable, page_size, styles

OUTCOME_COLOURS = {"pass": "#1b7f3b", "fail": "#b3261e", "unsure": "#a15c00"}

HOW_TO_VERIFY = (
    "How to verify: scan the QR code and run <b>inspector verify</b> with the scanned text, this PDF "
    "or a photo of the tag. The code carries the serial, item, brand, model, verdict, date, station "
    "and the signing key id, signed with Ed25519; verification needs only the public key "
    "(<b>inspector keys export</b>) and works offline. A certificate voided after a review is "
    "reported as void by the issuing deployment."
)


def certificate_pdf(doc: CertificateDocument, paper: str = "a4") -> bytes:
    sheet = styles()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=page_size(paper),
        invariant=1,
        title=f"Certificate {doc.serial}",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    story: list = []
    title = "Certificate of authenticity" if doc.verdict == "pass" else f"Inspection result: {doc.verdict}"
    story.append(Paragraph(escape(title), sheet["Title"]))
    if doc.reprint:
        story.append(
            Paragraph(
                f"<font color='#b3261e'><b>REPRINT {doc.reprint}</b></font> "
                "- this is a copy of the original certificate.",
                sheet["Heading3"],
            )
        )
    facts = [
        ["Serial", doc.serial],
        ["Item", doc.item_code + (f" - {doc.description}" if doc.description else "")],
        ["Brand / model", f"{doc.brand} {doc.model}".strip()],
        ["Verdict", doc.verdict.upper()],
        ["Date", doc.issued_on.isoformat()],
        ["Station", doc.station],
        ["Authenticator id", str(doc.authenticator_id)],
        ["Signing key id", doc.key_id],
    ]
    fact_rows = [
        [Paragraph(f"<b>{escape(k)}</b>", sheet["BodyText"]), Paragraph(escape(v), sheet["BodyText"])]
        for k, v in facts
    ]
    facts_table = Table(fact_rows, colWidths=[38 * mm, 82 * mm])
    facts_table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
        )
    )
    header = Table([[facts_table, QrFlowable(doc.code, 48 * mm)]], colWidths=[122 * mm, 52 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 6 * mm)]
    if doc.checkpoints:
        story.append(Paragraph("Checkpoints", sheet["Heading2"]))
        rows = [["Checkpoint", "Result", "Note", "Photo"]]
        for point in doc.checkpoints:
            colour = OUTCOME_COLOURS.get(point.outcome, "#000000")
            rows.append(
                [
                    Paragraph(escape(point.title), sheet["BodyText"]),
                    Paragraph(
                        f"<font color='{colour}'><b>{escape(point.outcome)}</b></font>", sheet["BodyText"]
                    ),
                    Paragraph(escape(point.note), sheet["BodyText"]),
                    image_flowable(point.thumbnail, 30 * mm, 22 * mm),
                ]
            )
        table = Table(rows, colWidths=[58 * mm, 20 * mm, 62 * mm, 34 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    story.append(Paragraph(HOW_TO_VERIFY, sheet["BodyText"]))
    template.build(story)
    return buffer.getvalue()
