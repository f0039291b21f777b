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
from anjian.enterprises.grid_views import grid_panel
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.services import detach_retired_grid
from anjian.orgs.models import KEY_LIST, Industry, SupervisionCategory, Town
from anjian.orgs.panels import GridPanel, register_grid_panel
from anjian.orgs.signals import grid_retiring

# Who gets the registry's figures: those who have the registry's list.
READERS = OFFICIALS | {Role.EXPERT}


def _list_url(**filters: str) -> str:
    query = EnterpriseFilter(**filters).query_string()
    return reverse("enterprises:list") + (f"?{query}" if query else "")


def _item(label: str, value: int, **filters: str) -> dict[str, Any]:
    return {"label": label, "value": value, "url": _list_url(**filters), **filters}


def _chart(key: str, kind: str, title: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "kind": kind, "title": title, "items": items}


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


def _selects_all(queryset: Any) -> bool:
    """Whether the queryset has no condition at all (the city office's scope): a subquery of
    every enterprise would then only slow the grouped counts down."""
    return not queryset.query.where


def _by_industry_and_grade(user: Any, enterprises: Any) -> Counter[tuple[int, str]]:
    """The user's enterprises counted by (industry, standardisation grade) in one grouped
    query, shared by the enterprises and the standardisation panels of one request (kept on
    the user object, as its grants are)."""
    cached: Counter[tuple[int, str]] | None = getattr(user, "_anjian_enterprise_groups", None)
    if cached is None:
        rows = (
            enterprises.order_by()
            .values_list("industry_id", "standardisation_grade")
            .annotate(n=Count("id"))
        )
        cached = Counter({(industry, grade): n for industry, grade, n in rows})
        user._anjian_enterprise_groups = cached
    return cached


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
    by_industry: Counter[int] = Counter()
    for (industry_id, _grade), n in _by_industry_and_grade(user, enterprises).items():
        by_industry[industry_id] += n
    sections: Counter[str] = Counter()
    section_of = dict(Industry.objects.values_list("pk", "section"))  # ~2,000 short rows
    for industry_id, n in by_industry.items():
        sections[section_of[industry_id]] += n
    section_names = dict(Industry.objects.filter(code__in=sections).values_list("code", "name"))
    by_section = [
        _item(f"{code} {section_names.get(code, '')}".strip(), n, industry=code)
        for code, n in sorted(sections.items())
    ]
    through = Enterprise.categories.through.objects.filter(
        supervisioncategory__in=SupervisionCategory.objects.filter(list_id=KEY_LIST).values("pk")
    )
    if not _selects_all(enterprises):
        through = through.filter(enterprise__in=enterprises.order_by().values("pk"))
    counts = {
        row["supervisioncategory_id"]: row["n"]
        for row in through.values("supervisioncategory_id").annotate(n=Count("enterprise_id"))
    }
    names = SupervisionCategory.objects.filter(pk__in=counts).values_list("pk", "key", "name")
    categories = sorted((-counts[pk], key, name) for pk, key, name in names)
    by_category = [_item(name, -minus_n, category=key) for minus_n, key, name in categories]
    return {
        "total": enterprises.count(),
        "url": _list_url(),
        "charts": [
            _chart("town", "bar", gettext("按镇街"), by_town),
            _chart("status", "pie", gettext("按经营状态"), by_status),
            _chart("section", "bar", gettext("按行业门类"), by_section),
            _chart("category", "bar", gettext("按重点监管类别"), by_category),
        ],
    }


def licences_panel(user: Any) -> dict[str, Any]:
    """Enterprises with a licence expired, and with one expiring within the warning days."""
    enterprises = Enterprise.objects.visible_to(user)
    licences = Licence.objects.all()
    if not _selects_all(enterprises):
        licences = licences.filter(enterprise__in=enterprises.order_by().values("pk"))
    # What the list's ``licence`` filter selects: the enterprises having such a licence.
    counts = {
        "expired": licences.expired().values("enterprise_id").distinct().count(),
        "expiring": licences.expiring().values("enterprise_id").distinct().count(),
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
    grades: Counter[str] = Counter()
    enterprises = Enterprise.objects.visible_to(user)
    for (_industry, grade), n in _by_industry_and_grade(user, enterprises).items():
        grades[grade] += n
    items = [
        _item(str(label), grades[grade], grade=grade or "none")
        for grade, label in StandardisationGrade.choices
        if grades.get(grade)
    ]
    return {"charts": [_chart("grade", "pie", gettext("按标准化等级"), items)]}


def enterprise_names(codes: Collection[str]) -> dict[str, str]:
    return dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "name"))


def register() -> None:
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
