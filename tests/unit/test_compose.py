"""Static checks of the container and observability files.

These run without a Docker engine: they parse docker-compose.yml, the
Dockerfile, the Prometheus configuration and rules, and the Grafana
provisioning and dashboard, and check that they agree with each other and with
the newswire CLI and its metrics.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml

from newswire.service.metrics import METRIC_NAMES
from tests.conftest import require_binary

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
PROMETHEUS_CONFIG = PROMETHEUS_DIR / "prometheus.yml"
PROMETHEUS_LOCAL_CONFIG = PROMETHEUS_DIR / "prometheus.local.yml"
PROMETHEUS_RULES = PROMETHEUS_DIR / "rules" / "newswire.yml"
GRAFANA_DIR = REPO / "deploy" / "grafana"
GRAFANA_DATASOURCE = GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_PROVIDER = GRAFANA_DIR / "provisioning" / "dashboards" / "newswire.yml"
GRAFANA_DASHBOARD = GRAFANA_DIR / "dashboards" / "newswire.json"




# The metrics the service exports; the dashboard may use no others.
DOCUMENTED_METRICS: frozenset[str] = METRIC_NAMES

EXPECTED_SERVICES = {"kafka", "kafka-init", "consumer", "producer", "prometheus", "grafana"}
LONG_RUNNING_SUBCOMMANDS = {"consume", "produce"}
DEFAULT_METRICS_PORT = 9300
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
METRIC_RE = re.compile(r"newswire_[a-z_]+")
SERIES_SUFFIXES = ("_bucket", "_sum", "_count")


# --------------------------------------------------------------------------- helpers


def _load_yaml(path: Path):
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def compose() -> dict:
    data = _load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict:
    svcs = compose.get("services")
    assert isinstance(svcs, dict) and svcs, "docker-compose.yml has no services"
    return svcs


@pytest.fixture(scope="module")
def prometheus_config() -> dict:
    data = _load_yaml(PROMETHEUS_CONFIG)
    assert isinstance(data, dict), "prometheus.yml is not a mapping"
    return data


def _command(service: dict) -> list[str]:
    cmd = service.get("command")
    if cmd is None:
        return []
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return [str(part) for part in cmd]


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, _, value = str(item).partition("=")
            out[key] = value
        return out
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _expose(service: dict) -> set[int]:
    ports = set()
    for item in service.get("expose") or []:
        ports.add(int(str(item).split("/")[0]))
    return ports


def _option(command: list[str], flag: str) -> str | None:
    for i, part in enumerate(command):
        if part == flag and i + 1 < len(command):
            return command[i + 1]
        if part.startswith(flag + "="):
            return part.split("=", 1)[1]
    return None


def _newswire_services(services: dict) -> dict[str, list[str]]:
    return {
        name: _command(svc)
        for name, svc in services.items()
        if _command(svc)[:1] == ["newswire"]
    }


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuations joined, comments dropped."""
    assert DOCKERFILE.is_file(), "Dockerfile is missing"
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def _final_stage() -> list[tuple[str, str]]:
    instructions = _dockerfile_instructions()
    starts = [i for i, (kw, _) in enumerate(instructions) if kw == "FROM"]
    assert starts, "Dockerfile has no FROM"
    return instructions[starts[-1]:]


def _exec_form(args: str) -> list[str]:
    args = args.strip()
    if args.startswith("["):
        return [str(x) for x in json.loads(args)]
    return shlex.split(args)


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in _final_stage():
        if keyword != "ENV":
            continue
        for token in shlex.split(args):
            if "=" in token:
                key, _, value = token.partition("=")
                env[key] = value
    return env


def _bind_mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) of the bind mounts of a service whose source is a relative path."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            parts = volume.split(":")
            if len(parts) < 2:
                continue
            source, target = parts[0], parts[1]
        else:
            source, target = str(volume.get("source", "")), str(volume.get("target", ""))
        if source.startswith("."):
            mounts.append((source, target))
    return mounts


