"""The printable documents of a hidden danger: the rectification notice (隐患整改通知书) and
the closing-out record (隐患销号单), as PDF; and the dangers section of the enterprise dossier.

They reuse the dossier's typesetting (:mod:`anjian.enterprises.dossier`): the embedded CJK font
and its one way in for text, which escapes it, so user-written text is never markup. Official
documents: always Chinese, whatever the reader's language.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from anjian.core.workflow import history
from anjian.dangers.choices import OPEN_STATES
from anjian.dangers.models import HiddenDanger
from anjian.enterprises.dossier import (
    DOSSIER_LANGUAGE,
    FONT,
    DossierSection,
    pdf_paragraph,
    pdf_styles,
    pdf_table,
    register_section,
)
from anjian.enterprises.models import Enterprise

__all__ = ["closing_record_pdf", "rectification_notice_pdf", "register"]


def _facts(danger: HiddenDanger) -> list[tuple[str, str]]:
    criterion = danger.criterion
    return [
        ("编号", f"YH{danger.created_at:%Y}-{danger.pk:06d}"),
        ("企业", danger.enterprise.name),
        ("镇街", danger.town.name),
        ("来源", str(danger.get_source_display())),
        ("隐患部位", danger.place),
        ("隐患描述", danger.description),
        ("隐患等级", "重大事故隐患" if danger.is_major else "一般事故隐患"),
        ("判定依据", f"{criterion.citation}：{criterion.text}" if criterion else ""),
        ("发现人、时间", f"{danger.finder} {danger.found_at:%Y-%m-%d %H:%M}".strip()),
        ("整改责任人", danger.responsible_person),
        ("整改期限", f"{danger.deadline:%Y年%m月%d日}"),
    ]


def _document(title: str, story: list[Any]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="安监平台",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        initialFontName=FONT,
    ).build(story)
    return buffer.getvalue()


def rectification_notice_pdf(danger: HiddenDanger) -> bytes:
    """The notice to rectify by the deadline (整改通知书)."""
    with translation.override(DOSSIER_LANGUAGE):
        styles = pdf_styles()
        story = [
            pdf_paragraph("事故隐患整改通知书", styles["title"]),
            Spacer(1, 8 * mm),
            pdf_paragraph(f"{danger.enterprise.name}：", styles["base"]),
            pdf_paragraph(
                "经检查，你单位存在下列事故隐患，请按《安全生产事故隐患排查治理暂行规定》"
                "落实整改责任、措施、资金、时限和预案，于整改期限前完成整改并报请验收。",
                styles["base"],
            ),
            Spacer(1, 4 * mm),
            pdf_table(_facts(danger), styles),
            Spacer(1, 12 * mm),
            pdf_paragraph(
                f"{danger.town.name}　{timezone.localdate():%Y年%m月%d日}", styles["subtitle"]
            ),
        ]
        return _document("事故隐患整改通知书", story)


def closing_record_pdf(danger: HiddenDanger) -> bytes:
    """The closing-out record (销号单): the danger, its plan, and every step with who and when."""
    with translation.override(DOSSIER_LANGUAGE):
        styles = pdf_styles()
        story: list[Any] = [
            pdf_paragraph("事故隐患销号单", styles["title"]),
            Spacer(1, 8 * mm),
            pdf_table(_facts(danger), styles),
        ]
        plan = getattr(danger, "plan", None)
        if plan is not None:
            story += [
                pdf_paragraph("治理方案（五落实）", styles["h1"]),
                pdf_table(
                    [
                        ("责任落实", plan.owner),
                        ("措施落实", plan.measures),
                        ("资金落实（万元）", "" if plan.funds is None else str(plan.funds)),
                        ("时限落实", f"{plan.deadline:%Y-%m-%d}" if plan.deadline else ""),
                        ("预案落实", plan.contingency_plan),
                    ],
                    styles,
                ),
            ]
        workflow = HiddenDanger.workflow
        steps = [
            (
                f"{record.at:%Y-%m-%d %H:%M}",
                f"{workflow.actions[record.action].label}（"
                f"{getattr(record.actor, 'display_name', '') or record.actor}）"
                f"{'：' + record.comment if record.comment else ''}",
            )
            for record in history(danger)
            if record.action in workflow.actions
        ]
        story += [pdf_paragraph("办理过程", styles["h1"]), pdf_table(steps, styles)]
        closed = f"{danger.closed_at:%Y年%m月%d日}" if danger.closed_at else ""
        story += [Spacer(1, 10 * mm), pdf_paragraph(f"销号日期：{closed}", styles["subtitle"])]
        return _document("事故隐患销号单", story)


def _dossier_rows(enterprise: Enterprise) -> list[tuple[str, str]]:
    rows = HiddenDanger.objects.filter(enterprise=enterprise).order_by("-created_at")[:50]
    return [
        (
            f"{d.created_at:%Y-%m-%d} {'重大' if d.is_major else '一般'}",
            f"{d.place}：{d.description}（{d.get_state_display()}，期限{d.deadline:%Y-%m-%d}"
            f"{'，逾期' if d.state in OPEN_STATES and d.overdue else ''}）",
        )
        for d in rows
    ]


def register() -> None:
    register_section(DossierSection("dangers", "隐患排查治理", 50, _dossier_rows))
