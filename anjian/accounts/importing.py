"""Bulk import of users from a workbook, on the spreadsheet kit: every row checked first, then
all or nothing."""

from __future__ import annotations

from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.accounts import roles, services
from anjian.accounts.access import Grants, grants_for
from anjian.accounts.choices import Role
from anjian.accounts.forms import UserCreateForm
from anjian.accounts.models import User
from anjian.core import audit
from anjian.core.sheets import (
    Column,
    Limits,
    Row,
    RowError,
    Sheet,
    WorkbookError,
    accepted_labels,
    check_sheet,
    open_book,
    parse_date,
    workbook_labels,
    write_book,
)

__all__ = ["COLUMNS", "SHEET", "ImportRejected", "import_users", "template"]

ROLES = "角色"
# Row 1 the headings (Chinese, as the city office fills them in), data from row 2.
SHEET = Sheet(
    "用户",
    (
        Column("username", "用户名", "登录名，不可重复", True, 16),
        Column("display_name", "姓名", "", width=12),
        Column("phone", "手机号", "", width=14),
        Column("role", "角色", "从下拉列表选择（也接受角色代码如town）", True, 16, ROLES),
        Column("code", "管辖代码", "区划、部门或网格代码", True, 16),
        Column("valid_from", "生效日期", "日期，如2026-01-01，可空", width=12),
        Column("valid_until", "截止日期", "日期，可空", width=12),
    ),
    freeze="B2",
    descriptions=False,
)
COLUMNS = [column.header for column in SHEET.columns]
MAX_ROWS = 5000
# A name and a phone held to the user form's own fields (its length, no NUL), with its
# messages: ``create_user`` saves what it is given, and PostgreSQL refuses NUL and overlength.
_FORM_FIELDS = {key: UserCreateForm.base_fields[key] for key in ("display_name", "phone")}


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``errors`` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def template() -> bytes:
    """An empty workbook with the headings (described in their comments) and the roles'
    drop-down list."""
    return write_book([(SHEET, [])], {ROLES: list(workbook_labels(Role).values())})


def _form_text(row: Row, key: str) -> str:
    """The cell as the user form's field cleans it, or its message on the row."""
    try:
        cleaned: str = _FORM_FIELDS[key].clean(row.text(key))
    except ValidationError as error:
        row.error(key, " ".join(error.messages))
        return ""
    return cleaned


def _check(
    row: Row, grants: Grants, seen: dict[str, int]
) -> tuple[str, str, str, services.RoleSpec]:
    username = row.text("username")
    if not username:
        row.error("username", _("不能为空"))
    elif username.lower() in seen:
        row.error("username", _("与第%(n)d行重复") % {"n": seen[username.lower()]})
    elif User.objects.filter(username__iexact=username).exists():
        row.error("username", _("用户名已存在"))
    seen.setdefault(username.lower(), row.number)
    role = accepted_labels(Role).get(row.text("role"))
    if role is None:
        row.error("role", _("未知角色：%(v)s") % {"v": row.get("role")})
    code = row.text("code")
    if role is not None:
        try:
            services.validate_jurisdiction(role, code)
        except ValidationError as error:
            row.error("code", " ".join(error.messages))
        refusal = roles.grant_refusal(grants, None, set(), role)
        if refusal:
            row.error("role", refusal)
    dates: list[date | None] = []
    for key in ("valid_from", "valid_until"):
        try:
            dates.append(parse_date(row.get(key)))
        except ValueError:
            row.error(key, _("日期格式应为 YYYY-MM-DD"))
            dates.append(None)
    spec = services.RoleSpec(role or "", code, dates[0], dates[1])
    return username, _form_text(row, "display_name"), _form_text(row, "phone"), spec


def import_users(stream: IO[bytes] | bytes, *, actor: Any) -> list[tuple[User, str]]:
    """Create every user of the workbook, or none: :class:`ImportRejected` lists each bad row.

    Returns the users with their issued passwords (each must change it at first login).
    """
    if not User.objects.editable_by(actor).exists():
        raise PermissionDenied(_("仅市安委办和系统管理员可导入用户。"))
    try:
        book = open_book(stream, [SHEET.name], limits=Limits(rows=MAX_ROWS))
    except WorkbookError as problem:
        raise ImportRejected([RowError(SHEET.name, 1, "-", str(problem))]) from None
    grants = grants_for(actor)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    checked = check_sheet(
        book.rows(SHEET.name), SHEET, lambda row: _check(row, grants, seen), errors
    )
    if errors:
        raise ImportRejected(errors)
    return _create_all([record for _number, record in checked.records], actor)


@transaction.atomic
def _create_all(
    records: list[tuple[str, str, str, services.RoleSpec]], actor: Any
) -> list[tuple[User, str]]:
    created = []
    for username, display_name, phone, spec in records:
        user, password = services.create_user(
            actor=actor, username=username, display_name=display_name, phone=phone, roles=[spec]
        )
        created.append((user, password))
    audit.record(
        "import",
        actor=actor,
        after={"users": [user.username for user, _password in created]},
        detail=f"批量导入用户{len(created)}个",  # the log's text, whoever's language: not gettext
    )
    return created