def _host_path_for(service: dict, container_path: str) -> Path | None:
    """The repo path that a container path of this service is bind-mounted from."""
    wanted = PurePosixPath(container_path)
    # Longest target first: the most specific mount wins, as in the container.
    mounts = sorted(_bind_mounts(service), key=lambda m: len(m[1]), reverse=True)
    for source, target in mounts:
        target_path = PurePosixPath(target)
        if wanted == target_path or target_path in wanted.parents:
            return (REPO / source / wanted.relative_to(target_path)).resolve()
    return None


def _metric_names(expr: str) -> set[str]:
    names = set()
    for name in METRIC_RE.findall(expr):
        for suffix in SERIES_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        names.add(name)
    return names


def _dashboard_panels(panels: list) -> list[dict]:
    flat = []
    for panel in panels:
        flat.append(panel)
        flat.extend(_dashboard_panels(panel.get("panels") or []))
    return flat


def _promtool() -> str:
    return require_binary("promtool", "prometheus")

def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


# --------------------------------------------------------------------------- compose


def test_compose_parses_and_has_expected_services(compose, services):
    assert "version" not in compose, "the Compose spec has no top-level `version:` key"
    missing = EXPECTED_SERVICES - set(services)
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


def test_newswire_commands_are_accepted_by_the_cli(services):
    commands = _newswire_services(services)
    assert {"consumer", "producer"} <= set(commands), (
        "the consumer and producer services must run the `newswire` console script"
    )
    try:
        from newswire.service.cli import build_parser
    except ImportError as exc:  # package not installed / not written yet
        pytest.fail(
            f"cannot import newswire.service.cli.build_parser ({exc!r}); install the package "
            "with `pip install -e .` from the repository root"
        )

    for name, command in sorted(commands.items()):
        parser = build_parser()
        stderr = io.StringIO()
        try:
            with contextlib.redirect_stderr(stderr):
                namespace = parser.parse_args(command[1:])
        except SystemExit as exc:
            pytest.fail(
                f"service {name!r}: the CLI rejects its command {command!r} "
                f"(exit {exc.code}): {stderr.getvalue().strip()}"
            )
        subcommand = getattr(namespace, "command", None)
        assert subcommand in LONG_RUNNING_SUBCOMMANDS, (
            f"service {name!r} runs `newswire {subcommand}`; a compose service must "
            f"run one of {sorted(LONG_RUNNING_SUBCOMMANDS)}"
        )


def test_repo_mounts_exist(services):
    missing = [
        f"{name}: {source}"
        for name, svc in services.items()
        for source, _ in _bind_mounts(svc)
        if not (REPO / source).exists()
    ]
    assert not missing, f"bind-mounted repo paths that do not exist: {missing}"


def test_topics_are_created_before_newswire_starts(services):
    init = services["kafka-init"]
    assert (init.get("depends_on") or {}).get("kafka", {}).get("condition") == "service_healthy"
    assert "healthcheck" in services["kafka"], "kafka needs a healthcheck for kafka-init to wait on"
    script = " ".join(_command(init) + [str(x) for x in (init.get("entrypoint") or [])])
    for topic in ("articles.raw", "articles.enriched", "articles.dlq"):
        assert topic in script, f"kafka-init does not create {topic}"
    assert "--if-not-exists" in script
    for name in ("consumer", "producer"):
        depends = services[name].get("depends_on") or {}
        assert depends.get("kafka-init", {}).get("condition") == (
            "service_completed_successfully"
        ), f"{name} must wait for kafka-init to complete successfully"


def test_consumer_can_be_scaled(services):
    consumer = services["consumer"]
    assert not consumer.get("ports"), (
        "the consumer publishes host ports, so `docker compose up --scale consumer=N` "
        "would collide; use `expose` and let Prometheus discover the replicas"
    )
    assert "container_name" not in consumer, "a fixed container_name prevents scaling"


# --------------------------------------------------------------------------- prometheus


def _metrics_port(service: dict) -> int:
    port = _option(_command(service), "--metrics-port")
    if port is None:
        port = _environment(service).get("NEWSWIRE_METRICS_PORT")
    if port is None:
        port = _dockerfile_env().get("NEWSWIRE_METRICS_PORT")
    return int(port) if port else DEFAULT_METRICS_PORT


