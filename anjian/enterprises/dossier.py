"""The enterprise dossier (一企一册): a PDF book per enterprise, in Chinese.

The book is an official document filed in the enterprise's archive, so it is Chinese whoever
downloads it: it is built with :data:`DOSSIER_LANGUAGE` active, so that coded values (status,
grade) and the labels of later modules' sections, which go through gettext, are Chinese too
rather than following an English user's pages.

Cover, profile, licences and certificates, then one section per module. Later modules add
their sections (risks, hidden dangers, installations, plans, inspections, accidents) with
:func:`register_section`; a section returns rows of (label, value) or paragraphs. Chinese is
set in reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1), which needs no font file and
whose text a PDF reader (and pypdf) extracts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from anjian.enterprises.models import Enterprise

__all__ = [
    "DOSSIER_LANGUAGE",
    "SECTIONS",
    "DossierSection",
    "build_pdf",
    "build_zip",
    "register_section",
]

DOSSIER_LANGUAGE = "zh-hans"
FONT = "STSong-Light"
Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    order: int
    rows: Callable[[Enterprise], Rows]
    empty_text: str = "暂无记录"


SECTIONS: dict[str, DossierSection] = {}


def register_section(section: DossierSection) -> None:
    """Add (or replace, by key) a section of the dossier."""
    SECTIONS[section.key] = section


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=36, alignment=1),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=1),
        "h1": ParagraphStyle(
            "h1", parent=base, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6
        ),
    }


def _table(rows: Rows, styles: dict[str, ParagraphStyle]) -> Table:
    data = [
        [Paragraph(label, styles["base"]), Paragraph(value or "—", styles["base"])]
        for label, value in rows
    ]
    table = Table(data, colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.Color(0.94, 0.95, 0.97)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _profile(enterprise: Enterprise) -> Rows:
    return [
        ("统一社会信用代码", enterprise.credit_code),
        ("企业名称", enterprise.name),
        ("曾用名", "；".join(enterprise.former_names or [])),
        ("地址", enterprise.address),
        (
            "坐标（WGS84）",
            f"{enterprise.longitude}, {enterprise.latitude}" if enterprise.location else "",
        ),
        ("镇街", enterprise.town.name),
        ("网格", enterprise.grid.name if enterprise.grid else ""),
        ("行业", f"{enterprise.industry.code} {enterprise.industry.name}"),
        ("监管部门", "、".join(d.name for d in enterprise.departments.all())),
        ("监管类别", "、".join(sorted({c.name for c in enterprise.categories.all()}))),
        ("经营状态", str(enterprise.get_status_display())),
        ("从业人数", "" if enterprise.employees is None else str(enterprise.employees)),
        (
            "年营业收入（万元）",
            "" if enterprise.annual_revenue is None else str(enterprise.annual_revenue),
        ),
        ("规模以上", "是" if enterprise.above_designated_size else "否"),
        ("法定代表人", enterprise.legal_representative),
        ("主要负责人", f"{enterprise.principal} {enterprise.principal_phone}".strip()),
        ("安全管理人员", f"{enterprise.safety_manager} {enterprise.safety_manager_phone}".strip()),
    ]


_EXPIRY_NOTE = {"expired": "，已过期", "expiring": "，即将到期", "valid": ""}


def _licences(enterprise: Enterprise) -> Rows:
    rows: Rows = [
        (
            f"{licence.kind}",
            f"{licence.number}（{licence.issuer}，有效期至{licence.expires_on or '长期'}"
            f"{_EXPIRY_NOTE[licence.expiry]}）",
        )
        for licence in enterprise.licences.all()
    ]
    if enterprise.standardisation_grade:
        rows.append(
            (
                "安全生产标准化",
                f"{enterprise.get_standardisation_grade_display()}，"
                f"有效期至{enterprise.standardisation_expires or '—'}",
            )
        )
    if enterprise.insurance_insurer:
        rows.append(
            (
                "安全生产责任保险",
                f"{enterprise.insurance_insurer}，有效期至{enterprise.insurance_expires or '—'}",
            )
        )
    return rows


register_section(DossierSection("profile", "一、企业基本信息", 10, _profile))
register_section(DossierSection("licences", "二、证照与资质", 20, _licences))
# Sections that later modules fill; until they register, the book says there is nothing yet.
for _key, _title, _order in (
    ("risks", "三、安全风险分级管控", 30),
    ("dangers", "四、隐患排查治理", 40),
    ("installations", "五、重大危险源", 50),
    ("plans", "六、应急预案", 60),
    ("inspections", "七、监督检查", 70),
    ("accidents", "八、生产安全事故", 80),
):
    register_section(DossierSection(_key, _title, _order, lambda _e: [], "本模块暂无记录"))


def build_pdf(enterprise: Enterprise) -> bytes:
    """The dossier of one enterprise as PDF bytes (in Chinese, whatever language is active)."""
    with translation.override(DOSSIER_LANGUAGE):
        return _build_pdf(enterprise)


def _build_pdf(enterprise: Enterprise) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{enterprise.name} 一企一册",
        author="安监平台",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    story: list[Any] = [
        Spacer(1, 60 * mm),
        Paragraph("一企一册", styles["title"]),
        Spacer(1, 10 * mm),
        Paragraph(enterprise.name, styles["subtitle"]),
        Paragraph(f"统一社会信用代码：{enterprise.credit_code}", styles["subtitle"]),
        Spacer(1, 40 * mm),
        Paragraph(
            f"滕州市安全生产监管平台　{timezone.localdate():%Y年%m月%d日}", styles["subtitle"]
        ),
        PageBreak(),
    ]
    for section in sorted(SECTIONS.values(), key=lambda s: s.order):
        story.append(Paragraph(section.title, styles["h1"]))
        rows = section.rows(enterprise)
        story.append(
            _table(rows, styles) if rows else Paragraph(section.empty_text, styles["base"])
        )
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()


def build_zip(
    enterprises: Iterable[Enterprise],
    *,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> bytes:
    """A ZIP of dossiers, one PDF per enterprise named by credit code and name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, enterprise in enumerate(enterprises, start=1):
            archive.writestr(
                f"{enterprise.credit_code}_{enterprise.name}.pdf", build_pdf(enterprise)
            )
            if progress is not None:
                progress(number, total)
    return buffer.getvalue()
