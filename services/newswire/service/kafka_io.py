"""The thin Kafka layer: client construction, topic creation, headers. Everything
that talks to kafka-python lives here or in the two service loops."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError, TopicAlreadyExistsError

from newswire.service.settings import Settings

log = logging.getLogger(__name__)

CONTENT_TYPE = b"application/json; charset=utf-8"
ERROR_STAGE_HEADER = "newswire.error.stage"
ERROR_TYPE_HEADER = "newswire.error.type"
SCHEMA_HEADER = "newswire.schema"


class BrokerUnavailable(RuntimeError):
    """No broker answered within the configured time."""


class TopicSetupError(ValueError):
    """The topics cannot be created as configured (e.g. more replicas than brokers)."""


def headers(schema: str, **extra: str) -> list[tuple[str, bytes]]:
    """Kafka headers every newswire message carries."""
    out = [("content-type", CONTENT_TYPE), (SCHEMA_HEADER, schema.encode())]
    out.extend((name, value.encode("utf-8")) for name, value in extra.items())
    return out


def dlq_max_bytes(settings: Settings) -> int:
    """A dead letter carries the original (base64 can add a third) plus the error: the
    DLQ topic and the producer accept that much, so no original is ever too large for it."""
    return settings.max_message_bytes * 3 // 2 + 256 * 1024


def enriched_max_bytes(settings: Settings) -> int:
    """An enriched article is its raw message plus the enrichment (normalised title and
    body, at most the analysed part of the text, and metadata): the enriched topic that
    newswire creates accepts that much, so no valid raw article is too large to enrich."""
    return settings.max_message_bytes * 2 + 256 * 1024


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """Idempotent producer, acks from all in-sync replicas. Raises BrokerUnavailable."""
    conf = {
        **settings.kafka_common(),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        # Enriched articles are 5-10 KB: the default 16 KB batch would hold one or two.
        "batch_size": 512 * 1024,
        "max_request_size": max(1_048_576, dlq_max_bytes(settings), enriched_max_bytes(settings)),
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
        "session_timeout_ms": settings.session_timeout_ms,
        "heartbeat_interval_ms": settings.heartbeat_interval_ms,
        "allow_auto_create_topics": False,
        **overrides,
    }
    return _connect(KafkaConsumer, conf)


def make_admin(settings: Settings) -> KafkaAdminClient:
    return _connect(KafkaAdminClient, settings.kafka_common())


class _AuthFailureWatch(logging.Handler):
    """kafka-python 3.0 reports a refused SASL login only as a log line and then times
    out the bootstrap; remember that line so the error we show says what happened."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if "AuthenticationFailed" in record.getMessage():
            self.seen = True


_AUTH_WATCH = _AuthFailureWatch()
# The watch sees kafka-python's records; how far they go beyond it is logs.py's call.
logging.getLogger("kafka").addHandler(_AUTH_WATCH)


def _connect(cls: type, conf: dict[str, Any]) -> Any:
    _AUTH_WATCH.seen = False
    servers = ",".join(conf.get("bootstrap_servers", []))
    try:
        return cls(**conf)
    except KafkaError as exc:  # NoBrokersAvailable, KafkaTimeoutError, auth failures
        mechanism = conf.get("sasl_mechanism")
        if _AUTH_WATCH.seen or "Authentication" in type(exc).__name__:
            raise BrokerUnavailable(
                f"authentication failed at {servers} ({mechanism}): check NEWSWIRE_SASL_USERNAME and NEWSWIRE_SASL_PASSWORD"
            ) from exc
        if mechanism:
            # A broker that refuses a login may also just drop the connection before
            # saying why; with SASL on, say both possibilities rather than guess.
            raise BrokerUnavailable(
                f"cannot reach Kafka at {servers}, or authentication failed ({mechanism}): no answer within "
                f"{conf.get('bootstrap_timeout_ms', 0) / 1000:g}s; check the address and NEWSWIRE_SASL_USERNAME/PASSWORD"
            ) from exc
        raise BrokerUnavailable(f"cannot reach Kafka at {servers}: {exc.__class__.__name__}: {exc}") from exc


# Record batch overhead the broker counts against max.message.bytes (header, key, headers).
_RECORD_OVERHEAD = 512


def topic_config(admin: KafkaAdminClient, topic: str, name: str) -> str | None:
    """One setting of a topic as the broker reports it (defaults included), or None."""
    from kafka.admin import ConfigResource, ConfigResourceType

    reply = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {name: None})], config_filter="all")
    value = reply.get("topic", {}).get(topic, {}).get(name, {}).get("value")
    return str(value) if value is not None else None


def topic_max_bytes(settings: Settings, topic: str) -> int | None:
    """The largest message value the topic accepts (its max.message.bytes, less record
    overhead), or None when the broker does not say."""
    admin = make_admin(settings)
    try:
        value = topic_config(admin, topic, "max.message.bytes")
        return int(value) - _RECORD_OVERHEAD if value else None
    except (KafkaError, ValueError):
        return None
    finally:
        admin.close()


def topic_min_insync_replicas(admin: KafkaAdminClient, topic: str) -> int:
    """The topic's min.insync.replicas (1 when the broker does not say)."""
    value = topic_config(admin, topic, "min.insync.replicas")
    return int(value) if value and value.isdigit() else 1


def ensure_topics(settings: Settings, topics: list[str]) -> list[str]:
    """Create the topics that do not exist yet; return the ones created."""
    admin = make_admin(settings)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            replicas, min_isr = settings.replication_factor, settings.effective_min_insync_replicas()
            if replicas > 1:
                brokers = len(admin.describe_cluster().get("brokers", []))
                if brokers < replicas:
                    raise TopicSetupError(f"NEWSWIRE_REPLICATION_FACTOR={replicas} needs at least {replicas} brokers; "
                                          f"the cluster at {settings.bootstrap_servers} has {brokers}")
            new: dict[str, dict[str, Any]] = {}
            for topic in missing:
                configs = {"min.insync.replicas": str(min_isr)} if replicas > 1 else {}
                if topic == settings.dlq_topic:
                    configs["max.message.bytes"] = str(dlq_max_bytes(settings))
                elif topic == settings.enriched_topic:
                    configs["max.message.bytes"] = str(enriched_max_bytes(settings))
                elif topic == settings.feed_state_topic:
                    configs["cleanup.policy"] = "compact"  # the latest state per feed URL is all that matters
                new[topic] = {"num_partitions": settings.partitions, "replication_factor": replicas,
                              **({"configs": configs} if configs else {})}
            try:
                admin.create_topics(new, wait_for_metadata=True)
            except TopicAlreadyExistsError:  # another consumer won the race
                pass
            log.info("created topics %s: %d partitions, replication factor %d, min.insync.replicas %d",
                     ", ".join(missing), settings.partitions, replicas, min_isr,
                     extra={"event": "topics_created", "topics": missing, "replication_factor": replicas,
                            "min_insync_replicas": min_isr})
        return missing
    finally:
        admin.close()
