"""The hidden-danger list's filters, shared by the page and the API (same parameters)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.dangers.choices import OPEN_STATES, DangerSource, DangerState

STATUSES = ("open", "overdue", "closed")


@dataclass(frozen=True)
class DangerFilter:
    state: str = ""
    status: str = ""  # open, overdue, closed
    source: str = ""
    major: str = ""  # "1": major only, "0": general only
    listed: str = ""  # "1": under listed supervision
    town: str = ""  # town code
    enterprise: str = ""  # enterprise id
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DangerFilter:
        values = {f.name: str(params.get(f.name) or "").strip()[:100] for f in fields(cls)}
        if values["state"] not in DangerState.values:
            values["state"] = ""
        if values["status"] not in STATUSES:
            values["status"] = ""
        if values["source"] not in DangerSource.values:
            values["source"] = ""
        if values["major"] not in ("0", "1"):
            values["major"] = ""
        if values["listed"] != "1":
            values["listed"] = ""
        if not values["enterprise"].isdigit() or len(values["enterprise"]) > 18:
            values["enterprise"] = ""
        return cls(**values)

    @property
    def params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def query_string(self) -> str:
        return urlencode(self.params)

    def apply(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.state:
            rows = rows.filter(state=self.state)
        if self.status == "open":
            rows = rows.filter(state__in=OPEN_STATES)
        elif self.status == "overdue":
            rows = rows.filter(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        elif self.status == "closed":
            rows = rows.filter(state=DangerState.CLOSED_OUT)
        if self.source:
            rows = rows.filter(source=self.source)
        if self.major:
            rows = rows.filter(is_major=self.major == "1")
        if self.listed:
            rows = rows.filter(listings__state="listed")
        if self.town:
            rows = rows.filter(town__code=self.town)
        if self.enterprise:
            rows = rows.filter(enterprise_id=int(self.enterprise))
        if self.q:
            rows = rows.filter(
                Q(description__contains=self.q)
                | Q(place__contains=self.q)
                | Q(enterprise__name__contains=self.q)
            )
        return rows
