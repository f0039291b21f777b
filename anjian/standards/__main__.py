"""Command line: ``python -m anjian.standards <topic> < input.json`` prints the result as JSON.

Topics and their input (numbers may be JSON numbers or strings; both are read exactly):

- ``gb18218``: ``{"items": [{"quantity_t": 10, "cas": "7664-41-7"}, …], "exposed_people": 0}``
- ``lec``: ``{"l": 3, "e": 6, "c": 7}``
- ``ls``: ``{"l": 4, "s": 5}`` (optional ``"bands"``: preset name or ``{"major":…}``)
- ``accident``: ``{"deaths": 3, "serious_injuries": 0, "direct_loss_yuan": "0"}``
  (optional ``"occurred_on": "2024-05-01"``, ``"road_traffic_or_fire": false``)
- ``safety_fund``: ``{"industry": "fireworks", "base_yuan": "15000000"}``
- ``safety_fund_output``: ``{"industry": "coal_open_pit", "quantity": "1000"}``
- ``training``: ``{"role": "principal", "high_risk": true}``
- ``certificate``: ``{"issued_on": "2024-01-15", "continuous_years": 0}``
- ``emergency``: ``{"plan_type": "on_site", "key_unit": false}``
- ``criteria``: ``{"scope": "dust_explosion"}`` or ``{"code": "HC2017-05"}``

Bad input (unknown topic, invalid JSON, a value the rule rejects) exits with status 2 and a
message on standard error.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from anjian.standards import (
    accident,
    emergency,
    gb18218,
    major_danger,
    risk,
    safety_fund,
    training,
)

__all__ = ["main"]

Json = dict[str, Any]


def _mapping(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError("input must be a JSON object / 输入应为 JSON 对象")
    return data


def _date(value: object, what: str) -> datetime.date:
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected a date YYYY-MM-DD / 应为日期")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{what}: expected a date YYYY-MM-DD, got {value!r} / 日期格式错误"
        ) from None


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false / 应为 true 或 false")
    return value


def _gb18218(data: Mapping[str, Any]) -> Json:
    raw_items = data["items"]
    if not isinstance(raw_items, Sequence) or isinstance(raw_items, str):
        raise ValueError("items: expected a list / items 应为列表")
    items = []
    for raw in raw_items:
        entry = _mapping(raw)
        unknown = set(entry) - {"quantity_t", "cas", "name", "category"}
        if unknown:
            raise ValueError(f"items: unknown keys {sorted(unknown)} / 未知字段")
        items.append(
            gb18218.Item(
                entry["quantity_t"], entry.get("cas"), entry.get("name"), entry.get("category")
            )
        )
    result = gb18218.assess(items, data["exposed_people"])
    return {
        "s": result.s,
        "is_major": result.is_major,
        "r": result.r,
        "level": result.level,
        "alpha": result.alpha,
        "lines": [
            {
                "label": basis.label,
                "threshold_t": line.threshold_t,
                "beta": line.beta,
                "ratio": line.ratio,
                "threshold_source": basis.threshold_source,
                "beta_source": basis.beta_source,
                "beta_status": basis.beta_status.value,
            }
            for line, basis in zip(result.lines, result.basis, strict=True)
        ],
    }


def _evaluation(evaluation: risk.Evaluation) -> Json:
    level = evaluation.level
    return {
        "score": evaluation.score,
        "level": level.value,
        "label_zh": level.label_zh,
        "label_en": level.label_en,
        "colour": level.colour,
    }


def _accident(data: Mapping[str, Any]) -> Json:
    result = accident.grade(data["deaths"], data["serious_injuries"], data["direct_loss_yuan"])
    authority = accident.investigating_authority(result)
    road_or_fire = _bool(data, "road_traffic_or_fire")
    out: Json = {
        "grade": result.value,
        "label_zh": result.label_zh,
        "label_en": result.label_en,
        "investigated_by": {"level": authority.level.value, "zh": authority.label_zh},
        "reporting_chain": [
            {
                "level": s.level.value,
                "within_hours": s.within_hours,
                "cumulative_hours": s.cumulative_hours,
            }
            for s in accident.reporting_chain(result)
        ],
        "supplementary_report_days": accident.supplementary_report_days(
            road_traffic_or_fire=road_or_fire
        ),
        "investigation_days": accident.INVESTIGATION_DAYS,
        "investigation_max_extension_days": accident.INVESTIGATION_MAX_EXTENSION_DAYS,
        "approval_days": accident.approval_days(result),
    }
    if "occurred_on" in data:
        day = _date(data["occurred_on"], "occurred_on")
        out["supplementary_report_until"] = accident.supplementary_report_until(
            day, road_traffic_or_fire=road_or_fire
        )
        out["investigation_due"] = accident.investigation_deadline(day)
    return out


def _safety_fund(data: Mapping[str, Any]) -> Json:
    rules = safety_fund.schedule(data["industry"])
    return {
        "industry": rules.key,
        "name_zh": rules.name_zh,
        "base": rules.base_zh,
        "required_yuan": safety_fund.amount(rules, data["base_yuan"]),
        "citation": rules.citation,
        "status": rules.status.value,
    }


def _certificate(data: Mapping[str, Any]) -> Json:
    issued = _date(data["issued_on"], "issued_on")
    interval = training.review_interval_years(
        data.get("continuous_years", 0), compliant=not _bool(data, "violations")
    )
    extended = interval == training.EXTENDED_REVIEW_INTERVAL_YEARS
    return {
        "expires_on": training.certificate_expiry(issued),
        "review_interval_years": interval,
        "review_dates": list(training.review_dates(issued, extended=extended)),
        "review_application_days": training.REVIEW_APPLICATION_DAYS,
    }


def _criteria(data: Mapping[str, Any]) -> Json:
    if "code" in data:
        found: Sequence[major_danger.Criterion] = (major_danger.criterion(data["code"]),)
    else:
        found = major_danger.criteria(
            data.get("scope"), data.get("document"), in_force_only=not _bool(data, "all")
        )
    return {
        "criteria": [
            {
                "code": c.code,
                "text": c.text,
                "scope": c.scope.key,
                "citation": c.citation,
                "status": c.status.value,
            }
            for c in found
        ]
    }


TOPICS: Mapping[str, Callable[[Mapping[str, Any]], Json]] = {
    "gb18218": _gb18218,
    "lec": lambda d: _evaluation(risk.lec(d["l"], d["e"], d["c"])),
    "ls": lambda d: _evaluation(risk.ls(d["l"], d["s"], d.get("bands"))),
    "accident": _accident,
    "safety_fund": _safety_fund,
    "safety_fund_output": lambda d: {
        "required_yuan": safety_fund.required_by_output(d["industry"], d["quantity"])
    },
    "training": lambda d: training.required_hours(
        d["role"], high_risk=_bool(d, "high_risk")
    )._asdict(),
    "certificate": _certificate,
    "emergency": lambda d: emergency.drill_requirement(
        d["plan_type"], key_unit=_bool(d, "key_unit")
    )._asdict(),
    "criteria": _criteria,
}


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {value!r}")


def main(
    argv: Sequence[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    """Run one topic on the JSON read from ``stdin``; return 0, or 2 on bad input."""
    args = list(sys.argv[1:] if argv is None else argv)
    source = sys.stdin if stdin is None else stdin
    sink = sys.stdout if stdout is None else stdout
    if len(args) != 1 or args[0] not in TOPICS:
        print(
            f"usage: python -m anjian.standards <topic> < input.json\ntopics: {', '.join(TOPICS)}",
            file=sys.stderr,
        )
        return 2
    try:
        data = _mapping(json.loads(source.read(), parse_float=Decimal))
        result = TOPICS[args[0]](data)
    except json.JSONDecodeError as error:
        print(f"error: invalid JSON: {error} / 输入不是合法 JSON", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"error: missing field {error} / 缺少字段", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    json.dump(result, sink, default=_default, ensure_ascii=False, indent=2)
    sink.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
