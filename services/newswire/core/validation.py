"""Pydantic validation errors as newswire reports them: per field, without input values."""

from __future__ import annotations

from pydantic import ValidationError


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Each error as {"loc": "image.url", "type", "msg"}; the inputs are never echoed
    (they can be huge, or hostile)."""
    return [{"loc": ".".join(str(p) for p in e["loc"]), "type": e["type"], "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False, include_context=False)]


def summarize(errors: list[dict[str, str]]) -> str:
    """One line: "title: Field required; body: ..."; an error of the whole message is "(message)"."""
    return "; ".join(f"{e['loc'] or '(message)'}: {e['msg']}" for e in errors)


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each failing field."""
    return summarize(field_errors(exc))
