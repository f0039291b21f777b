"""What the registry adds to the UI shell: menu entries, enterprise names for role lists, and
the home page's figures (enterprises by town, status, industry section and key category;
licences expired and expiring; standardisation grades).

Every figure is counted from ``Enterprise.objects.visible_to(user)`` and links to the list it
counts, with the same filter in the query string (:class:`EnterpriseFilter`), so the number on
the home page is the number the list shows (``test_dashboard`` checks it for every role).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, jurisdictions, navigation
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import JurisdictionKind, Role
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import KEY_LIST, Industry, Town

# Who gets the registry's figures: those who have the registry's list.
READERS = OFFICIALS | {Role.EXPERT}


def _list_url(**filters: str) -> str:
    query = EnterpriseFilter(**filters).query_string()
    return reverse("enterprises:list") + (f"?{query}" if query else "")


def _item(label: str, value: int, **filters: str) -> dict[str, Any]:
    return {"label": label, "value": value, "url": _list_url(**filters), **filters}


def _by_town_and_status(enterprises: Any) -> tuple[Counter[int], Counter[str]]:
    """Counts by town id and by status: from the town tally (at most 21 × 3 rows) when the
    scope allows it, else one grouped query."""
    rows = enterprises.tally_rows()
    if rows is not None:
        grouped = rows.values_list("town_id", "status", "enterprises")
    else:
        grouped = enterprises.order_by().values_list("town_id", "status").annotate(n=Count("id"))
    towns: Counter[int] = Counter()
    statuses: Counter[str] = Counter()
    for town_id, status, n in grouped:
        towns[town_id] += n
        statuses[status] += n
    return +towns, +statuses


def enterprises_panel(user: Any) -> dict[str, Any]:
    """The enterprises the user may see: the total, and by town, status, section, category."""
    enterprises = Enterprise.objects.visible_to(user)
    towns, statuses = _by_town_and_status(enterprises)
    town_rows = Town.objects.filter(pk__in=towns).order_by("code").values_list("pk", "code", "name")
    by_town = [_item(name, towns[pk], town=code) for pk, code, name in town_rows]
    status_labels = dict(EnterpriseStatus.choices)
    by_status = [
        _item(str(status_labels[status]), statuses[status], status=status)
        for status in EnterpriseStatus.values
        if statuses[status]
    ]
    sections = dict(
        enterprises.order_by()
        .filter(industry__isnull=False)
        .values_list("industry__section")
        .annotate(n=Count("id"))
        .values_list("industry__section", "n")
    )
    section_names = dict(Industry.objects.filter(code__in=sections).values_list("code", "name"))
    by_section = [
        _item(f"{code} {section_names.get(code, '')}".strip(), n, industry=code)
        for code, n in sorted(sections.items())
    ]
    through = Enterprise.categories.through.objects.filter(
        enterprise__in=enterprises.order_by().values("pk"),
        supervisioncategory__list_id=KEY_LIST,
    )
    categories = (
        through.values_list("supervisioncategory__key", "supervisioncategory__name")
        .annotate(n=Count("enterprise_id"))
        .order_by("-n", "supervisioncategory__key")
    )
    by_category = [_item(name, n, category=key) for key, name, n in categories]
    return {
        "total": enterprises.count(),
        "url": _list_url(),
        "charts": [
            {"key": "town", "kind": "bar", "title": gettext("按镇街"), "items": by_town},
            {"key": "status", "kind": "pie", "title": gettext("按经营状态"), "items": by_status},
            {"key": "section", "kind": "bar", "title": gettext("按行业门类"), "items": by_section},
            {"key": "category", "kind": "bar", "title": gettext("按重点监管类别"), "items": by_category},
        ],
    }


def licences_panel(user: Any) -> dict[str, Any]:
    """Enterprises with a licence expired, and with one expiring within the warning days."""
    enterprises = Enterprise.objects.visible_to(user)
    counts = {
        state: EnterpriseFilter(licence=state).apply(enterprises).count()
        for state in ("expired", "expiring")
    }
    return {
        "expired": counts["expired"],
        "expiring": counts["expiring"],
        "items": [
            _item(gettext("证照已过期的企业"), counts["expired"], licence="expired"),
            _item(gettext("证照即将到期的企业"), counts["expiring"], licence="expiring"),
        ],
    }


def standardisation_panel(user: Any) -> dict[str, Any]:
    """Enterprises by safety standardisation grade (安全生产标准化等级), none included."""
    grades = dict(
        Enterprise.objects.visible_to(user)
        .order_by()
        .values_list("standardisation_grade")
        .annotate(n=Count("id"))
        .values_list("standardisation_grade", "n")
    )
    items = [
        _item(str(label), grades[grade], grade=grade or "none")
        for grade, label in StandardisationGrade.choices
        if grades.get(grade)
    ]
    chart = {"key": "grade", "kind": "pie", "title": gettext("按标准化等级"), "items": items}
    return {"charts": [chart]}


def enterprise_names(codes: Collection[str]) -> dict[str, str]:
    return dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))


def register() -> None:
    from anjian.enterprises.grid_views import grid_panel
    from anjian.enterprises.services import detach_retired_grid
    from anjian.orgs.panels import GridPanel, register_grid_panel
    from anjian.orgs.signals import grid_retiring

    register_grid_panel(
        GridPanel("enterprises", _("网格内企业"), "enterprises/grid_panel.html", 20, grid_panel)
    )
    grid_retiring.connect(detach_retired_grid, dispatch_uid="anjian.enterprises.grid_retiring")
    navigation.register(
        NavItem(_("企业档案"), "enterprises:list", "factory", READERS, order=100),
        NavItem(_("企业分布图"), "enterprises:map", "pin", OFFICIALS, order=110),
        NavItem(
            _("本企业档案"), "enterprises:mine", "factory", frozenset({Role.ENTERPRISE}), order=120
        ),
        NavItem(
            _("企业信息变更审核"),
            "enterprises:change_requests",
            "check",
            frozenset({Role.CITY, Role.TOWN}),
            order=130,
        ),
    )
    jurisdictions.register_namer(JurisdictionKind.ENTERPRISE, enterprise_names)
    dashboard.register(
        dashboard.Panel(
            "enterprises",
            _("企业"),
            enterprises_panel,
            "enterprises/panels/dashboard_enterprises.html",
            order=100,
            roles=READERS,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "licences",
            _("证照到期"),
            licences_panel,
            "enterprises/panels/dashboard_licences.html",
            order=110,
            roles=READERS,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "standardisation",
            _("安全生产标准化"),
            standardisation_panel,
            "core/panels/charts.html",
            order=120,
            roles=READERS,
        )
    )
