"""Demo enterprises: a deterministic registry across every town and industry section.

``load_demo --enterprises N`` (default 2,000; 100,000 for the benchmarks). Codes carry valid
GB 32100-2015 check characters (and GB 11714 organisation-code check digits), locations fall
inside the city's boundary within a few kilometres of their own town's approximate seat
(``orgs/data/town_seats.csv``: the reference data has no town boundaries), categories follow
the industries (:mod:`categories`). Enterprise number *i* < 21 lies in the *i*-th town by
code, so the demo accounts' enterprises (numbers 0 and 1) are in the demo towns ``town_a``
and ``town_b``.
"""

from __future__ import annotations

import csv
import math
import random
import re
import zlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from anjian.accounts.demo import demo_account, expert_period
from anjian.core.democity import DemoContext
from anjian.core.roles import Role
from anjian.enterprises.categories import CategoryIndex
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.credit_code import check_character
from anjian.enterprises.geo import CityShape, city_shape
from anjian.enterprises.models import Enterprise, Licence, name_initials
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Grid, Industry, Town
from anjian.orgs.services import APP_DATA_DIR

_BATCH = 2000
_TRADE_CHARS = (
    "鑫瑞华泰恒源盛丰隆宏兴达昌荣金永昊德润祥龙鼎嘉安康宇晟"
    + "伟诚信和福通旺佳利汇振弘远晨阳光明海天正元宝峰"
)
_SUFFIXES = ("有限公司", "有限公司", "有限责任公司", "股份有限公司", "厂")
# Licence kinds of the demo by industry division (other divisions: the work-safety licence).
_LICENCE_KINDS = {
    "25": "危险化学品安全生产许可证",
    "26": "危险化学品安全生产许可证",
    "51": "危险化学品经营许可证",
    "52": "危险化学品经营许可证",
    "47": "建筑施工企业安全生产许可证",
    "54": "道路运输经营许可证",
}
_SURNAMES = "王李张刘陈杨黄赵孙周吴徐马胡朱郭何高林罗郑梁宋谢唐韩曹许邓冯"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"
_INSURERS = ("中国人民财产保险", "中国平安财产保险", "中华联合财产保险", "太平洋财产保险")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SECTION_WEIGHT = {"C": 6, "B": 2, "E": 2, "F": 2, "G": 2, "H": 1}
# Demo enterprises lie within this distance of their town's approximate seat.
SEAT_RADIUS_KM = 3.0
_KM_PER_DEGREE = 111.32


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check digit."""
    body = "MA" + "".join(rng.choice(_ORG_CHARS) for _ in range(6))
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(rng: random.Random) -> str:
    """A unified social credit code of an enterprise registered in Tengzhou (91 370481 …)."""
    first17 = "91370481" + _org_code(rng)
    return first17 + check_character(first17)


def demo_codes(context: DemoContext, count: int) -> list[str]:
    """The credit codes of the first ``count`` demo enterprises (the demo accounts use them)."""
    rng = context.rng("enterprises")
    return [_spec(rng, number, None)["credit_code"] for number in range(count)]


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


_WORD_BREAKS = re.compile(r"[、，,（(]|和|及|与")
_GENERIC_ENDINGS = ("制造", "服务", "业", "活动")


def _industry_word(name: str) -> str:
    """The trade word a company name takes from its industry: the name's first part (before
    "、", "和", "及", …) without a qualifier or a generic ending. Never cut at a fixed length, which
    stopped names mid-word (服务平有限公司)."""
    word = _WORD_BREAKS.split(name.removeprefix("其他"), maxsplit=1)[0]
    for ending in _GENERIC_ENDINGS:
        word = word.removesuffix(ending)
    return word or name


def _demo_licence(enterprise: Enterprise, industry: Industry, today: date) -> Licence | None:
    """A licence for one enterprise in three, its kind following the industry, its validity
    spread over the years around ``today`` (some expired, some about to expire). Drawn from the
    credit code, not the generator, so that the enterprises' own fields stay as they were."""
    draw = zlib.crc32(enterprise.credit_code.encode())
    if draw % 3:
        return None
    kind = _LICENCE_KINDS.get(industry.code[:2], "安全生产许可证")
    issued = today - timedelta(days=draw % 1200)
    return Licence(
        enterprise=enterprise,
        kind=kind,
        # The credit code's organisation part keeps the numbers unique, as the register needs.
        number=f"（鲁）WH安许证字〔{issued.year}〕{enterprise.credit_code[-10:]}",
        issuer="枣庄市应急管理局",
        issued_on=issued,
        expires_on=issued + timedelta(days=3 * 365),
    )


