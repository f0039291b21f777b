"""Demo accounts: at least one per role, with jurisdictions that make the scoping visible."""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from anjian.accounts.choices import ROLE_JURISDICTION, Role
from anjian.accounts.models import RoleAssignment, User
from anjian.core.democity import DemoContext
from anjian.orgs.models import CITY_CODE, Department, Grid, Town

DEFAULT_DEMO_PASSWORD = "Anjian@2018demo"  # noqa: S105 (printed demo default, never in production)


def demo_password() -> str:
    """The shared password of every demo account (``ANJIAN_DEMO_PASSWORD``)."""
    return os.environ.get("ANJIAN_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def demo_account(username: str, display_name: str, role: str, code: str) -> bool:
    """A demo user with the shared demo password and one role; True when newly created."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name}
    )
    if created:
        user.set_password(demo_password())
        user.save(update_fields=["password"])
    RoleAssignment.objects.get_or_create(
        user=user, role=role, jurisdiction_kind=ROLE_JURISDICTION[role], jurisdiction_code=code
    )
    return created


# Administrators and auditors must use a second factor: their demo accounts get TOTP secrets,
# printed by ``manage.py demo_accounts``.
TOTP_DEMO_USERNAMES = ("admin", "auditor")


def _demo_totp(usernames: tuple[str, ...]) -> None:
    import pyotp
    from django.utils import timezone

    for user in User.objects.filter(username__in=usernames, totp_secret=""):
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])


def build(context: DemoContext) -> str:
    """City, departments, towns, grid, enforcement, auditor and administrator accounts (the
    enterprise and expert accounts come with the enterprises, in ``enterprises/demo.py``)."""
    if settings.PRODUCTION:
        raise RuntimeError("demo accounts are never created in production mode")
    towns = list(Town.objects.order_by("code")[:2])
    departments = list(Department.objects.order_by("order")[:2])
    grid = Grid.objects.filter(town=towns[0]).order_by("code").first()
    specs: list[tuple[str, str, str, str]] = [
        ("city", "市安委办演示用户", Role.CITY, CITY_CODE),
        ("dept_a", f"{departments[0].short_name}演示用户", Role.DEPARTMENT, departments[0].code),
        ("dept_b", f"{departments[1].short_name}演示用户", Role.DEPARTMENT, departments[1].code),
        ("town_a", f"{towns[0].name}演示用户", Role.TOWN, towns[0].code),
        ("town_b", f"{towns[1].name}演示用户", Role.TOWN, towns[1].code),
        ("enforcer", "执法演示用户", Role.ENFORCEMENT, departments[0].code),
        ("auditor", "审计演示用户", Role.AUDITOR, CITY_CODE),
        ("admin", "系统管理演示用户", Role.ADMIN, CITY_CODE),
    ]
    if grid is not None:
        specs.append(("grid_a", f"{grid.name}网格员", Role.GRID, grid.code))
    created = sum(demo_account(*spec) for spec in specs)
    _demo_totp(TOTP_DEMO_USERNAMES)
    return f"{created} demo accounts created"


def expert_period() -> None:
    """The expert's assignment runs for a year from a month ago (an expert sees an
    enterprise only while assigned)."""
    today = timezone.localdate()
    RoleAssignment.objects.filter(
        user__username="expert", role=Role.EXPERT, valid_until__isnull=True
    ).update(valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=335))
