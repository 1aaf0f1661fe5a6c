"""The thin Kafka layer: client construction, topic creation, headers. Everything
that talks to kafka-python lives here or in the two service loops."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError, TopicAlreadyExistsError

from newswire.settings import Settings

log = logging.getLogger(__name__)

CONTENT_TYPE = b"application/json; charset=utf-8"
ERROR_STAGE_HEADER = "newswire.error.stage"
ERROR_TYPE_HEADER = "newswire.error.type"
SCHEMA_HEADER = "newswire.schema"


class BrokerUnavailable(RuntimeError):
    """No broker answered within the configured time."""


def headers(schema: str, **extra: str) -> list[tuple[str, bytes]]:
    """Kafka headers every newswire message carries."""
    out = [("content-type", CONTENT_TYPE), (SCHEMA_HEADER, schema.encode())]
    out.extend((name, value.encode("utf-8")) for name, value in extra.items())
    return out


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """Idempotent producer, acks from all in-sync replicas. Raises BrokerUnavailable."""
    conf = {
        **settings.kafka_common(),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "max_block_ms": int(settings.connect_timeout_seconds * 1000),
        **overrides,
    }
    return _connect(KafkaProducer, conf)


def make_consumer(settings: Settings, **overrides: Any) -> KafkaConsumer:
    """Group consumer with manual commits: offsets move only after outputs are acked."""
    conf = {
        **settings.kafka_common(),
        "group_id": settings.group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": settings.max_poll_records,
        "allow_auto_create_topics": False,
        **overrides,
    }
    return _connect(KafkaConsumer, conf)


def make_admin(settings: Settings) -> KafkaAdminClient:
    return _connect(KafkaAdminClient, settings.kafka_common())


def _connect(cls: type, conf: dict[str, Any]) -> Any:
    try:
        return cls(**conf)
    except KafkaError as exc:  # NoBrokersAvailable, KafkaTimeoutError, auth failures
        servers = ",".join(conf.get("bootstrap_servers", []))
        raise BrokerUnavailable(f"cannot reach Kafka at {servers}: {exc.__class__.__name__}: {exc}") from exc


def ensure_topics(settings: Settings, topics: list[str]) -> list[str]:
    """Create the topics that do not exist yet; return the ones created."""
    admin = make_admin(settings)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            new = {t: {"num_partitions": settings.partitions, "replication_factor": settings.replication_factor} for t in missing}
            try:
                admin.create_topics(new, wait_for_metadata=True)
            except TopicAlreadyExistsError:  # another consumer won the race
                pass
            log.info("created topics", extra={"event": "topics_created", "topics": missing})
        return missing
    finally:
        admin.close()
