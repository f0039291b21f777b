"""Shared pieces of the benchmarks: results and a private Django environment."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH-RESULT "


@dataclass
class Result:
    name: str
    figure: float
    floor: float
    unit: str
    ratio: float
    target: str
    passed: bool
    command: str
    note: str = ""

    def emit(self) -> None:
        print(RESULT_MARK + json.dumps(asdict(self), ensure_ascii=False), flush=True)


def setup_django(var_dir: Path, database_url: str = "") -> None:
    """Configure Django on a private var directory (and database) for a benchmark."""
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ANJIAN_VAR_DIR"] = str(var_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
