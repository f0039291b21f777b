"""What the hidden-danger workflows do besides changing state (run by ``apply_transition`` in
its transaction, on the locked row; a :class:`TransitionRefused` refuses the whole step)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from anjian.core import deadlines
from anjian.core.services import notify
from anjian.core.workflow import TransitionRefused
from anjian.enterprises.facts import OPEN_MAJOR_DANGER, facts_changed
from anjian.standards import major_danger, rectification

TRUE = {True, "1", "true", "on", "yes", "True"}


def major_changed(danger: Any) -> None:
    """Tell the other modules that the enterprise's count of open major dangers may differ."""
    facts_changed.send(
        sender=type(danger), enterprise_ids=[danger.enterprise_id], fact=OPEN_MAJOR_DANGER
    )


def report_major(danger: Any) -> None:
    """A major danger is reported to the town and the supervising departments at once."""
    from anjian.dangers import recipients

    title = _("重大事故隐患：%(enterprise)s") % {"enterprise": danger.enterprise.name}
    users = {u.pk: u for u in [*recipients.town(danger), *recipients.departments(danger)]}
    for user in users.values():
        notify(user, title[:200], body=str(danger)[:500], link=danger.get_absolute_url())


def assess(danger: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    """Grade it general or major; a criterion code makes it major, with its citation."""
    from anjian.dangers.models import HiddenDanger

    code = str(data.get("criterion_code") or "").strip().upper()
    if code:
        try:
            major_danger.criterion(code)
        except ValueError:
            raise TransitionRefused("invalid", _("重大隐患判定条目不存在")) from None
    is_major = bool(code) or data.get("is_major") in TRUE or danger.is_major
    was_major = danger.is_major
    HiddenDanger.objects.filter(pk=danger.pk).update(is_major=is_major, criterion_code=code)
    danger.is_major, danger.criterion_code = is_major, code
    record.data = {**record.data, "is_major": is_major, "criterion_code": code}
    record.save(update_fields=["data"])
    if is_major and not was_major:
        report_major(danger)
        major_changed(danger)


def start_rectification(danger: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    """A major danger starts rectifying only with its five implementations in place."""
    if not danger.is_major:
        return
    plan = getattr(danger, "plan", None)
    missing = (
        [key for key, _zh, _en in rectification.FIVE_IMPLEMENTATIONS]
        if plan is None
        else rectification.missing_implementations(
            owner=plan.owner,
            measures=plan.measures,
            funds=plan.funds,
            deadline=plan.deadline,
            contingency_plan=plan.contingency_plan,
        )
    )
    if missing:
        labels = dict((key, zh) for key, zh, _en in rectification.FIVE_IMPLEMENTATIONS)
        raise TransitionRefused(
            "five_implementations",
            _("重大事故隐患须先落实治理方案（五落实），尚缺：%(missing)s")
            % {"missing": "、".join(labels[key] for key in missing)},
        )


def close_out(danger: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    from anjian.dangers.models import HiddenDanger

    now = timezone.now()
    HiddenDanger.objects.filter(pk=danger.pk).update(closed_at=now)
    danger.closed_at = now
    deadlines.close_deadline(danger, "rectify", actor=actor)
    if danger.is_major:
        major_changed(danger)


def cancel(danger: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    deadlines.close_deadline(danger, "rectify", actor=actor, reason="cancelled")
    if danger.is_major:
        major_changed(danger)


@transaction.atomic
def approve_extension(extension: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    """The danger's deadline is replaced by the requested one (the old row kept, extended)."""
    from anjian.dangers.models import HiddenDanger, due_at

    danger = HiddenDanger.objects.select_for_update().get(pk=extension.danger_id)
    if not danger.is_open:
        raise TransitionRefused("wrong_state", _("隐患已销号或撤销，不能延期"))
    new = extension.requested_deadline
    if isinstance(new, str):
        new = parse_date(new)
    try:
        deadlines.extend_deadline(danger, "rectify", due_at(new), actor=actor)
    except ValueError as error:
        raise TransitionRefused("invalid", _("延期后的期限必须晚于原期限")) from error
    HiddenDanger.objects.filter(pk=danger.pk).update(deadline=new)
    from anjian.dangers import recipients

    for user in recipients.enterprise(danger):
        notify(
            user,
            _("隐患整改延期已批准，新期限 %(day)s") % {"day": new},
            link=danger.get_absolute_url(),
        )


def lift(listing: Any, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    """Lifted only once the listing unit has verified the rectification (the danger closed out)."""
    from anjian.dangers.choices import DangerState

    if listing.danger.state not in (DangerState.CLOSED_OUT, DangerState.CANCELLED):
        raise TransitionRefused("not_verified", _("隐患尚未验收销号，不能摘牌"))
    deadlines.close_deadline(listing, "progress", actor=actor)
