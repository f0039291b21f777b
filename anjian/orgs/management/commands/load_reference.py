"""``manage.py load_reference``: load shared/data and the departments' configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.progress import progress_bar
from anjian.orgs.services import load_reference


def missing_data_message(data_dir: Path) -> str:
    """What a newcomer whose clone stands alone must do, in both languages (the command runs
    before any language is chosen)."""
    wanted = data_dir.resolve() / "tengzhou_divisions.csv"
    return (
        f"未找到参考数据：{wanted} 不存在。\n"
        "安监从仓库旁边的 ../shared/data 目录读取参考数据（镇街区划、国民经济行业分类、市界）。"
        "请把 shared 目录放在仓库所在目录的旁边（即 仓库/../shared/data），"
        "或设置环境变量 ANJIAN_SHARED_DATA=/path/to/shared/data"
        "（也可用 --data-dir 指定），然后重试。\n"
        f"Reference data not found: {wanted} does not exist.\n"
        "Anjian reads its reference data (divisions, industry classification, city boundary) "
        "from ../shared/data beside the repository. Put the shared directory next to your "
        "clone (clone/../shared/data), or set ANJIAN_SHARED_DATA=/path/to/shared/data "
        "(or pass --data-dir), then run again."
    )


class Command(BaseCommand):
    help = "Load towns, industries, supervision categories, boundaries and departments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=settings.SHARED_DATA_DIR)

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        if not (data_dir / "tengzhou_divisions.csv").exists():
            raise CommandError(missing_data_message(data_dir))
        report = load_reference(data_dir, progress=progress_bar(self.stderr))
        self.stdout.write(
            self.style.SUCCESS(
                f"towns {report.towns} (renamings {report.renamings}), "
                f"industries {report.industries}, categories {report.categories}, "
                f"boundaries {report.boundaries}, departments {report.departments}, "
                f"committees {report.committees}"
            )
        )
