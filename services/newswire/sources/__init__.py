"""Readers that turn files, folders and feed URLs into validated raw articles.

Every reader yields `RawArticle` for what it could read and `SourceError` (with the
location: file, line, entry) for what it could not, so one bad input never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from pydantic import ValidationError

from newswire.ids import article_id
from newswire.models import RawArticle, Source, utc_now


@dataclass(frozen=True)
class SourceError:
    """An input that could not be turned into an article."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each failing field, without echoing whole input values."""
    parts = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(message)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def build_article(
    fields: dict[str, Any], *, source: Source, fetched_at: datetime | None = None
) -> RawArticle:
    """Fill in what the producer derives (id, schema_version, source, fetched_at)
    where the input left it out, then validate. Raises ValidationError."""
    data = dict(fields)
    data.setdefault("source", source.model_dump())
    data.setdefault("fetched_at", (fetched_at or utc_now()).isoformat())
    if "id" not in data:
        # Derive it from whatever is there, so a missing body is reported as that alone.
        title, body, url = (data.get(k) if isinstance(data.get(k), str) else None for k in ("title", "body", "url"))
        data["id"] = article_id(title=title or "", body=body or "", url=url)
    # JSON-compatible validation: datetimes arrive as ISO strings from every reader.
    return RawArticle.model_validate_json(orjson.dumps(data))
