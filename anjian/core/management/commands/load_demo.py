"""``manage.py load_demo --seed N``: build the deterministic demo city (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anjian.core.democity import DemoContext, build_demo
from anjian.core.progress import progress_bar


class Command(BaseCommand):
    help = "Build the deterministic demo city; running it again adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument(
            "--enterprises", type=int, default=2000, help="demo enterprises (100000 for bench)"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("load_demo is refused in production mode")
        context = DemoContext(seed=seed, options=options, progress=progress_bar(self.stderr))
        for line in build_demo(context):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("demo city ready"))
