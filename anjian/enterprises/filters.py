"""The registry's list filters, shared by the page, the export, the map, the dossier ZIP and
the API: one parser, so a filtered list exports and maps exactly as it shows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q

from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.models import Enterprise, EnterpriseQuerySet, Licence
from anjian.orgs.models import Grid, Town

__all__ = ["CATEGORY_PATTERN", "GRADES", "LICENCE_STATES", "EnterpriseFilter"]

# A key category's key, or its id (at most 18 digits: any such number fits the databases'
# 64-bit integers, a longer one was a 500).
CATEGORY_PATTERN = r"^(\d{1,18}|[a-z][a-z0-9_]{1,59})?$"
_CATEGORY = re.compile(CATEGORY_PATTERN)
# ``licence``: an enterprise with a licence expiring within the warning days, or expired.
LICENCE_STATES = ("expiring", "expired")
# ``grade``: a standardisation grade, or ``none`` for an enterprise without one.
GRADES = tuple(grade or "none" for grade in StandardisationGrade.values)


@dataclass(frozen=True)
class EnterpriseFilter:
    town: str = ""  # town code
    industry: str = ""  # GB/T 4754-2017 code at any level (prefix) or section letter
    category: str = ""  # key category key (key_categories.csv), or its id
    status: str = ""
    licence: str = ""  # "expiring" or "expired"
    grade: str = ""  # standardisation grade "1", "2", "3", or "none"
    grid: str = ""  # grid code
    q: str = ""  # name, pinyin initials or credit code

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> EnterpriseFilter:
        def get(key: str) -> str:
            return str(params.get(key) or "").strip()[:100]

        status = get("status")
        category = get("category")
        licence = get("licence")
        grade = get("grade")
        return cls(
            town=get("town"),
            industry=get("industry"),
            category=category if _CATEGORY.match(category) else "",
            status=status if status in EnterpriseStatus.values else "",
            licence=licence if licence in LICENCE_STATES else "",
            grade=grade if grade in GRADES else "",
            grid=get("grid"),
            q=get("q"),
        )

    def apply(self, queryset: EnterpriseQuerySet) -> EnterpriseQuerySet:
        """Narrow an (already scoped) queryset.

        ``town``, ``status`` and a category key must stay plain parameters of the SQL: the API
        list keeps its SQL text per filter shape (:mod:`anjian.enterprises.listing`)."""
        if self.town:
            # A subquery, not a join: the list's count can then read the town tally.
            queryset = queryset.filter(town__in=Town.objects.filter(code=self.town).values("pk"))
        if self.industry:
            if self.industry.isalpha():
                queryset = queryset.filter(industry__section=self.industry.upper())
            else:
                queryset = queryset.filter(industry__code__startswith=self.industry)
        if self.category:
            through = Enterprise.categories.through.objects.filter(
                Q(supervisioncategory_id=int(self.category))
                if self.category.isdigit()
                else Q(supervisioncategory__key=self.category)
            ).values("enterprise_id")
            queryset = queryset.filter(pk__in=through)
        if self.licence:
            licences = Licence.objects.all()
            licences = licences.expiring() if self.licence == "expiring" else licences.expired()
            queryset = queryset.filter(pk__in=licences.values("enterprise_id"))
        if self.status:
            queryset = queryset.filter(status=self.status)
        if self.grade:
            queryset = queryset.filter(standardisation_grade=self.grade.replace("none", ""))
        if self.grid:
            queryset = queryset.filter(grid__in=Grid.objects.filter(code=self.grid).values("pk"))
        if self.q:
            queryset = queryset.search(self.q)
        return queryset

    def params(self) -> dict[str, str]:
        """The filters that are set, by name (hidden inputs of a form on the current list)."""
        return {k: v for k, v in asdict(self).items() if v}

    def query_string(self) -> str:
        return urlencode(self.params())

    @property
    def active(self) -> bool:
        return any(asdict(self).values())
