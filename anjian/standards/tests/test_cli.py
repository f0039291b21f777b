"""``python -m anjian.standards``: JSON in, JSON out, exit status 2 on bad input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from anjian.standards.__main__ import main

ROOT = Path(__file__).resolve().parents[3]


def run(topic: str, text: str) -> tuple[int, object]:
    out = io.StringIO()
    status = main([topic], io.StringIO(text), out)
    return status, json.loads(out.getvalue()) if status == 0 else None


def test_gb18218_topic() -> None:
    text = '{"items": [{"quantity_t": 0.1, "category": "W5.1"}, {"quantity_t": 9.9, '
    text += '"category": "W5.1"}], "exposed_people": 0}'
    status, result = run("gb18218", text)
    assert status == 0
    assert isinstance(result, dict)
    assert (result["s"], result["is_major"], result["r"], result["level"]) == ("1", True, "0.75", 4)


@pytest.mark.parametrize(
    ("topic", "text", "key", "value"),
    [
        ("lec", '{"l": 3, "e": 6, "c": 7}', "level", "moderate"),
        ("ls", '{"l": 4, "s": 5}', "colour", "red"),
        (
            "accident",
            '{"deaths": 30, "serious_injuries": 0, "direct_loss_yuan": 0}',
            "grade",
            "extraordinarily_serious",
        ),
        (
            "safety_fund",
            '{"industry": "fireworks", "base_yuan": "20000000"}',
            "required_yuan",
            "700000.00",
        ),
        (
            "safety_fund_output",
            '{"industry": "coal_open_pit", "quantity": 10}',
            "required_yuan",
            "50.00",
        ),
        ("training", '{"role": "principal", "high_risk": true}', "initial", 48),
        ("certificate", '{"issued_on": "2024-01-15"}', "expires_on", "2030-01-15"),
        ("emergency", '{"plan_type": "on_site", "key_unit": false}', "max_interval_months", 6),
    ],
)
def test_topics(topic: str, text: str, key: str, value: object) -> None:
    status, result = run(topic, text)
    assert status == 0 and isinstance(result, dict) and result[key] == value


def test_accident_dates_and_criteria() -> None:
    status, result = run(
        "accident",
        '{"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": "0", '
        '"occurred_on": "2024-05-01", "road_traffic_or_fire": true}',
    )
    assert status == 0 and isinstance(result, dict)
    assert result["supplementary_report_until"] == "2024-05-08"
    status, result = run("criteria", '{"scope": "confined_space"}')
    assert status == 0 and isinstance(result, dict) and len(result["criteria"]) == 2


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("lec", '{"l": 7, "e": 6, "c": 7}'),
        ("lec", "{not json"),
        ("lec", "[1, 2, 3]"),
        ("lec", '{"l": 3}'),
        ("gb18218", '{"items": [{"quantity_t": -1, "name": "氨"}], "exposed_people": 0}'),
        ("gb18218", '{"items": [{"quantity_t": 1, "cas": "64-19-7"}], "exposed_people": 0}'),
        ("gb18218", '{"items": [{"quantity_t": 1, "name": "氨"}], "exposed_people": -1}'),
        ("accident", '{"deaths": -1, "serious_injuries": 0, "direct_loss_yuan": 0}'),
        ("safety_fund", '{"industry": "bakery", "base_yuan": 1}'),
        ("training", '{"role": "principal", "high_risk": "yes"}'),
        ("no_such_topic", "{}"),
    ],
)
def test_bad_input_exits_2(topic: str, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([topic], io.StringIO(text), io.StringIO()) == 2
    assert capsys.readouterr().err.strip()


def test_module_runs_as_a_program() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "anjian.standards", "ls"],
        input='{"l": 3, "s": 3}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["level"] == "moderate"
    completed = subprocess.run(
        [sys.executable, "-m", "anjian.standards", "ls"],
        input='{"l": 9, "s": 3}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 2 and "1, 2, 3, 4, 5" in completed.stderr
