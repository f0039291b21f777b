"""Risk notice cards (风险告知卡 / 明白卡): one per risk point and one per post (岗位安全风险
告知卡: every point the post works at), A4 or A5, with a QR code.

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
from anjian.enterprises.models import Enterprise
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
SEVERITY = ["major", "high", "moderate", "low"]


def _sections(points: list[RiskPoint]) -> dict[str, str]:
    """What the cards say of a set of points: hazards, accidents, measures by kind, emergency
    actions and phones, who answers (each once, in the points' order)."""
    names = {t.code: t.name for t in accident_types.types(accident_types.EDITION_2025)}
    hazards = [hazard for point in points for hazard in point.hazards.all()]
    measures = [measure for point in points for measure in point.measures.all()]
    kinds = dict(MeasureKind.choices)
    by_kind = [
        f"{kinds[kind]}：" + "；".join(_once(m.description for m in measures if m.kind == kind))
        for kind in MeasureKind.values
        if any(m.kind == kind for m in measures)
    ]
    return {
        "hazards": "\n".join(_once(h.description for h in hazards)),
        "accidents": "、".join(_once(names.get(c, c) for h in hazards for c in h.accident_types)),
        "measures": "\n".join(by_kind),
        "actions": "\n".join(_once(p.emergency_actions for p in points if p.emergency_actions)),
        "phones": "；".join(_once(p.emergency_phone for p in points if p.emergency_phone)),
        "responsible": "、".join(sorted({m.responsible for m in measures if m.responsible})),
    }


def _once(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _card(title: str, enterprise: str, level: str, head: list[tuple[str, str]],
          points: list[RiskPoint]) -> dict[str, Any]:  # fmt: skip
    gettext = translation.gettext
    level_label = str(dict(RiskLevelChoice.choices)[level])
    said = _sections(points)
    rows = [
        *head,
        (gettext("风险等级"), level_label),
        (gettext("危险有害因素"), said["hazards"]),
        (gettext("可能导致的事故"), said["accidents"]),
        (gettext("管控措施"), said["measures"]),
        (gettext("应急处置"), said["actions"]),
        (gettext("应急电话"), said["phones"]),
        (gettext("责任人"), said["responsible"]),
    ]
    return {"title": title, "enterprise": enterprise, "level": level,
            "level_label": level_label, "colour": COLOURS[level], "rows": rows}  # fmt: skip


def card_content(point: RiskPoint) -> dict[str, Any]:
    """The risk point's card (风险告知卡): title, colour and rows (label, text), the same for
    the page and the PDF."""
    gettext = translation.gettext
    head = [(gettext("风险点"), point.name), (gettext("区域位置"), point.location),
            (gettext("岗位"), point.post)]  # fmt: skip
    return _card(gettext("安全风险告知卡"), point.enterprise.name, point.level, head, [point])


def post_points(enterprise: Enterprise, post: str, user: Any) -> list[RiskPoint]:
    """The risk points of one post of the enterprise that the user may see, in name order."""
    return list(
        RiskPoint.objects.visible_to(user)
        .filter(enterprise=enterprise, post=post)
        .exclude(post="")
        .prefetch_related("hazards", "measures")
        .order_by("name", "pk")
    )


def posts_of(enterprise: Enterprise, user: Any) -> list[str]:
    """The posts named by the enterprise's risk points (each has a post card)."""
    posts = (
        RiskPoint.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .exclude(post="")
        .order_by("post")
        .values_list("post", flat=True)
        .distinct()
    )
    return list(posts)


def post_card_content(enterprise: Enterprise, post: str, points: list[RiskPoint]) -> dict[str, Any]:
    """The post's card (岗位安全风险告知卡): every risk point the post works at, the highest of
    their levels and colour, their hazards, measures and emergency actions together."""
    gettext = translation.gettext
    level = next((lv for lv in SEVERITY if any(p.level == lv for p in points)), "unassessed")
    where = "\n".join(f"{p.name}（{p.location}）" if p.location else p.name for p in points)
    head = [(gettext("岗位"), post), (gettext("风险点"), where)]
    return _card(gettext("岗位安全风险告知卡"), enterprise.name, level, head, points)


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as PNG (segno, error correction M)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def build_pdf(point: RiskPoint, url: str, size: str = "a4") -> bytes:
    """The card of ``point`` as PDF bytes, on A4 or A5, its QR code opening ``url``; in Chinese
    (a posted card is an official notice, whatever the reader's language)."""
    with translation.override(DOSSIER_LANGUAGE):
        return _build(card_content(point), url, A5 if size == "a5" else A4)


def build_post_pdf(
    enterprise: Enterprise, post: str, points: list[RiskPoint], url: str, size: str = "a4"
) -> bytes:
    """The post's card as PDF bytes (as :func:`build_pdf`)."""
    with translation.override(DOSSIER_LANGUAGE):
        content = post_card_content(enterprise, post, points)
        return _build(content, url, A5 if size == "a5" else A4)


def _build(content: dict[str, Any], url: str, pagesize: tuple[float, float]) -> bytes:
    styles = pdf_styles()
    small = pagesize == A5
    base = ParagraphStyle("card", parent=styles["base"], fontSize=9 if small else 11,
                          leading=13 if small else 16)  # fmt: skip
    ink = colors.black if content["level"] in {"moderate", "unassessed"} else colors.white
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
