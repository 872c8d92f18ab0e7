"""The JSON Schema of the data format, for editors with TOML language support.

Built from the one declaration in `fields`; a test validates the bundled dataset against it and
checks that it refuses what the loader refuses. (Some rules span tables, such as unique ids or
readings of known buses: those only `gongfu check` can verify.)
"""

from __future__ import annotations

from typing import Any

from gongfu_cli.domain import fields
from gongfu_cli.domain.model import CADENCES
from gongfu_cli.store.validate import NUMBER_LIMIT, SLUG

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S"}
_KINDS: dict[str, dict[str, Any]] = {
    "text": _TEXT,
    "slug": {"$ref": "#/definitions/slug"},
    "integer": {"type": "integer", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT},
    "number": {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT},
    "date": {
        "type": "string",
        "format": "date",
        "description": "A TOML local date, written without quotes: 2025-12-31.",
    },
    "leads": {"oneOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1}]},
    "cadence": {"enum": list(CADENCES)},
    "light": {"enum": list(fields.LIGHTS)},
    "milestones": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["date", "value"],
            "properties": {
                "date": {"type": "string", "format": "date"},
                "value": {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT},
            },
        },
    },
}
_TABLE_DOCS = {
    "program": "The programme; at most once across a data directory.",
    "escalation": "A step of the follow-up ladder ([[program.escalation]]).",
    "bus": "One bus line (班车).",
    "indicator": "One quantified target of a bus; without `target` only monitored.",
    "reading": "The level of one indicator on one date.",
}


def _property(field: fields.Field) -> dict[str, Any]:
    if field.kind in ("tables", "rules"):
        item = "indicator" if field.kind == "tables" else "escalation"
        doc = field.doc + (f" Default: {field.default}." if field.default else "")
        return {"type": "array", "items": {"$ref": f"#/definitions/{item}"}, "description": doc}
    if "$ref" in field.json:
        return {**field.json, "description": field.doc}
    doc = field.doc + (f" Default: {field.default}." if field.default else "")
    return {**_KINDS[field.kind], **field.json, "description": doc}


def _object(table: str) -> dict[str, Any]:
    declared = fields.TABLES[table]
    schema: dict[str, Any] = {
        "type": "object",
        "description": _TABLE_DOCS[table],
        "additionalProperties": False,
        "properties": {f.key: _property(f) for f in declared},
    }
    if fields.required(declared):
        schema["required"] = list(fields.required(declared))
    return schema


SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "gongfu data file",
    "description": "Bus lines of a common-prosperity programme (共富班车), their indicators and "
    "dated readings.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "program": _object("program"),
        "buses": {"type": "array", "items": {"$ref": "#/definitions/bus"}},
        "readings": {"type": "array", "items": {"$ref": "#/definitions/reading"}},
    },
    "definitions": {
        "slug": {
            "type": "string",
            "pattern": f"^{SLUG.pattern}$",
            "description": "Lower-case ASCII letters, digits and single hyphens.",
        },
        "escalation": _object("escalation"),
        "bus": _object("bus"),
        "indicator": _object("indicator"),
        "reading": _object("reading"),
    },
}
