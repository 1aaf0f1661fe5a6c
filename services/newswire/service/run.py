"""Starting a service: exit statuses, stop signals, the metrics endpoints, and one
consumer process. Shared by the CLI and the supervisor (which runs one consumer per child
process), so neither imports the other."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Sequence

from newswire.service.endpoints import Health, MetricsServer
from newswire.service.metrics import mark_build
from newswire.service.settings import Settings

# Exit statuses (sysexits.h where one fits).
EXIT_OK = 0
EXIT_FAILED = 1  # some input could not be read, validated or published
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 69  # the broker could not be reached


def fail(message: str, status: int) -> int:
    print(f"newswire: {message}", file=sys.stderr)
    return status


def stop_on_signals(signals: Sequence[int] = (signal.SIGTERM, signal.SIGINT)) -> threading.Event:
    """First SIGTERM/SIGINT asks for a clean stop; a second one exits at once."""
    stop = threading.Event()

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise SystemExit(128 + signum)
        stop.set()

    for signum in signals:
        signal.signal(signum, handler)
    return stop


def serve_metrics(settings: Settings, service: str) -> tuple[Health, MetricsServer]:
    mark_build(service)
    health = Health(service)
    try:
        server = MetricsServer(settings.metrics_host, settings.metrics_port, health).start()
    except OSError as exc:
        raise SystemExit(fail(f"cannot serve metrics on {settings.metrics_host}:{settings.metrics_port}: {exc.strerror}",
                              EXIT_USAGE)) from None
    host, port = server.address
    logging.getLogger("newswire").info("metrics at http://%s:%d/metrics", host, port,
                                       extra={"event": "metrics_listening", "port": port})
    return health, server


def run_consumer(settings: Settings, signals: Sequence[int] = (signal.SIGTERM, signal.SIGINT)) -> int:
    """One consumer process: serve the endpoints, consume until a stop signal."""
    from newswire.service.consumer import ConsumerService
    from newswire.service.kafka_io import TopicSetupError

    stop = stop_on_signals(signals)
    health, server = serve_metrics(settings, "extract" if settings.stage == "extract" else "consumer")
    try:
        ConsumerService(settings, health).run(stop)
    except TopicSetupError as exc:  # a configuration the cluster cannot meet: one line, exit 2
        return fail(str(exc), EXIT_USAGE)
    finally:
        server.stop()
    return EXIT_OK
