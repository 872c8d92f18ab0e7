"""The JSON Schema of the data format, for editors with TOML language support.

It mirrors the rules in `load`; a test validates the bundled dataset against it and checks that
it refuses what the loader refuses. (Some rules span tables, such as unique ids or readings of
known buses: those only `gongfu check` can verify.)
"""

from __future__ import annotations

from typing import Any

from gongfu_cli.validate import SLUG

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"\S"}
_DATE: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "description": "A TOML local date, written without quotes: 2025-12-31.",
}
_NUMBER: dict[str, Any] = {"type": "number"}


def _text(description: str) -> dict[str, Any]:
    return {**_TEXT, "description": description}


SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "gongfu data file",
    "description": "Bus lines of a common-prosperity programme (共富班车), their indicators and "
    "dated readings.",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "program": {
            "type": "object",
            "description": "The programme; at most once across a data directory.",
            "additionalProperties": False,
            "properties": {
                "name": _text("The programme's name, shown as the title of tables."),
                "region": _text("Where it runs."),
                "source": _text("Where the facts come from."),
            },
        },
        "buses": {"type": "array", "items": {"$ref": "#/definitions/bus"}},
        "readings": {"type": "array", "items": {"$ref": "#/definitions/reading"}},
    },
    "definitions": {
        "slug": {
            "type": "string",
            "pattern": f"^{SLUG.pattern}$",
            "description": "Lower-case ASCII letters, digits and single hyphens.",
        },
        "bus": {
            "type": "object",
            "description": "One bus line (班车).",
            "additionalProperties": False,
            "required": ["id", "name", "batch", "launched", "field"],
            "properties": {
                "id": {"$ref": "#/definitions/slug", "description": "Unique id, a slug."},
                "name": _text("Unique name, e.g. 乡村畅行."),
                "batch": {"type": "integer", "description": "The batch it launched in."},
                "launched": {**_DATE, "description": "The launch date (发车)."},
                "due": {**_DATE, "description": "The default due date of its indicators."},
                "lead": {
                    "description": "The lead agency (牵头单位), or several for a joint lead.",
                    "oneOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1}],
                },
                "field": _text("The field, e.g. 交通."),
                "summary": _text("What the bus does."),
                "source": _text("Where the facts come from."),
                "indicators": {"type": "array", "items": {"$ref": "#/definitions/indicator"}},
            },
        },
        "indicator": {
            "type": "object",
            "description": "One quantified target of a bus; without `target` only monitored.",
            "additionalProperties": False,
            "required": ["id", "name"],
            "properties": {
                "id": {
                    "$ref": "#/definitions/slug",
                    "description": "Unique within its bus, a slug.",
                },
                "name": _text("The indicator's name."),
                "unit": _text("The unit of its values, e.g. % or 万户."),
                "target": {**_NUMBER, "description": "The level to reach."},
                "baseline": {**_NUMBER, "description": "The starting level (default 0)."},
                "start": {**_DATE, "description": "Default: the bus's `launched`."},
                "due": {**_DATE, "description": "Default: the bus's `due`."},
                "weight": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "Its share of the bus's attainment (default 1).",
                },
            },
        },
        "reading": {
            "type": "object",
            "description": "The level of one indicator on one date.",
            "additionalProperties": False,
            "required": ["bus", "indicator", "date", "value"],
            "properties": {
                "bus": {"$ref": "#/definitions/slug", "description": "A bus id."},
                "indicator": {
                    "$ref": "#/definitions/slug",
                    "description": "An indicator id of that bus.",
                },
                "date": {**_DATE, "description": "The date of the reading."},
                "value": {
                    **_NUMBER,
                    "description": "The indicator's level on that date (not an increment).",
                },
                "source": _text("Where the figure comes from."),
                "note": _text("A remark."),
            },
        },
    },
}
