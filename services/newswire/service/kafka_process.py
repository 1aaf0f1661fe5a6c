"""Processes for the local broker module: is a pid a live broker, stop it, does a node
answer Kafka requests, which Java to run. No state of its own besides the brokers this
process started.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from newswire.service.kafka_config import LOG4J_CONF, LocalKafkaError, Node, NodePorts

STOP_TIMEOUT = 30.0
# Brokers this process started: polled instead of waitpid'ed behind Popen's back.
CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def log(message: str) -> None:
    print(f"local-kafka: {message}", file=sys.stderr, flush=True)


def alive(pid: int) -> bool:
    """Alive and not a zombie. Where PID 1 does not reap orphans a killed broker lingers
    as a zombie that kill(0) still reports; but a SIGKILLed JVM's main thread turns
    zombie while its other threads still hold the sockets: alive until the last is gone."""
    child = CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z" or len(os.listdir(f"/proc/{pid}/task")) > 1
    except (OSError, IndexError):
        return True


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True


def send_signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def terminate(pids: list[int]) -> None:
    """SIGTERM, then SIGKILL after 30 s. All nodes at once: stopped one by one, the last
    ones would wait for a controller quorum that is already gone."""
    live = [pid for pid in pids if alive(pid)]
    for pid in live:
        send_signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for pid in live:
        if not wait_gone(pid, max(0.0, deadline - time.monotonic())):
            log(f"broker (pid {pid}) ignored SIGTERM for {STOP_TIMEOUT:.0f}s; sending SIGKILL")
            send_signal(pid, signal.SIGKILL)
            wait_gone(pid, 10)


def metadata_broker_ids(port: int, timeout: float = 5.0) -> list[int]:
    """The node ids a Metadata (v4) request to 127.0.0.1:port lists. A KRaft broker lists
    only registered, unfenced brokers, so this is also the readiness probe: cheaper
    than a JVM running Kafka's TopicCommand, and it needs no Kafka client library."""
    client = b"local-kafka"
    # Header v1 (api key 3, version 4, correlation id, client id); body: no topics,
    # no auto-creation.
    request = struct.pack(">hhih", 3, 4, 1, len(client)) + client + struct.pack(">ib", 0, 0)
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        data = b""
        size: int | None = None
        while size is None or len(data) < size + 4:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the Metadata response")
            data += chunk
            if size is None and len(data) >= 4:
                size = struct.unpack_from(">i", data)[0]
    _correlation, _throttle, count = struct.unpack_from(">iii", data, 4)
    offset, ids = 16, []
    for _ in range(count):  # node_id, host, port, rack (nullable)
        node_id, host_len = struct.unpack_from(">ih", data, offset)
        offset += 6 + host_len
        _port, rack_len = struct.unpack_from(">ih", data, offset)
        offset += 6 + max(rack_len, 0)
        ids.append(node_id)
    return ids


def nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r' version "(\d+)', out)
    return int(found.group(1)) if found else None


def find_java(env: Mapping[str, str]) -> str | None:
    """Kafka 4.x needs Java 17+: JAVA_HOME, then PATH, then any installed JVM (a Java 11
    default with a 17 next to it is common on older images)."""
    candidates = [f"{env['JAVA_HOME']}/bin/java"] if env.get("JAVA_HOME") else []
    candidates += [shutil.which("java") or "", *sorted(glob.glob("/usr/lib/jvm/*/bin/java"))]
    for java in candidates:
        if java and os.access(java, os.X_OK) and (java_major(java) or 0) >= 17:
            return java
    return None


def start_jvm(argv: list[str], cwd: Path, log_path: Path) -> int:
    """A broker JVM in a session of its own: it outlives this command and the terminal's
    Ctrl-C. Its output goes to `log_path` only (nothing may hold the caller's stdout
    pipe); appending keeps earlier runs' logs across pause/resume."""
    with log_path.open("ab") as out:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    CHILDREN[proc.pid] = proc
    return proc.pid


def wait_ready(nodes: dict[Node, NodePorts], pids: dict[Node, int], expect: list[int], timeout: float,
               state_dir: Path) -> None:
    """Until each node answers a Metadata request listing `expect` and itself, or an error
    (with the log tail) when a node exits or the time runs out."""
    deadline = time.monotonic() + timeout
    pending = dict(nodes)
    last_error = ""
    while pending:
        for node, ports in list(pending.items()):
            if not alive(pids[node]):
                print_log_tail(node)
                raise LocalKafkaError(f"broker exited during startup (state dir {state_dir})")
            try:
                listed = metadata_broker_ids(ports.port)
            except (OSError, struct.error) as exc:
                listed, last_error = [], f"{type(exc).__name__}: {exc}"
            wanted = set(expect) | {node.node_id}
            if wanted <= set(listed):
                del pending[node]
            elif listed:
                last_error = f"node {node.node_id} lists brokers {sorted(listed)}, waiting for {sorted(wanted)}"
        if pending and time.monotonic() > deadline:
            for node in pending:
                print_log_tail(node)
            if last_error:
                log(f"last probe: {last_error}")
            first = next(iter(pending.values()))
            raise LocalKafkaError(f"broker on 127.0.0.1:{first.port} not ready after "
                                  f"{timeout:.0f}s (state dir {state_dir})")
        if pending:
            time.sleep(0.5)


def print_log_tail(node: Node) -> None:
    if node.log.is_file():
        lines = node.log.read_text(errors="replace").splitlines()[-40:]
        print(f"----- last 40 lines of {node.log} -----", *lines, "-----", sep="\n", file=sys.stderr)


def ensure_java(env: Mapping[str, str], install_script: Path) -> str:
    """A Java 17+, installed through install-system-deps when there is none."""
    java = find_java(env)
    if java is None:
        log("no Java 17+ found; installing it")
        subprocess.run([str(install_script), "java"], env=dict(env), stdout=sys.stderr, check=False)
        java = find_java(env)
        if java is None:
            raise LocalKafkaError("no Java 17+ runtime after install")
    return java


def tool_argv(java: str, libs: Path, *args: str) -> list[str]:
    """A Kafka CLI tool. Short-lived JVMs: C1 only and serial GC start noticeably faster,
    and WARN keeps their client config dumps out of the output."""
    return [java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            f"-Dlog4j2.configurationFile={LOG4J_CONF}", "-Dnewswire.kafka.log.level=WARN",
            "-cp", f"{libs}/*", *args]


def broker_argv(java: str, heap: tuple[str, ...], libs: Path, config: Path, cluster: bool) -> list[str]:
    flags = [*heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
             "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true",
             f"-Dlog4j2.configurationFile={LOG4J_CONF}", "-Dnewswire.kafka.log.level=INFO"]
    if cluster:
        flags += ["-XX:ParallelGCThreads=1", "-XX:ConcGCThreads=1"]  # N JVMs share 2 cores
    return [java, *flags, "-cp", f"{libs}/*", "kafka.Kafka", str(config)]
