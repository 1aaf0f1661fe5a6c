"""A real Prometheus (Debian's `prometheus` binary) scraping a real `newswire consume`
and a watching `newswire produce`, with the project's scrape jobs and alert rules.

Checks, through Prometheus's HTTP API, that the services are scraped, that articles
flow, that every PromQL expression of the Grafana dashboard and of the alert rules
evaluates (and that the dashboard's return data), and that the rules load healthy;
and lints both services' live /metrics with `promtool check metrics`.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import require_binary
from tests.integration.kafka_helpers import (
    REPO,
    ServiceProcess,
    TopicSet,
    free_port,
    http_get,
    produce_raw,
    wait_for_http,
)

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
LOCAL_CONFIG = PROMETHEUS_DIR / "prometheus.local.yml"
RULES = PROMETHEUS_DIR / "rules" / "newswire.yml"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "newswire.json"
SEEDS = REPO / "seeds"

SCRAPE_INTERVAL = "1s"
# The window for rate() in this test: several 1 s scrapes. Grafana's
# $__rate_interval is at least four scrape intervals; the same holds here.
RATE_WINDOW = "15s"
GRAFANA_VARIABLES = {
    "$__rate_interval": RATE_WINDOW,
    "${__rate_interval}": RATE_WINDOW,
    "$__interval": "2s",
    "${__interval}": "2s",
    "$__range": "1m",
    "${__range}": "1m",
}

# Dashboard queries that legitimately return nothing in this test, and why. Every
# other dashboard query must return at least one series.
NO_DATA_EXPECTED = {
    "newswire_produce_errors_total": (
        "no write to Kafka fails in this test, and a labelled counter has no series "
        "until its first increment"
    ),
}

BAD_MESSAGES = [
    b"this is not json",                                   # decode / JSONDecodeError
    b"\xff\xfe\x00 not utf-8",                             # decode / UnicodeDecodeError
    b'{"title": "An article without a body or url"}',      # validate / ValidationError
    b'{"title": "", "body": "", "url": "not a url"}',      # validate / ValidationError
]

WORDS = (
    "harbour council election river drought festival market railway bridge hospital "
    "school museum court minister union strike harvest storm airport summit budget "
    "reform coalition parliament village border ceasefire inflation tariff vaccine "
    "satellite glacier wildfire earthquake cathedral stadium orchestra library"
).split()


def _prometheus_binary() -> str:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail(
            "the prometheus binary is missing: run scripts/install-system-deps "
            "(Debian's `prometheus` package; make test does)",
            pytrace=False,
        )
    return binary


def _promtool_binary() -> str:
    return require_binary("promtool", "prometheus")

def _article(rng: random.Random, n: int) -> dict[str, Any]:
    words = [rng.choice(WORDS) for _ in range(6)]
    title = f"{words[0].title()} {words[1]} {words[2]} report {n}"
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
        for _ in range(rng.randint(3, 6))
    ]
    return {
        "title": title,
        "body": " ".join(sentences),
        "url": f"https://news.example.org/prometheus-test/{n}",
        "language": "en",
    }


class ArticleFeeder(threading.Thread):
    """Drops a small JSONL file of fresh articles into the producer's watched folder
    every half second, so rates stay positive while Prometheus scrapes."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder = folder
        self.stop_event = threading.Event()
        self.count = 0
        self.rng = random.Random(20260101)

    def run(self) -> None:
        batch = 0
        while not self.stop_event.is_set():
            lines = []
            for _ in range(10):
                lines.append(json.dumps(_article(self.rng, self.count)))
                self.count += 1
            tmp = self.folder / f".batch-{batch:04d}.tmp"
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.rename(self.folder / f"batch-{batch:04d}.jsonl")  # whole files only
            batch += 1
            self.stop_event.wait(0.5)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


class Prometheus:
    def __init__(self, config: Path, workdir: Path, port: int) -> None:
        self.port = port
        self.log_path = workdir / "prometheus.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [_prometheus_binary(), f"--config.file={config}",
             f"--web.listen-address=127.0.0.1:{self.port}",
             f"--storage.tsdb.path={workdir / 'data'}",
             "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def wait_ready(self, timeout: float = 30) -> None:
        wait_for_http(self.url + "/-/ready", self.proc, self.logs, timeout, "prometheus")

    def api(self, path: str, **params: str) -> dict:
        url = f"{self.url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        status, body = http_get(url, timeout=10)
        # 400 / 422 carry the API's JSON error (a bad query): the callers report those.
        assert status in (200, 400, 422), f"GET {url}: HTTP {status}: {body[:500]}"
        return json.loads(body)

    def query(self, expr: str) -> dict:
        return self.api("query", query=expr)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


