"""An installation's GB 18218 grade follows its inventories, computed by anjian.standards."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from anjian.enterprises.facts import MAJOR_HAZARD_INSTALLATION, facts_changed, facts_of
from anjian.monitoring import services
from anjian.monitoring.models import Inventory
from anjian.standards import gb18218


def test_grade_recomputed_when_an_inventory_changes(plant: Any, city: Any) -> None:
    assert (plant.is_major, plant.level) == (False, None)
    row = services.save_inventory(
        plant, {"name": "液氯", "max_quantity_t": Decimal(10)}, actor=city
    )
    plant.refresh_from_db()
    expected = gb18218.assess([gb18218.Item(10, name="液氯")], 40)
    assert plant.is_major and plant.level == expected.level
    assert plant.s == expected.s and plant.r == expected.r.quantize(Decimal("0.000001"))
    line = plant.calculation["lines"][0]
    assert line["threshold_t"] == "5" and line["ratio"] == "2" and line["beta"] == "4"
    assert plant.calculation["alpha"] == "1.2"
    services.save_inventory(plant, {"max_quantity_t": Decimal(1)}, actor=city, inventory=row)
    plant.refresh_from_db()
    assert (plant.is_major, plant.level) == (False, None)


def test_unknown_substance_is_refused_and_nothing_saved(plant: Any, city: Any) -> None:
    with pytest.raises(ValidationError, match="表1"):
        services.save_inventory(plant, {"name": "不存在的物质", "max_quantity_t": 1}, actor=city)
    assert not Inventory.objects.exists()


def test_fact_and_signal_follow_the_grade(plant: Any, city: Any) -> None:
    received: list[Any] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        kwargs.pop("signal")
        received.append(kwargs)

    facts_changed.connect(listener)
    try:
        services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 300}, actor=city)
    finally:
        facts_changed.disconnect(listener)
    assert received == [
        {"enterprise_ids": [plant.enterprise_id], "fact": MAJOR_HAZARD_INSTALLATION}
    ]
    plant.refresh_from_db()
    assert plant.level == 1
    assert facts_of([plant.enterprise_id])[plant.enterprise_id][MAJOR_HAZARD_INSTALLATION] == "1"


def test_deleting_the_inventory_ungrades(plant: Any, city: Any) -> None:
    row = services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 300}, actor=city)
    services.delete_inventory(row, actor=city)
    plant.refresh_from_db()
    assert plant.level is None


def test_enterprise_user_of_another_enterprise_cannot_add(plant: Any, town_b: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 3}, actor=town_b)
