"""Scoped access in one place: ``Model.objects.visible_to(user)`` and ``editable_by(user)``.

A scoped model's manager is built from :class:`ScopedQuerySet`, and the model says how its rows
relate to jurisdictions by defining ``scope_q(grants, *, write)``: a ``Q`` built from the user's
:class:`~anjian.accounts.access.Grants` (set-based, one query, no per-row checks). Views, API
operations, exports, search, map layers and counts all start from these two methods; nothing
filters by jurisdiction by hand. Objects outside the scope are answered with 404 by
:func:`get_visible_or_404`, so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

_M = TypeVar("_M", bound=models.Model)

NOTHING = Q(pk__in=[])

# Core knows grants only as "what the accounts app says a user holds": the accounts app
# registers its provider in ``AppConfig.ready``, so core never imports it (layers run one way).
_grants_provider: Callable[[Any], Any] | None = None


def register_grants_provider(provider: Callable[[Any], Any]) -> None:
    """Called once by the app that owns roles: ``provider(user)`` returns the user's grants."""
    global _grants_provider
    _grants_provider = provider


def grants_of(user: Any) -> Any:
    """The user's grants (roles and jurisdictions), from the registered provider."""
    if _grants_provider is None:
        raise RuntimeError("no grants provider registered (is anjian.accounts installed?)")
    return _grants_provider(user)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to restrict itself to what a user may see or change."""

    def visible_to(self, user: Any) -> Self:
        """Rows the user may read."""
        return self._restrict(user, write=False)

    def editable_by(self, user: Any) -> Self:
        """Rows the user may change."""
        return self._restrict(user, write=True)

    def _restrict(self, user: Any, *, write: bool) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        grants = grants_of(user)
        scope_q = self.model.scope_q  # type: ignore[attr-defined]
        condition = scope_q(grants, write=write)
        if condition == NOTHING:
            return self.none()
        return self.filter(condition)


def get_visible_or_404(queryset: Any, user: Any, **lookup: Any) -> Any:
    """The object matching ``lookup`` among those the user may see, else 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def get_editable_or_404(queryset: Any, user: Any, **lookup: Any) -> Any:
    """The object matching ``lookup`` among those the user may change, else 404."""
    try:
        return queryset.editable_by(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def _scoped(queryset: Any, user: Any, write: bool) -> Any:
    return queryset.editable_by(user) if write else queryset.visible_to(user)


def _unknown(queryset: Any, values: Any) -> ValidationError:
    # One message for "does not exist" and "not yours": a writer learns nothing of objects
    # outside its scope (they answer 404 everywhere else).
    return ValidationError(
        _("%(model)s“%(value)s”不存在或不在您的管辖范围内")
        % {"model": queryset.model._meta.verbose_name, "value": values},
        code="unknown_reference",
    )


def resolve_in_scope(queryset: Any, user: Any, *, write: bool = False, **lookup: Any) -> Any:
    """The object a written reference names (a grid's code, a town's code…), among those
    ``user`` may see (``write``: may change); else :class:`ValidationError`, which a form
    shows on its field and the API answers as a 422. Never ``None``: an unknown reference is
    refused, not dropped (issue 11, item 5).

    ``queryset`` may narrow further (e.g. industries of the small-class level only).
    """
    try:
        return _scoped(queryset, user, write).get(**lookup)
    except (queryset.model.DoesNotExist, queryset.model.MultipleObjectsReturned, ValueError):
        raise _unknown(queryset, "、".join(str(v) for v in lookup.values())) from None


def resolve_all_in_scope(
    queryset: Any, user: Any, field: str, values: Any, *, write: bool = False
) -> list[Any]:
    """Every object whose ``field`` is one of ``values``, as :func:`resolve_in_scope`: one
    query, and the unknown ones named in the error."""
    wanted = list(dict.fromkeys(values))
    found = list(_scoped(queryset, user, write).filter(**{f"{field}__in": wanted}))
    missing = set(wanted) - {getattr(obj, field) for obj in found}
    if missing:
        raise _unknown(queryset, "、".join(str(v) for v in wanted if v in missing))
    return found


def ensure_editable(obj: models.Model, user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``obj`` (as saved now) is within the user's write scope.

    Services call it inside their transaction *after* writing, so that nobody moves an object
    out of their jurisdiction (into another town, say) by editing a foreign key: the exception
    rolls the change back.
    """
    manager: Any = type(obj)._default_manager
    if not manager.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied("out of scope")
