"""Bulk import of users from Excel: every row checked first, then all or nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from anjian.accounts import roles, services
from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.core import audit

# Column headings of the template, in order (Chinese, as the city office fills them in).
COLUMNS = ["用户名", "姓名", "手机号", "角色", "管辖代码", "生效日期", "截止日期"]
REQUIRED = {"用户名", "角色", "管辖代码"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("第%(row)d行【%(column)s】：%(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``errors`` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def template() -> bytes:
    """An empty workbook with the expected headings and one example row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook always has a sheet)
    sheet.title = "用户"
    sheet.append(COLUMNS)
    sheet.append(["zhangsan", "张三", "13800000000", "town", "370481001000", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _role(value: str) -> str | None:
    value = value.strip()
    if value in Role.values:
        return value
    for code, label in Role.choices:
        if value == str(label):
            return str(code)
    return None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(stream: IO[bytes]) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [RowError(1, "-", _("无法读取文件，请上传 .xlsx 格式的 Excel 文件。"))]
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [RowError(1, c, _("缺少该列")) for c in sorted(missing)]
    parsed = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            return [], [RowError(number, "-", _("超过%(n)d行上限") % {"n": MAX_ROWS})]
        if not any(v not in (None, "") for v in values):
            continue
        parsed.append((number, dict(zip(header, values, strict=False))))
    return parsed, []


def import_users(stream: IO[bytes], *, actor: Any) -> list[tuple[User, str]]:
    """Create every user of the workbook, or none: :class:`ImportRejected` lists each bad row.

    Returns the users with their issued passwords (each must change it at first login).
    """
    if not User.objects.editable_by(actor).exists():
        raise PermissionDenied(_("仅市安委办和系统管理员可导入用户。"))
    parsed, errors = _parse(stream)
    if errors:
        raise ImportRejected(errors)
    grants = grants_for(actor)
    specs: list[tuple[int, dict[str, Any], services.RoleSpec]] = []
    seen: dict[str, int] = {}
    for number, row in parsed:
        username = _text(row.get("用户名"))
        if not username:
            errors.append(RowError(number, "用户名", _("不能为空")))
        elif username.lower() in seen:
            errors.append(
                RowError(number, "用户名", _("与第%(n)d行重复") % {"n": seen[username.lower()]})
            )
        elif User.objects.filter(username__iexact=username).exists():
            errors.append(RowError(number, "用户名", _("用户名已存在")))
        seen.setdefault(username.lower(), number)
        role = _role(_text(row.get("角色")))
        if role is None:
            errors.append(RowError(number, "角色", _("未知角色：%(v)s") % {"v": row.get("角色")}))
        code = _text(row.get("管辖代码"))
        if role is not None:
            try:
                services.validate_jurisdiction(role, code)
            except ValidationError as error:
                errors.append(RowError(number, "管辖代码", " ".join(error.messages)))
            refusal = roles.grant_refusal(grants, None, set(), role)
            if refusal:
                errors.append(RowError(number, "角色", refusal))
        dates: list[date | None] = []
        for column in ("生效日期", "截止日期"):
            try:
                dates.append(_date(row.get(column)))
            except ValueError:
                errors.append(RowError(number, column, _("日期格式应为 YYYY-MM-DD")))
                dates.append(None)
        specs.append((number, row, services.RoleSpec(role or "", code, dates[0], dates[1])))
    if errors:
        raise ImportRejected(errors)
    return _create_all(specs, actor)


@transaction.atomic
def _create_all(
    specs: list[tuple[int, dict[str, Any], services.RoleSpec]], actor: Any
) -> list[tuple[User, str]]:
    created = []
    for _number, row, spec in specs:
        user, password = services.create_user(
            actor=actor,
            username=_text(row.get("用户名")),
            display_name=_text(row.get("姓名")),
            phone=_text(row.get("手机号")),
            roles=[spec],
        )
        created.append((user, password))
    audit.record(
        "import",
        actor=actor,
        after={"users": [user.username for user, _password in created]},
        detail=f"批量导入用户{len(created)}个",  # the log's text, whoever's language: not gettext
    )
    return created
