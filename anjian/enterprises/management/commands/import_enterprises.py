"""``manage.py import_enterprises FILE``: import the registry workbook, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.progress import progress_bar
from anjian.core.sheets import WorkbookError
from anjian.enterprises.importer import apply_import, plan_import


class Command(BaseCommand):
    help = "Import enterprises from a workbook (.xlsx, .xls, .ods); a bad row: nothing is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default="", help="acting user (default: the system)")
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args: Any, file: Path, user: str, dry_run: bool, **options: Any) -> None:
        actor = _actor(user)
        progress = progress_bar(self.stderr)
        try:
            with file.open("rb") as handle:  # the error names the file by the handle's name
                plan = plan_import(handle, actor=actor, progress=progress)
        except OSError as problem:
            raise CommandError(f"{file}: {problem.strerror}") from None
        except WorkbookError as problem:
            raise CommandError(str(problem)) from None
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(f"{error.sheet} 第{error.row}行 [{error.column}] {error.message}")
            raise CommandError(f"{len(plan.errors)} 处错误，未导入任何数据")
        for diff in plan.diffs:
            changes = "; ".join(f"{c}: {old} → {new}" for c, old, new in diff.lines)
            self.stdout.write(f"更新 {diff.key} {diff.name}: {changes}")
        licences = f"证照 {len(plan.licences.creates)} 新增，{len(plan.licences.updates)} 更新"
        if dry_run:
            self.stdout.write(
                f"校验通过：{len(plan.creates)} 新增，{len(plan.diffs)} 更新；{licences}（未写入）"
            )
            return
        created, updated = apply_import(plan, actor=actor, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新增 {created}，更新 {updated}；{licences}")
        )


def _actor(username: str) -> Any:
    if not username:
        return None
    from anjian.accounts.models import User

    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"no user {username!r}") from None
