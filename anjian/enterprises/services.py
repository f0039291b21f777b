"""Every change to the registry: plain functions, one transaction each, audited.

Views, the API, the importer, commands and tasks all call these; none of them saves an
enterprise itself (STYLE.md, example 3). Each function re-checks scope after writing, inside its
transaction, so nobody moves an enterprise out of their own jurisdiction by editing its town
(STYLE.md, example 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.core import audit
from anjian.core.updating import editing, version_of
from anjian.enterprises import notices
from anjian.enterprises.choices import ChangeRequestState
from anjian.enterprises.models import (
    ChangeRequest,
    Enterprise,
    Licence,
    name_initials,
)
from anjian.enterprises.rules import FieldRule, fields_of
from anjian.orgs.models import Department, Grid, SupervisionCategory
from anjian.orgs.services import DepartmentIndex

__all__ = [
    "DepartmentIndex",
    "add_licence",
    "create_enterprise",
    "decide_change_request",
    "enterprise_snapshot",
    "enterprise_version",
    "licence_version",
    "may_assign_departments",
    "record_export",
    "remove_licence",
    "request_identity_change",
    "update_enterprise",
    "update_licence",
]

LICENCE_FIELDS = ("kind", "number", "issuer", "issued_on", "expires_on")

# Fields set through ``data`` mappings; relations are handled apart.
SCALAR_FIELDS = (
    "credit_code",
    "name",
    "former_names",
    "address",
    "longitude",
    "latitude",
    "town",
    "grid",
    "industry",
    "employees",
    "annual_revenue",
    "above_designated_size",
    "legal_representative",
    "principal",
    "principal_phone",
    "safety_manager",
    "safety_manager_phone",
    "status",
    "standardisation_grade",
    "standardisation_expires",
    "insurance_insurer",
    "insurance_expires",
)


def _relations_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "departments": sorted(enterprise.departments.values_list("code", flat=True)),
        "categories": sorted(enterprise.categories.values_list("pk", flat=True)),
    }


def enterprise_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """What the audit records of an enterprise and what its version digests: its fields, its
    departments and its categories."""
    return {**audit.snapshot(enterprise), **_relations_snapshot(enterprise)}


def _check_editable(enterprise: Enterprise, actor: Any) -> None:
    if not Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("无权修改该企业，或修改后的企业不在您的管辖范围内"))


def _set_relations(
    enterprise: Enterprise,
    *,
    categories: Iterable[SupervisionCategory] | None,
    departments: Iterable[Department] | None,
) -> None:
    if categories is not None:
        enterprise.categories.set(list(categories))
    if departments is not None:
        enterprise.departments.set(list(departments))
        enterprise.departments_overridden = True
        Enterprise.objects.filter(pk=enterprise.pk).update(departments_overridden=True)
    elif not enterprise.departments_overridden:
        enterprise.departments.set(
            DepartmentIndex().for_industry(enterprise.industry.code, enterprise.industry.section)
        )


@transaction.atomic
def create_enterprise(
    data: Mapping[str, Any],
    *,
    actor: Any,
    categories: Iterable[SupervisionCategory] = (),
    departments: Iterable[Department] | None = None,
) -> Enterprise:
    """Register an enterprise. Departments default to those of its industry."""
    enterprise = Enterprise(**{k: v for k, v in data.items() if k in SCALAR_FIELDS})
    enterprise.full_clean(exclude=["departments", "categories"])
    enterprise.save()
    _set_relations(enterprise, categories=categories, departments=departments)
    _check_editable(enterprise, actor)
    audit.record("create", actor=actor, obj=enterprise, after=enterprise_snapshot(enterprise))
    return enterprise


def _may_change_identity(enterprise: Enterprise, actor: Any) -> bool:
    """The city office and the enterprise's own town: the authorities of
    :mod:`anjian.enterprises.rules`, who change every field directly."""
    grants = grants_for(actor)
    return grants.city_wide or (grants.has(Role.TOWN) and enterprise.town.code in grants.towns)


def may_assign_departments(enterprise: Enterprise, actor: Any) -> bool:
    """Whether ``actor`` may override the supervising departments (city office, own town)."""
    return _may_change_identity(enterprise, actor)


def enterprise_version(enterprise: Enterprise) -> str:
    """The version of an enterprise's record (fields and relations): the API's ``ETag``, the
    edit form's hidden ``version``."""
    return version_of(enterprise_snapshot(enterprise))


