"""Write each workflow's diagram into docs/workflows/ (``--check``: fail if one is stale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.workflow.diagram import write_documents


class Command(BaseCommand):
    help = "Generate docs/workflows/<model>.md from the declared workflows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only report stale pages")
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "docs" / "workflows"))

    def handle(self, *args: Any, **options: Any) -> None:
        stale = write_documents(Path(options["dir"]), check=options["check"])
        if options["check"] and stale:
            raise CommandError("stale workflow diagrams: " + ", ".join(stale))
        for path in stale:
            self.stdout.write(f"wrote {path}")
