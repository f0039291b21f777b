"""Who may change which field of an enterprise: one declared rule for the form, the API and the
service (issue 11, defect 6).

Three kinds of field:

- :attr:`FieldRule.ENTERPRISE`: whoever may edit the enterprise changes it directly, the
  enterprise's own safety manager included (contacts, size, insurance, standardisation);
- :attr:`FieldRule.CHANGE_REQUEST`: an enterprise user proposes, the town decides (identity:
  name, credit code, location, town; issue 5). The city office and the town change them directly;
- :attr:`FieldRule.AUTHORITY`: only the city office and the enterprise's own town set them
  (industry, grid, supervision categories, supervising departments, status, former names).
  These decide who supervises the enterprise: an enterprise that changed its own industry
  dropped the departments the city had assigned and left their sight.

:func:`anjian.enterprises.services.update_enterprise` applies the rule (an enterprise user's
change of an authority field is refused, 403 in the API); the edit form shows authority fields
read-only to an enterprise user, so both paths give the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from types import MappingProxyType

__all__ = ["FIELD_RULES", "FieldRule", "fields_of"]


class FieldRule(StrEnum):
    ENTERPRISE = "enterprise"
    CHANGE_REQUEST = "change_request"
    AUTHORITY = "authority"


FIELD_RULES = MappingProxyType(
    {
        "credit_code": FieldRule.CHANGE_REQUEST,
        "name": FieldRule.CHANGE_REQUEST,
        "longitude": FieldRule.CHANGE_REQUEST,
        "latitude": FieldRule.CHANGE_REQUEST,
        "town": FieldRule.CHANGE_REQUEST,
        "industry": FieldRule.AUTHORITY,
        "grid": FieldRule.AUTHORITY,
        "categories": FieldRule.AUTHORITY,
        "departments": FieldRule.AUTHORITY,
        "status": FieldRule.AUTHORITY,
        "former_names": FieldRule.AUTHORITY,
        "address": FieldRule.ENTERPRISE,
        "employees": FieldRule.ENTERPRISE,
        "annual_revenue": FieldRule.ENTERPRISE,
        "above_designated_size": FieldRule.ENTERPRISE,
        "legal_representative": FieldRule.ENTERPRISE,
        "principal": FieldRule.ENTERPRISE,
        "principal_phone": FieldRule.ENTERPRISE,
        "safety_manager": FieldRule.ENTERPRISE,
        "safety_manager_phone": FieldRule.ENTERPRISE,
        "standardisation_grade": FieldRule.ENTERPRISE,
        "standardisation_expires": FieldRule.ENTERPRISE,
        "insurance_insurer": FieldRule.ENTERPRISE,
        "insurance_expires": FieldRule.ENTERPRISE,
    }
)


def fields_of(rule: FieldRule, names: Iterable[str] | None = None) -> list[str]:
    """The fields under ``rule``, in declaration order (of ``names`` only, when given)."""
    wanted = None if names is None else set(names)
    return [
        name
        for name, kind in FIELD_RULES.items()
        if kind == rule and (wanted is None or name in wanted)
    ]