def _refuse_authority_fields(names: Iterable[str]) -> None:
    refused = fields_of(FieldRule.AUTHORITY, names)
    if refused:
        labels = "、".join(
            str(getattr(Enterprise._meta.get_field(name), "verbose_name", name)) for name in refused
        )
        raise PermissionDenied(_("只有市安委办和属地镇街可以修改：%(fields)s") % {"fields": labels})


@transaction.atomic
def update_enterprise(
    enterprise: Enterprise,
    changes: Mapping[str, Any],
    *,
    actor: Any,
    categories: Iterable[SupervisionCategory] | None = None,
    departments: Iterable[Department] | None = None,
    derive_departments: bool = False,
    reason: str = "",
    expected_version: str | tuple[str, ...] | None = None,
) -> ChangeRequest | None:
    """Change an enterprise as :mod:`anjian.enterprises.rules` says: the city office and its
    town change every field; an enterprise user changes its own fields directly, proposes
    identity fields (a :class:`ChangeRequest` for the town) and is refused the authorities'
    fields (industry, grid, categories, departments, status).

    ``departments`` overrides the supervising departments; ``derive_departments`` drops an
    override and derives them from the industry again (as a change of industry does).
    ``expected_version`` is the version the client read (:func:`enterprise_version`); a stale
    one raises :class:`~anjian.core.updating.StaleVersion` and changes nothing. The row is
    locked before it is compared, and only changed fields are written
    (:func:`anjian.core.updating.editing`).
    Returns the change request when one was opened.
    """
    _check_editable(enterprise, actor)
    authority = _may_change_identity(enterprise, actor)
    if (departments is not None or derive_departments) and not authority:
        raise PermissionDenied(_("只有市安委办和属地镇街可以指定监管部门"))
    change_request = None
    with editing(
        enterprise, actor=actor, expected_version=expected_version, snapshot=enterprise_snapshot
    ) as edit:
        proposed = {
            field: value
            for field, value in changes.items()
            if field in SCALAR_FIELDS and getattr(enterprise, field) != value
        }
        new_categories = None if categories is None else list(categories)
        categories_changed = new_categories is not None and {c.pk for c in new_categories} != set(
            enterprise.categories.values_list("pk", flat=True)
        )
        identity: dict[str, Any] = {}
        if not authority:
            _refuse_authority_fields([*proposed, *(["categories"] if categories_changed else [])])
            identity = {
                field: proposed.pop(field)
                for field in fields_of(FieldRule.CHANGE_REQUEST, proposed)
            }
            # Checked now as a direct change would be, not first when the town approves.
            for field, value in identity.items():
                model_field = Enterprise._meta.get_field(field)
                if isinstance(model_field, models.Field) and not model_field.is_relation:
                    model_field.clean(value, enterprise)
        edit.set(proposed)
        if departments is not None:
            edit.set({"departments_overridden": True})
        elif "industry" in proposed or derive_departments:
            edit.set({"departments_overridden": False})
        if categories_changed:
            enterprise.categories.set(new_categories or [])
        if departments is not None:
            enterprise.departments.set(list(departments))
        elif not enterprise.departments_overridden:
            industry = enterprise.industry
            enterprise.departments.set(
                DepartmentIndex().for_industry(industry.code, industry.section)
            )
        if identity:
            change_request = request_identity_change(
                enterprise, identity, actor=actor, reason=reason
            )
    _check_editable(enterprise, actor)
    return change_request


def _jsonable_change(value: Any) -> Any:
    return getattr(value, "code", value)


