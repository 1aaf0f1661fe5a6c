"""The CLI as a user runs it: a real subprocess, real exit codes, real stderr."""

import json
import os
import subprocess
import sys
import time

from newswire.service.ports import free_port
from tests.conftest import DATA, REPO, SEED

NEWSWIRE = [sys.executable, "-m", "newswire.service.cli"]


def run(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSWIRE, *args], capture_output=True, timeout=timeout, cwd=REPO,
                          env={**os.environ, **(env or {})})


def test_enrich_prints_one_json_article_per_line():
    proc = run("enrich", str(SEED), str(DATA / "articles.jsonl"))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 6
    first = json.loads(lines[0])
    assert first["title"] == "حماس تبحث مع موسكو سبل وقف حرب غزة"
    assert first["enrichment"]["language"] == "ar" and first["enrichment"]["direction"] == "rtl"
    assert "حماس".encode() in proc.stdout.splitlines()[0]  # no ASCII escaping


def test_enrich_reports_bad_input_and_exits_non_zero():
    proc = run("enrich", str(DATA / "bad.jsonl"), "does-not-exist.txt")
    assert proc.returncode == 1
    assert len(proc.stdout.decode().splitlines()) == 2  # the two good lines still come out
    errors = proc.stderr.decode().splitlines()
    assert errors == [
        f"newswire enrich: {DATA / 'bad.jsonl'}:2: not JSON: unexpected control character in string: line 1 column 18 (char 17)",
        f"newswire enrich: {DATA / 'bad.jsonl'}:3: body: Field required",
        "newswire enrich: does-not-exist.txt: no such file, folder or http(s) URL",
    ]


def test_enrich_keeps_input_order_across_chunks_with_failures_between(tmp_path):
    """More lines than one enrichment chunk (64), a bad line and an article with nothing
    left after its markup is removed among them: every good article comes out once, in
    input order, and each failure is one line on stderr."""
    lines = [json.dumps({"title": f"Article number {i}", "body": f"The council met on day {i} to discuss the harbour budget."})
             for i in range(150)]
    lines[70] = "{not json"
    lines[100] = json.dumps({"title": "<b></b>", "body": "<script>x</script>"})
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("enrich", str(path))
    assert proc.returncode == 1
    titles = [json.loads(line)["title"] for line in proc.stdout.decode().splitlines()]
    assert titles == [f"Article number {i}" for i in range(150) if i not in (70, 100)]
    errors = proc.stderr.decode().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"newswire enrich: {path}:71: not JSON")
    assert errors[1] == f"newswire enrich: {path}: nothing is left of the title or body after removing markup"


def test_produce_without_a_broker_is_one_line_and_non_zero_in_bounded_time():
    started = time.monotonic()
    proc = run("produce", str(SEED), "--bootstrap-servers", f"127.0.0.1:{free_port()}", "--connect-timeout", "3",
               timeout=30)
    elapsed = time.monotonic() - started
    assert proc.returncode == 69
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newswire: cannot reach Kafka at 127.0.0.1:"), lines
    assert "Traceback" not in proc.stderr.decode()
    assert elapsed < 20


def test_bad_setting_is_one_line():
    proc = run("enrich", str(SEED), env={"NEWSWIRE_METRICS_PORT": "not-a-port"})
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "newswire: invalid setting metrics_port: Input should be a valid integer, unable to parse string as an integer"
    ]


def test_processes_must_be_at_least_one():
    proc = run("consume", "--processes", "0")
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        "newswire: invalid setting processes: Input should be greater than or equal to 1"
    ]


def test_child_processes_get_consecutive_metrics_ports():
    from newswire.service.settings import Settings
    from newswire.service.supervisor import child_settings

    parent = Settings(processes=3, metrics_port=9300)
    children = [child_settings(parent, i) for i in range(3)]
    assert [c.metrics_port for c in children] == [9300, 9301, 9302]
    assert {c.processes for c in children} == {1}
    assert child_settings(Settings(processes=2, metrics_port=0), 1).metrics_port == 0  # any free port


def test_schemas_check_passes_on_the_repository():
    proc = run("schemas", "check", "--dir", str(REPO / "schemas"))
    assert proc.returncode == 0, proc.stderr


def test_schemas_export_writes_files(tmp_path):
    proc = run("schemas", "export", "--out", str(tmp_path))
    assert proc.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dead-letter.schema.json", "enriched-article.schema.json", "page.schema.json", "raw-article-input.schema.json",
        "raw-article.schema.json"]


def test_bad_settings_give_one_line_and_exit_2():
    for env in ({"NEWSWIRE_LOG_LEVEL": "LOUD"}, {"NEWSWIRE_DEFAULT_TIMEZONE": "Mars/Olympus"}):
        proc = run("enrich", str(SEED), env=env)
        assert proc.returncode == 2, proc.stderr
        [line] = proc.stderr.decode().splitlines()
        assert line.startswith("newswire: invalid setting ") and "Traceback" not in line


def test_default_timezone_applies_to_files(tmp_path):
    path = tmp_path / "cms.jsonl"
    path.write_text('{"title": "A", "body": "Talks resumed.", "published_at": "2025-05-04T09:00:00"}\n')
    proc = run("enrich", str(path), env={"NEWSWIRE_DEFAULT_TIMEZONE": "Europe/Istanbul"})
    assert proc.returncode == 0, proc.stderr
    article = json.loads(proc.stdout)
    assert article["published_at"] == "2025-05-04T09:00:00+03:00"
    assert article["published_at_assumed_timezone"] == "Europe/Istanbul"
    assert article["enrichment"]["published_at_assumed_timezone"] == "Europe/Istanbul"


def test_watch_totals_count_skipped_articles():
    import threading

    from newswire.service.producer import Tally, watch

    stop = threading.Event()

    class Rescans:  # the Publisher's one method, reporting what each rescan found
        scans = [Tally(published=2, skipped=0), Tally(published=0, skipped=2, failed=1)]

        def publish(self, inputs):
            tally = self.scans.pop(0)
            if not self.scans:
                stop.set()  # the second rescan is the last
            return tally

    total = watch(Rescans(), ["x"], interval=0.01, stop=stop)  # type: ignore[arg-type]
    assert (total.published, total.skipped, total.failed) == (2, 2, 1)


def test_polling_usage_errors_are_one_line_and_exit_2(tmp_path):
    listing = tmp_path / "feeds.opml"
    listing.write_text('<opml version="2.0"><body><outline xmlUrl="javascript:alert(1)"/></body></opml>', encoding="utf-8")
    cases = {
        ("produce", "--watch", "30", "--pollers", "2", "--poller-index", "2", "http://127.0.0.1:9/feed"):
            "newswire: invalid settings: Value error, poller index 2 is not below the number of pollers 2",
        ("produce", "--watch", "30", "--feeds", str(tmp_path / "missing.opml")):
            f"newswire: {tmp_path / 'missing.opml'}: No such file or directory",
        ("produce", "--watch", "30", "--feeds", str(listing)):
            f"newswire: {listing}: feed 'javascript:alert(1)' is not an http(s) URL",
        ("produce", "--watch", "30"): "newswire: nothing to publish: give files, folders or URLs, or --feeds LIST",
    }
    for args, expected in cases.items():
        proc = run(*args, env={"NEWSWIRE_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"})
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.decode().splitlines() == [expected], args