def _prometheus_config(consumer_port: int, producer_port: int, prometheus_port: int) -> dict:
    """The local stack's configuration with its targets on this test's ports."""
    config = yaml.safe_load(LOCAL_CONFIG.read_text(encoding="utf-8"))
    targets = {
        "newswire-consumer": f"127.0.0.1:{consumer_port}",
        "newswire-producer": f"127.0.0.1:{producer_port}",
        "prometheus": f"127.0.0.1:{prometheus_port}",
    }
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert jobs == set(targets), f"{LOCAL_CONFIG.name} has jobs {sorted(jobs)}; this test knows {sorted(targets)}"
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": [targets[job["job_name"]]]}]
    config["global"].update(scrape_interval=SCRAPE_INTERVAL, scrape_timeout=SCRAPE_INTERVAL,
                            evaluation_interval=SCRAPE_INTERVAL)
    config["rule_files"] = [str(RULES)]
    return config


def _substitute(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    assert "$" not in expr, f"unsubstituted Grafana variable in {expr!r}: add it to GRAFANA_VARIABLES"
    return expr


def _dashboard_queries() -> list[tuple[str, str]]:
    """(panel title / refId, PromQL) for every target of every panel, rows included."""
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queries = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            for target in panel.get("targets") or []:
                if target.get("expr"):
                    queries.append((f"{panel.get('title')} / {target.get('refId')}", target["expr"]))
            walk(panel.get("panels") or [])

    walk(dashboard.get("panels") or [])
    assert queries, "the dashboard has no PromQL targets"
    return queries


def _rule_queries() -> list[tuple[str, str]]:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    queries = [
        (rule.get("alert") or rule.get("record"), rule["expr"])
        for group in rules["groups"] for rule in group["rules"]
    ]
    assert queries, "the rules file has no rules"
    return queries


def _no_data_expected(expr: str) -> str | None:
    for metric, reason in NO_DATA_EXPECTED.items():
        if re.search(rf"\b{metric}\b", expr):
            return reason
    return None


def _lint(promtool: str, body: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True,
                          timeout=30, check=False)


@pytest.fixture
def stack(topics: TopicSet, consumer_factory, tmp_path: Path):
    """A consumer, a watching producer fed fresh articles, and Prometheus scraping
    both with the project's jobs and rules. Everything is stopped at teardown
    (the consumer by consumer_factory)."""
    _prometheus_binary()
    _promtool_binary()
    feed = tmp_path / "feed"
    feed.mkdir()
    feeder = ArticleFeeder(feed)
    producer = prometheus = None
    try:
        consumer = consumer_factory()
        producer_port = free_port()
        producer = ServiceProcess(
            ["produce", str(SEEDS), str(feed), "--watch", "2", "--metrics-port", str(producer_port)],
            topics.env(), producer_port,
        )
        prometheus_port = free_port()
        config_path = tmp_path / "prometheus.yml"
        config_path.write_text(
            yaml.safe_dump(_prometheus_config(consumer.metrics_port, producer.metrics_port, prometheus_port)),
            encoding="utf-8",
        )
        prometheus = Prometheus(config_path, tmp_path, prometheus_port)
        yield consumer, producer, prometheus, feeder
    finally:
        if feeder.is_alive():
            feeder.stop()
        if prometheus is not None:
            prometheus.stop()
        if producer is not None:
            producer.kill()


def _wait_for(prometheus: Prometheus, what: str, check, timeout: float, fail: bool = True) -> None:
    """Poll `check` until it returns True; it returns anything else to say what is missing."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last is True:
            return
        time.sleep(0.5)
    if not fail:
        return
    raise AssertionError(f"timed out after {timeout}s waiting for {what}: {last}\n{prometheus.logs()}")


def _has_data(prometheus: Prometheus, expr: str) -> bool:
    payload = prometheus.query(expr)
    return payload.get("status") == "success" and bool(payload["data"]["result"])


def test_prometheus_scrapes_newswire_and_evaluates_dashboard_and_rules(stack, topics: TopicSet):
    consumer, producer, prometheus, feeder = stack
    started = time.monotonic()
    prometheus.wait_ready()
    consumer.wait_ready()
    producer.wait_ready()
    feeder.start()
    produce_raw(topics.bootstrap, topics.raw, BAD_MESSAGES)

    dashboard = [(name, _substitute(expr)) for name, expr in _dashboard_queries()]
    rules = _rule_queries()
    must_have_data = [(name, expr) for name, expr in dashboard if _no_data_expected(expr) is None]

    # Articles flow, and Prometheus has scraped both services a few times and seen it.
    enriched_rate = f"sum(rate(newswire_articles_enriched_total[{RATE_WINDOW}]))"
    _wait_for(prometheus, "a positive enriched rate in Prometheus",
              lambda: _has_data(prometheus, f"{enriched_rate} > 0") or prometheus.query(enriched_rate), 45)
    def scraped_enough():
        result = prometheus.query('count_over_time(up{job=~"newswire-.*"}[1m])')["data"]["result"]
        counts = {s["metric"]["job"]: float(s["value"][1]) for s in result}
        return (len(counts) == 2 and min(counts.values()) >= 5) or counts

    _wait_for(prometheus, "five scrapes of each newswire job", scraped_enough, 30)
    # Series that appear a little later (dead letters, lag measured every 5 s, ...).
    # Only waited for: the checks below say which query fails or has no data.
    def every_query_has_data():
        missing = []
        for name, expr in must_have_data:
            payload = prometheus.query(expr)
            if payload.get("status") == "success" and not payload["data"]["result"]:
                missing.append(name)
        return not missing or missing

    _wait_for(prometheus, "data for every dashboard query", every_query_has_data, 30, fail=False)
    assert producer.proc.poll() is None, f"the producer exited:\n{producer.logs()}"

    [sample] = prometheus.query(enriched_rate)["data"]["result"]
    assert float(sample["value"][1]) > 0, f"{enriched_rate} = {sample['value'][1]}"

    up = prometheus.query('up{job="newswire-consumer"}')["data"]["result"]
    assert [s["value"][1] for s in up] == ["1"], f"up of the consumer job: {up}"
    up = prometheus.query('up{job="newswire-producer"}')["data"]["result"]
    assert [s["value"][1] for s in up] == ["1"], f"up of the producer job: {up}"

    # Every expression parses and evaluates; the dashboard's return data.
    errors, empty = [], []
    for source, queries in (("dashboard", dashboard), ("rules", rules)):
        for name, expr in queries:
            payload = prometheus.query(expr)
            if payload.get("status") != "success":
                errors.append(f"{source} {name}: {payload.get('errorType')}: {payload.get('error')}\n    {expr}")
            elif source == "dashboard" and not payload["data"]["result"] and _no_data_expected(expr) is None:
                empty.append(f"{name}: {expr}")
            for warning in payload.get("warnings") or []:
                errors.append(f"{source} {name}: warning {warning}\n    {expr}")
    assert not errors, "PromQL that Prometheus rejects:\n" + "\n".join(errors)
    assert not empty, "dashboard queries without data:\n" + "\n".join(empty)

    # The rule groups are loaded, and every rule has been evaluated without error.
    expected_groups = {g["name"]: len(g["rules"]) for g in yaml.safe_load(RULES.read_text())["groups"]}

    def rules_healthy():
        groups = prometheus.api("rules")["data"]["groups"]
        loaded = {g["name"]: len(g["rules"]) for g in groups}
        bad = [f"{r['name']}: {r['health']} {r.get('lastError', '')}" for g in groups for r in g["rules"]
               if r["health"] != "ok"]
        return (loaded == expected_groups and not bad) or {"loaded": loaded, "not ok": bad}

    _wait_for(prometheus, "the rule groups to be loaded and healthy", rules_healthy, 10)
    for group in prometheus.api("rules")["data"]["groups"]:
        assert Path(group["file"]).resolve() == RULES.resolve()

    # promtool's linter has nothing to say about either service's exposition.
    promtool = _promtool_binary()
    problems = []
    for service in (consumer, producer):
        result = _lint(promtool, service.metrics())
        if result.returncode != 0 or result.stdout.strip() or result.stderr.strip():
            problems.append(f"{service.base_url}/metrics (exit {result.returncode}):\n"
                            f"{result.stdout}{result.stderr}")
    assert not problems, "promtool check metrics:\n" + "\n".join(problems)

    assert consumer.proc.poll() is None, f"the consumer exited:\n{consumer.logs()}"
    print(f"prometheus checks done {time.monotonic() - started:.1f}s after the stack started; "
          f"{feeder.count} articles fed; {len(dashboard)} dashboard and {len(rules)} rule expressions evaluated; "
          f"no data expected for: {[name for name, expr in dashboard if _no_data_expected(expr)]}")
