"""The city's key supervision categories: loaded beside the regulators' lists, by stable key."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from anjian.enterprises.categories import suggested_category_keys
from anjian.orgs.models import KEY_LIST, SupervisionCategory
from anjian.orgs.services import APP_DATA_DIR, load_key_categories

pytestmark = pytest.mark.django_db

ISSUE_CATEGORIES = {
    "危险化学品生产", "危险化学品储存", "危险化学品使用", "危险化学品经营", "涉氨制冷", "粉尘涉爆",
    "有限空间作业", "金属冶炼", "烟花爆竹", "非煤矿山", "建筑施工", "道路运输", "人员密集场所",
}  # fmt: skip


def test_key_list_is_loaded_beside_the_regulators_lists():
    names = set(SupervisionCategory.objects.key_list().values_list("name", flat=True))
    assert names >= ISSUE_CATEGORIES
    assert (
        SupervisionCategory.objects.exclude(list_id=KEY_LIST).filter(list_id="gongmao_8").count()
        == 8
    )
    assert SupervisionCategory.objects.get(list_id="gongmao_8", order=4).key == "gongmao_8:4"


def test_every_row_has_a_legal_basis_and_unsure_ones_are_marked():
    with (APP_DATA_DIR / "key_categories.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["legal_basis"].startswith("《"), row["key"]
        assert row["legal_article"], row["key"]


def test_reload_by_key_survives_reordering(tmp_path: Path):
    before = dict(SupervisionCategory.objects.key_list().values_list("key", "pk"))
    source = (APP_DATA_DIR / "key_categories.csv").read_text(encoding="utf-8").splitlines()
    header, first, second, *rest = source
    swapped = [header, second.replace(",2,", ",1,", 1), first.replace(",1,", ",2,", 1), *rest]
    path = tmp_path / "key_categories.csv"
    path.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    load_key_categories(path)
    after = dict(SupervisionCategory.objects.key_list().values_list("key", "pk"))
    assert after == before
    assert SupervisionCategory.objects.get(key="whp_storage").order == 1


def test_unknown_industry_codes_are_refused(tmp_path: Path):
    path = tmp_path / "key_categories.csv"
    path.write_text(
        "key,order,name,legal_basis,legal_article,gbt4754_2017_indicative,note\n"
        "bogus,1,虚构,《x》,未核对/unchecked,9999,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="9999"):
        load_key_categories(path)


def test_industries_suggest_categories_indicatively():
    assert "whp_production" in suggested_category_keys("2614")
    assert "non_coal_mine" in suggested_category_keys("1011")
    assert suggested_category_keys("6510") == set()
