"""``manage.py load_reference``: load shared/data and the departments' configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.progress import progress_bar
from anjian.orgs.services import load_reference


class Command(BaseCommand):
    help = "Load towns, industries, supervision categories, boundaries and departments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=settings.SHARED_DATA_DIR)

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        if not (data_dir / "tengzhou_divisions.csv").exists():
            raise CommandError(f"reference data not found in {data_dir} (set ANJIAN_SHARED_DATA)")
        report = load_reference(data_dir, progress=progress_bar(self.stderr))
        self.stdout.write(
            self.style.SUCCESS(
                f"towns {report.towns} (renamings {report.renamings}), "
                f"industries {report.industries}, categories {report.categories}, "
                f"boundaries {report.boundaries}, departments {report.departments}, "
                f"committees {report.committees}"
            )
        )
