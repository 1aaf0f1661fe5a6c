"""3. newswire (articles/s): `newswire consume` processes, 1 and then 2 in one group,
draining the pre-filled raw topic; 6. memory, from the one-process drain."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass

from report import Results, fmt, percents
from sampling import Sampler
from support import BenchError, Run, end_offsets, log, read_topic, spawn, stop, wait_drained

from newswire.service.ports import free_port


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
        proc = spawn([sys.executable, "-m", "newswire.service.cli", "consume", *extra_args],
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
            stop(proc)
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


def measure(run: Run, results: Results, raw: str, compute: float, io_rate: float) -> dict[int, Drain]:
    """The newswire_1 and newswire_2 rows (ratio to min(compute x processes, I/O))."""
    n = run.plan.articles
    drains: dict[int, Drain] = {}
    for procs in (1, 2):
        log(f"3. newswire consume x{procs}: draining {n:,} articles")
        d = drain(run, raw, n, f"drain{procs}", procs)
        drains[procs] = d
        limit = min(compute * procs, io_rate)
        scaling = f"{d.rate / drains[1].rate:.2f}x one process; " if procs > 1 else ""
        results.add(f"newswire_{procs}", f"newswire consume, {procs} process{'es' if procs > 1 else ''}",
                    d.rate, "articles/s", ratio=d.rate / limit,
                    notes=(f"{scaling}efficiency vs min(compute x {procs}, I/O) = {limit:,.0f}; span {d.span_seconds:.1f}s, "
                           f"steady (p10-p90) {d.steady_rate:,.0f}/s; consumer CPU {percents(d.cpu_percent)}% of a core "
                           f"(main thread {percents(d.main_thread_percent)}%, others {percents(d.other_threads_percent)}%), "
                           f"{d.cpu_us_per_article:,.0f} us CPU/article vs {1e6 / compute:,.0f} compute; broker CPU "
                           f"{fmt(d.broker_cpu_percent)}%; start-up {d.startup_seconds:.1f}s; "
                           f"{d.written - n} redone, {d.dead_letters} dead letters"),
                    limit=limit, span_seconds=d.span_seconds, steady_rate=d.steady_rate, commit_rate=d.commit_rate,
                    cpu_percent=d.cpu_percent,
                    main_thread_percent=d.main_thread_percent, other_threads_percent=d.other_threads_percent,
                    cpu_us_per_article=d.cpu_us_per_article, broker_cpu_percent=d.broker_cpu_percent,
                    startup_seconds=d.startup_seconds, written=d.written, dead_letters=d.dead_letters,
                    **({"scaling": d.rate / drains[1].rate} if procs > 1 else {}))
    return drains


def add_memory(results: Results, drains: dict[int, Drain]) -> None:
    """The memory rows, from the samples of the one-process drain."""
    d1 = drains[1]
    growth = (d1.rss_100_mb / d1.rss_25_mb) if d1.rss_25_mb and d1.rss_100_mb else None
    results.add("memory_peak_rss", "memory: consumer peak RSS (1 process)", d1.peak_rss_mb[0] if d1.peak_rss_mb else None,
                "MB", notes=f"VmRSS every 0.5 s over the 1-process drain; 2-process peaks {percents(drains[2].peak_rss_mb)} MB")
    results.add("memory_rss_25", "memory: RSS at 25% of the drain", d1.rss_25_mb, "MB")
    # RSS swings by about +-10% around a constant working set (fetch buffers, batch size),
    # so only a larger change, or a steady trend, counts as growth.
    verdict = "" if growth is None else ("; grows" if growth > 1.15 else "; flat (within the +-15% batch-to-batch swing)")
    results.add("memory_rss_100", "memory: RSS at 100% of the drain", d1.rss_100_mb, "MB", ratio=growth,
                notes=f"x RSS at 25%{verdict}; trend {fmt(d1.rss_slope_mb_per_10k, 1)} MB per 10,000 articles",
                rss_slope_mb_per_10k=d1.rss_slope_mb_per_10k)
