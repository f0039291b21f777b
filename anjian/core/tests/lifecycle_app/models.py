"""A rectification ticket: the tests' own workflow model, with a deadline and attachments.

It is shaped like the hidden-danger lifecycle that will use these mechanisms: the town assigns
it with a time limit, the enterprise rectifies (asking for an extension if needed) and submits
evidence, the town verifies; the city office may cancel any open ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.core import deadlines
from anjian.core.deadlines import DeadlinePolicies, DeadlinePolicy, Step
from anjian.core.lifecycle_models import Transition
from anjian.core.scoping import NOTHING
from anjian.core.workflow import Action, StateField, TransitionRefused, Workflow, WorkflowQuerySet
from anjian.orgs.models import CITY_CODE


class TicketState(models.TextChoices):
    REPORTED = "reported", _("已上报")
    RECTIFYING = "rectifying", _("整改中")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    VERIFYING = "verifying", _("待验收")
    CLOSED = "closed", _("已销号")


def the_town(grants: Any) -> Q:
    """The ticket's town (the town office)."""
    return Q(town_id__in=grants.town_ids) if grants.has(Role.TOWN) else NOTHING


def the_enterprise(grants: Any) -> Q:
    """The enterprise itself."""
    if not grants.has(Role.ENTERPRISE):
        return NOTHING
    return Q(enterprise_code__in=grants.own_enterprises)


def the_city_office(grants: Any) -> Q:
    return Q() if grants.city_wide else NOTHING


def _due(data: dict[str, Any]) -> datetime:
    value = data.get("due_at")
    due = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if due is None or due.tzinfo is None:
        raise TransitionRefused("invalid", _("期限格式无效"))
    return due


def assign(ticket: Ticket, record: Transition, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.set_deadline(ticket, "rectify", _due(data), actor=actor)


def approve_extension(
    ticket: Ticket, record: Transition, *, actor: Any, data: dict[str, Any]
) -> None:
    request = (
        Transition.objects.of(ticket)
        .filter(action="request_extension")
        .order_by("-at", "-pk")
        .first()
    )
    if request is None:
        raise TransitionRefused("invalid")
    try:
        deadlines.extend_deadline(ticket, "rectify", _due(request.data), actor=actor)
    except ValueError as error:
        raise TransitionRefused("invalid", _("延期后的期限必须晚于原期限")) from error


def verify(ticket: Ticket, record: Transition, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.close_deadline(ticket, "rectify", actor=actor)


def cancel(ticket: Ticket, record: Transition, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.close_deadline(ticket, "rectify", actor=actor, reason="cancelled")


def _users(role: str, code_of: Any) -> Any:
    def recipients(ticket: Ticket) -> Any:
        return User.objects.filter(
            role_assignments__role=role, role_assignments__jurisdiction_code=code_of(ticket)
        ).distinct()

    return recipients


to_enterprise = _users(Role.ENTERPRISE, lambda t: t.enterprise_code)
to_town = _users(Role.TOWN, lambda t: t.town.code)
to_city = _users(Role.CITY, lambda t: CITY_CODE)

S = TicketState


class TicketQuerySet(WorkflowQuerySet):
    pass


class Ticket(models.Model):
    title = models.CharField(max_length=200)
    town = models.ForeignKey("orgs.Town", models.PROTECT, related_name="+")
    enterprise_code = models.CharField(max_length=18)
    state = StateField(choices=TicketState.choices, default=TicketState.REPORTED)

    workflow = Workflow(
        states=TicketState,
        title=_("整改单"),
        actions=[
            Action(
                "assign",
                _("下达整改"),
                [S.REPORTED],
                S.RECTIFYING,
                the_town,
                fields=["due_at"],
                effect=assign,
            ),
            Action(
                "request_extension",
                _("申请延期"),
                [S.RECTIFYING],
                S.EXTENSION_REQUESTED,
                the_enterprise,
                comment_required=True,
                fields=["due_at"],
            ),
            Action(
                "approve_extension",
                _("同意延期"),
                [S.EXTENSION_REQUESTED],
                S.RECTIFYING,
                the_town,
                effect=approve_extension,
            ),
            Action(
                "reject_extension",
                _("不同意延期"),
                [S.EXTENSION_REQUESTED],
                S.RECTIFYING,
                the_town,
                comment_required=True,
            ),
            Action(
                "submit",
                _("提交验收"),
                [S.RECTIFYING],
                S.VERIFYING,
                the_enterprise,
                attachment_required=True,
            ),
            Action("verify", _("验收通过"), [S.VERIFYING], S.CLOSED, the_town, effect=verify),
            Action(
                "send_back",
                _("退回整改"),
                [S.VERIFYING],
                S.RECTIFYING,
                the_town,
                comment_required=True,
            ),
            Action(
                "cancel",
                _("撤销"),
                [S.REPORTED, S.RECTIFYING, S.EXTENSION_REQUESTED, S.VERIFYING],
                S.CLOSED,
                the_city_office,
                comment_required=True,
                effect=cancel,
                awaits=False,
            ),
        ],
    )
    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "rectify",
            _("整改期限"),
            steps=[
                Step("remind-1d", -timedelta(days=1), _("整改期限明天到期"), to_enterprise),
                Step("escalate-town", timedelta(0), _("整改逾期"), to_town),
                Step("escalate-city", timedelta(days=2), _("整改逾期两天"), to_city),
            ],
        ),
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        # A default ordering, as most models have: "awaiting my action" unions every
        # workflow's rows, and a UNION refuses an ordered part.
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        if grants.city_wide:
            return Q()
        condition = NOTHING
        if grants.town_ids:
            condition |= Q(town_id__in=grants.town_ids)
        if grants.own_enterprises:
            condition |= Q(enterprise_code__in=grants.own_enterprises)
        return condition
