"""Configuration: environment variables prefixed NEWSWIRE_, overridable by CLI flags."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from newswire.core.enrichers.config import DEFAULT_ANALYSIS_MAX_CHARS, DEFAULT_READING_WPM, DEFAULT_WPM, EnrichmentConfig
from newswire.core.pipeline import PipelineConfig
from newswire.core.sources.fetch import FetchConfig, user_agent
from newswire.core.sources.polling import PollPolicy
from newswire.core.times import zone


class Settings(BaseSettings):
    """Every knob of both services. Defaults work against the local stack (`make up`)."""

    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", extra="ignore")

    # Kafka connection
    bootstrap_servers: str = "127.0.0.1:9092"
    client_id: str = "newswire"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    # How long a CLI waits for the first broker answer before giving up with one line.
    connect_timeout_seconds: float = Field(default=10.0, gt=0)

    # Topics
    raw_topic: str = "articles.raw"
    enriched_topic: str = "articles.enriched"
    dlq_topic: str = "articles.dlq"
    dlq_replayed_topic: str = "articles.dlq.replayed"
    # Pages (`newswire produce --pages`) and the extract stage (`newswire extract`).
    pages_topic: str = "pages.raw"
    pages_dlq_topic: str = "pages.dlq"
    partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    # For topics newswire creates with replication_factor > 1: how many replicas must
    # have a write before it is acknowledged (acks=all). Default: 2 from 3 replicas up, so
    # one broker may fail without stopping writes or losing an acknowledged one.
    min_insync_replicas: int | None = Field(default=None, ge=1)

    # Consumer
    group_id: str = "newswire-enricher"
    extract_group_id: str = "newswire-extract"
    # Which stage this consumer runs: set by the command (`consume` or `extract`), not by hand.
    stage: Literal["enrich", "extract"] = "enrich"
    # Largest page the extract stage inflates and extracts (bytes, uncompressed).
    max_page_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_poll_records: int = Field(default=500, ge=1)
    # How fast the group notices a dead member (and hands its partitions on).
    session_timeout_ms: int = Field(default=45_000, ge=1000)
    heartbeat_interval_ms: int = Field(default=3_000, ge=100)
    # Upper bound on a raw message; anything larger is dead-lettered, not parsed.
    max_message_bytes: int = Field(default=1_000_000, ge=1024)
    shutdown_timeout_seconds: float = Field(default=20.0, gt=0)
    # Consumer processes on this machine (one core each); see supervisor.py.
    processes: int = Field(default=1, ge=1, le=64)
    # Exactly-once: outputs and consumed offsets commit in one Kafka transaction per batch.
    exactly_once: bool = False
    transactional_id_prefix: str = "newswire"

    # Fetching article pages (article URLs, --full-text): who we are, how often we ask.
    fetch_user_agent: str | None = None  # the whole User-Agent; default newswire/<version> (+contact)
    fetch_contact: str | None = None  # a URL or e-mail address site operators can reach you at
    fetch_min_interval_seconds: float = Field(default=1.0, ge=0)  # per host, between requests
    fetch_timeout_seconds: float = Field(default=20.0, gt=0)
    fetch_deadline_seconds: float = Field(default=60.0, gt=0)  # a whole page, redirects included
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    fetch_honour_robots: bool = True

    # Polling feeds (`newswire produce --watch SECONDS URL...`, `--feeds LIST`): see README "Polling feeds".
    feed_state_topic: str = "newswire.feeds.state"  # compacted, keyed by feed URL
    feed_min_interval_seconds: float = Field(default=10.0, gt=0)  # never asked more often, whatever --watch says
    feed_max_interval_seconds: float = Field(default=6 * 3600.0, gt=0)  # hints (max-age, <ttl>) never wait longer
    feed_backoff_cap_seconds: float = Field(default=6 * 3600.0, gt=0)  # longest wait after failures
    feed_failing_after_seconds: float = Field(default=6 * 3600.0, gt=0)  # failing this long: state "failing"
    feed_max_entry_ids: int = Field(default=1000, ge=10)  # published entry ids kept per feed
    feed_poll_workers: int = Field(default=4, ge=1, le=64)  # fetches at once (still one per host)
    # Scaling out: poller i of n polls the feeds whose URL hashes to i (polling.owner).
    poller_index: int = Field(default=0, ge=0)
    pollers: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _poller_in_range(self) -> Settings:
        if self.poller_index >= self.pollers:
            raise ValueError(f"poller index {self.poller_index} is not below the number of pollers {self.pollers}")
        return self

    # Metrics and health endpoints
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9300, ge=0, le=65535)

    # Enrichment
    reading_wpm: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_READING_WPM))
    default_wpm: int = Field(default=DEFAULT_WPM, gt=0)

    @field_validator("reading_wpm")
    @classmethod
    def _merge_wpm(cls, value: dict[str, int]) -> dict[str, int]:
        """NEWSWIRE_READING_WPM='{"ar": 150}' adjusts one language, keeping the rest."""
        if any(v <= 0 for v in value.values()):
            raise ValueError("words per minute must be positive")
        return {**DEFAULT_READING_WPM, **value}

    # Times that sources give without an offset are read in this IANA zone (and flagged).
    default_timezone: str = "UTC"

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)  # raises ValueError with the reason
        return value

    # Keywords, entities, dates and near-duplicate signatures look at the first this-many
    # characters of an article (counts and the content hash cover all of it): a bound on
    # the cost of one message whatever its size (bench/README.md: pathological inputs).
    analysis_max_chars: int = Field(default=DEFAULT_ANALYSIS_MAX_CHARS, ge=1_000)

    # Normalised body in the output (doubles the text on the wire; off to save bytes)
    include_normalized_body: bool = True

    # Near-duplicates: memory (one process), redis (shared by every consumer), off
    dedup_backend: Literal["memory", "redis", "off"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    dedup_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    dedup_window_seconds: int = Field(default=7 * 86400, ge=60)
    # The in-memory horizon: the last N articles (or the window, if shorter). About 3.5 KB
    # each; 10,000 keeps a consumer under 250 MB (bench/README.md). Longer or shared: redis.
    dedup_max_entries: int = Field(default=10_000, ge=100)

    # Logs
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value
    log_format: Literal["auto", "json", "text"] = "auto"

    def effective_min_insync_replicas(self) -> int:
        if self.min_insync_replicas is not None:
            return min(self.min_insync_replicas, self.replication_factor)
        return 2 if self.replication_factor >= 3 else 1

    def enrichment(self) -> EnrichmentConfig:
        """The enrichment's configuration, from these settings."""
        return EnrichmentConfig(reading_wpm=self.reading_wpm, default_wpm=self.default_wpm,
                                include_normalized_body=self.include_normalized_body,
                                analysis_max_chars=self.analysis_max_chars)

    def pipeline(self) -> PipelineConfig:
        """The one-message pipeline's configuration (decode, validate, enrich)."""
        return PipelineConfig(max_message_bytes=self.max_message_bytes, default_timezone=self.default_timezone,
                              raw_topic=self.raw_topic, enrichment=self.enrichment())

    def fetch_config(self) -> FetchConfig:
        return FetchConfig(user_agent=user_agent(self.fetch_contact, self.fetch_user_agent),
                           min_interval_seconds=self.fetch_min_interval_seconds,
                           timeout_seconds=self.fetch_timeout_seconds, deadline_seconds=self.fetch_deadline_seconds,
                           max_bytes=self.fetch_max_bytes, honour_robots=self.fetch_honour_robots)

    def poll_policy(self, interval_seconds: float) -> PollPolicy:
        """The polling bounds, around `--watch SECONDS` (the interval of a healthy feed)."""
        return PollPolicy(interval_seconds=interval_seconds, min_interval_seconds=self.feed_min_interval_seconds,
                          max_interval_seconds=max(self.feed_max_interval_seconds, self.feed_min_interval_seconds),
                          backoff_cap_seconds=self.feed_backoff_cap_seconds,
                          failing_after_seconds=self.feed_failing_after_seconds, max_entry_ids=self.feed_max_entry_ids)

    def for_extract(self) -> Settings:
        """The same service loop as the extract stage: pages.raw in, articles.raw out,
        pages.dlq for dead letters, its own group."""
        return self.model_copy(update={"stage": "extract", "group_id": self.extract_group_id,
                                       "raw_topic": self.pages_topic, "enriched_topic": self.raw_topic,
                                       "dlq_topic": self.pages_dlq_topic})

    def kafka_common(self) -> dict[str, Any]:
        """Connection settings shared by producers, consumers and the admin client."""
        conf: dict[str, Any] = {
            "bootstrap_servers": [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()],
            "client_id": self.client_id,
            "security_protocol": self.security_protocol,
            "bootstrap_timeout_ms": int(self.connect_timeout_seconds * 1000),
        }
        if self.sasl_mechanism:
            conf["sasl_mechanism"] = self.sasl_mechanism
            conf["sasl_plain_username"] = self.sasl_username
            conf["sasl_plain_password"] = (
                self.sasl_password.get_secret_value() if self.sasl_password else None
            )
        for key in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
            if getattr(self, key):
                conf[key] = getattr(self, key)
        return conf

    def with_overrides(self, **overrides: Any) -> Settings:
        """Apply CLI flags that were given (None means 'not given'), re-validating them."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        return Settings.model_validate({**self.model_dump(), **given})