@transaction.atomic
def request_identity_change(
    enterprise: Enterprise, changes: Mapping[str, Any], *, actor: Any, reason: str = ""
) -> ChangeRequest:
    """Open a change request for identity fields (name, credit code, location, town); the
    town's officials are notified."""
    _check_editable(enterprise, actor)
    stored = {field: _jsonable_change(value) for field, value in changes.items()}
    previous = {field: _jsonable_change(getattr(enterprise, field)) for field in stored}
    change_request = ChangeRequest.objects.create(
        enterprise=enterprise,
        changes=stored,
        previous=previous,
        reason=reason,
        requested_by=actor,
    )
    audit.record(
        "change_requested",
        actor=actor,
        obj=change_request,
        after={"enterprise": enterprise.pk, "changes": stored},
        detail=reason,
    )
    notices.change_requested(change_request)
    return change_request


@transaction.atomic
def decide_change_request(
    change_request: ChangeRequest, *, actor: Any, approve: bool, comment: str = ""
) -> ChangeRequest:
    """The town (or the city office) approves or rejects a pending change request; the
    requester is notified with the comment.

    The request's row is locked before its state is read, so two deciders at once cannot both
    decide it; the enterprise is then changed under its own lock (request first, enterprise
    second, the order every service keeps).
    """
    from anjian.orgs.models import Town

    if not ChangeRequest.objects.editable_by(actor).filter(pk=change_request.pk).exists():
        raise PermissionDenied(_("无权审核该变更申请"))
    action = "approve" if approve else "reject"
    with editing(change_request, actor=actor, action=action, detail=comment) as decision:
        if change_request.state != ChangeRequestState.PENDING:
            raise PermissionDenied(_("该申请已审核"))
        if approve:
            enterprise = change_request.enterprise
            with editing(
                enterprise,
                actor=actor,
                snapshot=enterprise_snapshot,
                detail=f"批准变更申请 #{change_request.pk}",  # the log's text, not the actor's
            ) as edit:
                edit.set(
                    {
                        field: Town.objects.get(code=value) if field == "town" else value
                        for field, value in change_request.changes.items()
                    }
                )
        decision.set(
            {
                "state": ChangeRequestState.APPROVED if approve else ChangeRequestState.REJECTED,
                "decided_by": actor,
                "decided_at": timezone.now(),
                "comment": comment,
            }
        )
    notices.change_decided(change_request)
    return change_request


def _check_licence_editable(licence: Licence, actor: Any) -> None:
    if not Licence.objects.editable_by(actor).filter(pk=licence.pk).exists():
        raise PermissionDenied(_("无权修改该企业的证照"))


@transaction.atomic
def add_licence(enterprise: Enterprise, data: Mapping[str, Any], *, actor: Any) -> Licence:
    """Record a licence or certificate of an enterprise (by whoever may edit the enterprise)."""
    _check_editable(enterprise, actor)
    licence = Licence(
        enterprise=enterprise, **{k: v for k, v in data.items() if k in LICENCE_FIELDS}
    )
    licence.full_clean()
    licence.save()
    audit.record(
        "create",
        actor=actor,
        obj=licence,
        after=audit.snapshot(licence),
        detail=f"enterprise {enterprise.pk}",
    )
    return licence


def licence_version(licence: Licence) -> str:
    """The version of a licence's record (the edit form's hidden ``version``)."""
    return version_of(audit.snapshot(licence))


@transaction.atomic
def update_licence(
    licence: Licence,
    changes: Mapping[str, Any],
    *,
    actor: Any,
    expected_version: str | None = None,
) -> Licence:
    """Change a licence's kind, number, issuer or validity; it stays with its enterprise.

    Locked, compared and written field by field (:func:`anjian.core.updating.editing`); a stale
    ``expected_version`` raises :class:`~anjian.core.updating.StaleVersion`.
    """
    _check_licence_editable(licence, actor)
    with editing(
        licence,
        actor=actor,
        expected_version=expected_version,
        detail=f"enterprise {licence.enterprise_id}",
    ) as edit:
        edit.set({field: value for field, value in changes.items() if field in LICENCE_FIELDS})
    return licence


