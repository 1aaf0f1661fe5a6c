"""What the local broker module writes for Kafka: server.properties for one node or
a cluster, the SCRAM users of NEWSWIRE_KAFKA_SASL_USERS and cluster ids.

Pure functions of their arguments, so the lifecycle in local_kafka.py stays about
processes and files.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LOG4J_CONF = REPO / "deploy" / "kafka" / "log4j2.xml"
_USER_NAME = re.compile(r"[A-Za-z0-9._@-]+")


class LocalKafkaError(RuntimeError):
    """A failure the command line reports as one `local-kafka: error: ...` line."""


@dataclass(frozen=True)
class NodePorts:
    node_id: int
    port: int  # PLAINTEXT, also the inter-broker listener
    controller_port: int
    sasl_port: int | None = None

    def line(self) -> str:
        """The ports file: "PORT CONTROLLER_PORT [SASL_PORT]" (what `resume` reads)."""
        return f"{self.port} {self.controller_port} {self.sasl_port or ''}"

    @classmethod
    def parse(cls, node_id: int, text: str) -> NodePorts:
        fields = [int(f) for f in text.split()]
        if len(fields) < 2:
            raise LocalKafkaError(f"bad ports file for node {node_id}: {text.strip()!r}")
        return cls(node_id, fields[0], fields[1], fields[2] if len(fields) > 2 else None)

    @classmethod
    def from_listeners(cls, node_id: int, config: str) -> NodePorts:
        """From the listeners line of server.properties (state dirs made before the
        ports file existed)."""
        ports: dict[str, int] = {}
        for line in config.splitlines():
            if line.startswith("listeners="):
                for listener in line.removeprefix("listeners=").split(","):
                    name, _, address = listener.partition("://")
                    ports[name] = int(address.rsplit(":", 1)[1])
        if "PLAINTEXT" not in ports or "CONTROLLER" not in ports:
            raise LocalKafkaError("no PLAINTEXT/CONTROLLER listeners in server.properties")
        return cls(node_id, ports["PLAINTEXT"], ports["CONTROLLER"], ports.get("SASL_PLAINTEXT"))


@dataclass(frozen=True)
class Config:
    state_dir: Path
    version: str = "4.1.1"
    cache_root: Path = Path.home() / ".cache" / "newswire"
    heap: tuple[str, ...] = ("-Xms256m", "-Xmx512m")
    start_timeout: float = 90.0
    port: str = ""  # NEWSWIRE_KAFKA_PORT as given; checked by start
    sasl_users: str = ""  # read by start only: the users live in the data
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        cache = env.get("NEWSWIRE_CACHE_DIR") or (env["HOME"] + "/.cache/newswire" if env.get("HOME") else "")
        if not cache:
            raise LocalKafkaError("set HOME or NEWSWIRE_CACHE_DIR")
        heap = env.get("NEWSWIRE_KAFKA_HEAP") or "-Xms256m -Xmx512m"
        # log.dirs and the pid checks need an absolute path.
        state_dir = Path(os.path.abspath(env.get("NEWSWIRE_KAFKA_DIR") or REPO / ".local" / "kafka"))
        return cls(state_dir=state_dir, version=env.get("NEWSWIRE_KAFKA_VERSION") or "4.1.1",
                   cache_root=Path(cache), heap=tuple(heap.split() if heap.startswith("-") else [f"-Xmx{heap}"]),
                   start_timeout=float(env.get("NEWSWIRE_KAFKA_START_TIMEOUT") or 90),
                   port=env.get("NEWSWIRE_KAFKA_PORT", ""), sasl_users=env.get("NEWSWIRE_KAFKA_SASL_USERS", ""),
                   env=env)

    @property
    def libs(self) -> Path:
        return self.cache_root / f"kafka-{self.version}" / "libs"


@dataclass(frozen=True)
class Node:
    node_id: int
    dir: Path

    @property
    def config(self) -> Path:
        return self.dir / "server.properties"

    @property
    def pid_file(self) -> Path:
        return self.dir / "broker.pid"

    @property
    def ports_file(self) -> Path:
        return self.dir / "ports"

    @property
    def log(self) -> Path:
        return self.dir / "broker.log"

    def ports(self) -> NodePorts:
        if self.ports_file.is_file() and self.ports_file.stat().st_size:
            return NodePorts.parse(self.node_id, self.ports_file.read_text())
        return NodePorts.from_listeners(self.node_id, self.config.read_text())


@dataclass(frozen=True)
class SaslUser:
    name: str
    password: str


def parse_sasl_users(spec: str) -> list[SaslUser]:
    """NEWSWIRE_KAFKA_SASL_USERS (user:password[,user2:password2]). Errors name the
    entry or the user, never the password."""
    users: list[SaslUser] = []
    if not spec:
        return users
    for n, entry in enumerate(spec.split(","), start=1):
        if ":" not in entry:
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_SASL_USERS: entry {n} is not user:password")
        name, _, password = entry.partition(":")
        # StorageTool splits on ',' and '=' and strips quotes; SCRAM escapes ',' and
        # '=' in names. Plain names and quote/space-free passwords avoid all that.
        if not _USER_NAME.fullmatch(name):
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_SASL_USERS: entry {n}: user name must be letters, digits, "
                                  "'.', '_', '@' or '-'")
        if not password:
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_SASL_USERS: user {name}: empty password")
        if re.search(r'[\s"]', password):
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_SASL_USERS: user {name}: the password must not contain "
                                  "spaces or double quotes")
        if any(u.name == name for u in users):
            raise LocalKafkaError(f"NEWSWIRE_KAFKA_SASL_USERS: user {name} is listed twice")
        users.append(SaslUser(name, password))
    return users


def scram_args(users: list[SaslUser]) -> list[str]:
    """StorageTool's --add-scram arguments: every user gets SHA-256 and SHA-512 credentials."""
    args: list[str] = []
    for user in users:
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            args += ["--add-scram", f"{mechanism}=[name={user.name},password={user.password}]"]
    return args


