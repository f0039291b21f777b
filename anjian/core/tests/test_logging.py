import json
import logging

from anjian.core.logging import JsonFormatter


def test_log_records_are_json_lines_with_extra_fields():
    record = logging.makeLogRecord(
        {
            "name": "anjian.dangers",
            "levelname": "WARNING",
            "msg": "隐患逾期 %s 天",
            "args": (3,),
            "danger_id": 42,
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "隐患逾期 3 天"
    assert entry["level"] == "WARNING" and entry["logger"] == "anjian.dangers"
    assert entry["danger_id"] == 42 and entry["time"].endswith("+00:00")


def test_exceptions_are_kept_in_one_line(caplog):
    try:
        raise ValueError("坏数据")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError: 坏数据" in json.loads(line)["exception"]
