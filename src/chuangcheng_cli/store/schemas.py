"""JSON Schemas for tasklist.yaml, units.yaml and journal entries, generated from the pydantic models."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from ..domain import models

SCHEMA_FILES = {
    "tasklist.schema.json": ("创城任务清单 tasklist.yaml", lambda: models.Plan.model_json_schema()),
    "units.schema.json": ("责任单位 units.yaml", lambda: models.UnitsFile.model_json_schema()),
    "journal-entry.schema.json": ("日志 journal.jsonl 的一行", lambda: TypeAdapter(models.Entry).json_schema()),
}


def schema_texts() -> dict[str, str]:
    """File name → schema text (stable: sorted keys, two-space indent, trailing newline)."""
    out = {}
    for name, (title, build) in SCHEMA_FILES.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **build(), "title": title}
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out