def mask_passwords(text: str, users: list[SaslUser]) -> str:
    for user in users:
        text = text.replace(user.password, "<password>")
    return text


def cluster_id() -> str:
    """16 random bytes in URL-safe base64 without padding, as Kafka's Uuid; never with a
    leading '-' (argparse would take it for a flag)."""
    while True:
        value = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not value.startswith("-"):
            return value


def _listeners(node: NodePorts) -> tuple[str, str]:
    listeners = f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}"
    protocols = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    if node.sasl_port:
        listeners += f",SASL_PLAINTEXT://127.0.0.1:{node.sasl_port}"
        protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT"
    return listeners, protocols


_TEMPLATE = """\
# Generated by scripts/local-kafka: {what}, broker + controller.
process.roles=broker,controller
node.id={node_id}
{quorum}
controller.listener.names=CONTROLLER
listeners={listeners}
advertised.listeners={listeners}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map={protocols}
log.dirs={data}

{replication}
num.partitions=1
default.replication.factor={rf}
offsets.topic.replication.factor={rf}
transaction.state.log.replication.factor={rf}
transaction.state.log.min.isr={min_isr}
share.coordinator.state.topic.replication.factor={rf}
share.coordinator.state.topic.min.isr={min_isr}
# Fewer internal partitions (defaults: 50 each) make the first group join and
# the first transaction fast; a local broker gains nothing from more.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# Groups start at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0
# After a crash (local-kafka kill), the restarted controller holds the dead incarnation's
# registration until its session expires (default 9 s): resume waits for that; in a
# cluster a SIGKILLed node keeps its leaderships as long. The heartbeats never leave
# 127.0.0.1, so a short session is safe.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=4000
auto.create.topics.enable=true

# Sized for a 2-core dev/CI machine and a small heap{shared}.
num.network.threads=2
num.io.threads={io_threads}
num.recovery.threads.per.data.dir=1
log.cleaner.dedupe.buffer.size=16777216
"""

_SINGLE_QUORUM = """\
# 4.x dynamic quorum (formatted with --standalone) instead of static voters.
controller.quorum.bootstrap.servers=127.0.0.1:{cport}"""
_CLUSTER_QUORUM = """\
# A static quorum of every node (formatted without --standalone): no controller
# has to be added after the first start.
controller.quorum.voters={voters}"""
_SINGLE_REPLICATION = """\
# One node: every internal topic has replication factor 1 / min ISR 1, or
# consumer groups, transactions and share groups would wait for replicas."""
_CLUSTER_REPLICATION = """\
# Internal topics on every node, and a write to them needs two: one node may die
# without stopping groups or transactions."""

_SASL = """
# SASL/SCRAM listener (NEWSWIRE_KAFKA_SASL_USERS): authentication only, no
# authorizer. The credentials are in the metadata log (`kafka-storage format
# --add-scram`); the broker-side JAAS entries name the login module, no secret.
listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
"""



def server_properties(node: NodePorts, cluster: list[NodePorts], data_dir: Path) -> str:
    """One node's config; a one-node `cluster` gives the single-node broker."""
    listeners, protocols = _listeners(node)
    count = len(cluster)
    if count == 1:
        fields = {"what": "single-node KRaft", "quorum": _SINGLE_QUORUM.format(cport=node.controller_port),
                  "replication": _SINGLE_REPLICATION, "rf": 1, "min_isr": 1, "io_threads": 4, "shared": ""}
    else:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in cluster)
        fields = {"what": f"node {node.node_id} of a {count}-node KRaft cluster",
                  "quorum": _CLUSTER_QUORUM.format(voters=voters), "replication": _CLUSTER_REPLICATION,
                  "rf": count, "min_isr": min(2, count), "io_threads": 2, "shared": f", {count} JVMs sharing it"}
    text = _TEMPLATE.format(node_id=node.node_id, listeners=listeners, protocols=protocols, data=data_dir, **fields)
    return text + (_SASL if node.sasl_port else "")
