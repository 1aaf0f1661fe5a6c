"""Feed polling, before and after: `newswire produce --watch SECONDS` on twenty local
feeds for a few minutes, for one or more code trees side by side (at the same time, each
with its own feed server, topics and metrics port, one broker).

The twenty feeds (served by a local server that counts every request and what it answered):
  - 13 unchanged: 11 generated, tests/data/feeds/world.rss (<ttl>15</ttl>) and arabic.atom,
    all with ETag and Last-Modified (a 304 when the validators match);
  - 1 unchanged whose server sends no validators (a full GET every time);
  - 4 changing: a new item every CHANGE_SECONDS, staggered;
  - 1 answering 429 with Retry-After: RETRY_AFTER seconds, always;
  - 1 answering 500, always.

    .venv/bin/python bench/feed_polling.py --minutes 10 --code new=. --code old=/tmp/old-feeds

Reported per tree: full GETs (200), 304s, requests to the 429 feed (and how many came
before its Retry-After was up), requests to the failing feed, bytes served, entries
published (records on the run's raw topic). `--json` writes the same.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from support import REPO, BenchError, Broker, kill_children, loadavg, log, machine_info, spawn, stop

from newswire.service.kafka_io import ensure_topics
from newswire.service.ports import free_port
from newswire.service.settings import Settings

FEEDS_DIR = REPO / "tests" / "data" / "feeds"
CHANGE_SECONDS = 120
RETRY_AFTER = 120
UNCHANGED = 11
CHANGING = 4


def rss(title: str, items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{link}</link><description>{t}, as the wire tells it."
                   f"</description></item>" for t, link in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://bench.example/</link>{body}</channel></rss>").encode()


@dataclass
class Served:
    path: str
    at: float
    status: int
    conditional: bool
    size: int


@dataclass
class FeedServer:
    """Twenty feeds on 127.0.0.1:<free port>; `log` has every request."""

    started: float = field(default_factory=time.monotonic)
    log: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, path: str) -> tuple[bytes, bool] | int:
        """(feed, sends validators) or an error status."""
        name = path.strip("/").split("?")[0]
        if name == "world.rss":
            return (FEEDS_DIR / "world.rss").read_bytes(), True
        if name == "arabic.atom":
            return (FEEDS_DIR / "arabic.atom").read_bytes(), True
        if name == "busy.rss":
            return 429
        if name == "broken.rss":
            return 500
        if name == "plain.rss":
            return rss("Plain", [(f"Plain story {i}", f"https://plain.example/{i}") for i in range(3)]), False
        if name.startswith("still-"):
            n = int(name[6:-4])
            return rss(f"Still {n}", [(f"Still {n} story {i}", f"https://still{n}.example/{i}") for i in range(3)]), True
        if name.startswith("news-"):
            n = int(name[5:-4])
            # A new item every CHANGE_SECONDS, each feed offset by a share of that; the last 10 shown.
            fresh = int((time.monotonic() - self.started + n * CHANGE_SECONDS / CHANGING) // CHANGE_SECONDS)
            items = [(f"News {n} story {i}", f"https://news{n}.example/{i}") for i in range(3 + fresh)]
            return rss(f"News {n}", items[-10:][::-1]), True
        return 404

    def paths(self) -> list[str]:
        return (["/world.rss", "/arabic.atom", "/plain.rss", "/busy.rss", "/broken.rss"]
                + [f"/still-{n}.rss" for n in range(UNCHANGED)] + [f"/news-{n}.rss" for n in range(CHANGING)])

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                found = server.body(self.path)
                conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
                if isinstance(found, int):
                    extra = {"Retry-After": str(RETRY_AFTER)} if found == 429 else {}
                    self.answer(found, b"not now", conditional, extra)
                    return
                data, validators = found
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                modified = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(1_767_225_600))
                if validators:
                    asked = self.headers.get("If-None-Match")
                    if asked == etag if asked else self.headers.get("If-Modified-Since") == modified:
                        self.answer(304, b"", conditional, {"ETag": etag})
                        return
                extra = {"ETag": etag, "Last-Modified": modified} if validators else {}
                self.answer(200, data, conditional, {"Content-Type": "application/rss+xml", **extra})

            def answer(self, status: int, data: bytes, conditional: bool, headers: dict[str, str]) -> None:
                with server.lock:
                    server.log.append(Served(self.path, time.monotonic(), status, conditional, len(data)))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def summary(self) -> dict[str, int]:
        with self.lock:
            log_ = list(self.log)
        busy = [s for s in log_ if s.path == "/busy.rss"]
        early = sum(1 for prev, cur in zip(busy, busy[1:], strict=False) if cur.at - prev.at < RETRY_AFTER)
        return {
            "requests": len(log_),
            "full_gets_200": sum(s.status == 200 for s in log_),
            "not_modified_304": sum(s.status == 304 for s in log_),
            "conditional_requests": sum(s.conditional for s in log_),
            "requests_to_429_feed": len(busy),
            "requests_before_retry_after": early,
            "requests_to_failing_feed": sum(s.path == "/broken.rss" for s in log_),
            "bytes_served": sum(s.size for s in log_),
        }


def published(bootstrap: str, topic: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","))
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values()) if partitions else 0
    finally:
        consumer.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long each tree polls (default 10)")
    parser.add_argument("--watch", type=float, default=30.0, help="--watch SECONDS for every tree (default 30)")
    parser.add_argument("--code", action="append", metavar="LABEL=PATH",
                        help="a code tree to run (PYTHONPATH=PATH/services, this venv); repeatable; default this=.")
    parser.add_argument("--bootstrap", help="a running broker instead of a private one")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "feed-polling.json")
    args = parser.parse_args()
    trees = [c.split("=", 1) for c in (args.code or ["this=."])]
    if any(len(t) != 2 or not (Path(t[1]) / "services" / "newswire").is_dir() for t in trees):
        print("feed_polling: --code LABEL=PATH, PATH a newswire checkout (with services/newswire)", file=sys.stderr)
        return 2
    broker = Broker(args.bootstrap)
    servers: list[http.server.ThreadingHTTPServer] = []
    try:
        bootstrap = broker.start()
        runs = []
        workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"feed-polling-{uuid.uuid4().hex[:8]}"
        workdir.mkdir(parents=True)
        for label, path in trees:
            feeds = FeedServer()
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), feeds.handler())
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
            servers.append(httpd)
            base = f"http://127.0.0.1:{httpd.server_address[1]}"
            suffix = uuid.uuid4().hex[:8]
            raw, state = f"bench.feeds.{suffix}.raw", f"bench.feeds.{suffix}.state"
            ensure_topics(Settings(bootstrap_servers=bootstrap, partitions=3), [raw])
            env = {**os.environ, "PYTHONPATH": str(Path(path).resolve() / "services"),
                   "NEWSWIRE_BOOTSTRAP_SERVERS": bootstrap, "NEWSWIRE_RAW_TOPIC": raw,
                   "NEWSWIRE_FEED_STATE_TOPIC": state, "NEWSWIRE_PARTITIONS": "3",
                   "NEWSWIRE_METRICS_PORT": str(free_port()), "NEWSWIRE_LOG_FORMAT": "text"}
            command = [sys.executable, "-m", "newswire.service.cli", "produce", "--watch", f"{args.watch:g}",
                       *(base + p for p in feeds.paths())]
            log(f"{label}: {path} polling {len(feeds.paths())} feeds at {base}, --watch {args.watch:g}")
            proc = spawn(command, env, workdir / f"{label}.log")
            runs.append((label, path, feeds, raw, proc))
        time.sleep(args.minutes * 60)
        results = {}
        for label, path, feeds, raw, proc in runs:
            code = stop(proc)
            results[label] = {"code": path, "exit_status": code, **feeds.summary(),
                              "entries_published": published(bootstrap, raw)}
            log(f"{label}: exit {code}, log {workdir / (label + '.log')}")
    except BenchError as exc:
        log(str(exc))
        return 1
    finally:
        kill_children()
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()
        broker.stop()
    keys = [k for k in next(iter(results.values())) if k not in ("code", "exit_status")]
    width = max(len(k) for k in keys)
    print(f"twenty local feeds, {args.minutes:g} minutes, --watch {args.watch:g}, load {loadavg()}")
    print(" " * width + "".join(f"{label:>12}" for label in results))
    for key in keys:
        print(f"{key:<{width}}" + "".join(f"{r[key]:>12}" for r in results.values()))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine_info(), "minutes": args.minutes, "watch": args.watch,
                                     "change_seconds": CHANGE_SECONDS, "retry_after": RETRY_AFTER,
                                     "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
