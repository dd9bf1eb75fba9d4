"""The fail report: each failed or unsure step with its reason, note and cropped evidence."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inspector.printing.documents import FailReportDocument
from inspector.printing.flowables import escape, image_flowable, page_size, styles
from inspector.printing.letterhead import footer, letterhead


def fail_report_pdf(doc: FailReportDocument, paper: str = "a4") -> bytes:
    sheet = styles()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=page_size(paper),
        invariant=1,
        title=f"Inspection report {doc.inspection_id}",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    reference = f"Inspection {doc.inspection_id}"
    width = page_size(paper)[0] - 36 * mm
    story: list[Flowable] = [
        letterhead(doc.issuer, "Inspection report", reference, width),
        Paragraph(f"Inspection report: {escape(doc.verdict)}", sheet["Title"]),
    ]
    facts = [
        ("Inspection", str(doc.inspection_id)),
        ("Item", doc.item_code),
        ("Brand / model", f"{doc.brand} {doc.model}".strip()),
        ("Verdict", doc.verdict.upper()),
        ("Date", doc.finished_on.isoformat()),
        ("Station", doc.station),
        ("Authenticator id", str(doc.authenticator_id)),
    ]
    table = Table(
        [
            [Paragraph(f"<b>{escape(k)}</b>", sheet["BodyText"]), Paragraph(escape(v), sheet["BodyText"])]
            for k, v in facts
        ],
        colWidths=[38 * mm, 130 * mm],
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    story += [table, Spacer(1, 4 * mm)]
    if doc.summary:
        story.append(Paragraph(escape(doc.summary), sheet["BodyText"]))
    if doc.decisions:
        story.append(Paragraph("Decisions after the inspection", sheet["Heading3"]))
        for decision in doc.decisions:
            story.append(Paragraph(f"&bull; {escape(decision)}", sheet["BodyText"]))
        story.append(Spacer(1, 3 * mm))
    if not doc.steps:
        rests_on = "the decisions above" if doc.decisions else "the inspection as a whole"
        story.append(Paragraph(f"No single step failed; the verdict rests on {rests_on}.", sheet["BodyText"]))
    for number, step in enumerate(doc.steps, start=1):
        block: list[Flowable] = [
            Paragraph(f"{number}. {escape(step.title)} - <b>{escape(step.outcome)}</b>", sheet["Heading3"]),
            Paragraph(f"<b>Reason:</b> {escape(step.reason or 'not given')}", sheet["BodyText"]),
        ]
        if step.note:
            block.append(Paragraph(f"<b>Note:</b> {escape(step.note)}", sheet["BodyText"]))
        if step.evidence:
            rows = [["This item (flagged region)", "Reference (same region)", "Similarity"]]
            for evidence in step.evidence:
                rows.append(
                    [
                        image_flowable(evidence.photo_crop, 70 * mm, 55 * mm),
                        image_flowable(evidence.reference_crop, 70 * mm, 55 * mm),
                        "" if evidence.score is None else f"{evidence.score:.2f}",
                    ]
                )
            grid = Table(rows, colWidths=[75 * mm, 75 * mm, 22 * mm])
            grid.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                    ]
                )
            )
            block.append(grid)
        else:
            block.append(
                Paragraph(
                    "<font color='#888888'>No flagged region recorded for this step.</font>",
                    sheet["BodyText"],
                )
            )
        story += [KeepTogether(block), Spacer(1, 4 * mm)]
    story.append(
        Paragraph(
            "Similarity is 1.00 for an exact match with the reference. This report may be "
            "used to appeal the verdict.",
            sheet["BodyText"],
        )
    )
    draw_footer = footer(doc.issuer, reference)
    template.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
