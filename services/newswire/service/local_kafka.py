"""local-kafka: real Apache Kafka (KRaft; broker and controller in one JVM per node) on
127.0.0.1 from the Maven Central jars, for the tests, the bench and `make up`.

    start [--brokers N]  fetch the jars (cached), format, start, wait until every node
                         answers; the LAST stdout line is the bootstrap address (comma-
                         separated with N > 1). A running broker just prints its address;
                         otherwise every start is a fresh cluster (new ports, empty data).
    stop                 SIGTERM (SIGKILL after 30 s) every node, remove the state dir
    pause | kill         SIGTERM (SIGKILL after 30 s) | SIGKILL every node, KEEP the state dir
    resume               start paused or killed nodes again: SAME ports and data; the LAST
                         stdout line is the address
    status | bootstrap   print the address and exit 0 if running, else exit 1
    bootstrap-sasl       the SASL_PLAINTEXT address(es), if started with SASL users
    pids                 one line per running node: NODE_ID PID
    stop-broker N | kill-broker N | start-broker N
                         SIGTERM | SIGKILL | start again (same ports, data) node N
    fetch                only resolve the jars into the cache

Environment: NEWSWIRE_KAFKA_VERSION (default 4.1.1); NEWSWIRE_KAFKA_PORT (node 1's port,
default a free one); NEWSWIRE_KAFKA_DIR (state dir, default <repo>/.local/kafka; only a
dir holding .newswire-local-kafka is ever wiped); NEWSWIRE_CACHE_DIR (jar cache root,
default ~/.cache/newswire); NEWSWIRE_KAFKA_HEAP (per node, default "-Xms256m -Xmx512m";
a bare size such as 1g means -Xmx1g; three nodes stay within about 2 GiB of 24);
NEWSWIRE_KAFKA_START_TIMEOUT (seconds, default 90); NEWSWIRE_KAFKA_SASL_USERS
(user:password[,...]: `start` adds a SASL_PLAINTEXT listener with SCRAM-SHA-256/512
users, its address in <state dir>/bootstrap-sasl and on stderr as "sasl bootstrap: ...";
PLAINTEXT stays the default and inter-broker listener).

One node keeps everything in the state dir (server.properties, data, broker.log,
broker.pid, ports, bootstrap); N nodes keep theirs in node-1 .. node-N below it. All
that this module says goes to stderr, so `addr=$(scripts/local-kafka start)` works.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from newswire.service.kafka_config import (
    REPO,
    Config,
    LocalKafkaError,
    Node,
    NodePorts,
    SaslUser,
    cluster_id,
    mask_passwords,
    parse_sasl_users,
    scram_args,
    server_properties,
)
from newswire.service.kafka_process import (
    alive,
    broker_argv,
    ensure_java,
    log,
    nonempty,
    send_signal,
    start_jvm,
    terminate,
    tool_argv,
    wait_gone,
    wait_ready,
)
from newswire.service.ports import free_ports, port_open

# Only directories carrying this file are ever wiped or removed, so a mistyped
# NEWSWIRE_KAFKA_DIR (say, $HOME) cannot lose data.
OWNER_MARK = ".newswire-local-kafka"



class LocalKafka:
    """The broker (or cluster) of one state dir. Every method that changes it holds a
    flock on the dir, so parallel commands on one dir take turns."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config.from_env()
        self.state_dir = self.config.state_dir
        self._java: str | None = None

    @property
    def bootstrap_file(self) -> Path:
        return self.state_dir / "bootstrap"

    @property
    def sasl_file(self) -> Path:
        return self.state_dir / "bootstrap-sasl"

    def nodes(self, count: int | None = None) -> list[Node]:
        """The nodes of this state dir (or of a new one with `count` nodes)."""
        if count is None:
            brokers = self.state_dir / "brokers"
            count = int(brokers.read_text()) if nonempty(brokers) else 1
        if count == 1:
            return [Node(1, self.state_dir)]
        return [Node(i, self.state_dir / f"node-{i}") for i in range(1, count + 1)]

    def node(self, node_id: int) -> Node:
        nodes = self.nodes()
        if not 1 <= node_id <= len(nodes):
            raise LocalKafkaError(f"no node {node_id}: this cluster has nodes 1..{len(nodes)}")
        return nodes[node_id - 1]

    def running_pid(self, node: Node) -> int | None:
        """The node's pid if it runs. Also checks the command line, so a stale pid file
        whose pid another process reused does not count."""
        try:
            pid = int(node.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if not alive(pid):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return pid
        return pid if f"kafka.Kafka {node.config}" in cmdline else None

    def pids(self) -> dict[int, int]:
        return {n.node_id: pid for n in self.nodes() if (pid := self.running_pid(n))}

    def status(self) -> str | None:
        """The bootstrap address while any node runs (a cluster with a node down still serves)."""
        if self.state_dir.is_dir() and self.pids() and nonempty(self.bootstrap_file):
            return self.bootstrap_file.read_text().strip()
        return None

    def sasl_bootstrap(self) -> str | None:
        return self.sasl_file.read_text().strip() if nonempty(self.sasl_file) else None

    # -- commands --

    def start(self, brokers: int = 1) -> str:
        users = parse_sasl_users(self.config.sasl_users)
        if brokers < 1:
            raise LocalKafkaError("--brokers must be at least 1")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            nodes = self.nodes()
            running = self.pids()
            if running and len(running) == len(nodes) == brokers and nonempty(self.bootstrap_file):
                log(f"already running ({self._describe(running)}, state dir {self.state_dir})")
                if users and not nonempty(self.sasl_file):
                    log("warning: NEWSWIRE_KAFKA_SASL_USERS is set but this broker has no SASL listener; stop it first")
                return self._address()
            port = self._requested_port()
            if not self._owned_or_empty():
                raise LocalKafkaError(f"{self.state_dir} is not empty and was not created by local-kafka; refusing to use it")
            if running:
                # Live nodes without a bootstrap file: an earlier start failed half way.
                log(f"stopping a half-started or different broker ({self._describe(running)})")
                terminate(list(running.values()))
            self.ensure_java()
            self.fetch()
            # Every start is a fresh cluster: stale data from a crashed run would carry
            # old ports and an old cluster id. A paused broker's data goes too.
            if any(nonempty(n.ports_file) for n in nodes):
                log(f"discarding the stopped broker's data in {self.state_dir} (resume would keep it)")
            self._wipe()
            return self._create(brokers, port, users)

    def resume(self) -> str:
        """Start every paused or killed node again: same config, ports and data."""
        if not self.state_dir.is_dir():
            raise LocalKafkaError(f"nothing to resume: {self.state_dir} does not exist (use start)")
        with self._locked():
            nodes = self.nodes()
            running = self.pids()
            if len(running) == len(nodes) and nonempty(self.bootstrap_file):
                log(f"already running ({self._describe(running)}, state dir {self.state_dir})")
                return self._address()
            if running and not nonempty(self.bootstrap_file):
                # Running without a bootstrap file: an earlier resume failed half way.
                log(f"stopping a half-started broker ({self._describe(running)})")
                terminate(list(running.values()))
                running = {}
            if not running:
                self.bootstrap_file.unlink(missing_ok=True)  # not "running" until it answers again
            return self._restart([n for n in nodes if n.node_id not in running], "resuming")

    def start_broker(self, node_id: int) -> str:
        """Start one stopped or killed node again with its data, on its ports."""
        if not self.state_dir.is_dir():
            raise LocalKafkaError(f"nothing to start: {self.state_dir} does not exist (use start)")
        with self._locked():
            node = self.node(node_id)
            pid = self.running_pid(node)
            if pid:
                log(f"node {node_id} already running (pid {pid})")
                return self._address()
            if not self.pids():
                self.bootstrap_file.unlink(missing_ok=True)
            return self._restart([node], f"starting node {node_id} again:")

    def halt(self, how: str, node_id: int | None = None) -> None:
        """Stop nodes but keep their data: how="term" (SIGTERM, SIGKILL after 30 s) or
        "kill" (SIGKILL at once: a crash). All nodes, or just `node_id`."""
        if not self.state_dir.is_dir():
            log("not running")
            return
        with self._locked():
            nodes = [self.node(node_id)] if node_id else self.nodes()
            running = {n: pid for n in nodes if (pid := self.running_pid(n))}
            if not running:
                log("not running" if node_id is None else f"node {node_id} not running")
                return
            what = self._describe({n.node_id: p for n, p in running.items()})
            if how == "kill":
                log(f"killing broker ({what}) with SIGKILL; data kept in {self.state_dir}")
                for pid in running.values():
                    send_signal(pid, signal.SIGKILL)
                for pid in running.values():
                    wait_gone(pid, 10)
            else:
                log(f"{'pausing' if node_id is None else 'stopping'} broker ({what}); data kept in {self.state_dir}")
                terminate(list(running.values()))
            for n, pid in running.items():
                if alive(pid):
                    raise LocalKafkaError(f"could not stop broker pid {pid}")
                n.pid_file.unlink(missing_ok=True)
            again = "resume" if node_id is None else f"start-broker {node_id}"
            log(f"stopped; `scripts/local-kafka {again}` starts it again on the same ports")

    def stop(self) -> None:
        """Stop every node and remove the state dir (if local-kafka made it)."""
        if not self.state_dir.is_dir():
            log("not running")
            return
        with self._locked():
            running = self.pids()
            if running:
                log(f"stopping broker ({self._describe(running)})")
                terminate(list(running.values()))
                for pid in running.values():
                    if alive(pid):
                        raise LocalKafkaError(f"could not stop broker pid {pid}")
            else:
                log("not running")
            if self._owned_or_empty():
                shutil.rmtree(self.state_dir, ignore_errors=True)
            else:
                log(f"leaving {self.state_dir} in place: it was not created by local-kafka")

    def fetch(self) -> None:
        """The jars, resolved by Maven once (scripts/kafka-jars: shell is the tool for that)."""
        env = {**self.config.env, "NEWSWIRE_KAFKA_VERSION": self.config.version,
               "NEWSWIRE_CACHE_DIR": str(self.config.cache_root)}
        if subprocess.run([str(REPO / "scripts" / "kafka-jars")], env=env, stdout=sys.stderr, check=False).returncode != 0:
            raise LocalKafkaError(f"could not fetch the Kafka {self.config.version} jars")

    # -- internals --

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """flock on the directory itself: no lock file is left behind, and the fd is not
        inherited by the brokers (Python opens fds close-on-exec)."""
        fd = os.open(self.state_dir, os.O_RDONLY)
        try:
            deadline = time.monotonic() + self.config.start_timeout + 60
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LocalKafkaError(f"timed out waiting for another local-kafka on {self.state_dir}") from None
                    time.sleep(0.2)
            yield
        finally:
            os.close(fd)

    def _requested_port(self) -> int | None:
        value = self.config.port
        if not value:
            return None
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_PORT='{value}' is not a port number")
        if port_open(int(value)):
            try:
                self.state_dir.rmdir()  # only if start just created it empty
            except OSError:
                pass
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_PORT={value} is already in use on 127.0.0.1")
        return int(value)

    def _owned_or_empty(self) -> bool:
        return (self.state_dir / OWNER_MARK).exists() or not any(self.state_dir.iterdir())

    def _wipe(self) -> None:
        for entry in self.state_dir.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        (self.state_dir / OWNER_MARK).touch()

    def _describe(self, pids: Mapping[int, int]) -> str:
        if len(pids) == 1 and len(self.nodes()) == 1:
            return f"pid {next(iter(pids.values()))}"
        return "pids " + ", ".join(f"{n}:{p}" for n, p in sorted(pids.items()))

    def _address(self) -> str:
        sasl = self.sasl_bootstrap()
        if sasl:
            print(f"sasl bootstrap: {sasl}", file=sys.stderr, flush=True)
        return self.bootstrap_file.read_text().strip()

    def ensure_java(self) -> str:
        if self._java is None:
            self._java = ensure_java(self.config.env, REPO / "scripts" / "install-system-deps")
        return self._java

    def _create(self, count: int, port: int | None, users: list[SaslUser]) -> str:
        nodes = self.nodes(count)
        chosen = free_ports(3 * count + 1)
        pool = ([port] if port else []) + [p for p in chosen if p != port]
        cluster = [NodePorts(n.node_id, pool[i], pool[count + i], pool[2 * count + i] if users else None)
                   for i, n in enumerate(nodes)]
        if count > 1:
            (self.state_dir / "brokers").write_text(f"{count}\n")
        for node, ports in zip(nodes, cluster):
            node.dir.mkdir(exist_ok=True)
            node.config.write_text(server_properties(ports, cluster, node.dir / "data"))
        log(f"formatting storage in {self.state_dir}{'/data' if count == 1 else f' ({count} nodes)'}")
        uid = cluster_id()
        formats = []
        for node in nodes:
            # --standalone: one node alone forms the (dynamic) controller quorum; a
            # cluster has static voters. --add-scram: the SASL users go into the metadata log.
            args = ["kafka.tools.StorageTool", "format", "--config", str(node.config), "--cluster-id", uid,
                    *(["--standalone"] if count == 1 else []), *scram_args(users)]
            with (node.dir / "format.log").open("wb") as out:
                formats.append(subprocess.Popen(tool_argv(self.ensure_java(), self.config.libs, *args), stdout=out, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL))
        for node, proc in zip(nodes, formats):
            if proc.wait() != 0:
                print(mask_passwords((node.dir / "format.log").read_text(errors="replace"), users), file=sys.stderr)
                raise LocalKafkaError("kafka-storage format failed")
        sasl = f", SASL_PLAINTEXT {self._join(cluster, 'sasl_port')} for {' '.join(u.name for u in users)}" if users else ""
        log(f"starting Kafka {self.config.version} on {self._join(cluster, 'port')} "
            f"(controller{'s' if count > 1 else ''} {self._join(cluster, 'controller_port')}{sasl})")
        self._launch(dict(zip(nodes, cluster)), expect=[n.node_id for n in nodes])
        # Written once the nodes have answered: `resume` needs a broker that came up.
        for node, ports in zip(nodes, cluster):
            node.ports_file.write_text(ports.line() + "\n")
        if users:
            self.sasl_file.write_text(self._join(cluster, "sasl_port") + "\n")
        self.bootstrap_file.write_text(self._join(cluster, "port") + "\n")
        return self._address()

    @staticmethod
    def _join(cluster: list[NodePorts], which: str) -> str:
        return ",".join(f"127.0.0.1:{getattr(n, which)}" for n in cluster)

    def _restart(self, nodes: list[Node], verb: str) -> str:
        for node in nodes:
            # A ports file (or, from before it existed, a bootstrap file) says it once came up.
            if (not (self.state_dir / OWNER_MARK).exists() or not node.config.is_file()
                    or not (node.dir / "data").is_dir()
                    or not (nonempty(node.ports_file) or nonempty(self.bootstrap_file))):
                raise LocalKafkaError(f"nothing to resume in {self.state_dir} (no broker was started there; use start)")
        ports = {node: node.ports() for node in nodes}
        deadline = time.monotonic() + 10
        for node, p in ports.items():
            node.ports_file.write_text(p.line() + "\n")
            for port in (p.port, p.controller_port, p.sasl_port):
                # A node killed a moment ago may still be closing its sockets: give it 10 s.
                while port and port_open(port) and time.monotonic() < deadline:
                    time.sleep(0.2)
                if port and port_open(port):
                    raise LocalKafkaError(f"port {port} on 127.0.0.1 is taken by another process; cannot resume on "
                                          "the same ports (stop + start makes a fresh broker)")
        self.ensure_java()
        self.fetch()
        cluster = [n.ports() for n in self.nodes()]
        sasl = f", SASL_PLAINTEXT {self._join(list(ports.values()), 'sasl_port')}" if any(
            p.sasl_port for p in ports.values()) else ""
        log(f"{verb} Kafka {self.config.version} on {self._join(list(ports.values()), 'port')} "
            f"(controller {self._join(list(ports.values()), 'controller_port')}{sasl})")
        self._launch(ports, expect=[n.node_id for n in ports] if len(nodes) < len(cluster) else
                     [p.node_id for p in cluster])
        if not nonempty(self.bootstrap_file):
            self.bootstrap_file.write_text(self._join(cluster, "port") + "\n")
        return self._address()

    def _launch(self, nodes: dict[Node, NodePorts], expect: list[int]) -> None:
        """Run the nodes and wait until each answers a Metadata request listing `expect`
        (of its own id at least). On failure or interruption: the log tail, the started
        nodes stopped (the state dir stays), and an error."""
        pids: dict[Node, int] = {}
        began = time.monotonic()
        try:
            for node in nodes:
                argv = broker_argv(self.ensure_java(), self.config.heap, self.config.libs, node.config,
                                   cluster=len(self.nodes()) > 1)
                pid = start_jvm(argv, cwd=node.dir, log_path=node.log)
                node.pid_file.write_text(f"{pid}\n")
                pids[node] = pid
            wait_ready(nodes, pids, expect, self.config.start_timeout, self.state_dir)
        except BaseException:
            terminate(list(pids.values()))
            raise
        log(f"ready {time.monotonic() - began:.0f}s after launch ({self._describe({n.node_id: p for n, p in pids.items()})}, "
            f"log {' '.join(str(n.log) for n in nodes)})")



def _node_argument(args: list[str]) -> int:
    if len(args) != 1 or not args[0].isdigit():
        raise LocalKafkaError("expected one node id, e.g. `kill-broker 2`")
    return int(args[0])


def _brokers_option(args: list[str]) -> int:
    value = args[1] if len(args) == 2 and args[0] == "--brokers" else args[0][10:] if (
        len(args) == 1 and args[0].startswith("--brokers=")) else "" if args else "1"
    if not value.isdigit():
        raise LocalKafkaError("usage: start [--brokers N]")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command, rest = (args[0], args[1:]) if args else ("", [])

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    # SIGTERM like Ctrl-C: a half-started broker is stopped on the way out.
    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        return _command(LocalKafka(Config.from_env()), command, rest)
    except LocalKafkaError as exc:
        log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _command(kafka: LocalKafka, command: str, rest: list[str]) -> int:
    if command in ("start", "resume", "start-broker"):
        print(kafka.start(_brokers_option(rest)) if command == "start" else kafka.resume() if command == "resume"
              else kafka.start_broker(_node_argument(rest)), flush=True)
    elif command == "stop":
        kafka.stop()
    elif command in ("pause", "kill", "stop-broker", "kill-broker"):
        kafka.halt("kill" if command.startswith("kill") else "term", _node_argument(rest) if "-" in command else None)
    elif command in ("status", "bootstrap", "bootstrap-sasl", "pids"):
        return _report(kafka, command)
    elif command == "fetch":
        kafka.ensure_java()
        kafka.fetch()
        log(f"jars in {kafka.config.libs}")
    else:
        print(__doc__, file=sys.stderr)
        return 0 if command in ("-h", "--help", "help") else 2
    return 0


def _report(kafka: LocalKafka, command: str) -> int:
    address = kafka.status()
    if address is None:
        nodes = kafka.nodes() if kafka.state_dir.is_dir() else []
        if nodes and (kafka.state_dir / OWNER_MARK).exists() and any(nonempty(n.ports_file) for n in nodes):
            log(f"not running: paused or killed, data kept (state dir {kafka.state_dir}; resume restarts it)")
        else:
            log(f"not running (state dir {kafka.state_dir})")
        return 1
    if command == "pids":
        for node_id, pid in sorted(kafka.pids().items()):
            print(node_id, pid)
    elif command == "bootstrap-sasl":
        sasl = kafka.sasl_bootstrap()
        if sasl is None:
            log("this broker has no SASL listener (start it with NEWSWIRE_KAFKA_SASL_USERS=user:password)")
            return 1
        print(sasl)
    else:
        down = sorted({n.node_id for n in kafka.nodes()} - set(kafka.pids()))
        if down:
            log(f"node{'s' if len(down) > 1 else ''} {', '.join(map(str, down))} down")
        print(address)
    return 0


if __name__ == "__main__":
    sys.exit(main())
