"""The registry's search over 100,000 enterprises on PostgreSQL, with and without its indexes.

The same data set as ``bench.api_list`` (reference data and ``load_demo``'s deterministic
enterprises). For each kind of search (pinyin initials of part of a name, part of a credit
code, part of a name in Chinese, and a short common one) it times the API list's statement
(page, categories and count in one, :func:`anjian.enterprises.listing.page`) for a city-wide
user: the figure with the trigram indexes, the floor the same statement with those indexes
dropped inside a transaction that is rolled back (what it costs without them; the DDL also
invalidates the prepared statement's cached plan, so it is planned again). Medians of
``BENCH_REPEAT`` runs each. Target: a search of three characters or more answers within 50 ms;
shorter ones have no trigram to use and scan (reported, no target).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, Result, setup_django

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian_bench")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
TARGET_MS = 50.0
TRIGRAM_INDEXES = (
    "enterprise_name_trgm",
    "enterprise_name_initials_trgm",
    "enterprise_credit_code_trgm",
)
COMMAND = "python -m bench.search_100k"


def _terms() -> dict[str, str]:
    """Search texts taken from the data itself, so that each finds something."""
    from anjian.enterprises.models import Enterprise

    sample = Enterprise.objects.order_by("pk")[1234]
    initials = sample.name_initials[3:7]  # after the 滕州市 prefix (TZS)
    return {
        "initials": initials.lower(),
        "code": sample.credit_code[8:14],
        "name": sample.name[3:6],
        "short": "HG",  # 化工, …: thousands of matches, and no trigram: a scan
        "short name": "化工",
    }


def _time(user: Any, text: str, *, indexes: bool) -> tuple[float, int]:
    from django.db import connection, transaction

    from anjian.enterprises import listing
    from anjian.enterprises.filters import EnterpriseFilter

    filters = EnterpriseFilter(q=text)
    durations = []
    count = 0
    for _ in range(REPEAT):
        with transaction.atomic():
            if not indexes:
                with connection.cursor() as cursor:
                    for name in TRIGRAM_INDEXES:
                        cursor.execute(f'DROP INDEX "{name}"')
            start = time.perf_counter()
            _items, count = listing.page(user, filters, 0, 20)
            durations.append((time.perf_counter() - start) * 1000)
            transaction.set_rollback(True)  # the indexes come back
    return statistics.median(durations), count


def main() -> int:
    setup_django(Path(os.environ.get("BENCH_VAR_DIR", ROOT / "var" / "bench-search")), PG_URL)
    from bench.api_list import _ensure_database, _prepare

    _ensure_database()
    _prepare()
    from anjian.accounts.choices import Role
    from anjian.accounts.models import RoleAssignment, User
    from anjian.enterprises.models import Enterprise

    user, _created = User.objects.get_or_create(username="bench_city")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CITY, jurisdiction_kind="city", jurisdiction_code="370481000000"
    )
    total = Enterprise.objects.count()
    ok = True
    for kind, text in _terms().items():
        _time(user, text, indexes=True)  # warm up
        figure, count = _time(user, text, indexes=True)
        floor, _ = _time(user, text, indexes=False)
        short = len(text) < 3
        passed = short or figure <= TARGET_MS
        ok &= passed
        Result(
            name=f"search {kind} {text!r} over {total:,} (PostgreSQL)",
            figure=round(figure, 2),
            floor=round(floor, 2),
            unit="ms, median; floor: same statement without the trigram indexes",
            ratio=round(figure / floor, 3) if floor else 0.0,
            target="" if short else f"≤ {TARGET_MS:.0f} ms",
            passed=passed,
            command=COMMAND,
            note=f"{count:,} found; load average {os.getloadavg()[0]:.1f}",
        ).emit()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
