"""Risk notice cards (风险告知卡 / 明白卡): one per risk point, A4 or A5, with a QR code.

The card carries what the post must know: the hazards, the accidents they may cause, the control
measures by kind, the emergency actions and numbers, under a band in the point's colour. Its QR
code opens the card's page (``risks:card``), where the post's worker confirms it. Text reaches
the PDF through the dossier's :func:`~anjian.enterprises.dossier.pdf_paragraph` (escaped, the
embedded CJK font), so user text is never markup.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.enterprises.dossier import DOSSIER_LANGUAGE, FONT, pdf_paragraph, pdf_styles
from anjian.risks.choices import MeasureKind, RiskLevelChoice
from anjian.risks.models import RiskPoint
from anjian.standards import accident_types

# The four colours of the map and the cards (risk.RiskLevel.colour), as print colours.
COLOURS = {
    "major": "#d7191c",
    "high": "#f47b20",
    "moderate": "#f5d000",
    "low": "#1f78b4",
    "unassessed": "#adb5bd",
}


def card_content(point: RiskPoint) -> dict[str, Any]:
    """The card's title, colour and rows (label, text): the same for the page and the PDF."""
    names = {t.code: t.name for t in accident_types.types(accident_types.EDITION_2025)}
    hazards = list(point.hazards.all())
    accidents: list[str] = []
    for hazard in hazards:
        for code in hazard.accident_types:
            if names.get(code, code) not in accidents:
                accidents.append(names.get(code, code))
    measures = list(point.measures.all())
    kinds = dict(MeasureKind.choices)
    by_kind = [
        f"{kinds[kind]}：" + "；".join(m.description for m in measures if m.kind == kind)
        for kind in MeasureKind.values
        if any(m.kind == kind for m in measures)
    ]
    responsible = sorted({m.responsible for m in measures if m.responsible})
    level_label = str(dict(RiskLevelChoice.choices)[point.level])
    rows = [
        (translation.gettext("风险点"), point.name),
        (translation.gettext("区域位置"), point.location),
        (translation.gettext("岗位"), point.post),
        (translation.gettext("风险等级"), level_label),
        (translation.gettext("危险有害因素"), "\n".join(h.description for h in hazards)),
        (translation.gettext("可能导致的事故"), "、".join(accidents)),
        (translation.gettext("管控措施"), "\n".join(by_kind)),
        (translation.gettext("应急处置"), point.emergency_actions),
        (translation.gettext("应急电话"), point.emergency_phone),
        (translation.gettext("责任人"), "、".join(responsible)),
    ]
    return {
        "title": translation.gettext("安全风险告知卡"),
        "enterprise": point.enterprise.name,
        "level": point.level,
        "level_label": level_label,
        "colour": COLOURS[point.level],
        "rows": rows,
    }


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG (segno, error correction M)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def build_pdf(point: RiskPoint, url: str, size: str = "a4") -> bytes:
    """The card of ``point`` as PDF bytes, on A4 or A5, its QR code opening ``url``; in Chinese
    (a posted card is an official notice, whatever the reader's language)."""
    with translation.override(DOSSIER_LANGUAGE):
        return _build(point, url, A5 if size == "a5" else A4)


def _build(point: RiskPoint, url: str, pagesize: tuple[float, float]) -> bytes:
    content = card_content(point)
    styles = pdf_styles()
    small = pagesize == A5
    base = ParagraphStyle("card", parent=styles["base"], fontSize=9 if small else 11,
                          leading=13 if small else 16)  # fmt: skip
    ink = colors.black if point.level == "moderate" else colors.white
    band_style = ParagraphStyle("band", parent=base, fontSize=16 if small else 22,
                                leading=22 if small else 30, alignment=1,
                                textColor=ink)  # fmt: skip
    width = pagesize[0] - 24 * mm
    colour = colors.HexColor(content["colour"])
    band = Table(
        [[pdf_paragraph(f"{content['title']}　{content['level_label']}", band_style)],
         [pdf_paragraph(content["enterprise"], ParagraphStyle("sub", parent=band_style,
                                                               fontSize=base.fontSize + 1,
                                                               leading=base.leading))]],
        colWidths=[width],
    )  # fmt: skip
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colour),
                              ("TOPPADDING", (0, 0), (-1, -1), 6),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))  # fmt: skip
    body = Table(
        [[pdf_paragraph(label, base), pdf_paragraph(value or "—", base)]
         for label, value in content["rows"]],
        colWidths=[width * 0.24, width * 0.76],
    )  # fmt: skip
    grey = colors.HexColor("#f1f3f5")
    body.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                              ("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("BACKGROUND", (0, 0), (0, -1), grey)]))  # fmt: skip
    side = 28 * mm if small else 36 * mm
    qr = Image(io.BytesIO(qr_png(url)), width=side, height=side)
    footer = Table(
        [[qr, pdf_paragraph(translation.gettext("扫码查看本卡并确认已知晓岗位安全风险"), base)]],
        colWidths=[side + 4 * mm, width - side - 4 * mm],
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=content["title"], author="", subject="", creator="Anjian",
    )  # fmt: skip
    document.build([band, Spacer(1, 4 * mm), body, Spacer(1, 4 * mm), footer])
    return buffer.getvalue()
