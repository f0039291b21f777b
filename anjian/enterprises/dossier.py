"""The enterprise dossier (一企一册): a PDF book per enterprise, in Chinese.

The book is an official document filed in the enterprise's archive, so it is Chinese whoever
downloads it: it is built with :data:`DOSSIER_LANGUAGE` active, so that coded values (status,
grade) and the labels of later modules' sections, which go through gettext, are Chinese too
rather than following an English user's pages.

Cover, profile, licences and certificates, then one section per module. Later modules add
their sections (risks, hidden dangers, installations, plans, inspections, accidents) with
:func:`register_section`; a section returns rows of (label, value) as plain text.

**Plain text only.** reportlab's ``Paragraph`` parses its text as markup: an enterprise named
``<script>`` made the page answer 500, and an address ``<img src="/path/on/the/server.png"/>``
embedded a file of the server's disk in the book (issue 11, defect 3). Every text, from any
section, reaches the PDF through :func:`pdf_paragraph`, which escapes it, so no user text is ever
markup and none can name a file or URL for the generator to open. File names inside the ZIP are
made safe the same way (:func:`_entry_name`), and one enterprise whose book fails does not fail
the ZIP of its town: it is listed in the archive's ``错误.txt`` instead.

**An embedded font.** The text is set in a TrueType font whose used glyphs are embedded as a
subset (``FontFile2``), so the book reads the same in every viewer and archive (PDF/A practice):
``DOSSIER_FONT`` (default AR PL UMing CN, a Song/Ming face, from Debian's ``fonts-arphic-uming``,
installed by the make targets), ``DOSSIER_FONT_INDEX`` for the face of a ``.ttc`` collection.
reportlab embeds TrueType (``glyf``) outlines only, not CFF/OpenType ones such as Noto CJK's.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
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
    "pdf_paragraph",
    "pdf_styles",
    "pdf_table",
    "register_section",
]

DOSSIER_LANGUAGE = "zh-hans"
FONT = "AnjianDossier"
Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    order: int
    rows: Callable[[Enterprise], Rows]
    empty_text: str = "暂无记录"
    # Drawings after the rows (reportlab flowables the module builds, such as a plan with its
    # zones); any text in them is the module's to keep inert (plain strings, not markup).
    figures: Callable[[Enterprise], list[Any]] | None = None


SECTIONS: dict[str, DossierSection] = {}


def register_section(section: DossierSection) -> None:
    """Add (or replace, by key) a section of the dossier."""
    SECTIONS[section.key] = section


logger = logging.getLogger(__name__)

_reportlab_cmap = ttfonts.makeToUnicodeCMap
_BEYOND_BMP = re.compile(r"<([0-9A-F]{5,6})>$", re.MULTILINE)


def _utf16_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map writes a code point beyond U+FFFF (an emoji) as five hex digits,
    ``<1F600>``, which readers reject, so the character cannot be searched or copied; the map
    wants UTF-16BE, ``<D83DDE00>``. (reportlab 5.1; the rest of its map is kept as it is.)"""
    return _BEYOND_BMP.sub(
        lambda m: f"<{chr(int(m[1], 16)).encode('utf-16-be').hex().upper()}>",
        _reportlab_cmap(fontname, subset),
    )


ttfonts.makeToUnicodeCMap = _utf16_cmap


def font_problem() -> str:
    """Why the configured font cannot set the dossier, in the operator's words; "" when it can."""
    path = Path(settings.DOSSIER_FONT)
    if not path.is_file():
        return _(
            "一企一册所需字体文件不存在：%(path)s。请安装Debian软件包fonts-arphic-uming"
            "（make dossier-font），或将DOSSIER_FONT设为含中文字形的TrueType字体文件。"
        ) % {"path": path}
    return ""


def check_font(**_kwargs: Any) -> list[checks.CheckMessage]:
    """``manage.py check`` warns (the rest of the platform works) when the font is missing."""
    problem = font_problem()
    return [checks.Warning(problem, id="anjian.W001")] if problem else []


@functools.cache
def _fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """Register the main font and the fallbacks once per process: (name, code points) each,
    the main one first."""
    problem = font_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    faces = [(FONT, Path(settings.DOSSIER_FONT), settings.DOSSIER_FONT_INDEX)]
    faces += [
        (f"{FONT}{number}", Path(path), 0)
        for number, path in enumerate(settings.DOSSIER_FALLBACK_FONTS, start=1)
        if Path(path).is_file()
    ]
    registered = []
    for name, path, index in faces:
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except Exception as error:  # reportlab raises TTFError and plain exceptions alike
            raise ImproperlyConfigured(
                _("一企一册字体%(path)s无法使用（须为TrueType字体）：%(error)s")
                % {"path": path, "error": error}
            ) from error
        pdfmetrics.registerFont(font)
        registered.append((name, frozenset(font.face.charToGlyph)))
    return tuple(registered)


