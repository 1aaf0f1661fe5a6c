"""The message contract (v1). These models are the single source of truth: `schemas/`
is generated from them (`newswire schemas export`), and field names are fixed."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
)

from newswire.core.times import parse_time

SCHEMA_VERSION: Literal[1] = 1

# Where a message failed: the dead letter's `error.stage`, the pipeline's Failure, the
# per-stage metrics. The one list of them.
Stage = Literal["decode", "validate", "extract", "enrich", "produce"]
STAGES: tuple[Stage, ...] = ("decode", "validate", "extract", "enrich", "produce")
RAW_SCHEMA = "newswire.raw-article.v1"
ENRICHED_SCHEMA = "newswire.enriched-article.v1"
DEAD_LETTER_SCHEMA = "newswire.dead-letter.v1"
PAGE_SCHEMA = "newswire.page.v1"

_HTTP_URL = TypeAdapter(HttpUrl)


def _check_http_url(value: str) -> str:
    """Accept only absolute http(s) URLs, but keep the string exactly as given
    (HttpUrl itself would rewrite it, e.g. add a trailing slash)."""
    _HTTP_URL.validate_python(value)
    return value


Url = Annotated[
    str,
    StringConstraints(min_length=8, max_length=2048, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://"),
    AfterValidator(_check_http_url),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# newswire's own ids are 16 hex digits (ids.article_id); a client may bring its own
# stable key instead, as long as it is safe in a Kafka key, a URL path and a log line.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,127}$"
ArticleId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


class Image(BaseModel):
    """The article's lead picture."""

    model_config = _STRICT

    url: Url | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    caption: Annotated[str, StringConstraints(max_length=2000)] | None = None


class Source(BaseModel):
    """Where the article was read from."""

    model_config = _STRICT

    name: ShortText
    kind: Literal["file", "feed", "jsonl", "api", "web"] = Field(description=(
        "`web`: a page newswire fetched from an article URL."))
    location: Annotated[str, StringConstraints(max_length=2048)] | None = None


class RawArticle(BaseModel):
    """An article as published to `articles.raw`."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="RawArticle")

    schema_version: Literal[1] = SCHEMA_VERSION
    id: ArticleId = Field(description="Deterministic: from the canonical URL, else from normalised title and body.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)] = Field(
        description="Plain text; paragraphs separated by blank lines."
    )
    url: Url | None = None
    summary: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    authors: Annotated[list[ShortText], Field(max_length=100)] = []
    published_at: AwareDatetime | None = None
    language: LanguageTag | None = Field(default=None, description="As declared by the source.")
    attribution: ShortText | None = Field(default=None, description="Wire agency or credit line.")
    image: Image | None = None
    tags: Annotated[list[ShortText], Field(max_length=200)] = []
    source: Source
    fetched_at: AwareDatetime
    title_derived: bool = Field(default=False, description=(
        "True when the source gave no title and newswire took the body's first sentence."))
    published_at_assumed_timezone: str | None = Field(default=None, description=(
        "IANA time zone newswire assumed for `published_at` because the source gave a time "
        "without an offset (NEWSWIRE_DEFAULT_TIMEZONE); null when the source gave one."))


def _parse_time(value: Any) -> Any:
    """Times as sources write them: ISO 8601 (with or without offset, or a date alone)
    and RFC 2822 (e-mail and RSS dates). A naive result is made aware later, in
    intake.complete(), with the configured default time zone. Anything else is left to
    the datetime validator, which refuses it."""
    return parse_time(value) if isinstance(value, str) else value


# A time that may lack an offset (what clients send), parsed leniently.
SubmittedTime = Annotated[datetime, BeforeValidator(_parse_time)]


class ArticleInput(BaseModel):
    """What `articles.raw` accepts: `title` and `body`, and any other raw-article field.
    Everything missing is derived by `intake.complete()` (the same for the producer and
    the consumer): id, schema_version, source, fetched_at, and a title from the body."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="ArticleInput")

    schema_version: Literal[1] = SCHEMA_VERSION
    id: ArticleId | None = Field(default=None, description=(
        "The client's stable key, kept as given; derived from the content when missing."))
    title: Annotated[str, StringConstraints(max_length=1000)] | None = Field(default=None, description=(
        "Derived from the body's first sentence when missing or blank."))
    body: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)]
    url: Url | None = None
    summary: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    authors: Annotated[list[ShortText], Field(max_length=100)] = []
    published_at: SubmittedTime | None = Field(default=None, description=(
        "ISO 8601 or RFC 2822; without an offset it is read in NEWSWIRE_DEFAULT_TIMEZONE."))
    language: LanguageTag | None = None
    attribution: ShortText | None = None
    image: Image | None = None
    tags: Annotated[list[ShortText], Field(max_length=200)] = []
    source: Source | None = None
    fetched_at: SubmittedTime | None = Field(default=None, description=(
        "Defaults to the Kafka record's timestamp (the consumer) or the read time (the producer)."))
    title_derived: bool = False
    published_at_assumed_timezone: str | None = None


