"""``manage.py demo_accounts [--json|--summary]``: the demo accounts and their roles."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anjian.accounts.demo import demo_password
from anjian.accounts.models import User


class Command(BaseCommand):
    help = "List the demo accounts with their roles and jurisdictions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable list")
        parser.add_argument("--summary", action="store_true", help="one line per account")

    def handle(self, *args: Any, **options: Any) -> None:
        users = User.objects.filter(role_assignments__isnull=False).distinct().order_by("pk")
        accounts: list[dict[str, Any]] = [
            {
                "username": user.username,
                "roles": [
                    {"role": a.role, "jurisdiction": a.jurisdiction}
                    for a in user.role_assignments.order_by("pk")
                ],
                **({"totp_secret": user.totp_secret} if user.totp_secret else {}),
            }
            for user in users.prefetch_related("role_assignments")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Demo logins (password: {demo_password()}):")
        for account in accounts:
            roles = ", ".join(f"{r['role']} {r['jurisdiction']}" for r in account["roles"])
            totp = f"  TOTP secret: {account['totp_secret']}" if "totp_secret" in account else ""
            self.stdout.write(f"  {account['username']:<12} {roles}{totp}")
