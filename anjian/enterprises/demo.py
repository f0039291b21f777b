"""Demo enterprises: a deterministic registry across every town and industry section.

``load_demo --enterprises N`` (default 2,000; 100,000 for the benchmarks). Codes carry valid
GB 32100-2015 check characters (and GB 11714 organisation-code check digits), locations fall
inside the city's boundary, categories follow the industries (:mod:`categories`). Enterprise
number *i* < 21 lies in the *i*-th town by code, so the demo accounts' enterprises (numbers 0
and 1) are in the demo towns ``town_a`` and ``town_b``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from anjian.accounts.demo import demo_account, expert_period
from anjian.core.democity import DemoContext
from anjian.core.roles import Role
from anjian.enterprises.categories import CategoryIndex
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.credit_code import check_character
from anjian.enterprises.geo import city_shape
from anjian.enterprises.models import Enterprise, name_initials
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Grid, Industry, Town

_BATCH = 2000
_TRADE_CHARS = (
    "鑫瑞华泰恒源盛丰隆宏兴达昌荣金永昊德润祥龙鼎嘉安康宇晟"
    + "伟诚信和福通旺佳利汇振弘远晨阳光明海天正元宝峰"
)
_SUFFIXES = ("有限公司", "有限公司", "有限责任公司", "股份有限公司", "厂")
_SURNAMES = "王李张刘陈杨黄赵孙周吴徐马胡朱郭何高林罗郑梁宋谢唐韩曹许邓冯"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰"
_INSURERS = ("中国人民财产保险", "中国平安财产保险", "中华联合财产保险", "太平洋财产保险")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SECTION_WEIGHT = {"C": 6, "B": 2, "E": 2, "F": 2, "G": 2, "H": 1}


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


def _industry_word(name: str) -> str:
    for cut in ("制造", "服务", "业", "活动"):
        name = name.removesuffix(cut)
    return name[:8]


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
    shape = world["shape"]
    while True:
        lng = round(rng.uniform(shape.min_x, shape.max_x), 6)
        lat = round(rng.uniform(shape.min_y, shape.max_y), 6)
        if shape.contains(lng, lat):
            break
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
    world = {
        "towns": list(Town.objects.order_by("code")),
        "industries": classes,
        "weights": [_SECTION_WEIGHT.get(i.section, 1) for i in classes],
        "sections": list(sections.values()),
        "grids": grids,
        "shape": shape,
        "today": date(2026, 1, 1),
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
        category_through.objects.bulk_create(categories, batch_size=5000)
        department_through.objects.bulk_create(departments, batch_size=5000)
    return f"{len(specs)} enterprises created ({count} requested)"
