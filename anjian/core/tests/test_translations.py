"""The English catalogue is complete and up to date with the Chinese source strings."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "anjian" / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n)+)', re.M)


def _entries(text: str) -> dict[str, str]:
    def join(block: str) -> str:
        return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))

    return {join(i): join(s) for i, s in ENTRY.findall(text) if join(i)}


def test_every_string_has_an_english_translation():
    text = CATALOGUE.read_text(encoding="utf-8")
    missing = [msgid for msgid, msgstr in _entries(text).items() if not msgstr]
    assert not missing, f"{len(missing)} strings without English: {missing[:20]}"
    assert "#, fuzzy" not in text, "fuzzy entries are not used by Django: review them"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_catalogue_holds_every_string_of_the_source(tmp_path):
    """Re-extract the strings into a scratch copy and compare the msgids."""
    scratch = tmp_path / "repo"
    shutil.copytree(ROOT / "anjian", scratch / "anjian", ignore=shutil.ignore_patterns("static"))
    shutil.copy(ROOT / "manage.py", scratch / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=scratch,
        check=True,
        capture_output=True,
    )
    fresh = _entries((scratch / CATALOGUE.relative_to(ROOT)).read_text(encoding="utf-8"))
    current = _entries(CATALOGUE.read_text(encoding="utf-8"))
    new = sorted(set(fresh) - set(current))
    assert not new, f"run `make translations`: {len(new)} new strings, e.g. {new[:10]}"