class Keyword(BaseModel):
    """A top term or two-word phrase, as written in the article."""

    model_config = _STRICT

    term: str
    score: float = Field(ge=0.0, le=1.0, description="Relative to the best keyword (1.0).")
    count: int = Field(ge=1)


class EntityRef(BaseModel):
    """A place, organisation or person: resolved to one canonical gazetteer entity, or (people and
    organisations the gazetteer does not list) found by form or context and named as written."""

    model_config = _STRICT

    id: str = Field(description="Stable id: ISO 3166-1 alpha-2 for countries, else `city:`, `region:`, `org:`, `person:` slugs.")
    name: str = Field(description="Canonical English name.")
    kind: Literal["country", "city", "region", "organization", "person"]
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 of the country it lies in or belongs to.")
    count: int = Field(ge=0, description="Mentions by name in title and body.")
    adjective_count: int = Field(default=0, ge=0, description="Mentions by nationality adjective (\"الروسي\", \"Russian\"); countries only.")
    found_by: Literal["gazetteer", "geonames", "listed", "compass", "title", "given-name", "arabic-name", "acronym", "org-word", "apposition",
                      "surname"] = Field(
        default="gazetteer", description=(
            "How it was found: `gazetteer` (a listed entity: canonical id and English name), `geonames` (a place of "
            "the world gazetteer: GeoNames or ISO 3166-2, `city:geonames-<id>`, `region:...`), `listed` (an organisation of the built "
            "lists: companies of stock indices, football clubs, NBA teams, `org:company-...`, `org:club-...`), `compass` (a "
            "known place with a compass word written as part of its name, \"North Africa\", \"Kowloon West\": "
            "`region:<slug>`), else by form or context "
            "(a people's or organisation's name as written, `id` made from it): after a title or role, from a known "
            "given name, an Arabic-script name pattern, a name with its acronym, an organisation word, or a word "
            "that says what follows (\"the union X\")."))


class DateRef(BaseModel):
    """A date mentioned in the text."""

    model_config = _STRICT

    text: str = Field(description="As written.")
    value: str = Field(description="ISO 8601: YYYY-MM-DD when resolved, --MM-DD when the year is unknown.")
    resolved: bool
    kind: Literal["absolute", "relative"]


class Enrichment(BaseModel):
    """Metadata computed by the consumer."""

    model_config = _STRICT

    language: str = Field(description="Detected ISO 639 code, `und` when undetermined.")
    language_confidence: float = Field(ge=0.0, le=1.0)
    declared_language: str | None = Field(default=None, description="The source's own `language`, for comparison.")
    language_mismatch: bool = Field(default=False, description="True when the declared language differs from the detected one.")
    script: str = Field(pattern=r"^[A-Z][a-z]{3}$", description="ISO 15924 code of the dominant script.")
    direction: Literal["rtl", "ltr"]
    word_count: int = Field(ge=0)
    sentence_count: int = Field(default=0, ge=0)
    paragraph_count: int = Field(ge=0)
    char_count: int = Field(ge=0, description="Characters of the body, excluding whitespace and Arabic diacritics.")
    reading_time_seconds: int = Field(ge=0)
    normalized_title: str = Field(default="", description="Matching form of the title (see README: normalisation).")
    normalized_body: str | None = Field(default=None, description="Matching form of the body; null when disabled.")
    content_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$", description="Over normalised title and body.")
    keywords: list[Keyword] = []
    places: list[EntityRef] = []
    organizations: list[EntityRef] = []
    people: list[EntityRef] = []
    dates: list[DateRef] = []
    agencies: list[str] = Field(default=[], description="Canonical names of wire agencies named in the text or credit line.")
    duplicate_of: str | None = Field(default=None, description="Id of the first-seen article this one nearly duplicates.")
    similarity: float | None = Field(default=None, ge=0.0, le=1.0, description="Estimated Jaccard similarity to `duplicate_of`.")
    sanitized: bool = Field(default=False, description="True when markup or script URLs were removed from text fields.")
    published_at_assumed_timezone: str | None = Field(default=None, description=(
        "The time zone assumed for a `published_at` given without an offset (see the raw field)."))
    analysis_truncated: bool = Field(default=False, description=(
        "True when the text was longer than NEWSWIRE_ANALYSIS_MAX_CHARS: keywords, entities, dates and "
        "near-duplicates then come from its first part, and word_count beyond it is extrapolated; the other "
        "counts and the hash cover all of it."))
    processed_at: AwareDatetime
    pipeline_version: str


