"""The investigation's effects (国务院令第493号 art. 19–34), run by
:func:`anjian.core.workflow.apply_transition` inside its transaction.

- ``start_investigation``: the team (调查组) is recorded; the 60-day deadline was set at the report.
- ``extend``: the investigating government approves one extension of at most 60 days (art. 29);
  a second extension, or more than 60 days, is refused. The deadline row is replaced
  (:func:`anjian.core.deadlines.extend_deadline`), never edited.
- ``submit_report``: responsibility findings, penalties, recommendations, and the time the team
  handed the report in (``submitted_at``, now unless given: a report on paper may be recorded
  later, as a report step is); the investigation deadline is met, the on-time figure compares
  that time with the due day, and the reply's (15 days, 30 for extraordinarily serious:
  art. 32) begins from it.
- ``approve`` / ``send_back``: the reply, or the report sent back to the team.
- ``close``: the closing summary for the public (art. 34), published separately by the city
  office; ``closed_at`` as ``submitted_at``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.models import Accident
from anjian.core import deadlines
from anjian.core.updating import editing
from anjian.core.workflow import TransitionRefused
from anjian.standards import accident as rules

__all__ = ["approve", "close", "extend", "send_back", "start", "submit_report"]


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    text = "" if value is None else str(value)
    if "\x00" in text or len(text) > limit:
        raise TransitionRefused(
            "invalid", _("内容含空字符或超过%(limit)s个字符") % {"limit": limit}
        )
    text = text.strip()
    if not text:
        raise TransitionRefused("field_required")
    return text


def start(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    with editing(accident, actor=actor, detail="start_investigation") as edit:
        edit.set({"team": _text(data, "team", 2000)})


def extend(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    raw = data.get("days")
    try:
        days = int(str(raw).strip())
    except (TypeError, ValueError):
        raise TransitionRefused("invalid", _("延长天数应为1至60的整数")) from None
    if isinstance(raw, bool) or days < 1:
        raise TransitionRefused("invalid", _("延长天数应为1至60的整数"))
    if days > rules.INVESTIGATION_MAX_EXTENSION_DAYS:
        raise TransitionRefused(
            "invalid",
            _("调查期限延长最长不超过%(days)s日（第二十九条）")
            % {"days": rules.INVESTIGATION_MAX_EXTENSION_DAYS},
        )
    if accident.extension_days:
        raise TransitionRefused("invalid", _("调查期限已延长过一次，不能再次延长（第二十九条）"))
    with editing(accident, actor=actor, detail="extend") as edit:
        edit.set({"extension_days": days})
    due = rules.investigation_deadline(accident.occurred_on, extension_days=days)
    deadlines.extend_deadline(accident, "investigation", _end_of_day(due), actor=actor)


def _moment(raw: Any, *, after: datetime.datetime, message: str) -> datetime.datetime:
    """A time recorded for a step (the report handed in, the case closed): now unless given;
    never before ``after``, never in the future."""
    now = timezone.now()
    if raw in (None, ""):
        return now
    from django.utils.dateparse import parse_datetime

    refused = TransitionRefused("invalid", message)
    try:
        value = parse_datetime(str(raw).strip()) if not isinstance(raw, datetime.datetime) else raw
    except ValueError:
        value = None
    if value is None:
        raise refused
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not after <= value <= now + datetime.timedelta(minutes=5):
        raise refused
    return value


def submit_report(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    now = _moment(
        data.get("submitted_at"),
        after=accident.occurred_at,
        message=_("调查报告提交时间应在事故发生之后、当前时间之前"),
    )
    with editing(accident, actor=actor, detail="submit_report") as edit:
        edit.set(
            {
                "findings": _text(data, "findings", 8000),
                "penalties": _text(data, "penalties", 8000),
                "recommendations": _text(data, "recommendations", 8000),
                "report_submitted_at": now,
            }
        )
    deadlines.close_deadline(accident, "investigation", actor=actor)
    reply = timezone.localdate(now) + datetime.timedelta(days=rules.approval_days(accident.grade))
    deadlines.set_deadline(accident, "approval", _end_of_day(reply), actor=actor)


def approve(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.close_deadline(accident, "approval", actor=actor)


def send_back(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.close_deadline(accident, "approval", actor=actor, reason="cancelled")
    deadlines.set_deadline(
        accident, "investigation", _end_of_day(accident.investigation_due), actor=actor
    )


def close(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    closed_at = _moment(
        data.get("closed_at"),
        after=accident.report_submitted_at or accident.occurred_at,
        message=_("结案时间应在调查报告提交之后、当前时间之前"),
    )
    summary = _text(data, "closing_summary", 8000)
    with editing(accident, actor=actor, detail="close") as edit:
        edit.set({"closing_summary": summary, "closed_at": closed_at})