def town_seats() -> dict[str, tuple[float, float]]:
    """Approximate seats of the towns by code (``orgs/data/town_seats.csv``; see its README:
    estimated, for demo placement only, until town boundaries are obtained)."""
    with (APP_DATA_DIR / "town_seats.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(handle)
        }


def _point(
    rng: random.Random, shape: CityShape, seat: tuple[float, float] | None
) -> tuple[float, float]:
    """A point inside the city: within ``SEAT_RADIUS_KM`` of the town's seat when it has one."""
    while True:
        if seat is None:
            lng = rng.uniform(shape.min_x, shape.max_x)
            lat = rng.uniform(shape.min_y, shape.max_y)
        else:
            distance = SEAT_RADIUS_KM * math.sqrt(rng.random())
            angle = rng.uniform(0, 2 * math.pi)
            lat = seat[1] + distance * math.sin(angle) / _KM_PER_DEGREE
            lng = seat[0] + distance * math.cos(angle) / (
                _KM_PER_DEGREE * math.cos(math.radians(seat[1]))
            )
        lng, lat = round(lng, 6), round(lat, 6)
        if shape.contains(lng, lat):
            return lng, lat


def _spec(rng: random.Random, number: int, world: dict[str, Any] | None) -> dict[str, Any]:
    """Enterprise ``number``'s fields; draws the same random numbers whatever ``world`` is."""
    code = demo_credit_code(rng)
    spec: dict[str, Any] = {"credit_code": code}
    if world is None:
        rng.random()
        return spec
    rng = random.Random(rng.random())  # everything else from a generator of its own
    trade = "".join(rng.choice(_TRADE_CHARS) for _ in range(2))
    suffix = rng.choice(_SUFFIXES)
    pick_town = rng.random()
    people = (_person(rng), _person(rng), _person(rng), _phone(rng), _phone(rng))
    employees = int(rng.lognormvariate(3.3, 1.1)) + 3
    status_roll, grade_roll, insured_roll = rng.random(), rng.random(), rng.random()
    towns, industries, weights = world["towns"], world["industries"], world["weights"]
    town = towns[number] if number < len(towns) else towns[int(pick_town * len(towns))]
    if number < len(world["sections"]):
        industry = world["sections"][number]
    else:
        industry = rng.choices(industries, weights=weights)[0]
    lng, lat = _point(rng, world["shape"], world["seats"].get(town.pk))
    grids = world["grids"].get(town.pk, [])
    revenue = Decimal(employees * rng.randint(20, 80)).quantize(Decimal("0.01"))
    status = (
        EnterpriseStatus.CLOSED
        if status_roll < 0.03
        else EnterpriseStatus.SUSPENDED
        if status_roll < 0.08
        else EnterpriseStatus.OPERATING
    )
    grade = (
        StandardisationGrade.GRADE_2
        if grade_roll < 0.1
        else StandardisationGrade.GRADE_3
        if grade_roll < 0.45
        else StandardisationGrade.NONE
    )
    today = world["today"]
    spec.update(
        name=f"滕州市{trade}{_industry_word(industry.name)}{suffix}",
        address=f"山东省滕州市{town.name}{rng.randint(1, 300)}号",
        longitude=lng,
        latitude=lat,
        town_id=town.pk,
        grid_id=grids[number % len(grids)] if grids else None,
        industry=industry,
        employees=employees,
        annual_revenue=revenue,
        above_designated_size=revenue >= 2000,
        legal_representative=people[0],
        principal=people[1],
        principal_phone=people[3],
        safety_manager=people[2],
        safety_manager_phone=people[4],
        status=status,
        standardisation_grade=grade,
        standardisation_expires=today + timedelta(days=int(grade_roll * 1000)) if grade else None,
        insurance_insurer=_INSURERS[int(insured_roll * 4)] if insured_roll < 0.7 else "",
        insurance_expires=today + timedelta(days=int(insured_roll * 500))
        if insured_roll < 0.7
        else None,
    )
    return spec


