"""Import of 10,000 enterprises vs openpyxl reading the same workbook (the floor).

Target (issue 5): the whole import (read, check every row, write) takes at most 1.5× the time
openpyxl alone needs to read the workbook with ``read_only=True, values_only=True``.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import Result, setup_django

ROWS = 10_000
COMMAND = "python -m bench.import_10k"


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="anjian-bench-import-"))
    try:
        setup_django(var)
        run()
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _read_floor(data: bytes) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for _row in workbook.worksheets[0].iter_rows(values_only=True):
        pass
    workbook.close()
    return time.perf_counter() - start


def run() -> None:
    from django.conf import settings
    from django.core.management import call_command

    from anjian.core.democity import DemoContext
    from anjian.enterprises import demo
    from anjian.enterprises.exporter import export_workbook
    from anjian.enterprises.importer import apply_import, plan_import
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.services import load_reference

    call_command("migrate", verbosity=0)
    load_reference(settings.SHARED_DATA_DIR)
    demo.build(DemoContext(seed=2018, options={"enterprises": ROWS}))
    data, count = export_workbook(Enterprise.objects.all())
    assert count == ROWS
    floors, imports = [], []
    for _ in range(3):
        Enterprise.objects.all().delete()
        floors.append(_read_floor(data))
        start = time.perf_counter()
        plan = plan_import(io.BytesIO(data), actor=None)
        assert plan.ok, plan.errors[:5]
        apply_import(plan, actor=None)
        imports.append(time.perf_counter() - start)
        assert Enterprise.objects.count() == ROWS
    floor, figure = min(floors), min(imports)
    ratio = figure / floor
    Result(
        name=f"import {ROWS:,} enterprises (SQLite)",
        figure=round(figure, 3),
        floor=round(floor, 3),
        unit="s (best of 3); floor: openpyxl read-only values-only read",
        ratio=round(ratio, 2),
        target="≤ 1.5",
        passed=ratio <= 1.5,
        command=COMMAND,
    ).emit()


if __name__ == "__main__":
    main()
