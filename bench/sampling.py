"""Memory and CPU of the consumer (and broker) processes, sampled from /proc while a
stage runs: the bench's view of what a process costs, independent of its own metrics."""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


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
