"""Remake the office-suite fixtures of this folder (see README.md): not run by the tests.

.venv/bin/python anjian/enterprises/tests/office/make_files.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from anjian.enterprises.excel import COLUMNS, LICENCE_COLUMNS, write_workbook  # noqa: E402

ENTERPRISES = [
    {
        "credit_code": "91370481MATEA1771J",
        "name": "滕州市鑫源化工有限公司",
        "former_names": "滕州市鑫源化工厂；滕州鑫源",
        "address": "洪绪镇工业园1号",
        "longitude": 117.165,
        "latitude": 35.084,
        "town": "洪绪镇",
        "industry": "2614 有机化学原料制造",
        "employees": 120,
        "annual_revenue": 3456.78,
        "above_designated_size": "是",
        "principal": "张三",
        "principal_phone": "13905321234",
        "status": "在营",
        "categories": "危险化学品生产；粉尘涉爆",
        "standardisation_grade": "二级",
        "standardisation_expires": date(2026, 12, 31),
    },
    {
        "credit_code": "91370481MAC2C4EL8W",
        "name": "滕州市恒泰机械有限公司",
        "town": "洪绪镇",
        "industry": "3411",
        "status": "停产",
        "insurance_expires": "2027-03-01",
    },
]
LICENCES = [
    {
        "credit_code": "91370481MATEA1771J",
        "kind": "危险化学品经营许可证",
        "number": "鲁枣危化经字〔2025〕0001",
        "issuer": "滕州市应急管理局",
        "issued_on": date(2025, 1, 15),
        "expires_on": date(2028, 1, 14),
    }
]


def main() -> None:
    data = write_workbook(
        [[row.get(c.key) for c in COLUMNS] for row in ENTERPRISES],
        {},
        licences=[[row.get(c.key) for c in LICENCE_COLUMNS] for row in LICENCES],
    )
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-calc-nogui")
    work = Path(tempfile.mkdtemp())
    try:
        source = work / "openpyxl.xlsx"
        source.write_bytes(data)
        for target in ("xlsx", "xls", "ods"):
            out = work / target
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(out),
                    str(source),
                ],
                check=True,
                capture_output=True,
            )
            shutil.copy(out / f"openpyxl.{target}", HERE / f"registry-libreoffice.{target}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
