"""Readers that turn files, folders and feed URLs into validated raw articles.

Every reader yields `RawArticle` for what it could read and `SourceError` (with the
location: file, line, entry) for what it could not, so one bad input never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswire.core.intake import complete_fields
from newswire.core.models import RawArticle, Source, utc_now
from newswire.core.validation import describe_validation_error

__all__ = ["SourceError", "build_article", "describe_validation_error"]


@dataclass(frozen=True)
class SourceError:
    """An input that could not be turned into an article."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def build_article(
    fields: dict[str, Any], *, source: Source, fetched_at: datetime | None = None, default_timezone: str = "UTC",
) -> RawArticle:
    """Fill in what newswire derives (id, schema_version, source, fetched_at, a missing
    title, the zone of naive times) where the input left it out, then validate: the
    same derivation as the consumer's (intake.complete). Raises ValidationError."""
    return complete_fields(fields, source=source, fetched_at=fetched_at or utc_now(), default_timezone=default_timezone)