def _face_of(char: str, fonts: tuple[tuple[str, frozenset[int]], ...]) -> str:
    """The first font that has ``char`` (the main one for spaces and for what none has)."""
    code = ord(char)
    for name, covered in fonts:
        if code in covered:
            return name
    return fonts[0][0]


def pdf_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """The one way text enters a PDF (the dossier's and other modules'): escaped, so it is
    never markup (line breaks kept), and each run of characters the main font lacks set in a
    fallback font that has them."""
    fonts = _fonts()
    clean = "".join(" " if _is_control(char) else char for char in text.replace("\r\n", "\n"))
    runs = [(face, "".join(chars)) for face, chars in groupby(clean, lambda c: _face_of(c, fonts))]
    markup = "".join(
        escape(run) if face == FONT else f'<font face="{face}">{escape(run)}</font>'
        for face, run in runs
    )
    return Paragraph(markup.replace("\n", "<br/>"), style)


def _is_control(char: str) -> bool:
    return char != "\n" and unicodedata.category(char) == "Cc"


def pdf_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles (``base``, ``title``, ``subtitle``, ``h1``), fonts registered."""
    _fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=36, alignment=1),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=22, alignment=1),
        "h1": ParagraphStyle(
            "h1", parent=base, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6
        ),
    }


# reportlab splits a table across pages between rows only: a row taller than a page cannot be
# set at all (LayoutError, a 500). A longer value (a 2000-character description) is set in
# rows of at most this many characters, the later ones without a label.
ROW_CHARS = 400


def _rows_of(label: str, value: str) -> Rows:
    chunks = [value[start : start + ROW_CHARS] for start in range(0, len(value), ROW_CHARS)]
    return [(label if n == 0 else "", chunk) for n, chunk in enumerate(chunks or [value])]


def pdf_table(rows: Rows, styles: dict[str, ParagraphStyle]) -> Table:
    """A two-column table of (label, value) rows, each cell through :func:`pdf_paragraph`."""
    data = [
        [pdf_paragraph(part_label, styles["base"]), pdf_paragraph(part or "—", styles["base"])]
        for label, value in rows
        for part_label, part in _rows_of(label, value or "")
    ]
    table = Table(data, colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the table's own default is Helvetica
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
    styles = pdf_styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{enterprise.name} 一企一册",
        author="安监平台",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        initialFontName=FONT,  # or every page names Helvetica, a font it does not embed
    )
    story: list[Any] = [
        Spacer(1, 60 * mm),
        pdf_paragraph("一企一册", styles["title"]),
        Spacer(1, 10 * mm),
        pdf_paragraph(enterprise.name, styles["subtitle"]),
        pdf_paragraph(f"统一社会信用代码：{enterprise.credit_code}", styles["subtitle"]),
        Spacer(1, 40 * mm),
        pdf_paragraph(
            f"滕州市安全生产监管平台　{timezone.localdate():%Y年%m月%d日}", styles["subtitle"]
        ),
        PageBreak(),
    ]
    for section in sorted(SECTIONS.values(), key=lambda s: s.order):
        story.append(pdf_paragraph(section.title, styles["h1"]))
        rows = section.rows(enterprise)
        story.append(
            pdf_table(rows, styles) if rows else pdf_paragraph(section.empty_text, styles["base"])
        )
        if section.figures:
            story.extend(section.figures(enterprise))
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()


def _entry_name(enterprise: Enterprise) -> str:
    """A file name inside the ZIP from the enterprise's code and name: no directories, no
    control characters, so that no name can point outside the folder it is unpacked in."""
    name = "".join(
        "_" if char in '/\\:*?"<>|' or _is_control(char) or char == "\n" else char
        for char in enterprise.name.strip()
    ).strip(" .")
    return f"{enterprise.credit_code}_{name[:100]}.pdf"


def build_zip(
    enterprises: Iterable[Enterprise],
    *,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> tuple[bytes, int]:
    """A ZIP of dossiers, one PDF per enterprise named by credit code and name, and how many
    failed: a book that cannot be built is listed in ``错误.txt`` and the others are kept.

    A missing font is not one enterprise's problem: it stops the whole job with its message.
    """
    buffer = io.BytesIO()
    failures: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, enterprise in enumerate(enterprises, start=1):
            try:
                archive.writestr(_entry_name(enterprise), build_pdf(enterprise))
            except ImproperlyConfigured:
                raise
            except Exception as error:
                logger.exception("dossier of enterprise %s failed", enterprise.pk)
                failures.append(f"{enterprise.credit_code}\t{enterprise.name}\t{error!r}")
            if progress is not None:
                progress(number, total)
        if failures:
            archive.writestr("错误.txt", "\n".join(["统一社会信用代码\t企业名称\t错误", *failures]))
    return buffer.getvalue(), len(failures)
