"""Who hears of what happens in the registry, and what their inbox says.

Called by the services (inside their transaction: a rolled-back change notifies nobody) and
by the licence reminder task. The texts are written in the platform's language
(``LANGUAGE_CODE``), whatever the language of the request that caused them: they are stored,
and read later by people who chose their own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from anjian.accounts.access import active_assignments_q
from anjian.accounts.choices import JurisdictionKind, Role
from anjian.accounts.models import RoleAssignment, User
from anjian.core.services import notify
from anjian.enterprises.choices import ReminderKind
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence

__all__ = [
    "change_decided",
    "change_requested",
    "enterprise_users",
    "licence_reminder",
    "town_officials",
]


def _holders(role: str, kind: str, code: str) -> QuerySet[User]:
    """Active users holding ``role`` on the jurisdiction ``kind:code`` today."""
    assignments = RoleAssignment.objects.filter(
        active_assignments_q(), role=role, jurisdiction_kind=kind, jurisdiction_code=code
    )
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("pk")


def town_officials(enterprise: Enterprise) -> QuerySet[User]:
    """The officials of the enterprise's town (属地), who decide its change requests."""
    return _holders(Role.TOWN, JurisdictionKind.TOWN, enterprise.town.code)


def enterprise_users(enterprise: Enterprise) -> QuerySet[User]:
    """The enterprise's own safety managers (not the experts assigned to it)."""
    return _holders(Role.ENTERPRISE, JurisdictionKind.ENTERPRISE, enterprise.credit_code)


def _send(recipients: Any, title: str, body: str, link: str) -> int:
    count = 0
    for user in recipients:
        notify(user, title[:200], body=body, link=link)
        count += 1
    return count


def change_requested(change_request: ChangeRequest) -> int:
    """Tell the town's officials that a change request waits for them; returns how many."""
    from anjian.enterprises.queries import change_rows

    enterprise = change_request.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        rows = change_rows([change_request])[0][1]
        changes = _("；").join(f"{row.label}{_('：')}{row.before} → {row.after}" for row in rows)
        title = _("企业信息变更待审核：%(name)s") % {"name": enterprise.name}
        body = _("%(who)s申请变更 %(changes)s") % {
            "who": change_request.requested_by or "",
            "changes": changes,
        }
        if change_request.reason:
            body += _("。理由：%(reason)s") % {"reason": change_request.reason}
    link = reverse("enterprises:change_requests")
    return _send(town_officials(enterprise), title, body, link)


def change_decided(change_request: ChangeRequest) -> int:
    """Tell the requester how their change request was decided, with the comment."""
    if change_request.requested_by is None or not change_request.requested_by.is_active:
        return 0
    enterprise = change_request.enterprise
    with translation.override(settings.LANGUAGE_CODE):
        verdict = change_request.get_state_display()
        title = _("变更申请%(verdict)s：%(name)s") % {"verdict": verdict, "name": enterprise.name}
        body = _("审核人：%(who)s。审核意见：%(comment)s") % {
            "who": change_request.decided_by or "",
            "comment": change_request.comment or _("（无）"),
        }
    link = reverse("enterprises:detail", args=[enterprise.pk])
    return _send([change_request.requested_by], title, body, link)


def licence_reminder(licence: Licence, kind: str) -> int:
    """Remind the enterprise's users of a licence about to expire; once expired, its town's
    officials too (属地监管). Returns how many were notified."""
    enterprise = licence.enterprise
    recipients = list(enterprise_users(enterprise))
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "name": enterprise.name,
            "kind": licence.kind,
            "number": licence.number,
            "date": licence.expires_on.isoformat() if licence.expires_on else "",
        }
        if kind == ReminderKind.EXPIRED:
            recipients += [u for u in town_officials(enterprise) if u not in recipients]
            title = _("证照已过期：%(name)s %(kind)s") % values
            body = _("%(kind)s（编号%(number)s）已于%(date)s到期，请尽快办理延续或停止相关活动。")
        else:
            title = _("证照即将到期：%(name)s %(kind)s") % values
            body = _("%(kind)s（编号%(number)s）将于%(date)s到期，请及时办理延续。")
    link = reverse("enterprises:detail", args=[enterprise.pk])
    return _send(recipients, title, body % values, link)
