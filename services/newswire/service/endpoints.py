"""The small HTTP server both services expose: /metrics, /healthz, /readyz.

Responses are fixed strings or the metrics exposition; nothing from the request is
echoed back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from newswire.service.metrics import READY

log = logging.getLogger(__name__)


class Health:
    """Liveness is the process answering; readiness is set by the service, and vetoed at
    request time by `veto` (say, writes failing or waiting too long): a service loop
    blocked waiting for acknowledgements or a poll cannot say so itself."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._ready = threading.Event()
        self.veto: Callable[[], bool] = lambda: False
        # Read at each scrape, so the gauge and /readyz always agree.
        READY.labels(service=service).set_function(lambda: 1.0 if self.ready else 0.0)

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and not self.veto()

    def set_ready(self, ready: bool) -> None:
        if ready != self._ready.is_set():
            log.info("readiness changed", extra={"event": "ready" if ready else "not_ready", "service": self.service})
        (self._ready.set if ready else self._ready.clear)()


def _handler(health: Health) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newswire"
        sys_version = ""

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
            elif path in ("/healthz", "/ping"):
                self._send(200, b"ok\n")
            elif path in ("/readyz", "/ready"):
                if health.ready:
                    self._send(200, b"ready\n")
                else:
                    self._send(503, b"not ready\n")
            else:
                self._send(404, b"not found\n")

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - scrapes are not news
            pass

    return Handler


class MetricsServer:
    """Serves in a daemon thread; `port` is the bound port (useful with port 0)."""

    def __init__(self, host: str, port: int, health: Health) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler(health))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> MetricsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
