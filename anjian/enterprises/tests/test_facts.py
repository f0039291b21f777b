"""The facts registry: providers answer for the ids asked, and facts_of merges them."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from anjian.enterprises import facts


@pytest.fixture
def providers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts, "_PROVIDERS", {})

    def installations(ids: Collection[int] | None) -> dict[int, str]:
        held = {1: "2", 3: "1"}
        return {k: v for k, v in held.items() if ids is None or k in ids}

    def dangers(ids: Collection[int] | None) -> dict[int, str]:
        held = {3: "4"}
        return {k: v for k, v in held.items() if ids is None or k in ids}

    facts.register(facts.FactProvider(facts.MAJOR_HAZARD_INSTALLATION, "i", installations))
    facts.register(facts.FactProvider(facts.OPEN_MAJOR_DANGER, "d", dangers))


@pytest.mark.usefixtures("providers")
def test_facts_of_merges_the_providers_for_the_ids_asked() -> None:
    assert facts.facts_of([1, 2, 3]) == {
        1: {facts.MAJOR_HAZARD_INSTALLATION: "2"},
        3: {facts.MAJOR_HAZARD_INSTALLATION: "1", facts.OPEN_MAJOR_DANGER: "4"},
    }
    assert facts.facts_of([2]) == {}
    assert set(facts.facts_of(None)) == {1, 3}


@pytest.mark.usefixtures("providers")
def test_a_provider_registered_again_replaces_the_first() -> None:
    facts.register(facts.FactProvider(facts.OPEN_MAJOR_DANGER, "d", lambda ids: {}))
    assert facts.facts_of(None) == {
        1: {facts.MAJOR_HAZARD_INSTALLATION: "2"},
        3: {facts.MAJOR_HAZARD_INSTALLATION: "1"},
    }
