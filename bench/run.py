#!/usr/bin/env python3
"""newswire benchmark: compute limit, I/O limit, the real consumer, latency, producer,
memory and exactly-once cost, side by side in one run, as one table and one JSON file.

    .venv/bin/python bench/run.py                 # default: 50,000 articles, < 10 min on 2 cores
    .venv/bin/python bench/run.py --smoke         # small counts, < 60 s (plus broker start)
    .venv/bin/python bench/run.py --bootstrap 127.0.0.1:9092   # use a running broker
    .venv/bin/python bench/run.py --soak 600      # also: one consumer fed fresh data for 600 s

Without --bootstrap a private broker is started with scripts/local-kafka in a temporary
NEWSWIRE_KAFKA_DIR and stopped (and wiped) at the end, whatever happens. With
--bootstrap, every topic the run created is deleted at the end.

Methods (what each number means) are in bench/README.md. In short:

1. compute limit: `process_many()` (in the consumer's chunks) + `to_json()` in this process (one core), no Kafka;
   best of three timed passes over the fixed article set (bench/workload.py).
2. I/O limit: a pass-through with newswire's own client settings (`make_consumer`,
   `make_producer`): poll, send every record to another topic, flush, check every
   write, commit the batch. One process, the first 10,000 messages of the raw topic.
3. newswire: `python -m newswire.service.cli consume` processes (1, then 2 in one group)
   draining the same pre-filled raw topic with a fresh group each time. Rate =
   N / (last - first enriched record create time); the create time is stamped by the
   consumer's producer at send(), so the span runs from the first to the last
   enriched write and excludes process start-up and group join. The drain is over
   when the group's committed offsets reach the raw topic's end offsets.
4. latency: a paced producer offers a fixed rate to one running consumer; latency =
   enriched record create time - raw record create time, matched per message by a
   unique `fetched_at` stamp (article ids repeat in the fixed set, so the key alone
   is ambiguous; the enriched article carries `fetched_at` through unchanged). When
   the offered rate is near or above what one consumer drained, a second run at half
   that rate gives the service's own latency.
5. producer: `newswire produce big.jsonl` (subprocess, 10,000 lines) versus a plain
   kafka-python loop with the same settings sending the same pre-encoded articles;
   both rated from the first record's create time to everything acknowledged.
6. memory: VmRSS of the 1-process consumer, sampled every 0.5 s over the drain.
7. exactly-once: a fresh 1-process consumer with `consume --exactly-once` on the
   first 10,000 articles of the same topic, when the CLI offers the flag.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import kafka  # noqa: E402
import workload  # noqa: E402
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition  # noqa: E402
from kafka.structs import OffsetAndMetadata  # noqa: E402

from newswire.core.enrich import warm_up  # noqa: E402
from newswire.core.enrichers.dedup import MemoryIndex  # noqa: E402
from newswire.core.models import ENRICHED_SCHEMA, RAW_SCHEMA  # noqa: E402
from newswire.core.pipeline import process, process_many, to_json  # noqa: E402
from newswire.service.consumer import ENRICH_CHUNK  # noqa: E402
from newswire.service.kafka_io import ensure_topics, headers, make_consumer, make_producer  # noqa: E402
from newswire.service.settings import Settings  # noqa: E402

PARTITIONS = 6
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# -- plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
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
            return cls(n, n, n, min(n, 1000), 0.3, 200, 10.0, 10.0, 0.0, True)
        n = args.articles or 50_000
        # Sized for < 10 minutes on 2 cores: only the drains need all N.
        return cls(n, min(n, 10_000), min(n, 10_000), min(n, 10_000), 2.0, 500, 60.0, 30.0, 20.0, False)


# -- machine ---------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
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
        "loadavg_start": _loadavg(),
    }


def _has_crc32c() -> bool:
    from kafka.record import util

    return getattr(util, "crc32c_c", None) is not None


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- processes -------------------------------------------------------------------

_CHILDREN: list[subprocess.Popen] = []


def _spawn(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with log_path.open("ab") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                stdin=subprocess.DEVNULL)
    _CHILDREN.append(proc)
    return proc


def _stop(proc: subprocess.Popen, timeout: float = 30) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


def _kill_children() -> None:
    for proc in _CHILDREN:
        if proc.poll() is None:
            proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime (fields 14 and 15)


def proc_sample(pid: int) -> tuple[int, float, dict[int, float]] | None:
    """(VmRSS in kB, CPU seconds, CPU seconds per thread id) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cpu = _cpu_seconds(Path(f"/proc/{pid}/stat").read_text())
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.M)
    threads: dict[int, float] = {}
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                threads[int(task.name)] = _cpu_seconds((task / "stat").read_text())
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return (int(match.group(1)) if match else 0), cpu, threads


@dataclass(frozen=True)
class Sample:
    wall: float
    rss_kb: int
    cpu: float
    threads: dict[int, float]


