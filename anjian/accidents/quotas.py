"""Control quotas (事故控制指标): consumption, warnings at 80 % and 100 %, and the veto.

A town's quota counts the deaths of the year's accidents in the town; an industry's those of
accidents in the industry or below it (GB/T 4754 codes: ``26`` covers ``2614``; a section letter
covers its whole section). Each threshold warns once per quota (the unique
:class:`~anjian.accidents.models.QuotaWarning` row is the claim), notifying the town's officials
(for a town quota) and the city office. A relatively serious or graver accident marks the year's
veto (一票否决) of its town and of the departments supervising its industry; a regrade below
that grade inside the window removes the accident's marks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import QuotaKind
from anjian.accidents.models import Accident, ControlQuota, QuotaWarning, Veto, to_city
from anjian.core import audit
from anjian.core.roles import Role
from anjian.core.services import notify
from anjian.standards import accident as rules

__all__ = ["accidents_of", "after_counts_changed", "check_quota", "deaths_of", "thresholds"]


def thresholds() -> tuple[int, int]:
    """The warning lines in per cent: ``ACCIDENT_QUOTA_WARNING_PERCENT`` (80) and 100."""
    return (int(settings.ACCIDENT_QUOTA_WARNING_PERCENT), 100)


def industry_q(code: str, prefix: str = "industry__") -> Q:
    if len(code) == 1:
        return Q(**{f"{prefix}section": code})
    return Q(**{f"{prefix}code__startswith": code})


def accidents_of(quota: ControlQuota, accidents: QuerySet[Accident] | None = None) -> Any:
    rows = Accident.objects.all() if accidents is None else accidents
    rows = rows.filter(occurred_at__year=quota.year)
    if quota.town is not None:
        return rows.filter(town=quota.town)
    if quota.industry is None:  # the check constraint: a town or an industry
        return rows.none()
    return rows.filter(industry_q(quota.industry.code))


def deaths_of(quota: ControlQuota) -> int:
    return int(accidents_of(quota).aggregate(n=Coalesce(Sum("deaths"), 0))["n"])


def percent_used(deaths: int, allowed: int) -> float | None:
    if allowed == 0:
        return None if deaths == 0 else float("inf")
    return 100.0 * deaths / allowed


def _recipients(quota: ControlQuota) -> list[Any]:
    from anjian.accounts.models import User

    users = list(to_city(None))
    if quota.town is not None:
        users += list(
            User.objects.filter(
                role_assignments__role=Role.TOWN,
                role_assignments__jurisdiction_code=quota.town.code,
            ).distinct()
        )
    return list({u.pk: u for u in users}.values())


def check_quota(quota: ControlQuota, *, actor: Any, accident: Accident | None = None) -> list[int]:
    """Send the warnings ``quota`` has newly reached; returns their thresholds."""
    deaths = deaths_of(quota)
    sent = []
    for percent in thresholds():
        # A quota of 0 is reached by the first death (any death is over it).
        reached = deaths > 0 and deaths * 100 >= percent * quota.deaths_allowed
        if not reached:
            continue
        try:
            with transaction.atomic():
                QuotaWarning.objects.create(
                    quota=quota, percent=percent, deaths=deaths, accident=accident
                )
        except IntegrityError:
            continue  # sent before
        title = _("%(object)s%(year)s年事故死亡人数已达控制指标的%(percent)s%%") % {
            "object": quota.town or quota.industry,
            "year": quota.year,
            "percent": percent,
        }
        body = _("控制指标%(allowed)s人，已死亡%(deaths)s人") % {
            "allowed": quota.deaths_allowed,
            "deaths": deaths,
        }
        from django.urls import reverse

        for user in _recipients(quota):
            notify(user, title, body=body, link=reverse("accidents:quotas"))
        audit.record(
            "quota_warning",
            actor=actor,
            obj=quota,
            after={"percent": percent, "deaths": deaths},
        )
        sent.append(percent)
    return sent


def quotas_for(accident: Accident) -> list[ControlQuota]:
    year = timezone.localtime(accident.occurred_at).year
    found = list(ControlQuota.objects.filter(year=year, kind=QuotaKind.TOWN, town=accident.town))
    industry = accident.industry
    if industry is not None:
        codes = {industry.code[:n] for n in range(2, len(industry.code) + 1)} | {industry.section}
        found += list(
            ControlQuota.objects.filter(
                year=year, kind=QuotaKind.INDUSTRY, industry__code__in=codes
            ).select_related("industry")
        )
    return found


def sync_vetoes(accident: Accident, *, actor: Any) -> None:
    """Mark (or unmark) the year's veto of the accident's town and departments."""
    grave = rules.AccidentGrade(accident.grade).severity >= (
        rules.AccidentGrade.RELATIVELY_SERIOUS.severity
    )
    existing = Veto.objects.filter(accident=accident)
    if not grave:
        if existing.exists():
            audit.record(
                "veto_removed", actor=actor, obj=accident, before={"grade": accident.grade}
            )
            existing.delete()
        return
    year = timezone.localtime(accident.occurred_at).year
    marked = []
    if not existing.filter(town=accident.town).exists():
        Veto.objects.create(year=year, accident=accident, town=accident.town)
        marked.append(accident.town.code)
    have = set(existing.exclude(department=None).values_list("department_id", flat=True))
    for department in accident.departments.all():
        if department.pk not in have:
            Veto.objects.create(year=year, accident=accident, department=department)
            marked.append(department.code)
    if marked:
        audit.record("veto_marked", actor=actor, obj=accident, after={"marked": marked})


def after_counts_changed(accident: Accident, *, actor: Any) -> None:
    """Quota warnings and vetoes after an accident was reported or its counts changed."""
    for quota in quotas_for(accident):
        check_quota(quota, actor=actor, accident=accident)
    sync_vetoes(accident, actor=actor)
