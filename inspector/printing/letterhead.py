"""The issuer's letterhead and page footer, shared by the certificate and the fail report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from inspector.printing.documents import Issuer, short_address
from inspector.printing.flowables import escape, image_flowable

INK = colors.HexColor("#1d1d1f")
MUTED = colors.HexColor("#5f6368")
RULE = colors.HexColor("#c9c9cc")

NAME_STYLE = ParagraphStyle("issuer", fontName="Helvetica-Bold", fontSize=15, leading=18, textColor=INK)
LINE_STYLE = ParagraphStyle("issuer-line", fontName="Helvetica", fontSize=9, leading=12, textColor=MUTED)
RIGHT_STYLE = ParagraphStyle("doc-title", parent=LINE_STYLE, alignment=2)


def issuer_lines(issuer: Issuer) -> str:
    """'site · web' as one line; empty parts left out."""
    return "  ·  ".join(escape(part) for part in (issuer.site, short_address(issuer.web)) if part)


def letterhead(issuer: Issuer, title: str, reference: str, width: float) -> Flowable:
    """Logo, centre name, site and web address on the left; the document's title and number right."""
    who: list[Flowable] = [Paragraph(escape(issuer.name), NAME_STYLE)]
    lines = issuer_lines(issuer)
    if lines:
        who.append(Paragraph(lines, LINE_STYLE))
    what = [Paragraph(f"<b>{escape(title)}</b><br/>{escape(reference)}", RIGHT_STYLE)]
    logo_width = 18 * mm if issuer.logo else 0
    cells: list[Any] = [who, what]
    widths = [width * 0.62 - logo_width, width * 0.38]
    if issuer.logo:
        cells.insert(0, image_flowable(issuer.logo, logo_width - 3 * mm, 16 * mm))
        widths.insert(0, logo_width)
    table = Table([cells], colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.8, INK),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
            ]
        )
    )
    return table


def footer(issuer: Issuer, reference: str) -> Callable[[Any, Any], None]:
    """Draws 'Centre - reference - page n' at the foot of every page."""

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        text = "  ·  ".join(part for part in (issuer.name, short_address(issuer.web), reference) if part)
        canvas.drawString(doc.leftMargin, 10 * mm, text)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    return draw
