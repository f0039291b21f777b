"""Reading cell values as the people who fill workbooks write them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

__all__ = [
    "NO",
    "WORKBOOK_LANGUAGE",
    "YES",
    "accepted_labels",
    "first_token",
    "parse_date",
    "shown",
    "split_list",
    "text",
    "workbook_labels",
]

# The workbook is a Chinese file format whatever the user's language: its sheet names, headers,
# descriptions and coded values are Chinese, so a file exported by a user of the English pages
# imports back for anybody. Only the reasons of an import's errors follow the user's language.
WORKBOOK_LANGUAGE = "zh-hans"
YES, NO = "是", "否"
_SEPARATORS = re.compile("[;；]")
_EXCEL_EPOCH = date(1899, 12, 30)


def text(value: Any) -> str:
    """A cell as text: empty for nothing, ``12`` for the number 12.0, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def first_token(value: str) -> str:
    """The first word of a cell, for ``code name`` cells such as ``2614 有机化学原料制造``."""
    return value.split()[0] if value.split() else ""


def split_list(value: Any) -> list[str]:
    """The items of a list cell, separated by ``;`` or ``；``, blanks dropped."""
    return [item.strip() for item in _SEPARATORS.split(text(value)) if item.strip()]


def parse_date(value: Any) -> date | None:
    """A date cell: a date, an Excel serial number, or text ``YYYY-MM-DD`` (also with ``/`` or
    ``.``); ``ValueError`` with a translated reason otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's serial dates run from 1900-01-01 to 9999-12-31
            raise ValueError(_("日期“%(value)s”无法识别，请写作YYYY-MM-DD") % {"value": value})
        return _EXCEL_EPOCH + timedelta(days=int(value))
    written = str(value).strip().replace("/", "-").replace(".", "-")
    parts = written.split(" ")[0].split("T")[0].split("-")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        raise ValueError(
            _("日期“%(value)s”无法识别，请写作YYYY-MM-DD") % {"value": value}
        ) from None


def workbook_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The label of each value as the workbook writes it (in :data:`WORKBOOK_LANGUAGE`)."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {value: str(label) for value, label in choices.choices}


def accepted_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The value of each label in every configured language, and of each value itself: what
    an upload may write in a coded column."""
    accepted: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            accepted.update({str(label): value for value, label in choices.choices})
    accepted.update({value: value for value in choices.values if value})
    return accepted


def shown(value: Any) -> str:
    """A value as a diff line shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
