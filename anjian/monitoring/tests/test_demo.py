"""The demo city's installations: every grade, the demo accounts' enterprises covered."""

import pytest

from anjian.accounts import demo as accounts_demo
from anjian.core.democity import DemoContext
from anjian.enterprises import demo as enterprises_demo
from anjian.monitoring import demo
from anjian.monitoring.models import Installation, Reading, Sensor

pytestmark = pytest.mark.django_db


def test_demo_installations_graded_at_every_level_and_idempotent() -> None:
    context = DemoContext(seed=7, options={"enterprises": 20})
    accounts_demo.build(context)
    enterprises_demo.build(context)
    assert demo.build(context).startswith("6 ")
    assert demo.build(context).startswith("0 ")
    levels = set(Installation.objects.values_list("level", flat=True))
    assert levels == {1, 2, 3, 4, None}
    account_enterprises = enterprises_demo.demo_codes(context, 2)
    for code in account_enterprises:
        assert Sensor.objects.filter(installation__enterprise__credit_code=code).exists()
    assert Reading.objects.count() == 6 * 3 * 60
