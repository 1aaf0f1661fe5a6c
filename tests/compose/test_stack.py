"""What a user of `docker compose up` checks, on a real engine and the real images.

The tests share one stack (session fixture `stack`) and run in file order: the
later ones scale, stop and kill consumers of the stack the earlier ones saw
come up.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.compose.conftest import compose, containers, run, wait_for

pytestmark = pytest.mark.timeout(900)

REPO = Path(__file__).resolve().parents[2]
HOST_BOOTSTRAP = "127.0.0.1:29092"
PROMETHEUS = "http://127.0.0.1:9090"
GROUP = "newswire-enricher"
SEED = "000_00e98ae14ee33cae.txt"  # the reference article (DESIGN.md)
RESCAN_SECONDS = 30  # the producer service's --watch interval in docker-compose.yml
NEWSWIRE_SERVICES = ("producer", "consumer")


# --------------------------------------------------------------------------- helpers


def enriched_records(kcat: str) -> list[dict]:
    """Every record of articles.enriched, read from the host like any Kafka client would."""
    result = run([kcat, "-b", HOST_BOOTSTRAP, "-C", "-t", "articles.enriched", "-o", "beginning", "-e", "-q", "-J"],
                 timeout=60)
    records = []
    for line in result.stdout.splitlines():
        envelope = json.loads(line)
        envelope["value"] = json.loads(envelope["payload"])
        records.append(envelope)
    return records


def group_assignment() -> list[dict]:
    """kafka-consumer-groups.sh --describe, inside the kafka container: one row per partition."""
    result = compose("exec", "-T", "kafka", "/opt/kafka/bin/kafka-consumer-groups.sh",
                     "--bootstrap-server", "kafka:9092", "--describe", "--group", GROUP, check=False, timeout=90)
    rows = []
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 9 and parts[1] == "articles.raw" and parts[2].isdigit():
            rows.append({"partition": int(parts[2]), "offset": parts[3], "end": parts[4], "lag": parts[5],
                         "consumer": parts[6], "host": parts[7]})
    return rows


def lag_is_zero() -> list[dict] | None:
    rows = group_assignment()
    if len(rows) == 6 and all(r["lag"] == "0" for r in rows):
        return rows
    return None


def prometheus_query(query: str) -> list[dict]:
    url = f"{PROMETHEUS}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return body["data"]["result"]


def prometheus_query_api(path: str) -> dict:
    with urllib.request.urlopen(f"{PROMETHEUS}/api/v1/{path}", timeout=10) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return body["data"]


def publish_from_host(tmp_path: Path, count: int, tag: str) -> set[str]:
    """Publish `count` new articles with the host's newswire CLI; returns their titles."""
    titles = {f"Compose {tag} article {i} {uuid.uuid4().hex[:8]}" for i in range(count)}
    path = tmp_path / f"{tag}.jsonl"
    path.write_text("".join(
        json.dumps({"title": t, "body": f"{t}. The port authority said shipping resumed on Tuesday "
                    "after a two-day strike by dock workers over pay and safety rules."}) + "\n"
        for t in sorted(titles)), encoding="utf-8")
    run([str(REPO / ".venv" / "bin" / "newswire"), "produce", str(path), "--bootstrap-servers", HOST_BOOTSTRAP],
        timeout=120)
    return titles


def health(container: dict) -> str:
    return (container["State"].get("Health") or {}).get("Status", "none")


def all_healthy(service: str, count: int):
    found = containers(service)
    states = [(c["Name"], c["State"]["Status"], health(c)) for c in found]
    if len(found) == count and all(s == "running" and h == "healthy" for _, s, h in states):
        return states
    return None


# --------------------------------------------------------------------------- the image


def test_image_runs_newswire_as_non_root(stack):
    inspect = json.loads(run(["docker", "image", "inspect", "newswire:local"]).stdout)[0]
    assert inspect["Config"]["User"] == "10001:10001"
    uid = run(["docker", "run", "--rm", "--entrypoint", "id", "newswire:local", "-u"]).stdout.strip()
    assert uid == "10001", f"the image runs as uid {uid}"
    default = run(["docker", "run", "--rm", "newswire:local"])  # CMD: newswire --help
    assert "usage: newswire" in default.stdout
    helped = run(["docker", "run", "--rm", "newswire:local", "newswire", "--help"])
    for subcommand in ("produce", "consume", "enrich", "schemas"):
        assert subcommand in helped.stdout, f"`newswire --help` in the image does not list {subcommand}"


