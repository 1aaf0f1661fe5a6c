"""What the benchmark stages share: the plan, the machine, child processes, the private
broker, the run's topics and the Kafka reads and waits every stage uses."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kafka
import workload
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from newswire.core.models import RAW_SCHEMA
from newswire.service.kafka_io import ensure_topics, headers, make_producer
from newswire.service.local_kafka import Config, LocalKafka, LocalKafkaError
from newswire.service.settings import Settings

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTITIONS = 6


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass



@dataclass(frozen=True, kw_only=True)
class Plan:
    """How much each stage does; the field names are the JSON file's "plan" keys."""

    articles: int  # N: the pre-filled raw topic, drained by 1 and 2 consumer processes
    io_articles: int  # copied by the pass-through (the first ones of the same topic)
    producer_articles: int  # lines of big.jsonl
    eos_articles: int  # drained in exactly-once mode (the first ones of the same topic)
    compute_pass_seconds: float
    latency_rate: int
    latency_seconds: float
    latency_grace_seconds: float  # how long to wait for a backlog after the offered period
    below_capacity_seconds: float  # second latency run at half the measured capacity (0: none)
    smoke: bool

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Plan:
        if args.smoke:
            n = args.articles or 2000
            return cls(articles=n, io_articles=n, producer_articles=n, eos_articles=min(n, 1000),
                       compute_pass_seconds=0.3, latency_rate=200, latency_seconds=10.0, latency_grace_seconds=10.0,
                       below_capacity_seconds=0.0, smoke=True)
        n = args.articles or 50_000
        # Sized for < 10 minutes on 2 cores: only the drains need all N.
        return cls(articles=n, io_articles=min(n, 10_000), producer_articles=min(n, 10_000),
                   eos_articles=min(n, 10_000), compute_pass_seconds=2.0, latency_rate=500, latency_seconds=60.0,
                   latency_grace_seconds=30.0, below_capacity_seconds=20.0, smoke=False)


def machine_info() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity: int | None
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "nproc": affinity,
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "kafka_python": kafka.__version__,
        "crc32c_extension": _has_crc32c(),
        "platform": platform.platform(),
        "loadavg_start": loadavg(),
    }


def _has_crc32c() -> bool:
    from kafka.record import util

    return getattr(util, "crc32c_c", None) is not None


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


CHILDREN: list[subprocess.Popen[bytes]] = []


def spawn(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                stdin=subprocess.DEVNULL)
    CHILDREN.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


def kill_children() -> None:
    for proc in CHILDREN:
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""



class Broker:
    """A private broker (newswire.service.local_kafka) in a temporary state dir, or an
    external one."""

    def __init__(self, bootstrap: str | None) -> None:
        self.bootstrap = bootstrap
        self.private = bootstrap is None
        self.state_dir: Path | None = None
        self.pid: int | None = None
        self._kafka: LocalKafka | None = None

    def start(self) -> str:
        if self.bootstrap is not None:
            return self.bootstrap
        self.state_dir = Path(tempfile.mkdtemp(prefix="newswire-bench-kafka-"))
        log(f"starting a private broker (newswire.service.local_kafka, state dir {self.state_dir})")
        env = {**os.environ, "NEWSWIRE_KAFKA_DIR": str(self.state_dir)}
        env.pop("NEWSWIRE_KAFKA_PORT", None)
        self._kafka = LocalKafka(Config.from_env(env))
        try:
            self.bootstrap = self._kafka.start()
        except LocalKafkaError as exc:
            raise BenchError(f"the private broker did not start: {exc}") from exc
        self.pid = self._kafka.pids().get(1)
        return self.bootstrap

    def stop(self) -> None:
        if self._kafka is None or self.state_dir is None:
            return
        log("stopping the private broker")
        try:
            self._kafka.stop()
        except LocalKafkaError as exc:
            log(f"stopping the private broker: {exc}")
        shutil.rmtree(self.state_dir, ignore_errors=True)
        self.state_dir = None
        self._kafka = None


@dataclass
class Run:
    """Everything the stages share."""

    plan: Plan
    bootstrap: str
    workdir: Path
    articles: workload.ArticleSet
    broker_pid: int | None
    keep_topics: bool = False
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    topics: list[str] = field(default_factory=list)
    _admin: KafkaAdminClient | None = None

    def name(self, what: str) -> str:
        return f"bench.{self.run_id}.{what}"

    def settings(self, **overrides: Any) -> Settings:
        return Settings(bootstrap_servers=self.bootstrap, partitions=PARTITIONS, replication_factor=1, **overrides)

    def create(self, *topics: str, enriched: str | None = None, dlq: str | None = None) -> None:
        """Create topics as newswire would (its own ensure_topics: DLQ config included)."""
        names = [*topics, *(t for t in (enriched, dlq) if t)]
        overrides = {k: v for k, v in (("enriched_topic", enriched), ("dlq_topic", dlq)) if v}
        ensure_topics(self.settings(**overrides), names)
        self.topics.extend(t for t in names if t not in self.topics)

    @property
    def admin(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = KafkaAdminClient(bootstrap_servers=self.bootstrap.split(","))
        return self._admin

    def committed(self, group: str, topic: str) -> dict[int, int]:
        try:
            offsets = self.admin.list_group_offsets(group).get(group, {})
        except Exception:  # noqa: BLE001 - group not known yet / coordinator moving
            return {}
        return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset >= 0}

    def cleanup(self) -> None:
        """Delete the topics this run created (not needed on a private broker, which is wiped)."""
        try:
            if self.topics and not self.keep_topics:
                self.admin.delete_topics(self.topics, timeout_ms=30000, raise_errors=False)
        except Exception as exc:  # noqa: BLE001 - best effort
            log(f"could not delete the bench topics: {exc}")
        finally:
            if self._admin is not None:
                self._admin.close()
                self._admin = None

    def env(self, raw: str, enriched: str, dlq: str, group: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()}
        env.update({
            "NEWSWIRE_BOOTSTRAP_SERVERS": self.bootstrap,
            "NEWSWIRE_RAW_TOPIC": raw,
            "NEWSWIRE_ENRICHED_TOPIC": enriched,
            "NEWSWIRE_DLQ_TOPIC": dlq,
            "NEWSWIRE_GROUP_ID": group,
            "NEWSWIRE_DEDUP_BACKEND": "memory",
            "NEWSWIRE_EXACTLY_ONCE": "false",  # only the exactly-once stage asks for it (--exactly-once)
            "NEWSWIRE_PARTITIONS": str(PARTITIONS),
            "NEWSWIRE_REPLICATION_FACTOR": "1",
            "NEWSWIRE_METRICS_HOST": "127.0.0.1",
            "NEWSWIRE_LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
        })
        return env


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","))
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        return {tp.partition: off for tp, off in consumer.end_offsets(parts).items()}
    finally:
        consumer.close()