def build(context: DemoContext) -> str:
    """The demo enterprises, then the demo accounts bound to them."""
    summary = _build_enterprises(context)
    accounts = _demo_accounts(context)
    return f"{summary}; {accounts} enterprise and expert demo accounts created"


def _demo_accounts(context: DemoContext) -> int:
    """Two enterprise users in different towns (town_a's and town_b's) and an expert assigned
    to the first enterprise for a year from a month ago."""
    enterprise_a, enterprise_b = demo_codes(context, 2)
    specs = [
        ("enterprise_a", "企业A安全管理员", Role.ENTERPRISE, enterprise_a),
        ("enterprise_b", "企业B安全管理员", Role.ENTERPRISE, enterprise_b),
        ("expert", "安全专家演示用户", Role.EXPERT, enterprise_a),
    ]
    created = sum(demo_account(*spec) for spec in specs)
    expert_period()
    return created


def _build_enterprises(context: DemoContext) -> str:
    """At least ``--enterprises`` (default 2,000) enterprises; a second run adds none."""
    count = int(context.options.get("enterprises") or 2000)
    shape = city_shape()
    if shape is None:
        return "no city boundary loaded; skipped"
    classes = list(Industry.objects.filter(level=IndustryLevel.CLASS).order_by("code"))
    sections: dict[str, Industry] = {}
    for industry in classes:
        sections.setdefault(industry.section, industry)
    grids: dict[int, list[int]] = {}
    for pk, town_id in Grid.objects.order_by("code").values_list("pk", "town_id"):
        grids.setdefault(town_id, []).append(pk)
    today = date(2026, 1, 1)
    towns = list(Town.objects.order_by("code"))
    seats = town_seats()
    world = {
        "towns": towns,
        "seats": {town.pk: seats[town.code] for town in towns if town.code in seats},
        "industries": classes,
        "weights": [_SECTION_WEIGHT.get(i.section, 1) for i in classes],
        "sections": list(sections.values()),
        "grids": grids,
        "shape": shape,
        "today": today,
    }
    category_index = CategoryIndex()
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    rng = context.rng("enterprises")
    specs = []
    seen_names: set[str] = set()
    for number in context.progress(range(count), "企业"):
        spec = _spec(rng, number, world)
        while spec["name"] in seen_names:
            spec["name"] = spec["name"].replace("滕州市", f"滕州市{_TRADE_CHARS[number % 50]}", 1)
        seen_names.add(spec["name"])
        if spec["credit_code"] not in existing:
            existing.add(spec["credit_code"])
            specs.append(spec)
    index = DepartmentIndex()
    category_through = Enterprise.categories.through
    department_through = Enterprise.departments.through
    for start in range(0, len(specs), _BATCH):
        batch = specs[start : start + _BATCH]
        objects = []
        for spec in batch:
            values = {k: v for k, v in spec.items() if k != "industry"}
            objects.append(
                Enterprise(
                    **values,
                    industry_id=spec["industry"].pk,
                    name_initials=name_initials(spec["name"]),
                )
            )
        Enterprise.objects.bulk_create(objects)
        categories, departments = [], []
        for enterprise, spec in zip(objects, batch, strict=True):
            industry = spec["industry"]
            for category_id in category_index.ids_for(industry.code):
                categories.append(
                    category_through(
                        enterprise_id=enterprise.pk, supervisioncategory_id=category_id
                    )
                )
            for department_id in index.for_industry(industry.code, industry.section):
                departments.append(
                    department_through(enterprise_id=enterprise.pk, department_id=department_id)
                )
        Licence.objects.bulk_create(
            licence
            for enterprise, spec in zip(objects, batch, strict=True)
            if (licence := _demo_licence(enterprise, spec["industry"], today))
        )
        category_through.objects.bulk_create(categories, batch_size=5000)
        department_through.objects.bulk_create(departments, batch_size=5000)
    return f"{len(specs)} enterprises created ({count} requested)"