@transaction.atomic
def remove_licence(licence: Licence, *, actor: Any) -> None:
    """Delete a licence (revoked, replaced, entered by mistake); the audit keeps its content."""
    _check_licence_editable(licence, actor)
    before = audit.snapshot(licence)
    enterprise_id = licence.enterprise_id
    audit.record(
        "delete", actor=actor, obj=licence, before=before, detail=f"enterprise {enterprise_id}"
    )
    licence.delete()


def record_export(*, actor: Any, count: int, what: str) -> None:
    """An export is audited (DESIGN.md, audit log: "every … export")."""
    audit.record("export", actor=actor, detail=f"{what}: {count}")


def initials_for(names: Iterable[str]) -> list[str]:
    """Pinyin initials for many names (the importer sets them without calling ``save``)."""
    return [name_initials(name) for name in names]


# --- grids ----------------------------------------------------------------------------------------


def _locked_active_grid(grid: Grid, actor: Any) -> Grid:
    locked = Grid.objects.editable_by(actor).select_for_update().filter(pk=grid.pk).first()
    if locked is None:
        raise PermissionDenied(_("无权修改该网格。"))
    if locked.retired_at is not None:
        raise ValidationError(_("该网格已撤销，不能再划入企业。"))
    return locked


def _set_grid(enterprise: Enterprise, grid: Grid | None, *, actor: Any, detail: str = "") -> None:
    # As in audit.snapshot: a foreign key by its primary key.
    before = {"grid": enterprise.grid_id}
    Enterprise.objects.filter(pk=enterprise.pk).update(grid=grid)
    enterprise.grid = grid
    after = {"grid": grid.pk if grid else None}
    audit.record("update", actor=actor, obj=enterprise, before=before, after=after, detail=detail)


@transaction.atomic
def assign_to_grid(grid: Grid, credit_codes: Iterable[str], *, actor: Any) -> int:
    """Put enterprises of the grid's town into ``grid`` (moving them from another grid).

    All or nothing: a code the actor cannot edit, or an enterprise of another town, refuses
    the whole batch and names it. The grid and the enterprises are locked while they change.
    """
    grid = _locked_active_grid(grid, actor)
    codes = sorted({code.strip().upper() for code in credit_codes if code.strip()})
    if not codes:
        raise ValidationError(_("请填写要划入本网格的企业统一社会信用代码。"))
    enterprises = list(
        Enterprise.objects.editable_by(actor).select_for_update().filter(credit_code__in=codes)
    )
    unknown = sorted(set(codes) - {e.credit_code for e in enterprises})
    if unknown:
        raise ValidationError(
            _("以下企业不存在或不在您的管辖范围内：%(codes)s") % {"codes": "、".join(unknown)}
        )
    elsewhere = sorted(e.name for e in enterprises if e.town_id != grid.town_id)
    if elsewhere:
        raise ValidationError(
            _("以下企业不属于本网格所在镇街：%(names)s") % {"names": "、".join(elsewhere)}
        )
    moved = [e for e in enterprises if e.grid_id != grid.pk]
    for enterprise in moved:
        _set_grid(enterprise, grid, actor=actor)
    return len(moved)


@transaction.atomic
def remove_from_grid(enterprise: Enterprise, *, actor: Any) -> None:
    """Leave ``enterprise`` without a grid (until the town puts it into another)."""
    _check_editable(enterprise, actor)
    if enterprise.grid is None:
        return
    _locked_active_grid(enterprise.grid, actor)
    _set_grid(enterprise, None, actor=actor)


def detach_retired_grid(sender: Any, *, grid: Grid, actor: Any, **kwargs: Any) -> None:
    """``grid_retiring`` receiver: the retired grid's enterprises are left without a grid."""
    enterprises = Enterprise.objects.select_for_update().filter(grid=grid)
    for enterprise in enterprises:
        _set_grid(enterprise, None, actor=actor, detail="grid retired")