def test_prometheus_scrapes_every_newswire_service(services, prometheus_config):
    jobs = prometheus_config.get("scrape_configs") or []
    assert jobs, "prometheus.yml has no scrape_configs"
    scraped: dict[str, str] = {}
    for job in jobs:
        job_name = job.get("job_name")
        for sd in job.get("dns_sd_configs") or []:
            port = sd.get("port")
            assert sd.get("type", "SRV") == "A", (
                f"job {job_name}: Docker's DNS answers A records; use type: A with a port"
            )
            for dns_name in sd.get("names") or []:
                assert dns_name in services, (
                    f"job {job_name} resolves {dns_name!r}, which is not a compose service"
                )
                service = services[dns_name]
                expected = _metrics_port(service)
                assert port == expected, (
                    f"job {job_name} scrapes {dns_name}:{port} but the service serves "
                    f"metrics on {expected}"
                )
                assert expected in _expose(service), (
                    f"service {dns_name} does not `expose` its metrics port {expected}"
                )
                scraped[dns_name] = job_name
        for static in job.get("static_configs") or []:
            for target in static.get("targets") or []:
                host = str(target).rsplit(":", 1)[0]
                assert host in services or host in {"localhost", "127.0.0.1"}, (
                    f"job {job_name} targets {target!r}, which is not a compose service"
                )
    for name in _newswire_services(services):
        assert name in scraped, f"no Prometheus job discovers the {name!r} service"
        host = _environment(services[name]).get("NEWSWIRE_METRICS_HOST") or _dockerfile_env().get(
            "NEWSWIRE_METRICS_HOST"
        )
        assert host == "0.0.0.0", (
            f"service {name!r} serves metrics on {host!r}; set NEWSWIRE_METRICS_HOST=0.0.0.0 "
            "so Prometheus can reach it from its own container"
        )
    assert scraped.get("consumer") == "newswire-consumer"
    assert scraped.get("producer") == "newswire-producer"


def test_prometheus_container_sees_config_and_rules(services, prometheus_config):
    prometheus = services["prometheus"]
    config = _host_path_for(prometheus, "/etc/prometheus/prometheus.yml")
    assert config == PROMETHEUS_CONFIG.resolve(), (
        "the prometheus service must mount deploy/prometheus/prometheus.yml at "
        "/etc/prometheus/prometheus.yml"
    )
    rule_files = prometheus_config.get("rule_files") or []
    assert rule_files, "prometheus.yml loads no rule files"
    for pattern in rule_files:
        host = _host_path_for(prometheus, pattern)
        assert host is not None, f"rule_files entry {pattern!r} is not mounted from the repo"
        matches = list(host.parent.glob(host.name))
        assert matches, f"rule_files entry {pattern!r} matches no file in {host.parent}"


def test_local_prometheus_config_matches(prometheus_config):
    local = _load_yaml(PROMETHEUS_LOCAL_CONFIG)
    targets = {
        job["job_name"]: [t for s in job.get("static_configs") or [] for t in s.get("targets") or []]
        for job in local.get("scrape_configs") or []
    }
    assert targets.get("newswire-consumer") == ["127.0.0.1:9300"]
    assert targets.get("newswire-producer") == ["127.0.0.1:9301"]
    docker_jobs = {
        j["job_name"] for j in prometheus_config["scrape_configs"] if j["job_name"].startswith("newswire")
    }
    local_jobs = {name for name in targets if name.startswith("newswire")}
    assert docker_jobs == local_jobs, "both Prometheus configs must use the same newswire job names"


def test_promtool_checks_rules_and_configs(services, prometheus_config, tmp_path):
    promtool = _promtool()
    result = _run([promtool, "check", "rules", str(PROMETHEUS_RULES)])
    assert result.returncode == 0, f"promtool check rules failed:\n{result.stdout}{result.stderr}"

    # The compose config names its rules by their path inside the container:
    # check a copy whose rule_files point at the repo files they are mounted from.
    config = dict(prometheus_config)
    config["rule_files"] = [
        str(_host_path_for(services["prometheus"], pattern)) for pattern in config["rule_files"]
    ]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config), encoding="utf-8")
    for path in (copy, PROMETHEUS_LOCAL_CONFIG):
        result = _run([promtool, "check", "config", str(path)])
        assert result.returncode == 0, (
            f"promtool check config {path.name} failed:\n{result.stdout}{result.stderr}"
        )


