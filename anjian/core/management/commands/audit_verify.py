"""``manage.py audit_verify``: walk the audit chain and report the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anjian.core import audit


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit 1 at the first altered/inserted/deleted record."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.finding is not None:
            finding = result.finding
            raise CommandError(
                f"audit chain broken: {finding.problem} at record #{finding.seq}: {finding.message}"
            )
        self.stdout.write(
            f"audit chain intact: {result.checked} records "
            f"(#{result.anchor_seq + 1}..#{result.last_seq})"
        )
