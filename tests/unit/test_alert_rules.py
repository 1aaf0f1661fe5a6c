"""The Prometheus alert rules: lint them, run their promtool unit tests, and check
that those tests cover every alert, both firing and staying silent.

promtool comes from Debian's `prometheus` package (scripts/install-system-deps);
without it these tests fail, they do not skip.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tests.conftest import require_binary

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
RULES = PROMETHEUS_DIR / "rules" / "newswire.yml"
RULE_TESTS = PROMETHEUS_DIR / "rules" / "newswire.test.yml"
CONFIGS = {
    # config file -> where its rule_files paths are in the repository: the local one
    # is relative to its own directory; docker-compose mounts rules/ at /etc/prometheus/rules.
    PROMETHEUS_DIR / "prometheus.local.yml": lambda p: PROMETHEUS_DIR / p,
    PROMETHEUS_DIR / "prometheus.yml":
        lambda p: PROMETHEUS_DIR / "rules" / PurePosixPath(p).relative_to("/etc/prometheus/rules"),
}

# Names that dashboards, runbooks and silences refer to: renaming one is a breaking change.
STABLE_ALERTS = {
    "NewswireConsumerDown",
    "NewswireProducerDown",
    "NewswireConsumerLagGrowing",
    "NewswireDeadLettersHigh",
    "NewswireEndToEndLatencyHigh",
    "NewswireNoArticles",
    "NewswireNotReady",
    "NewswireFeedsFailing",
}


def _promtool() -> str:
    return require_binary("promtool", "prometheus")

def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, cwd=cwd)


def _load(path: Path):
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def alerts() -> dict[str, dict]:
    rules = _load(RULES)
    found: dict[str, dict] = {}
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                assert rule["alert"] not in found, f"alert {rule['alert']} is defined twice"
                found[rule["alert"]] = rule
    return found


@pytest.fixture(scope="module")
def rule_tests() -> dict:
    return _load(RULE_TESTS)


def test_promtool_check_rules():
    result = _run([_promtool(), "check", "rules", str(RULES)])
    assert result.returncode == 0, f"promtool check rules failed:\n{result.stdout}{result.stderr}"


def test_promtool_rule_unit_tests_pass():
    # rule_files in the test file are relative to the test file's directory.
    result = _run([_promtool(), "test", "rules", RULE_TESTS.name], cwd=RULE_TESTS.parent)
    assert result.returncode == 0, f"promtool test rules failed:\n{result.stdout}{result.stderr}"


def test_alert_names_are_stable(alerts):
    missing = STABLE_ALERTS - set(alerts)
    assert not missing, f"alerts renamed or removed: {sorted(missing)}"


def test_every_alert_has_severity_and_summary(alerts):
    for name, rule in alerts.items():
        assert rule.get("labels", {}).get("severity") in {"critical", "warning", "info"}, (
            f"{name}: severity label must be critical, warning or info"
        )
        annotations = rule.get("annotations") or {}
        assert annotations.get("summary") and annotations.get("description"), (
            f"{name}: needs a summary and a description annotation"
        )


def test_rule_tests_load_the_rules_file(rule_tests):
    files = [RULE_TESTS.parent / f for f in rule_tests.get("rule_files") or []]
    assert [f.resolve() for f in files] == [RULES.resolve()], (
        f"{RULE_TESTS.name} must test {RULES.name} (rule_files: {rule_tests.get('rule_files')})"
    )


def test_every_alert_has_a_firing_and_a_silent_case(alerts, rule_tests):
    firing: dict[str, int] = {}
    silent: dict[str, int] = {}
    unknown: set[str] = set()
    for group in rule_tests.get("tests") or []:
        for case in group.get("alert_rule_test") or []:
            name = case["alertname"]
            if name not in alerts:
                unknown.add(name)
                continue
            expected = case.get("exp_alerts") or []
            if expected:
                firing[name] = firing.get(name, 0) + 1
                for alert in expected:
                    # promtool compares annotations exactly: a firing case that lists
                    # none would only pass for an alert without annotations.
                    assert alert.get("exp_labels", {}).get("severity") == alerts[name]["labels"]["severity"], (
                        f"{name} at {case['eval_time']}: exp_labels must include the severity"
                    )
                    assert set(alert.get("exp_annotations") or {}) == set(alerts[name].get("annotations") or {}), (
                        f"{name} at {case['eval_time']}: exp_annotations must check every annotation"
                    )
            else:
                silent[name] = silent.get(name, 0) + 1
    assert not unknown, f"{RULE_TESTS.name} tests alerts that {RULES.name} does not define: {sorted(unknown)}"
    no_firing = sorted(set(alerts) - set(firing))
    no_silent = sorted(set(alerts) - set(silent))
    assert not no_firing, f"alerts without a case where they must fire in {RULE_TESTS.name}: {no_firing}"
    assert not no_silent, f"alerts without a case where they must not fire in {RULE_TESTS.name}: {no_silent}"


@pytest.mark.parametrize("config", list(CONFIGS), ids=lambda p: p.name)
def test_prometheus_loads_the_rules_but_not_their_tests(config):
    patterns = _load(config).get("rule_files") or []
    matched: set[Path] = set()
    for pattern in patterns:
        host = CONFIGS[config](pattern)
        matched.update(p.resolve() for p in host.parent.glob(host.name))
    assert RULES.resolve() in matched, f"{config.name} does not load {RULES.name} (rule_files: {patterns})"
    assert RULE_TESTS.resolve() not in matched, (
        f"{config.name} would load the rule unit tests {RULE_TESTS.name} as a rule file "
        f"(rule_files: {patterns}); Prometheus would refuse to start"
    )
