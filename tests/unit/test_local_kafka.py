"""The local broker module's pure parts: SASL users, server.properties, ports, the
command line's refusals. Starting real brokers is tested in tests/integration and
tests/cluster."""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest

from newswire.service.kafka_config import (
    LocalKafkaError,
    NodePorts,
    mask_passwords,
    parse_sasl_users,
    scram_args,
    server_properties,
)
from newswire.service.kafka_process import metadata_broker_ids
from newswire.service.local_kafka import main
from newswire.service.ports import free_ports


def settings(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_sasl_users_parse_and_errors_never_show_the_password() -> None:
    users = parse_sasl_users("alice:s3cret,bob:p@ss=word")
    assert [(u.name, u.password) for u in users] == [("alice", "s3cret"), ("bob", "p@ss=word")]
    assert scram_args(users[:1]) == ["--add-scram", "SCRAM-SHA-256=[name=alice,password=s3cret]",
                                     "--add-scram", "SCRAM-SHA-512=[name=alice,password=s3cret]"]
    assert mask_passwords("alice s3cret", users) == "alice <password>"
    for spec, message in (("alice", "entry 1 is not user:password"), ("a b:secret1", "entry 1: user name"),
                          ("alice:", "user alice: empty password"), ('alice:se"cret1', "double quotes"),
                          ("alice:one1,alice:two2", "user alice is listed twice")):
        with pytest.raises(LocalKafkaError, match=message) as raised:
            parse_sasl_users(spec)
        assert "secret1" not in str(raised.value)


def test_one_node_config_is_a_standalone_quorum_with_replication_one() -> None:
    node = NodePorts(1, 9092, 9093, None)
    config = settings(server_properties(node, [node], Path("/state/data")))
    assert config["node.id"] == "1"
    assert config["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert "controller.quorum.voters" not in config
    assert config["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert config["offsets.topic.replication.factor"] == "1" and config["transaction.state.log.min.isr"] == "1"
    assert config["log.dirs"] == "/state/data"


def test_cluster_config_has_static_voters_and_replicated_internal_topics() -> None:
    cluster = [NodePorts(i, 9000 + i, 9100 + i, 9200 + i) for i in (1, 2, 3)]
    config = settings(server_properties(cluster[1], cluster, Path("/state/node-2/data")))
    assert config["node.id"] == "2"
    assert config["controller.quorum.voters"] == "1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103"
    assert config["listeners"].endswith(",SASL_PLAINTEXT://127.0.0.1:9202")
    assert config["offsets.topic.replication.factor"] == "3"
    assert config["transaction.state.log.min.isr"] == "2"
    assert "password" not in server_properties(cluster[1], cluster, Path("/x"))


def test_node_ports_round_trip_and_old_state_dirs() -> None:
    ports = NodePorts(1, 1000, 1001, None)
    assert NodePorts.parse(1, ports.line()) == ports
    config = server_properties(NodePorts(1, 1000, 1001, 1002), [NodePorts(1, 1000, 1001, 1002)], Path("/d"))
    assert NodePorts.from_listeners(1, config) == NodePorts(1, 1000, 1001, 1002)


def test_free_ports_differ() -> None:
    ports = free_ports(20)
    assert len(set(ports)) == 20


def test_metadata_probe_reads_the_broker_list() -> None:
    """Against a fake broker that answers one Metadata v4 request with nodes 1 and 3."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            size = struct.unpack(">i", conn.recv(4))[0]
            request = conn.recv(size)
            assert struct.unpack_from(">hh", request) == (3, 4)
            brokers = b"".join(struct.pack(">ih", n, 9) + b"127.0.0.1" + struct.pack(">ih", 9000 + n, -1) for n in (1, 3))
            body = struct.pack(">iii", 1, 0, 2) + brokers + struct.pack(">hii", -1, 1, 0)
            conn.sendall(struct.pack(">i", len(body)) + body)

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        assert metadata_broker_ids(port) == [1, 3]
    finally:
        thread.join(timeout=5)
        server.close()


def test_command_line_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NEWSWIRE_KAFKA_DIR", str(tmp_path / "kafka"))
    assert main(["bogus"]) == 2
    assert main(["start", "--brokers", "x"]) == 1
    assert main(["kill-broker"]) == 1
    assert main(["status"]) == 1
    assert main(["pids"]) == 1
    assert main(["stop"]) == 0
    err = capsys.readouterr().err
    assert "local-kafka: error: usage: start [--brokers N]" in err
    assert "not running" in err