# --------------------------------------------------------------------------- the stack


def test_stack_is_up_and_healthy(stack, stack_services):
    init = containers("kafka-init")
    assert init and init[0]["State"]["Status"] == "exited" and init[0]["State"]["ExitCode"] == 0, (
        "kafka-init did not complete successfully")
    for service in ("kafka", *NEWSWIRE_SERVICES):
        assert all_healthy(service, 1), f"{service}: {[(c['Name'], health(c)) for c in containers(service)]}"
    prometheus = containers("prometheus")
    assert prometheus and prometheus[0]["State"]["Status"] == "running"
    topics = compose("logs", "--no-color", "kafka-init").stdout
    for topic in ("articles.raw", "articles.enriched", "articles.dlq"):
        assert re.search(rf"Topic: {re.escape(topic)}\s+TopicId: \S+\s+PartitionCount: 6", topics), (
            f"kafka-init did not describe {topic} with 6 partitions:\n{topics}")


def test_prometheus_loads_the_config_and_rules(stack):
    groups = wait_for("the alert rules loaded in Prometheus",
                      lambda: [g for g in prometheus_query_api("rules")["groups"] if g["rules"]], timeout=60)
    rules = {r["name"]: r["health"] for g in groups for r in g["rules"]}
    assert rules and set(rules.values()) == {"ok"}, rules
    jobs = {t["labels"]["job"] for t in prometheus_query_api("targets")["activeTargets"]}
    assert {"newswire-consumer", "newswire-producer", "prometheus"} <= jobs, jobs


def test_producer_publishes_seeds_and_kcat_reads_them_enriched(stack, kcat, seeds_copy):
    seeds = sorted(p.name for p in seeds_copy.glob("*.txt"))
    records = wait_for(f"{len(seeds)} enriched seeds on {HOST_BOOTSTRAP}",
                       lambda: (r := enriched_records(kcat)) and len({x["key"] for x in r}) >= len(seeds) and r,
                       timeout=120)
    by_file = {r["value"]["source"]["location"]: r for r in records}
    assert f"/app/seeds/{SEED}" in by_file, sorted(by_file)
    record = by_file[f"/app/seeds/{SEED}"]
    seed = record["value"]
    # Ids are deterministic: the container derives the one the host's CLI derives.
    host = run([str(REPO / ".venv" / "bin" / "newswire"), "enrich", str(seeds_copy / SEED)]).stdout
    assert record["key"] == seed["id"] == json.loads(host.splitlines()[0])["id"]
    assert seed["attribution"] == "وكالة الأناضول"
    assert seed["source"]["kind"] == "file"
    enrichment = seed["enrichment"]
    assert (enrichment["language"], enrichment["script"], enrichment["direction"]) == ("ar", "Arab", "rtl")
    assert enrichment["word_count"] > 100


def test_file_dropped_into_seeds_is_enriched_within_the_rescan_interval(stack, kcat, seeds_copy):
    title = f"Compose rescan test {uuid.uuid4().hex[:8]}"
    path = seeds_copy / "900_compose_rescan.txt"
    path.write_text(f"{title}\n\nThe harbour reopened on Monday after a week of storms, officials said. "
                    "Ferries to the islands will run on the winter timetable until further notice.\n",
                    encoding="utf-8")
    path.chmod(0o644)
    dropped = time.monotonic()
    record = wait_for("the dropped article, enriched",
                      lambda: next((r for r in enriched_records(kcat) if r["value"]["title"] == title), None),
                      timeout=RESCAN_SECONDS + 30)
    took = time.monotonic() - dropped
    assert record["value"]["enrichment"]["language"] == "en"
    assert record["value"]["source"]["location"] == "/app/seeds/900_compose_rescan.txt"
    print(f"dropped file enriched after {took:.1f} s (rescan every {RESCAN_SECONDS} s)")