class Sampler(threading.Thread):
    """VmRSS and CPU time (per process and per thread) of some processes every
    `interval` seconds."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.samples: dict[str, list[Sample]] = {name: [] for name in pids}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self._stop_event.wait(self.interval):
                return

    def sample(self) -> None:
        now = time.time()
        for name, pid in self.pids.items():
            got = proc_sample(pid)
            if got is not None:
                self.samples[name].append(Sample(now, *got))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def at(self, name: str, when: float) -> Sample | None:
        """The sample nearest to wall time `when`."""
        samples = self.samples.get(name) or []
        return min(samples, key=lambda s: abs(s.wall - when)) if samples else None

    def cpu_between(self, name: str, start: float, end: float) -> tuple[float, float, dict[int, float]] | None:
        """(CPU seconds, wall seconds, CPU seconds per thread) between the samples
        nearest `start` and `end`."""
        a, b = self.at(name, start), self.at(name, end)
        if a is None or b is None or b.wall <= a.wall:
            return None
        threads = {tid: cpu - a.threads.get(tid, 0.0) for tid, cpu in b.threads.items()}
        return b.cpu - a.cpu, b.wall - a.wall, threads


# -- broker ----------------------------------------------------------------------


class Broker:
    """A private scripts/local-kafka broker in a temporary state dir, or an external one."""

    def __init__(self, bootstrap: str | None) -> None:
        self.bootstrap = bootstrap
        self.private = bootstrap is None
        self.state_dir: Path | None = None
        self.pid: int | None = None

    def start(self) -> str:
        if not self.private:
            return self.bootstrap  # type: ignore[return-value]
        self.state_dir = Path(tempfile.mkdtemp(prefix="newswire-bench-kafka-"))
        log(f"starting a private broker (scripts/local-kafka, state dir {self.state_dir})")
        result = subprocess.run([str(REPO / "scripts" / "local-kafka"), "start"], env=self._env(),
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise BenchError(f"scripts/local-kafka start failed:\n{result.stderr[-3000:]}")
        self.bootstrap = result.stdout.strip().splitlines()[-1].strip()
        try:
            self.pid = int((self.state_dir / "broker.pid").read_text().strip())
        except (OSError, ValueError):
            self.pid = None
        return self.bootstrap

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "NEWSWIRE_KAFKA_DIR": str(self.state_dir)}
        env.pop("NEWSWIRE_KAFKA_PORT", None)
        return env

    def stop(self) -> None:
        if not self.private or self.state_dir is None:
            return
        log("stopping the private broker")
        subprocess.run([str(REPO / "scripts" / "local-kafka"), "stop"], env=self._env(),
                       capture_output=True, text=True, timeout=120)
        shutil.rmtree(self.state_dir, ignore_errors=True)
        self.state_dir = None


# -- Kafka helpers -----------------------------------------------------------------


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


def wait_drained(run: Run, group: str, topic: str, ends: dict[int, int], procs: list[subprocess.Popen],
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
                raise BenchError(f"consumer exited with {proc.returncode} during the run:\n{_tail(path)}")
        if time.monotonic() > deadline:
            done = sum(min(committed.get(p, 0), e) for p, e in ends.items())
            raise BenchError(f"group {group} did not finish within {timeout:.0f}s ({done}/{sum(ends.values())} committed)")
        if time.monotonic() - last_report > 30:
            done = sum(min(committed.get(p, 0), e) for p, e in ends.items())
            log(f"  ... {done:,}/{count or sum(ends.values()):,} committed")
            last_report = time.monotonic()
        time.sleep(0.25)


def wait_ready(port: int, proc: subprocess.Popen, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"consumer exited with {proc.returncode} before it was ready:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise BenchError(f"consumer not ready within {timeout:.0f}s:\n{_tail(log_path)}")


# -- 1. compute limit --------------------------------------------------------------


def compute_limit(run: Run) -> dict[str, Any]:
    settings = Settings().pipeline()
    dedup = MemoryIndex()
    values = run.articles.values

    def one_pass() -> None:
        # In the consumer's chunks: enrichment runs stage by stage over each chunk.
        for start in range(0, len(values), ENRICH_CHUNK):
            for result in process_many(values[start:start + ENRICH_CHUNK], settings, dedup=dedup):
                if result.article is None:
                    raise BenchError(f"a benchmark article failed: {result.failure}")
                to_json(result.article)

    warm_up()  # as the consumer does at start (gc.freeze of the loaded data)
    one_pass()  # warm: language model, caches, the dedup index holds the set
    rates, cpu_rates = [], []
    for _ in range(3):
        n, start, cpu0 = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < run.plan.compute_pass_seconds:
            one_pass()
            n += len(values)
        rates.append(n / (time.perf_counter() - start))
        cpu_rates.append(n / max(time.process_time() - cpu0, 1e-9))
    enriched_sizes = [len(to_json(process(v, settings, dedup=dedup).article)) for v in values]  # type: ignore[arg-type]
    return {"rate": max(rates), "rates": rates, "cpu_rate": max(cpu_rates),
            "mean_enriched_bytes": round(statistics.mean(enriched_sizes))}


# -- 2. I/O limit --------------------------------------------------------------------


def io_limit(run: Run, raw: str, count: int) -> dict[str, Any]:
    out = run.name("passthrough.out")
    run.create(out)
    group = run.name("passthrough.group")
    settings = run.settings(group_id=group, raw_topic=raw)
    producer = make_producer(settings)
    consumer = make_consumer(settings)
    copied = 0
    first_poll = None
    cpu0 = time.process_time()
    try:
        consumer.subscribe([raw])
        deadline = time.monotonic() + max(120, count / 50)
        while copied < count:
            if time.monotonic() > deadline:
                raise BenchError(f"pass-through copied only {copied}/{count}")
            records = consumer.poll(timeout_ms=500)
            if not records:
                continue
            if first_poll is None:
                first_poll = time.perf_counter()
            futures = []
            for tp, batch in records.items():
                for record in batch:
                    futures.append(producer.send(out, key=record.key, value=record.value,
                                                 headers=headers(ENRICHED_SCHEMA)))
            producer.flush(timeout=settings.shutdown_timeout_seconds)
            for future in futures:
                future.get(timeout=settings.shutdown_timeout_seconds)
            consumer.commit({tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1) for tp, batch in records.items()})
            copied += len(futures)
        wall = time.perf_counter() - (first_poll or time.perf_counter())
        cpu = time.process_time() - cpu0
    finally:
        producer.close(timeout=10)
        consumer.close(autocommit=False)
    read = read_topic(run.bootstrap, out)
    span = max((read.last - read.first) / 1000, 1e-3)
    return {"rate": read.count / span, "wall_rate": copied / wall, "copied": read.count,
            "cpu_us_per_message": cpu / copied * 1e6}


# -- 3./6./7. drains ---------------------------------------------------------------


@dataclass
class Drain:
    label: str
    processes: int
    articles: int  # raw articles the run was asked to drain
    rate: float  # articles / (last - first enriched create time)
    span_seconds: float
    written: int  # enriched records (more than `articles` when something was redone)
    dead_letters: int
    startup_seconds: float  # process start to first enriched write
    cpu_percent: list[float]  # per process, over the span, % of one core
    main_thread_percent: list[float]
    other_threads_percent: list[float]
    cpu_us_per_article: float  # all consumer processes together
    broker_cpu_percent: float | None
    peak_rss_mb: list[float]
    rss_25_mb: float | None
    rss_100_mb: float | None
    rss_slope_mb_per_10k: float | None  # trend of RSS over the span
    steady_rate: float  # between the 10th and 90th percentile of the write times
    commit_rate: float  # cross-check: to the moment the committed offsets reached the end (0.25 s polls)
    timestamps: list[int]

    def rate_of_first(self, count: int) -> float:
        """Rate over the first `count` enriched writes (to compare with a shorter run)."""
        stamps = self.timestamps
        count = min(count, len(stamps))
        return count / max((stamps[count - 1] - stamps[0]) / 1000, 1e-3)


def drain(run: Run, raw: str, count: int, label: str, processes: int, extra_args: tuple[str, ...] = (),
          env_extra: dict[str, str] | None = None) -> Drain:
    """`processes` fresh `newswire consume` processes in a fresh group read `raw` until the
    group has committed `count` articles (all of them when `count` is the topic size)."""
    group = run.name(f"{label}.group")
    enriched, dlq = run.name(f"{label}.enriched"), run.name(f"{label}.dlq")
    run.create(enriched=enriched, dlq=dlq)
    env = {**run.env(raw, enriched, dlq, group), **(env_extra or {})}
    procs, logs = [], []
    started = time.time()
    for i in range(processes):
        log_path = run.workdir / f"{label}-{i}.log"
        proc = _spawn([sys.executable, "-m", "newswire.service.cli", "consume", *extra_args],
                      {**env, "NEWSWIRE_METRICS_PORT": str(free_port())}, log_path)
        procs.append(proc)
        logs.append(log_path)
    pids = {f"consumer{i}": p.pid for i, p in enumerate(procs)}
    if run.broker_pid:
        pids["broker"] = run.broker_pid
    sampler = Sampler(pids)
    sampler.start()
    try:
        ends = end_offsets(run.bootstrap, raw)
        done_at = wait_drained(run, group, raw, ends, procs, timeout=max(180, count / 40), logs=logs, count=count)
    finally:
        sampler.stop()
        for proc in procs:
            _stop(proc)
    isolation = "read_committed" if "--exactly-once" in extra_args else "read_uncommitted"
    read = read_topic(run.bootstrap, enriched, isolation_level=isolation)
    dead = sum(end_offsets(run.bootstrap, dlq).values())
    if dead:
        log(f"  warning: {dead} dead letters in {label}")
    if read.count < count:
        raise BenchError(f"{label}: {read.count} enriched records, expected at least {count}")
    stamps = sorted(read.timestamps)
    first, last = stamps[0] / 1000, stamps[-1] / 1000
    span = max(last - first, 1e-3)
    p10, p90 = stamps[len(stamps) // 10], stamps[len(stamps) * 9 // 10]
    steady = (len(stamps) * 0.8) / max((p90 - p10) / 1000, 1e-3)

    cpu_percent, main_percent, other_percent, cpu_total = [], [], [], 0.0
    for i, proc in enumerate(procs):
        got = sampler.cpu_between(f"consumer{i}", first, last)
        if got:
            cpu, wall, threads = got
            cpu_percent.append(100 * cpu / wall)
            main = threads.get(proc.pid, 0.0)
            main_percent.append(100 * main / wall)
            other_percent.append(100 * (sum(threads.values()) - main) / wall)
            cpu_total += cpu * span / wall
    broker = sampler.cpu_between("broker", first, last) if run.broker_pid else None
    peaks = [max(x.rss_kb for x in sampler.samples[f"consumer{i}"]) / 1024
             for i in range(processes) if sampler.samples.get(f"consumer{i}")]
    rss25 = rss100 = slope = None
    if processes == 1:
        a, b = sampler.at("consumer0", first + 0.25 * span), sampler.at("consumer0", last)
        rss25 = a.rss_kb / 1024 if a else None
        rss100 = b.rss_kb / 1024 if b else None
        # Least-squares trend of RSS over the span, in MB per 10,000 articles.
        points = [(x.wall, x.rss_kb / 1024) for x in sampler.samples["consumer0"] if first <= x.wall <= last]
        if len(points) >= 20:  # at least 10 s of samples
            mean_t = statistics.mean(t for t, _ in points)
            mean_r = statistics.mean(r for _, r in points)
            var = sum((t - mean_t) ** 2 for t, _ in points)
            if var > 0:
                per_second = sum((t - mean_t) * (r - mean_r) for t, r in points) / var
                slope = per_second * span / count * 10_000
    # Rate counts the articles asked for; a partial (limited) run counts what was written.
    done = count if count >= sum(ends.values()) else read.count
    return Drain(label, processes, count, done / span, span, read.count, dead, first - started, cpu_percent,
                 main_percent, other_percent, cpu_total / done * 1e6,
                 (100 * broker[0] / broker[1]) if broker else None, peaks, rss25, rss100, slope, steady,
                 done / max(done_at - first, 1e-3), stamps)


def exactly_once_available() -> bool:
    result = subprocess.run([sys.executable, "-m", "newswire.service.cli", "consume", "--help"], capture_output=True,
                            text=True, cwd=REPO, timeout=60)
    return "--exactly-once" in result.stdout


# -- 4. latency -------------------------------------------------------------------------


def latency(run: Run, rate: int, seconds: float, grace: float, label: str = "latency") -> dict[str, Any]:
    """End-to-end latency at a fixed offered rate into one running consumer."""
    raw, enriched, dlq = run.name(f"{label}.raw"), run.name(f"{label}.enriched"), run.name(f"{label}.dlq")
    group = run.name(f"{label}.group")
    run.create(raw, enriched=enriched, dlq=dlq)
    port = free_port()
    log_path = run.workdir / "latency.log"
    proc = _spawn([sys.executable, "-m", "newswire.service.cli", "consume"],
                  {**run.env(raw, enriched, dlq, group), "NEWSWIRE_METRICS_PORT": str(port)}, log_path)
    producer = make_producer(run.settings())
    values, keys = run.articles.values, run.articles.keys
    hdrs = headers(RAW_SCHEMA)
    warm = len(values)
    total = int(rate * seconds)
    try:
        wait_ready(port, proc, log_path)
        # Warm-up: the whole set once (language model loaded, dedup index filled); not measured.
        for i in range(warm):
            producer.send(raw, key=keys[i], value=workload.with_fetched_at(values[i], workload.marker_time(10**9 + i)),
                          headers=hdrs)
        producer.flush(timeout=30)
        _wait_count(run, group, raw, warm, proc, log_path, timeout=120)

        paced = [workload.with_fetched_at(values[i % len(values)], workload.marker_time(i)) for i in range(total)]
        log(f"  offering {rate}/s for {seconds:.0f}s ({total:,} articles)")
        started = time.perf_counter()
        sent = 0
        while sent < total:  # on an absolute schedule: a late tick sends what is due
            due = min(total, int((time.perf_counter() - started) * rate) + 1)
            while sent < due:
                producer.send(raw, key=keys[sent % len(keys)], value=paced[sent], headers=hdrs)
                sent += 1
            pause = sent / rate - (time.perf_counter() - started)
            if pause > 0:
                time.sleep(pause)
        offered_seconds = time.perf_counter() - started
        producer.flush(timeout=60)
        # Wait for the backlog, but not for ever: what is still unprocessed at the
        # deadline is counted as censored (its latency is at least the time waited).
        drained = _wait_count(run, group, raw, warm + total, proc, log_path, timeout=grace, fail=False)
        stopped_ms = time.time() * 1000
    finally:
        producer.close(timeout=10)
        _stop(proc)
    del paced
    raw_read = read_topic(run.bootstrap, raw, keep_values=True)
    out_read = read_topic(run.bootstrap, enriched, keep_values=True)
    produced_at: dict[datetime, int] = {}
    for ts, value in zip(raw_read.timestamps, raw_read.values or []):
        produced_at[_marker(value)] = ts
    warm_markers = {workload.marker_time(10**9 + i) for i in range(warm)}
    for marker in warm_markers:
        produced_at.pop(marker, None)
    if len(produced_at) != total:
        raise BenchError(f"latency: {len(produced_at)} paced articles in the raw topic, expected {total}")
    observed: dict[datetime, int] = {}
    out_stamps = []
    for ts, value in zip(out_read.timestamps, out_read.values or []):
        marker = _marker(value)
        if marker in produced_at:
            out_stamps.append(ts)
            observed[marker] = min(observed.get(marker, 1 << 62), ts - produced_at[marker])
    censored = [stopped_ms - ts for marker, ts in produced_at.items() if marker not in observed]
    # Percentiles over every offered article; an unprocessed one counts with its lower
    # bound, so a percentile is exact when no lower bound falls at or below it.
    everything = sorted([(v, False) for v in observed.values()] + [(v, True) for v in censored])

    def pct(p: float) -> tuple[float, bool]:
        index = min(len(everything) - 1, int(round(p / 100 * (len(everything) - 1))))
        exact = not any(is_censored for _, is_censored in everything[:index + 1])
        return float(everything[index][0]), not exact

    out_span = (max(out_stamps) - min(out_stamps)) / 1000 if len(out_stamps) > 1 else 0.0
    result: dict[str, Any] = {
        "offered": total, "processed": len(observed), "censored": len(censored), "drained": drained,
        "offered_rate": total / offered_seconds, "output_rate": len(observed) / max(out_span, 1e-3),
        "target_rate": rate, "seconds": seconds, "grace_seconds": grace, "max": float(max(v for v, _ in everything)),
        "mean_processed": statistics.mean(observed.values()) if observed else None,
    }
    for p in (50, 95, 99):
        result[f"p{p}"], result[f"p{p}_lower_bound"] = pct(p)
    return result


_FETCHED = re.compile(rb'"fetched_at":"([^"]*)"')


def _marker(value: bytes) -> datetime:
    match = _FETCHED.search(value)
    if not match:
        raise BenchError("a record without fetched_at")
    return datetime.fromisoformat(match.group(1).decode().replace("Z", "+00:00"))


def _wait_count(run: Run, group: str, topic: str, count: int, proc: subprocess.Popen, log_path: Path,
                timeout: float, fail: bool = True) -> bool:
    """Wait until the group has committed `count` messages of `topic`; False (or
    BenchError with `fail`) at the timeout."""
    deadline = time.monotonic() + timeout
    while sum(run.committed(group, topic).values()) < count:
        if proc.poll() is not None:
            raise BenchError(f"consumer exited with {proc.returncode}:\n{_tail(log_path)}")
        if time.monotonic() > deadline:
            if fail:
                raise BenchError(f"consumer did not commit {count} articles within {timeout:.0f}s")
            return False
        time.sleep(0.2)
    return True


# -- 5. producer -------------------------------------------------------------------------


def producer_bench(run: Run, count: int) -> dict[str, Any]:
    """Both producers are rated from their first record's create time (stamped at
    send()) to the moment every article is acknowledged: the plain loop's flush
    returning, the CLI's exit (it exits after flush and close). The send() loop alone
    would overstate both: kafka-python batches (and CRCs) in a background thread, so
    send() returns long before the broker has the records."""
    from newswire.core.models import RawArticle
    from newswire.core.sources.reader import read_inputs

    big = run.workdir / "big.jsonl"
    workload.write_jsonl(big, run.articles.articles, count)
    cli_topic, plain_topic = run.name("produce.cli"), run.name("produce.plain")
    run.create(cli_topic, plain_topic)

    # The same articles newswire produce will read, pre-encoded for the plain loop.
    articles = [a for a in read_inputs([str(big)]) if isinstance(a, RawArticle)]
    if len(articles) != count:
        raise BenchError(f"big.jsonl: read {len(articles)} of {count} articles")
    keys = [a.id.encode() for a in articles]
    values = [to_json(a) for a in articles]
    del articles

    producer = make_producer(run.settings())
    hdrs = headers(RAW_SCHEMA)
    try:
        started = time.perf_counter()
        futures = [producer.send(plain_topic, key=k, value=v, headers=hdrs) for k, v in zip(keys, values)]
        producer.flush(timeout=300)
        plain_done = time.time()
        plain_wall = time.perf_counter() - started
        for future in futures:
            future.get(timeout=0)
    finally:
        producer.close(timeout=10)
    del values, keys, futures

    log_path = run.workdir / "produce.log"
    env = {**os.environ, "NEWSWIRE_BOOTSTRAP_SERVERS": run.bootstrap, "NEWSWIRE_PARTITIONS": str(PARTITIONS),
           "NEWSWIRE_LOG_FORMAT": "json"}
    started = time.perf_counter()
    proc = _spawn([sys.executable, "-m", "newswire.service.cli", "produce", "--topic", cli_topic, str(big)], env, log_path)
    code = proc.wait(timeout=max(300, count / 20))
    cli_done = time.time()
    cli_wall = time.perf_counter() - started
    if code != 0:
        raise BenchError(f"newswire produce exited with {code}:\n{_tail(log_path)}")

    cli_read, plain_read = read_topic(run.bootstrap, cli_topic), read_topic(run.bootstrap, plain_topic)
    for name, read in (("newswire produce", cli_read), ("plain producer", plain_read)):
        if read.count != count:
            raise BenchError(f"{name}: {read.count} records in the topic, expected {count}")
    return {"cli_rate": count / (cli_done - cli_read.first / 1000), "cli_wall_rate": count / cli_wall,
            "cli_send_rate": count / max((cli_read.last - cli_read.first) / 1000, 1e-3),
            "plain_rate": count / (plain_done - plain_read.first / 1000), "plain_wall_rate": count / plain_wall,
            "plain_send_rate": count / max((plain_read.last - plain_read.first) / 1000, 1e-3),
            "cli_wall_seconds": cli_wall}


# -- soak ---------------------------------------------------------------------------------


def soak(run: Run, seconds: float, per_round: int) -> dict[str, Any]:
    """One consumer fed fresh articles (unique ids and texts) round after round."""
    raw, enriched, dlq = run.name("soak.raw"), run.name("soak.enriched"), run.name("soak.dlq")
    group = run.name("soak.group")
    run.create(raw, enriched=enriched, dlq=dlq)
    log_path = run.workdir / "soak.log"
    proc = _spawn([sys.executable, "-m", "newswire.service.cli", "consume"],
                  {**run.env(raw, enriched, dlq, group), "NEWSWIRE_METRICS_PORT": str(free_port())}, log_path)
    sampler = Sampler({"consumer0": proc.pid})
    sampler.start()
    base = run.articles.articles
    total, rounds = 0, 0
    started = time.time()
    try:
        while time.time() - started < seconds:
            variants = [workload.unique_variant(base[i % len(base)], total + i) for i in range(per_round)]
            fill_topic(run, raw, per_round, [to_json(a) for a in variants], [a.id.encode() for a in variants])
            del variants
            total += per_round
            rounds += 1
            _wait_count(run, group, raw, total, proc, log_path, timeout=max(300, per_round / 20))
            log(f"  soak round {rounds}: {total:,} articles, {time.time() - started:.0f}s")
    finally:
        sampler.stop()
        _stop(proc)
    ended = time.time()
    samples = sampler.samples["consumer0"]
    quarter = sampler.at("consumer0", started + 0.25 * (ended - started))
    tenths = [sampler.at("consumer0", started + k / 10 * (ended - started)) for k in range(1, 11)]
    return {"seconds": ended - started, "rounds": rounds, "articles": total,
            "peak_rss_mb": max(x.rss_kb for x in samples) / 1024,
            "rss_by_tenth_mb": [round(x.rss_kb / 1024) if x else None for x in tenths],
            "rss_25_mb": quarter.rss_kb / 1024 if quarter else None, "rss_100_mb": samples[-1].rss_kb / 1024,
            "rate": total / (ended - started)}


# -- results ---------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, key: str, measure: str, value: float | None, unit: str, ratio: float | None = None,
            notes: str = "", **extra: Any) -> None:
        self.rows[key] = {"measure": measure, "value": value, "unit": unit, "ratio": ratio, "notes": notes, **extra}

    def table(self) -> str:
        lines = [f"{'measure':<40} {'value':>10}  {'unit':<15} ratio/notes", "-" * 130]
        for row in self.rows.values():
            value = row["value"]
            if value is None:
                shown = "n/a"
            else:
                shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
                if row.get("lower_bound"):
                    shown = ">=" + shown
            ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}  "
            lines.append(f"{row['measure']:<40} {shown:>10}  {row['unit']:<15} {ratio}{row['notes']}")
        return "\n".join(lines)


def _fmt(x: float | None, digits: int = 0) -> str:
    return "?" if x is None else f"{x:,.{digits}f}"


def _percents(values: list[float]) -> str:
    return "/".join(f"{v:.0f}" for v in values) or "?"


def _add_latency(results: Results, key: str, lat: dict[str, Any], utilisation: float, suffix: str = "") -> bool:
    """Three rows (p50, p95, p99); True when the consumer could not keep up. `utilisation`:
    the offered rate over the rate the 1-process drain reached."""
    overloaded = lat["censored"] > 0 or lat["output_rate"] < 0.95 * lat["offered_rate"]
    state = ("OVERLOADED: latency is mostly queueing" if overloaded
             else "kept up, but near capacity: queueing" if utilisation > 0.8 else "kept up")
    head = (f"offered {lat['offered_rate']:,.0f}/s ({utilisation:.2f} of the 1-process drain rate) for "
            f"{lat['seconds']:.0f}s; enriched {lat['output_rate']:,.0f}/s; {state}")
    tails = {50: head,
             95: "enriched create time - raw create time, matched by fetched_at",
             99: (f"max {lat['max']:,.0f} ms; {lat['processed']:,}/{lat['offered']:,} processed"
                  + (f", {lat['censored']:,} still queued {lat['grace_seconds']:.0f}s after the last send (counted as lower bounds)"
                     if lat["censored"] else ""))}
    for p in (50, 95, 99):
        extra = {k: v for k, v in lat.items() if not re.match(r"p\d+", k)} if p == 50 else {}
        results.add(f"{key}_p{p}", f"end-to-end latency p{p}{suffix}", lat[f"p{p}"], "ms",
                    notes=tails[p], lower_bound=lat[f"p{p}_lower_bound"], **extra)
    results.rows[f"{key}_p50"].update(overloaded=overloaded, utilisation=utilisation)
    return overloaded


def run_all(run: Run, results: Results, soak_seconds: float | None) -> None:
    plan = run.plan
    info = run.articles.describe()
    n = plan.articles

    # 1. compute limit
    log("1. compute limit (in process, one core)")
    comp = compute_limit(run)
    compute = comp["rate"]
    results.add("compute_limit", "compute limit (process + to_json)", compute, "articles/s/core",
                notes=f"best of 3 passes ({', '.join(f'{r:,.0f}' for r in comp['rates'])}); by CPU time "
                      f"{comp['cpu_rate']:,.0f}/s; {info['articles']} articles, mean {info['mean_message_bytes']:,} B raw "
                      f"({info['mean_body_bytes']:,} B body) -> {comp['mean_enriched_bytes']:,} B enriched; "
                      f"{len(info['languages'])} languages, {info['languages'].get('ar', 0)} Arabic",
                rates=comp["rates"], cpu_rate=comp["cpu_rate"], article_set=info,
                mean_enriched_bytes=comp["mean_enriched_bytes"])

    # the shared raw topic
    raw = run.name("raw")
    run.create(raw)
    log(f"pre-filling {raw} with {n:,} articles ({PARTITIONS} partitions, round robin)")
    log(f"  filled in {fill_topic(run, raw, n):.1f}s")

    # 2. I/O limit
    log(f"2. I/O limit: pass-through of {plan.io_articles:,} messages with newswire's client settings")
    io = io_limit(run, raw, plan.io_articles)
    results.add("io_limit", "I/O limit (pass-through copy, 1 process)", io["rate"], "messages/s",
                ratio=io["rate"] / compute,
                notes=f"x compute limit; first {io['copied']:,} of the raw topic; poll, send, flush, commit per batch; "
                      f"wall {io['wall_rate']:,.0f}/s; {io['cpu_us_per_message']:,.0f} us CPU/message (both threads)",
                wall_rate=io["wall_rate"], cpu_us_per_message=io["cpu_us_per_message"], messages=io["copied"])

    # 3. newswire with one and two processes; 6. memory from the one-process drain
    drains: dict[int, Drain] = {}
    for procs in (1, 2):
        log(f"3. newswire consume x{procs}: draining {n:,} articles")
        d = drain(run, raw, n, f"drain{procs}", procs)
        drains[procs] = d
        limit = min(compute * procs, io["rate"])
        scaling = f"{d.rate / drains[1].rate:.2f}x one process; " if procs > 1 else ""
        results.add(f"newswire_{procs}", f"newswire consume, {procs} process{'es' if procs > 1 else ''}",
                    d.rate, "articles/s", ratio=d.rate / limit,
                    notes=(f"{scaling}efficiency vs min(compute x {procs}, I/O) = {limit:,.0f}; span {d.span_seconds:.1f}s, "
                           f"steady (p10-p90) {d.steady_rate:,.0f}/s; consumer CPU {_percents(d.cpu_percent)}% of a core "
                           f"(main thread {_percents(d.main_thread_percent)}%, others {_percents(d.other_threads_percent)}%), "
                           f"{d.cpu_us_per_article:,.0f} us CPU/article vs {1e6 / compute:,.0f} compute; broker CPU "
                           f"{_fmt(d.broker_cpu_percent)}%; start-up {d.startup_seconds:.1f}s; "
                           f"{d.written - n} redone, {d.dead_letters} dead letters"),
                    limit=limit, span_seconds=d.span_seconds, steady_rate=d.steady_rate, commit_rate=d.commit_rate,
                    cpu_percent=d.cpu_percent,
                    main_thread_percent=d.main_thread_percent, other_threads_percent=d.other_threads_percent,
                    cpu_us_per_article=d.cpu_us_per_article, broker_cpu_percent=d.broker_cpu_percent,
                    startup_seconds=d.startup_seconds, written=d.written, dead_letters=d.dead_letters,
                    **({"scaling": d.rate / drains[1].rate} if procs > 1 else {}))

    # 4. latency at the prescribed rate; if that is near or above what one consumer
    # drained, queueing dominates, so also measure at half that rate (the service's
    # own latency rather than a queue's)
    log(f"4. latency: {plan.latency_rate}/s for {plan.latency_seconds:.0f}s into one consumer")
    lat = latency(run, plan.latency_rate, plan.latency_seconds, plan.latency_grace_seconds)
    utilisation = plan.latency_rate / drains[1].rate
    overloaded = _add_latency(results, "latency", lat, utilisation=utilisation)
    if (overloaded or utilisation > 0.7) and plan.below_capacity_seconds:
        rate = max(20, int(round(drains[1].rate * 0.5, -1)))
        log(f"4b. latency below capacity: {rate}/s (half the 1-process drain rate) for {plan.below_capacity_seconds:.0f}s")
        low = latency(run, rate, plan.below_capacity_seconds, 15.0, label="latency-low")
        _add_latency(results, "latency_low", low, rate / drains[1].rate, f" at {rate}/s")

    # 5. producer
    log(f"5. producer: newswire produce big.jsonl ({plan.producer_articles:,}) vs a plain kafka-python loop")
    prod = producer_bench(run, plan.producer_articles)
    results.add("producer_newswire", "producer: newswire produce big.jsonl", prod["cli_rate"], "articles/s",
                ratio=prod["cli_rate"] / prod["plain_rate"],
                notes=f"x plain loop; {plan.producer_articles:,} articles, first send to exit; whole command incl. "
                      f"start-up {prod['cli_wall_rate']:,.0f}/s ({prod['cli_wall_seconds']:.1f}s); send() calls alone "
                      f"{prod['cli_send_rate']:,.0f}/s",
                wall_rate=prod["cli_wall_rate"], send_rate=prod["cli_send_rate"], articles=plan.producer_articles)
    results.add("producer_plain", "producer: plain kafka-python loop", prod["plain_rate"], "articles/s",
                notes=f"make_producer settings (acks=all, idempotent, linger 5 ms), same articles pre-encoded; "
                      f"first send to flush done; send() calls alone {prod['plain_send_rate']:,.0f}/s",
                wall_rate=prod["plain_wall_rate"], send_rate=prod["plain_send_rate"], articles=plan.producer_articles)

    # 6. memory (from the one-process drain)
    d1 = drains[1]
    growth = (d1.rss_100_mb / d1.rss_25_mb) if d1.rss_25_mb and d1.rss_100_mb else None
    results.add("memory_peak_rss", "memory: consumer peak RSS (1 process)", d1.peak_rss_mb[0] if d1.peak_rss_mb else None,
                "MB", notes=f"VmRSS every 0.5 s over the 1-process drain; 2-process peaks {_percents(drains[2].peak_rss_mb)} MB")
    results.add("memory_rss_25", "memory: RSS at 25% of the drain", d1.rss_25_mb, "MB")
    # RSS swings by about +-10% around a constant working set (fetch buffers, batch size),
    # so only a larger change, or a steady trend, counts as growth.
    verdict = "" if growth is None else ("; grows" if growth > 1.15 else "; flat (within the +-15% batch-to-batch swing)")
    results.add("memory_rss_100", "memory: RSS at 100% of the drain", d1.rss_100_mb, "MB", ratio=growth,
                notes=f"x RSS at 25%{verdict}; trend {_fmt(d1.rss_slope_mb_per_10k, 1)} MB per 10,000 articles",
                rss_slope_mb_per_10k=d1.rss_slope_mb_per_10k)

    # 7. exactly-once
    if exactly_once_available():
        m = plan.eos_articles
        log(f"7. exactly-once: newswire consume --exactly-once x1, the first {m:,} articles")
        e = drain(run, raw, m, "drain-eos", 1, ("--exactly-once",))
        baseline = d1.rate_of_first(e.written)
        results.add("exactly_once", "newswire consume --exactly-once, 1 proc", e.rate, "articles/s",
                    ratio=e.rate / baseline,
                    notes=(f"x at-least-once over its first {e.written:,} writes ({baseline:,.0f}/s); consumer CPU "
                           f"{_percents(e.cpu_percent)}% (main {_percents(e.main_thread_percent)}%); "
                           f"{e.cpu_us_per_article:,.0f} us CPU/article; peak RSS {_percents(e.peak_rss_mb)} MB"),
                    available=True, articles=e.written, baseline_rate=baseline, span_seconds=e.span_seconds,
                    cpu_percent=e.cpu_percent, cpu_us_per_article=e.cpu_us_per_article)
    else:
        log("7. exactly-once: not available")
        results.add("exactly_once", "newswire consume --exactly-once", None, "articles/s",
                    notes="not available: `newswire consume --help` lists no --exactly-once", available=False)

    if soak_seconds:
        log(f"soak: one consumer, fresh unique articles in rounds of {n:,}, for {soak_seconds:.0f}s")
        s = soak(run, soak_seconds, n)
        growth = s["rss_100_mb"] / s["rss_25_mb"] if s["rss_25_mb"] else None
        results.add("soak_peak_rss", "soak: consumer peak RSS", s["peak_rss_mb"], "MB",
                    notes=f"{s['rounds']} rounds, {s['articles']:,} unique articles in {s['seconds']:.0f}s "
                          f"({s['rate']:,.0f}/s incl. loading)", **s)
        results.add("soak_rss_100", "soak: RSS at 100% of the soak", s["rss_100_mb"], "MB", ratio=growth,
                    notes=f"x RSS at 25% ({_fmt(s['rss_25_mb'])} MB); by tenth of the soak: "
                          + " ".join(_fmt(x) for x in s["rss_by_tenth_mb"]) + " MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newswire benchmark: one table, one JSON file (see bench/README.md)")
    parser.add_argument("--articles", type=int, metavar="N",
                        help="articles in the pre-filled raw topic, drained by 1 and 2 consumers (default 50000; smoke 2000)")
    parser.add_argument("--smoke", action="store_true", help="small counts and a short latency run (< 60 s): checks the harness")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "bench.json", help="results file (default bench/results/bench.json)")
    parser.add_argument("--bootstrap", metavar="HOST:PORT", help="use this broker instead of starting a private one")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="also feed one consumer fresh articles for SECONDS")
    parser.add_argument("--keep-topics", action="store_true", help="with --bootstrap: leave the bench topics in place")
    args = parser.parse_args(argv)
    plan = Plan.from_args(args)
    if plan.articles < 200:
        parser.error("--articles must be at least 200")

    def on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)

    wall_start = time.time()
    machine = machine_info()
    broker = Broker(args.bootstrap)
    workdir = Path(tempfile.mkdtemp(prefix="newswire-bench-"))
    results = Results()
    run: Run | None = None
    status, error = 0, None
    try:
        bootstrap = broker.start()
        machine["broker"] = ("Kafka 4.1.1 via scripts/local-kafka, private, same machine" if broker.private
                             else f"external at {bootstrap}")
        articles = workload.build_set()
        run = Run(plan, bootstrap, workdir, articles, broker.pid, keep_topics=args.keep_topics or broker.private)
        ensure_topics(run.settings(), [])  # fail now, not after the compute limit, when no broker answers
        log(f"broker {bootstrap}; N = {plan.articles:,}; article set {articles.describe()}")
        run_all(run, results, args.soak)
    except KeyboardInterrupt:
        status, error = 130, "interrupted"
    except BenchError as exc:
        status, error = 1, str(exc)
    except Exception as exc:  # noqa: BLE001 - report, clean up, exit non-zero
        import traceback

        traceback.print_exc()
        status, error = 1, f"{type(exc).__name__}: {exc}"
    finally:
        _kill_children()
        if run is not None:
            try:
                run.cleanup()
            except Exception as exc:  # noqa: BLE001
                log(f"cleanup: {exc}")
        try:
            broker.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    if error:
        log(f"FAILED: {error}")

    elapsed = time.time() - wall_start
    machine["loadavg_end"] = _loadavg()
    print(f"newswire benchmark{' (smoke)' if plan.smoke else ''}: N = {plan.articles:,}, "
          f"{'complete' if status == 0 else 'INCOMPLETE: ' + str(error)} in {elapsed:.0f}s")
    print(f"machine: nproc {machine['nproc']}, CPU {machine['cpu_model']}, Python {machine['python']}, "
          f"kafka-python {machine['kafka_python']} (crc32c C extension: {'yes' if machine['crc32c_extension'] else 'no'})")
    print(f"broker: {machine.get('broker', '?')}; load average {machine['loadavg_start']} at start, "
          f"{machine['loadavg_end']} at end")
    print()
    print(results.table())
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "complete": status == 0, "error": error, "elapsed_seconds": round(elapsed, 1), "machine": machine,
        "plan": {**plan.__dict__, "partitions": PARTITIONS, "soak_seconds": args.soak},
        "measures": results.rows,
    }, indent=2, default=str) + "\n")
    print(f"\nresults: {args.json}")
    return status


if __name__ == "__main__":
    sys.exit(main())
