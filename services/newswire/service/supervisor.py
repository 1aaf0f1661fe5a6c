"""`newswire consume --processes N`: N consumer processes of one group on one machine.

Enrichment is CPU-bound Python, so one process uses one core; the group's partitions
spread over the processes as over separate machines (each child is a full consumer with
its own Kafka clients). Child i serves /metrics, /healthz and /readyz on
`metrics_port + i` (any free port when metrics_port is 0), so Prometheus scrapes each.

Failure policy: fail fast. When one child exits, the others are stopped and the
supervisor exits with that child's status, so a process manager (systemd, Kubernetes,
compose `restart:`) restarts the whole set; a child's exit means something a restart
inside this process would meet again (Kafka unreachable, bad credentials, a bug).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from multiprocessing.process import BaseProcess

from newswire.service.settings import Settings

log = logging.getLogger("newswire.service.supervisor")
POLL_SECONDS = 0.5


def child_settings(settings: Settings, index: int) -> Settings:
    port = settings.metrics_port + index if settings.metrics_port else 0
    return settings.model_copy(update={"processes": 1, "metrics_port": port})


def _run_child(settings: Settings) -> None:
    # Ctrl-C reaches the whole process group; the supervisor turns it into one SIGTERM
    # per child, so a child must not also take SIGINT as a second, forceful stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from newswire.service.logs import setup_logging
    from newswire.service.run import run_consumer

    setup_logging(settings.log_level, settings.log_format)
    raise SystemExit(run_consumer(settings, signals=(signal.SIGTERM,)))


def supervise(settings: Settings, stop: threading.Event) -> int:
    """Start the children, wait for `stop` or for a child to exit, stop them all.
    0 when every child stopped cleanly after `stop`; else the first failing status."""
    # spawn, not fork: a forked child would inherit the parent's threads and locks.
    context = multiprocessing.get_context("spawn")
    children: list[BaseProcess] = []
    for index in range(settings.processes):
        child: BaseProcess = context.Process(target=_run_child, args=(child_settings(settings, index),),
                                name=f"newswire-consumer-{index}")
        child.start()
        children.append(child)
        log.info("started consumer process %d (pid %s)", index, child.pid,
                 extra={"event": "child_started", "child": index, "pid": child.pid})
    first_exit: BaseProcess | None = None
    while not stop.is_set() and first_exit is None:
        first_exit = next((c for c in children if not c.is_alive()), None)
        stop.wait(POLL_SECONDS)
    if first_exit is not None:
        log.error("consumer process %s exited with %s; stopping the others", first_exit.name, first_exit.exitcode,
                  extra={"event": "child_exited", "pid": first_exit.pid, "status": first_exit.exitcode})
    for child in children:
        if child.is_alive() and child.pid is not None:
            os.kill(child.pid, signal.SIGTERM)
    deadline = settings.shutdown_timeout_seconds + 10
    for child in children:
        child.join(deadline)
        if child.is_alive():
            log.error("consumer process %s did not stop in time; killing it", child.name,
                      extra={"event": "child_killed", "pid": child.pid})
            child.kill()
            child.join(5)
    if first_exit is not None:
        return first_exit.exitcode or 1
    return next((c.exitcode for c in children if c.exitcode), 0) or 0
