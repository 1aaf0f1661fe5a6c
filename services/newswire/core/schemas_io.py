"""Export the message models as JSON Schema files for other teams (`schemas/`)."""

from __future__ import annotations

import json
from pathlib import Path

from newswire.core.models import MESSAGE_MODELS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_schemas() -> dict[str, str]:
    """File name -> file text, one JSON Schema per message type."""
    out = {}
    for name, model in MESSAGE_MODELS.items():
        schema = {"$schema": JSON_SCHEMA_DIALECT, "$id": f"urn:newswire:{name}:v1", **model.model_json_schema()}
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def export_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, text in render_schemas().items():
        path = out_dir / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out_dir: Path) -> list[str]:
    """Names of schema files that are missing or differ from what the models export."""
    return [
        filename
        for filename, text in render_schemas().items()
        if not (out_dir / filename).is_file() or (out_dir / filename).read_text(encoding="utf-8") != text
    ]