# --------------------------------------------------------------------------- grafana


def test_grafana_provisioning(services):
    datasources = _load_yaml(GRAFANA_DATASOURCE)["datasources"]
    by_uid = {ds.get("uid"): ds for ds in datasources}
    assert "prometheus" in by_uid, "no Grafana datasource with uid `prometheus`"
    ds = by_uid["prometheus"]
    assert ds["type"] == "prometheus"
    assert ds["url"] == "http://prometheus:9090"
    assert "prometheus" in services

    providers = _load_yaml(GRAFANA_PROVIDER)["providers"]
    grafana = services["grafana"]
    assert _host_path_for(grafana, "/etc/grafana/provisioning") == (GRAFANA_DIR / "provisioning").resolve()
    for provider in providers:
        path = provider["options"]["path"]
        host = _host_path_for(grafana, path)
        assert host is not None and (host / GRAFANA_DASHBOARD.name).is_file(), (
            f"dashboard provider path {path} is not mounted from deploy/grafana/dashboards"
        )


def test_grafana_dashboard_queries_documented_metrics():
    dashboard = json.loads(GRAFANA_DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard.get("uid") == "newswire"
    panels = _dashboard_panels(dashboard.get("panels") or [])
    assert panels, "the dashboard has no panels"
    ids = [p.get("id") for p in panels]
    assert len(ids) == len(set(ids)), "panel ids are not unique"

    undocumented: dict[str, set[str]] = {}
    for panel in panels:
        if panel.get("type") == "row":
            continue
        title = panel.get("title", f"panel {panel.get('id')}")
        assert panel.get("datasource") == DATASOURCE, f"panel {title!r}: datasource must be {DATASOURCE}"
        targets = panel.get("targets") or []
        assert targets, f"panel {title!r} has no targets"
        for target in targets:
            expr = (target.get("expr") or "").strip()
            assert expr, f"panel {title!r} has a target without an expr"
            unknown = _metric_names(expr) - DOCUMENTED_METRICS
            if unknown:
                undocumented.setdefault(title, set()).update(unknown)
    assert not undocumented, f"dashboard queries undocumented metrics: {undocumented}"


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile_runs_newswire_as_non_root():
    stage = _final_stage()
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users, "the final Dockerfile stage has no USER: the container would run as root"
    user = users[-1].split(":")[0].strip()
    assert user not in {"root", "0"}, f"the container runs as {users[-1]!r}"

    entrypoint = [_exec_form(args) for keyword, args in stage if keyword == "ENTRYPOINT"]
    cmd = [_exec_form(args) for keyword, args in stage if keyword == "CMD"]
    argv = (entrypoint[-1] if entrypoint else []) + (cmd[-1] if cmd else [])
    assert argv, "the Dockerfile sets neither CMD nor ENTRYPOINT"
    wrappers = {"tini", "/usr/bin/tini", "dumb-init", "/usr/bin/dumb-init", "--"}
    program = next((a for a in argv if a not in wrappers), "")
    assert PurePosixPath(program).name == "newswire", (
        f"the image runs {argv!r}; it should run the `newswire` console script"
    )


def test_dockerfile_serves_metrics_and_health():
    stage = _final_stage()
    env = _dockerfile_env()
    assert env.get("NEWSWIRE_METRICS_HOST") == "0.0.0.0"
    exposed = {int(p.split("/")[0]) for kw, args in stage if kw == "EXPOSE" for p in args.split()}
    assert DEFAULT_METRICS_PORT in exposed, "the image does not EXPOSE the metrics port"
    healthchecks = [args for kw, args in stage if kw == "HEALTHCHECK"]
    assert healthchecks and "/healthz" in healthchecks[-1], "no HEALTHCHECK against /healthz"


def test_dockerignore_keeps_local_state_out():
    entries = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (".git", ".venv", "tests"):
        assert entry in entries, f".dockerignore does not exclude {entry}"
