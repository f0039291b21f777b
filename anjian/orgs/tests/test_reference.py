import pytest
from django.conf import settings

from anjian.orgs.models import Boundary, Committee, Department, Grid, Industry, Town, TownRenaming
from anjian.orgs.services import DepartmentIndex, load_reference

pytestmark = pytest.mark.django_db


def test_tengzhou_has_21_towns_and_streets():
    assert Town.objects.count() == 21
    assert Town.objects.filter(kind="subdistrict").count() == 5
    assert Town.objects.get(code="370481001000").name == "荆河街道"


def test_dongshahe_renaming_is_history_not_a_22nd_town():
    town = Town.objects.get(code="370481005000")
    assert town.name == "东沙河街道"
    renaming = TownRenaming.objects.get(former_code="370481100000")
    assert (renaming.town, renaming.former_name, renaming.former_kind) == (town, "东沙河镇", "town")
    assert not Town.objects.filter(code="370481100000").exists()


def test_all_four_levels_of_the_industry_classification():
    counts = {
        level: Industry.objects.filter(level=level).count()
        for level in ("section", "division", "group", "class")
    }
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}
    cls = Industry.objects.get(code="2614")
    assert cls.parent.code == "261" and cls.parent.parent.code == "26"
    assert cls.parent.parent.parent.code == "C"


def test_departments_and_the_12_specialised_committees():
    assert Committee.objects.exclude(code="awh").count() == 12
    assert Department.objects.get(code="yjglj").industries.filter(code="26").exists()
    index = DepartmentIndex()
    codes = dict(Department.objects.values_list("pk", "code"))
    assert {codes[pk] for pk in index.for_industry("2614", "C")} >= {"yjglj", "gxj"}
    assert {codes[pk] for pk in index.for_industry("4710", "E")} == {"zjj"}


def test_boundaries_are_loaded_in_wgs84():
    city = Boundary.objects.get(code="370481000000")
    assert city.geojson["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_loading_again_changes_nothing():
    before = [
        m.objects.count() for m in (Town, TownRenaming, Industry, Department, Committee, Grid)
    ]
    load_reference(settings.SHARED_DATA_DIR)
    after = [m.objects.count() for m in (Town, TownRenaming, Industry, Department, Committee, Grid)]
    assert before == after


def test_every_town_gets_a_grid_layout():
    assert not Town.objects.filter(grids__isnull=True).exists()


def test_a_load_is_one_audit_record():
    from anjian.core.models import AuditLog

    before = AuditLog.objects.count()
    load_reference(settings.SHARED_DATA_DIR)
    summary = AuditLog.objects.order_by("-pk").first()
    assert AuditLog.objects.count() == before + 1
    assert summary.action == "import" and "reference data" in summary.detail


def test_missing_reference_data_says_where_it_is_read_from_and_what_to_do(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command("load_reference", data_dir=tmp_path / "nowhere")
    message = str(error.value)
    assert str(tmp_path / "nowhere" / "tengzhou_divisions.csv") in message
    for words in ("未找到参考数据", "../shared/data", "ANJIAN_SHARED_DATA", "Reference data not"):
        assert words in message
    assert "put the shared directory next to your clone" in message.lower()
