"""Hostile text through every create and update path, read back through every page, PDF and
export: nothing executes, nothing breaks, everything reads back as written.

The corpus, the machinery and how an app joins are in :mod:`anjian.core.hostile_testing`.
"""

from __future__ import annotations

import pytest

from anjian.core.hostile_testing import (
    World,
    WritePath,
    Written,
    corpus_for,
    discover,
    findings_in,
    refused_for,
)

pytestmark = pytest.mark.django_db

SETUPS, FACTORIES, READERS = discover()
PATH_NAMES = [path.name for factory in FACTORIES for path in factory(World())]

# Findings still open: (reader or path, corpus text) → what fixes them. Strict: a finding that
# is gone must leave this table (the test says which).
KNOWN: dict[tuple[str, str], str] = {}


def _world_and_path(name: str):
    world = World()
    for setup in SETUPS:
        setup(world)
    [path] = [p for factory in FACTORIES for p in factory(world) if p.name == name]
    return world, path


def _write(path: WritePath, text: str) -> Written:
    """The path's answer; an exception the test client re-raises counts as the 500 it is."""
    try:
        return path.write(text)
    except Exception:
        return Written(500)


def _report(findings: list[tuple[str, str, str]], expected: set[tuple[str, str]]) -> str:
    unknown = [
        f"{label} → {where}: {what}"
        for where, label, what in findings
        if (where, label) not in KNOWN
    ]
    seen = {(where, label) for where, label, _what in findings}
    gone = [f"{key} no longer fails: remove it from KNOWN" for key in expected - seen]
    return "\n".join(unknown + gone)


@pytest.mark.parametrize("name", PATH_NAMES)
def test_hostile_text_is_written_and_read_back_as_written(name):
    world, path = _world_and_path(name)
    findings: list[tuple[str, str, str]] = []
    corpus = corpus_for(path.limit, one_line=path.one_line)
    for label, text in corpus.items():
        written = _write(path, text)
        if written.status >= 400 or written.form_errors or written.obj is None:
            findings.append((path.name, label, f"refused ({written.status})"))
            continue
        stored = path.stored(written.obj)
        if any(value != text for value in stored):
            findings.append((path.name, label, f"stored {stored!r}, written {text!r}"))
        for reader in path.reads:
            reading = READERS[reader](world, written.obj)
            findings += [(reader, label, what) for what in findings_in(reading, text)]
    expected = {(r, label) for r in path.reads for label in corpus if (r, label) in KNOWN}
    report = _report(findings, expected)
    assert not report, report


@pytest.mark.parametrize("name", PATH_NAMES)
def test_what_must_be_refused_is_refused_cleanly(name):
    _world, path = _world_and_path(name)
    findings: list[tuple[str, str, str]] = []
    refused = refused_for(path.limit, one_line=path.one_line)
    for label, text in refused.items():
        written = _write(path, text)
        if written.status >= 500:
            findings.append((path.name, label, f"answered {written.status}"))
        elif written.status < 400 and not written.form_errors:
            findings.append((path.name, label, f"accepted ({written.status})"))
        if written.obj is not None and text in path.stored(written.obj):
            findings.append((path.name, label, "written"))
    expected = {(path.name, label) for label in refused if (path.name, label) in KNOWN}
    report = _report(findings, expected)
    assert not report, report


def test_every_reader_is_named_by_a_path():
    world = World()
    named = {reader for factory in FACTORIES for path in factory(world) for reader in path.reads}
    assert set(READERS) - named == set() and named - set(READERS) == set()