@dataclass
class TopicRead:
    count: int
    timestamps: list[int]
    values: list[bytes] | None

    @property
    def first(self) -> int:
        return min(self.timestamps)

    @property
    def last(self) -> int:
        return max(self.timestamps)


def read_topic(bootstrap: str, topic: str, *, keep_values: bool = False, timeout: float = 180,
               isolation_level: str = "read_uncommitted") -> TopicRead:
    """Every record now in the topic (up to the end offsets at call time). The bench's
    own reader skips CRC checks: without the `crc32c` extension kafka-python checks
    them in pure Python, and the reader's speed is not what is measured."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False,
                             check_crcs=False, isolation_level=isolation_level,
                             max_partition_fetch_bytes=4 << 20)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not parts:
            raise BenchError(f"topic {topic} does not exist")
        ends = consumer.end_offsets(parts)
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        stamps: list[int] = []
        values: list[bytes] = []
        deadline = time.monotonic() + timeout
        progress = time.monotonic()
        while any(consumer.position(tp) < ends[tp] for tp in parts):
            if time.monotonic() > deadline:
                raise BenchError(f"reading {topic} timed out")
            if time.monotonic() - progress > 5:
                break  # e.g. a transaction marker at the end of a partition: nothing more to read
            for tp, batch in consumer.poll(timeout_ms=500, max_records=100_000).items():
                progress = time.monotonic()
                for record in batch:
                    if record.offset < ends[tp]:
                        stamps.append(record.timestamp)
                        if keep_values:
                            values.append(record.value)
        return TopicRead(len(stamps), stamps, values if keep_values else None)
    finally:
        consumer.close()


def fill_topic(run: Run, topic: str, count: int, values: list[bytes] | None = None,
               keys: list[bytes] | None = None) -> float:
    """Put `count` raw articles on `topic`, spread evenly over its partitions (bulk
    load, not measured). Returns the seconds it took."""
    values = values or run.articles.values
    keys = keys or run.articles.keys
    producer = make_producer(run.settings(), batch_size=256 * 1024, linger_ms=20)
    hdrs = headers(RAW_SCHEMA)
    started = time.perf_counter()
    try:
        futures = [producer.send(topic, key=keys[i % len(keys)], value=values[i % len(values)],
                                 headers=hdrs, partition=i % PARTITIONS) for i in range(count)]
        producer.flush(timeout=300)
        for future in futures:
            future.get(timeout=0)
    finally:
        producer.close(timeout=30)
    return time.perf_counter() - started


def wait_drained(run: Run, group: str, topic: str, ends: dict[int, int], procs: list[subprocess.Popen[bytes]],
                 timeout: float, logs: list[Path], count: int | None = None) -> float:
    """Wall time at which the group's committed offsets reached `ends` (or, with
    `count`, when they add up to at least `count`)."""
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    while True:
        committed = run.committed(group, topic)
        if all(committed.get(p, 0) >= end for p, end in ends.items()):
            return time.time()
        if count is not None and sum(min(committed.get(p, 0), e) for p, e in ends.items()) >= count:
            return time.time()
        for proc, path in zip(procs, logs):
            if proc.poll() is not None:
                raise BenchError(f"consumer exited with {proc.returncode} during the run:\n{tail(path)}")
        if time.monotonic() > deadline:
            done = sum(min(committed.get(p, 0), e) for p, e in ends.items())
            raise BenchError(f"group {group} did not finish within {timeout:.0f}s ({done}/{sum(ends.values())} committed)")
        if time.monotonic() - last_report > 30:
            done = sum(min(committed.get(p, 0), e) for p, e in ends.items())
            log(f"  ... {done:,}/{count or sum(ends.values()):,} committed")
            last_report = time.monotonic()
        time.sleep(0.25)


def wait_ready(port: int, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"consumer exited with {proc.returncode} before it was ready:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise BenchError(f"consumer not ready within {timeout:.0f}s:\n{tail(log_path)}")



def wait_count(run: Run, group: str, topic: str, count: int, proc: subprocess.Popen[bytes], log_path: Path,
               timeout: float, fail: bool = True) -> bool:
    """Wait until the group has committed `count` messages of `topic`; False (or
    BenchError with `fail`) at the timeout."""
    deadline = time.monotonic() + timeout
    while sum(run.committed(group, topic).values()) < count:
        if proc.poll() is not None:
            raise BenchError(f"consumer exited with {proc.returncode}:\n{tail(log_path)}")
        if time.monotonic() > deadline:
            if fail:
                raise BenchError(f"consumer did not commit {count} articles within {timeout:.0f}s")
            return False
        time.sleep(0.2)
    return True
