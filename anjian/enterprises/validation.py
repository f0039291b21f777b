"""The registry's rules for the values of an enterprise, in one place (issue 11, item 12).

Each rule takes a value, answers it cleaned (text stripped, a phone without its spaces), or
raises :class:`~django.core.exceptions.ValidationError` with the message the user reads. The
same rules serve every way in, with the same messages:

- the model: they are the validators of :class:`~anjian.enterprises.models.Enterprise`'s
  fields, so the form (through ``full_clean``) and every service (``create_enterprise`` and
  ``update_enterprise`` clean before saving) apply them;
- the API: its schemas wrap them (:mod:`anjian.enterprises.api`), so a bad value is a 422
  naming the field before any service runs;
- the import: the enterprise row check (:mod:`anjian.enterprises.importer`) calls them for
  each cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

__all__ = [
    "EARLIEST_DATE",
    "LANDLINE",
    "LATEST_DATE",
    "MAX_EMPLOYEES",
    "MAX_REVENUE",
    "MOBILE",
    "NAME_REQUIRED",
    "Rule",
    "a_date",
    "employees",
    "name",
    "phone",
    "plain_text",
    "revenue",
]

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
# C0 control characters (NUL included) and DEL: nothing a name, an address or a phone
# number holds; they break exports, PDFs and databases (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Far above the largest employer of a county (the largest company in the world employs about
# two million), far below the 32-bit column.
MAX_EMPLOYEES = 1_000_000
# Ten thousand yuan (万元): the column's 14 digits, 2 after the point.
MAX_REVENUE = Decimal("999999999999.99")
# Dates of licences, certificates and insurance: none before the People's Republic's first
# registry, none beyond the century (a year 0001 or 9999 is a typing slip).
EARLIEST_DATE = date(1949, 10, 1)
LATEST_DATE = date(2099, 12, 31)
NAME_REQUIRED = _("企业名称不能为空")


def plain_text(value: Any) -> str:
    """A one-line text without control characters, stripped."""
    text = str(value)
    if _CONTROL.search(text):
        raise ValidationError(_("不能包含控制字符（如换行、制表符、NUL）"), code="control")
    return text.strip()


def name(value: Any) -> str:
    """An enterprise name: not empty once stripped, at most 200 characters."""
    text = plain_text(value)
    if not text:
        raise ValidationError(NAME_REQUIRED, code="required")
    if len(text) > 200:
        raise ValidationError(_("企业名称超过200字"), code="max_length")
    return text


def phone(value: Any) -> str:
    """A mobile number (11 digits) or a landline (0632-5512345, extension allowed); spaces
    are dropped; empty is allowed (the field is optional)."""
    text = plain_text(value).replace(" ", "")
    if text and not (MOBILE.match(text) or LANDLINE.match(text)):
        raise ValidationError(
            _("电话“%(phone)s”格式不正确（手机11位或固话如0632-5512345）"),
            code="phone",
            params={"phone": text},
        )
    return text


def employees(value: int) -> int:
    """A head count: 0 to :data:`MAX_EMPLOYEES`."""
    if value < 0:
        raise ValidationError(_("不能为负数"), code="min_value")
    if value > MAX_EMPLOYEES:
        raise ValidationError(
            _("从业人数不能超过%(max)d"), code="max_value", params={"max": MAX_EMPLOYEES}
        )
    return value


def revenue(value: Decimal) -> Decimal:
    """An annual revenue in ten thousand yuan: 0 to :data:`MAX_REVENUE`."""
    if value < 0:
        raise ValidationError(_("不能为负数"), code="min_value")
    if value > MAX_REVENUE:
        raise ValidationError(
            _("年营业收入不能超过%(max)s万元"), code="max_value", params={"max": MAX_REVENUE}
        )
    return value


def a_date(value: date) -> date:
    """A date between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("日期%(value)s超出范围（%(earliest)s至%(latest)s）"),
            code="date_range",
            params={"value": value, "earliest": EARLIEST_DATE, "latest": LATEST_DATE},
        )
    return value


@deconstructible
class Rule:
    """One of the rules above as a model field's validator (those answer nothing)."""

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __call__(self, value: Any) -> None:
        self.check(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and other.check is self.check

    def __hash__(self) -> int:
        return hash(self.check)
