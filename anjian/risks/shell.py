"""What graded risk control adds to the shell: menu entries, home-page panels, the dossier's
risk section, the enterprise page's panel, and the recomputation on other modules' facts.

Every figure is counted from ``visible_to(user)`` and links to the list it counts.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, navigation
from anjian.core import deadlines as core_deadlines
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import Role
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import RiskLevelChoice
from anjian.risks.models import RiskPoint
from anjian.risks.queries import counts_by_level

READERS = OFFICIALS | {Role.EXPERT}
PANEL_ROLES = READERS | {Role.ENTERPRISE}


def _chart(key: str, title: str, counts: dict[str, int], url: str, param: str) -> dict[str, Any]:
    labels = dict(RiskLevelChoice.choices)
    items = [
        {
            "label": str(labels[level]),
            "value": n,
            "url": f"{url}?{param}={level}" if url else "",
            "level": level,
        }
        for level, n in counts.items()
        if n
    ]
    return {"key": key, "kind": "pie", "title": title, "items": items}


def levels_panel(user: Any) -> dict[str, Any]:
    """Risk points and enterprises by level."""
    points = counts_by_level(RiskPoint.objects.visible_to(user))
    enterprises = counts_by_level(Enterprise.objects.visible_to(user), field="risk_level")
    # Each figure links to the list (or map) it counts, where the user may open it.
    points_url = reverse("risks:list") if navigation.may_open(user, "risks:list") else ""
    map_url = reverse("risks:map") if navigation.may_open(user, "risks:map") else ""
    return {
        "charts": [
            _chart("points", gettext("风险点按等级"), points, points_url, "level"),
            _chart("enterprises", gettext("企业按风险等级"), enterprises, map_url, "level"),
        ]
    }


def reviews_panel(user: Any) -> dict[str, Any]:
    """Re-evaluations overdue and due within 30 days (the regional database's filter)."""
    from anjian.risks.queries import RiskFilter

    url = (
        reverse("risks:list") if navigation.may_open(user, "risks:list") else reverse("risks:mine")
    )
    overdue = RiskFilter(review="overdue").points(user).count()
    due = RiskFilter(review="due").points(user).count()
    return {
        "items": [
            {"label": gettext("再评估已逾期"), "value": overdue, "url": f"{url}?review=overdue",
             "state": "overdue"},
            {"label": gettext("30天内须再评估"), "value": due, "url": f"{url}?review=due",
             "state": "due"},
        ],
        "deadlines": core_deadlines.counts(user, model=RiskPoint, kind="review"),
    }  # fmt: skip


def dossier_rows(enterprise: Enterprise) -> list[tuple[str, str]]:
    """The dossier's risk section: the level, then one row per point with its hazards."""
    labels = dict(RiskLevelChoice.choices)
    rows = [("企业安全风险等级", str(labels[enterprise.risk_level]))]
    points = RiskPoint.objects.filter(enterprise=enterprise).prefetch_related("hazards", "measures")
    for point in points.order_by("name", "pk"):
        hazards = "；".join(h.description for h in point.hazards.all())
        measures = "；".join(m.description for m in point.measures.all())
        due = f"，再评估期限{point.review_due}" if point.review_due else ""
        rows.append(
            (f"{point.name}（{labels[point.level]}）",
             f"位置：{point.location or '—'}；岗位：{point.post or '—'}{due}\n"
             f"危险有害因素：{hazards or '—'}\n管控措施：{measures or '—'}")
        )  # fmt: skip
    from anjian.risks.models import RiskZone
    from anjian.risks.services import zone_level

    zones = RiskZone.objects.filter(layout__enterprise=enterprise).prefetch_related("points")
    for zone in zones:
        names = "、".join(p.name for p in zone.points.all())
        rows.append(
            (f"四色图区域：{zone.name}", f"{labels[zone_level(zone)]}；风险点：{names or '—'}")
        )
    return rows


def plant_figure(enterprise: Enterprise) -> list[Any]:
    """The enterprise four-colour map for the dossier: the layout image with its zones drawn
    in their colours and named (plain strings: a zone's name is never markup); none without
    an image."""
    from PIL import Image as PILImage
    from reportlab.graphics.shapes import Drawing, Image, Polygon, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from anjian.core.attachments import read_for
    from anjian.enterprises.dossier import FONT
    from anjian.risks.cards import COLOURS
    from anjian.risks.models import PlantLayout
    from anjian.risks.services import layout_image, zone_level

    layout = PlantLayout.objects.filter(enterprise=enterprise).first()
    attachment = layout_image(layout) if layout else None
    if layout is None or attachment is None:
        return []
    content, _mime, _name = read_for(attachment, None)  # as anyone but the uploader: no EXIF
    picture = PILImage.open(content)
    picture.load()
    scale = min(170 * mm / attachment.width, 200 * mm / attachment.height)
    drawing = Drawing(attachment.width * scale, attachment.height * scale)
    drawing.add(Image(0, 0, drawing.width, drawing.height, picture))
    for zone in layout.zones.prefetch_related("points"):
        colour = colors.HexColor(COLOURS[zone_level(zone)])
        fill = colors.Color(colour.red, colour.green, colour.blue, alpha=0.45)
        flat = [value * scale for vertex in zone.polygon for value in vertex]
        drawing.add(Polygon(flat, fillColor=fill, strokeColor=colour, strokeWidth=1.2))
        x = sum(flat[0::2]) / len(zone.polygon)
        y = sum(flat[1::2]) / len(zone.polygon)
        drawing.add(String(x, y, zone.name, fontName=FONT, fontSize=8, textAnchor="middle"))
    return [drawing]


def _detail_panel(enterprise: Any, user: Any) -> dict[str, Any]:
    return {
        "risk_counts": counts_by_level(RiskPoint.objects.filter(enterprise=enterprise)),
        "level_labels": dict(RiskLevelChoice.choices),
    }


def register() -> None:
    from anjian.enterprises.dossier import DossierSection, register_section
    from anjian.enterprises.facts import facts_changed
    from anjian.enterprises.panels import Panel, register_panel
    from anjian.risks.services import facts_changed_receiver

    facts_changed.connect(facts_changed_receiver, dispatch_uid="anjian.risks.facts_changed")
    navigation.register(
        NavItem(_("风险数据库"), "risks:list", "shield", READERS, order=200),
        NavItem(_("风险四色图"), "risks:map", "pin", OFFICIALS, order=210),
        NavItem(_("本企业风险管控"), "risks:mine", "shield", frozenset({Role.ENTERPRISE}),
                order=220),
    )  # fmt: skip
    dashboard.register(
        dashboard.Panel(
            "risk_levels",
            _("安全风险分级"),
            levels_panel,
            "core/panels/charts.html",
            order=200,
            roles=PANEL_ROLES,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "risk_reviews",
            _("风险再评估"),
            reviews_panel,
            "risks/panels/reviews.html",
            order=210,
            roles=PANEL_ROLES,
        )
    )
    register_section(
        DossierSection("risks", "三、安全风险分级管控", 30, dossier_rows, figures=plant_figure)
    )
    register_panel(Panel("risks", _("安全风险分级管控"), "risks/panels/enterprise.html", 15,
                         _detail_panel))  # fmt: skip
