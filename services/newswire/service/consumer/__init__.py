"""The enrichment consumer: `service` (the loop), `writer` (process and send a batch),
`committer` (at-least-once and exactly-once), `protocols` (what it needs of Kafka)."""

from newswire.service.consumer.service import SERVICE, ConsumerService
from newswire.service.consumer.writer import ENRICH_CHUNK, MAX_WRITE_ATTEMPTS, SOURCE_HEADER

__all__ = ["ENRICH_CHUNK", "MAX_WRITE_ATTEMPTS", "SERVICE", "SOURCE_HEADER", "ConsumerService"]