def test_three_consumers_share_the_group_and_prometheus_sees_each(stack, tmp_path):
    compose("up", "-d", "--scale", "consumer=3", "--no-recreate", "--wait", "--wait-timeout", "180", "consumer")
    assert wait_for("3 healthy consumers", lambda: all_healthy("consumer", 3), timeout=120)

    def shared():
        rows = group_assignment()
        owners = {r["consumer"] for r in rows}
        return rows if len(rows) == 6 and len(owners) == 3 and "-" not in owners else None
    rows = wait_for("6 partitions of articles.raw over 3 members of one group", shared, timeout=120)
    per_member = {}
    for r in rows:
        per_member.setdefault(r["consumer"], []).append(r["partition"])
    assert sorted(len(p) for p in per_member.values()) == [2, 2, 2], per_member

    # Traffic in waves, so each replica's counter rises across several scrapes.
    for wave in range(4):
        publish_from_host(tmp_path, 60, f"scale{wave}")
        time.sleep(5)

    def every_replica_up_and_enriching():
        up = prometheus_query('up{job="newswire-consumer"}')
        rates = prometheus_query('sum by (instance) (rate(newswire_articles_enriched_total{job="newswire-consumer"}[1m]))')
        up_ok = len(up) == 3 and all(s["value"][1] == "1" for s in up)
        positive = {s["metric"]["instance"] for s in rates if float(s["value"][1]) > 0}
        return (up, rates) if up_ok and positive == {s["metric"]["instance"] for s in up} else None
    up, rates = wait_for("3 consumer targets up in Prometheus, each with a positive enriched rate",
                         every_replica_up_and_enriching, timeout=90, pause=5)
    print("enriched rate per replica:", {s["metric"]["instance"]: round(float(s["value"][1]), 2) for s in rates})


def test_stopped_consumers_exit_0_after_committing_and_reprocess_nothing(stack, kcat):
    wait_for("lag 0 on every partition", lag_is_zero, timeout=120)
    before = enriched_records(kcat)
    compose("stop", "consumer", timeout=120)
    stopped = containers("consumer")
    assert len(stopped) == 3
    for c in stopped:
        assert c["State"]["Status"] == "exited" and c["State"]["ExitCode"] == 0, (
            f"{c['Name']}: {c['State']['Status']}, exit {c['State']['ExitCode']}")
    # Everything they processed was committed: still no lag with no member running.
    assert lag_is_zero(), group_assignment()

    compose("start", "consumer", timeout=120)
    wait_for("3 healthy consumers again", lambda: all_healthy("consumer", 3), timeout=120)
    wait_for("the group to own all partitions again",
             lambda: len({r["consumer"] for r in group_assignment()} - {"-"}) == 3, timeout=120)
    time.sleep(10)  # time to (wrongly) reprocess anything not committed
    after = enriched_records(kcat)
    assert len(after) == len(before), f"{len(after) - len(before)} messages were processed again after the restart"


def test_crashed_consumer_is_restarted_and_nothing_is_lost(stack, kcat, tmp_path):
    """A consumer that dies by SIGKILL mid-stream (a crash, an OOM kill) comes back
    through its restart policy. The kill goes to the container's main process from
    the host: Docker counts `docker kill` as an explicit stop, which no restart
    policy undoes (seen on this engine: the container stayed exited)."""
    titles = publish_from_host(tmp_path, 200, "kill")
    victim = containers("consumer")[0]
    pid = victim["State"]["Pid"]
    assert pid > 0, victim["State"]
    run(["kill", "-KILL", str(pid)])

    def restarted():
        c = json.loads(run(["docker", "inspect", victim["Id"]]).stdout)[0]
        return c if c["RestartCount"] >= 1 and c["State"]["Status"] == "running" else None
    c = wait_for(f"{victim['Name']} restarted by its restart policy", restarted, timeout=60, pause=1)
    assert c["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    wait_for("3 healthy consumers after the crash", lambda: all_healthy("consumer", 3), timeout=150)
    wait_for("lag 0 after the crash", lag_is_zero, timeout=150)
    records = enriched_records(kcat)
    enriched_titles = [r["value"]["title"] for r in records if r["value"]["title"] in titles]
    missing = titles - set(enriched_titles)
    assert not missing, f"{len(missing)} of {len(titles)} articles never reached articles.enriched"
    print(f"after the crash: {len(enriched_titles) - len(titles)} duplicates (at-least-once), none lost")


def test_healthchecks_report_healthy(stack):
    for service, count in (("kafka", 1), ("producer", 1), ("consumer", 3)):
        states = all_healthy(service, count)
        assert states, f"{service}: {[(c['Name'], c['State']['Status'], health(c)) for c in containers(service)]}"
    for c in containers("consumer") + containers("producer"):
        log = c["State"]["Health"]["Log"]
        assert log and log[-1]["ExitCode"] == 0, f"{c['Name']}: last healthcheck {log[-1] if log else None}"
        test = c["Config"]["Healthcheck"]["Test"]
        assert any("/healthz" in part for part in test), f"{c['Name']} healthcheck is {test}"
