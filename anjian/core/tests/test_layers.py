"""The layers are enforced: ``lint-imports`` (run by ``make check``) keeps the contracts of
``pyproject.toml``, and fails as soon as a module reaches the wrong way."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH: the scratch copy's package, not the installed one, is the one analysed.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
    )


@pytest.fixture
def scratch(tmp_path):
    """A copy of the code and its contracts, to break without touching the repository."""
    copy = tmp_path / "repo"
    ignore = shutil.ignore_patterns("static", "locale", "data", "__pycache__")
    shutil.copytree(ROOT / "anjian", copy / "anjian", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_code_keeps_every_contract(scratch):
    result = _lint(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_an_app_breaks_the_layers(scratch):
    module = scratch / "anjian" / "core" / "navigation.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom anjian.accounts.access import grants_for\n",
        encoding="utf-8",
    )
    result = _lint(scratch)
    assert result.returncode != 0
    assert "anjian.core is not allowed to import anjian.accounts" in result.stdout
    assert "anjian.core.navigation -> anjian.accounts.access" in result.stdout


def test_the_organisation_importing_accounts_breaks_the_layers(scratch):
    module = scratch / "anjian" / "orgs" / "services.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom anjian.accounts.models import User\n",
        encoding="utf-8",
    )
    result = _lint(scratch)
    assert result.returncode != 0
    assert "anjian.orgs is not allowed to import anjian.accounts" in result.stdout


def test_the_standards_importing_django_break_their_purity(scratch):
    module = scratch / "anjian" / "standards" / "risk.py"
    module.write_text(
        module.read_text(encoding="utf-8") + "\nfrom django.db import models\n",
        encoding="utf-8",
    )
    result = _lint(scratch)
    assert result.returncode != 0
    assert "anjian.standards is not allowed to import django" in result.stdout