class EnrichedArticle(RawArticle):
    """An article as written to `articles.enriched`: the raw fields plus `enrichment`."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="EnrichedArticle")

    enrichment: Enrichment


class ErrorInfo(BaseModel):
    """Why a message was dead-lettered."""

    model_config = _STRICT

    stage: Stage = Field(description="`extract`: a page (pages.raw) held no article: no title or no text.")
    type: str = Field(description="Error class, e.g. JSONDecodeError, ValidationError.")
    message: str
    details: list[dict[str, Any]] | dict[str, Any] | None = None


class DeadLetter(BaseModel):
    """A message that could not be enriched, as written to `articles.dlq`."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="DeadLetter")

    schema_version: Literal[1] = SCHEMA_VERSION
    error: ErrorInfo
    original: str = Field(description="The message value: text if valid UTF-8, else base64.")
    original_encoding: Literal["utf-8", "base64"]
    original_truncated: bool = Field(default=False, description=(
        "True only for messages over the size limit: `original` then holds their first 64 KiB; "
        "the whole message stays at source_topic/source_partition/source_offset."))
    original_size: int | None = Field(default=None, ge=0, description="Size of the message value in bytes.")
    original_sha256: str | None = Field(default=None, description="SHA-256 of the whole message value, hex.")
    original_key: str | None = Field(default=None, description="The message key, as text or base64.")
    original_key_encoding: Literal["utf-8", "base64"] | None = None
    source_topic: str
    source_partition: int = Field(ge=0)
    source_offset: int = Field(ge=0)
    source_timestamp_ms: int | None = None
    failed_at: AwareDatetime
    consumer_group: str


# HTTP response headers a page message keeps (lower-case): what extraction or a reader
# of the page may need; cookies and the like stay out.
PAGE_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


class PageMessage(BaseModel):
    """A web page as published to `pages.raw`, for the extract stage (`newswire extract`).
    The page travels gzip-compressed, then base64 in JSON: one self-describing UTF-8 JSON
    message like every other newswire message, readable by any client (kcat, jq)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, title="PageMessage")

    schema_version: Literal[1] = 1
    url: Url | None = Field(default=None, description="Where the page was fetched from (the WARC target URI).")
    fetched_at: AwareDatetime | None = Field(default=None, description="When it was fetched (WARC-Date for archives).")
    source: Source | None = Field(default=None, description="Where newswire read it; the topic when missing.")
    http_headers: dict[Annotated[str, StringConstraints(max_length=100)], Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default={}, max_length=20, description="A subset of the HTTP response headers, names lower-case.")
    encoding: Literal["gzip+base64"] = "gzip+base64"
    content: str = Field(min_length=1, description="The page's bytes, gzip-compressed, then base64 (standard alphabet).")
    size: int = Field(ge=0, description="The page's size in bytes before compression.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the uncompressed page, hex.")


MESSAGE_MODELS: dict[str, type[BaseModel]] = {
    "raw-article-input": ArticleInput,
    "raw-article": RawArticle,
    "enriched-article": EnrichedArticle,
    "dead-letter": DeadLetter,
    "page": PageMessage,
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_json(model: BaseModel) -> bytes:
    """UTF-8 JSON without ASCII escaping: Arabic stays Arabic on the wire."""
    return model.__pydantic_serializer__.to_json(model)


_Model = TypeVar("_Model", bound=BaseModel)
_set_attribute = object.__setattr__


def construct(cls: type[_Model], values: dict[str, Any]) -> _Model:
    """`cls.model_construct(**values)` (no validation: the values must be valid), built
    directly when `values` names every field: model_construct loops over the fields in
    Python for defaults and aliases, which cost 63 µs per bench article for its keywords,
    entities, dates, enrichment and article (6% of the enrichment). Anything else (a field
    left to its default, a model with private attributes or a post-init hook) goes
    through model_construct."""
    fields = _DIRECT.get(cls)
    if fields is None:  # once per model: what it takes to be built directly
        fields = _DIRECT[cls] = frozenset() if cls.__pydantic_post_init__ or cls.__private_attributes__ \
            else frozenset(cls.__pydantic_fields__)
    if len(values) != len(fields) or not fields.issuperset(values):
        return cls.model_construct(**values)
    model = cls.__new__(cls)
    _set_attribute(model, "__dict__", values)
    _set_attribute(model, "__pydantic_fields_set__", set(fields))
    _set_attribute(model, "__pydantic_extra__", None)
    _set_attribute(model, "__pydantic_private__", None)
    return model


# Per model: the fields construct() builds it from directly (none: through model_construct).
_DIRECT: dict[type[BaseModel], frozenset[str]] = {}
