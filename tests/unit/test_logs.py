import json
import logging

from newswire.service.logs import JsonFormatter, TextFormatter


def record(**extra) -> logging.LogRecord:
    rec = logging.LogRecord("newswire.service.consumer", logging.WARNING, __file__, 1, "write failed", None, None)
    rec.__dict__.update(extra)
    return rec


def test_json_lines_carry_level_event_and_kafka_coordinates():
    line = JsonFormatter().format(record(event="produce_error", topic="articles.raw", partition=3, offset=42,
                                         article_id="25412c14105184c1", error_type="KafkaTimeoutError"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "warning" and entry["message"] == "write failed"
    assert (entry["event"], entry["topic"], entry["partition"], entry["offset"]) == ("produce_error", "articles.raw", 3, 42)
    assert entry["article_id"] == "25412c14105184c1" and entry["ts"].endswith("+00:00")


def test_json_keeps_arabic_readable():
    entry = JsonFormatter().format(record(event="x", reason="ليس JSON"))
    assert "ليس" in entry


def test_text_lines_are_readable():
    line = TextFormatter().format(record(event="rewind", partition=1))
    assert "WARNING" in line and "write failed" in line and "event=rewind" in line and "partition=1" in line
