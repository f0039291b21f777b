"""``manage.py export_enterprises FILE``: the registry (optionally filtered) as a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.enterprises.exporter import export_workbook
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import record_export


class Command(BaseCommand):
    help = "Export enterprises to an .xlsx workbook that import_enterprises reads back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        for name in ("town", "industry", "category", "status", "q"):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        filters = EnterpriseFilter.from_params(options)
        data, count = export_workbook(filters.apply(Enterprise.objects.all()))
        file.write_bytes(data)
        record_export(actor=None, count=count, what=f"企业名录 {file.name}")
        self.stdout.write(self.style.SUCCESS(f"{count} enterprises → {file}"))
