"""A local HTTP server for tests (127.0.0.1, a free port): routes are functions of the
request handler, so a test decides status, headers, body and timing per path."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable, Iterator

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    seen: list[str] = []
    protocol_version = "HTTP/1.0"  # body ends when the connection closes

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            reply(self, 404, b"no such feed")
        else:
            route(self)

    def log_message(self, *args: object) -> None:
        pass


def reply(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(body)


@contextlib.contextmanager
def http_server(routes: dict[str, Route]) -> Iterator[tuple[str, list[str]]]:
    """(base URL, paths requested so far)."""
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"routes": routes, "seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
