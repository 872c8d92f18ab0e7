"""The data format, declared once: every table's keys with their kind, whether they are
required, their default and a one-line doc.

The loader checks keys and kinds from here, `gongfu schema` builds the JSON Schema from here,
and tests hold the data format page's example and the `init --empty` template to it. A new
data field is one entry here, then its use in `load` and `model`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple


class Field(NamedTuple):
    key: str
    kind: str  # how `validate` checks it: text, slug, integer, number, date, leads, tables, …
    doc: str
    required: bool = False
    default: str | None = None  # how the default reads, for people
    json: Mapping[str, Any] = MappingProxyType({})  # extra JSON Schema constraints


MAX_DAYS = 366  # report_days and reply_days: a year's grace at most
CADENCE_DOC = "How often it reports: monthly, quarterly, half-yearly or yearly."
PROGRAM = (
    Field("name", "text", "The programme's name, shown as the title of tables."),
    Field("region", "text", "Where it runs."),
    Field("source", "text", "Where the facts come from."),
    Field("cadence", "cadence", CADENCE_DOC, default="yearly"),
    Field(
        "lag_tolerance",
        "number",
        "How far behind schedule still counts as lagging, not off track; between 0 and 1.",
        default="0.30",
        json={"exclusiveMinimum": 0, "exclusiveMaximum": 1},
    ),
    Field(
        "report_days",
        "integer",
        "A period's figures are due this many days after its last day; 0 to 366.",
        default="10",
        json={"minimum": 0, "maximum": MAX_DAYS},
    ),
    Field(
        "meeting",
        "cadence",
        "How often the follow-up meeting assesses: monthly, quarterly, half-yearly or yearly.",
        default="monthly",
    ),
    Field(
        "reply_days",
        "integer",
        "A 督办 notice is answered within this many days of the meeting; 0 to 366.",
        default="7",
        json={"minimum": 0, "maximum": MAX_DAYS},
    ),
    Field(
        "escalation",
        "rules",
        "The follow-up ladder, as [[program.escalation]] tables of light, streak and action.",
        default="yellow 1 提醒, red 1 督办, red 2 约谈, missing 1 催报",
    ),
)
LIGHTS = ("red", "yellow", "missing")
ESCALATION = (
    Field("light", "light", "red, yellow or missing (stale: 待报).", True),
    Field(
        "streak",
        "integer",
        "Applies from this many meetings in a row (periods, for missing); 1 or more.",
        True,
        json={"minimum": 1},
    ),
    Field("action", "text", "What is done, e.g. 督办 or 约谈.", True),
)
BUS = (
    Field("id", "slug", "Unique id: lower-case ASCII letters, digits and hyphens.", True),
    Field("name", "text", "Unique name, e.g. 乡村畅行.", True),
    Field("batch", "integer", "The batch it launched in.", True),
    Field("launched", "date", "The launch date (发车).", True),
    Field("due", "date", "The default due date of its indicators."),
    Field("lead", "leads", "The lead agency (牵头单位), or an array of them for a joint lead."),
    Field("field", "text", "The field, e.g. 交通.", True),
    Field("summary", "text", "What the bus does."),
    Field("source", "text", "Where the facts come from."),
    Field("cadence", "cadence", CADENCE_DOC, default="the programme's"),
    Field("indicators", "tables", "Its indicators, as [[buses.indicators]] tables."),
)
INDICATOR = (
    Field("id", "slug", "Unique within its bus.", True),
    Field("name", "text", "The indicator's name, unique within its bus.", True),
    Field("unit", "text", "The unit of its values, e.g. % or 万户."),
    Field("target", "number", "The level to reach; without one it is only monitored."),
    Field("baseline", "number", "The starting level.", default="0"),
    Field("start", "date", "When it starts counting.", default="the bus's launched"),
    Field("due", "date", "When the target is due.", default="the bus's due"),
    Field(
        "weight",
        "number",
        "Its share of the bus's attainment, > 0.",
        default="1",
        json={"exclusiveMinimum": 0},
    ),
    Field(
        "milestones",
        "milestones",
        "Yearly milestones (年度目标分解): tables of date and value, between start and due.",
    ),
    Field("cadence", "cadence", CADENCE_DOC, default="the bus's"),
)
SLUG_REF = {"$ref": "#/definitions/slug"}
READING = (
    # checked as text, so that a name where an id belongs gets a did-you-mean, not a format error
    Field("bus", "text", "A bus id.", True, json=SLUG_REF),
    Field("indicator", "text", "An indicator id of that bus.", True, json=SLUG_REF),
    Field("date", "date", "The date of the reading.", True),
    Field("value", "number", "The indicator's level on that date (not an increment).", True),
    Field("source", "text", "Where the figure comes from."),
    Field("note", "text", "A remark."),
    Field("by", "text", "Who reported the figure (填报人), as named by the agency."),
    Field("received", "date", "The day the figure came in (set by import)."),
)
TOP_KEYS = ("program", "buses", "readings")

TABLES: dict[str, tuple[Field, ...]] = {
    "program": PROGRAM,
    "escalation": ESCALATION,
    "bus": BUS,
    "indicator": INDICATOR,
    "reading": READING,
}


def keys(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(f.key for f in fields)


def required(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(f.key for f in fields if f.required)
