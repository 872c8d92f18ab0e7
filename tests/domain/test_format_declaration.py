"""The data format is declared once (`fields`): the loader, the JSON Schema, the `init --empty`
template and the README's example all follow it; the fast path for plain readings and the
full checks agree on every input."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from typing import Any
from unittest import mock

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from gongfu_cli.domain import fields
from gongfu_cli.errors import GongfuError
from gongfu_cli.store import load, load_readings
from gongfu_cli.store.schema import SCHEMA
from gongfu_cli.store.starter import EMPTY_TEMPLATE
from tests.conftest import REPO


def toml_keys(text: str) -> dict[str, set[str]]:
    """The keys each kind of table uses in a commented TOML example."""
    found: dict[str, set[str]] = {"program": set(), "escalation": set(), "bus": set(),
                                  "indicator": set(), "reading": set()}  # fmt: skip
    table = None
    for line in text.splitlines():
        line = line.split("#")[0].strip() if not line.strip().startswith("#") else ""
        header = re.fullmatch(r"\[\[?([a-z.]+)\]\]?", line)
        if header:
            table = {"program": "program", "program.escalation": "escalation",
                     "buses": "bus", "buses.indicators": "indicator",
                     "readings": "reading"}[header.group(1)]  # fmt: skip
            continue
        key = re.match(r"([a-z_]+)\s*=", line)
        if key and table:
            found[table].add(key.group(1))
    return found


def test_the_readme_example_uses_every_declared_key() -> None:
    readme = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    example = re.search(r"# The data format.*?```toml\n(.*?)```", readme, re.S)
    assert example is not None
    used = toml_keys(example.group(1))
    for table, declared in fields.TABLES.items():
        keys = set(fields.keys(declared)) - {"indicators", "escalation"}  # given as tables
        if table == "program":
            keys -= {"source"}
        assert used[table] == keys, table


def test_the_template_uses_only_declared_keys_and_loads() -> None:
    commented_out = re.compile(r"#\s*(\[\[?[a-z.]+\]\]?|[a-z_]+ = )")
    uncommented = "\n".join(
        line.lstrip("# ") if commented_out.match(line.strip()) else line
        for line in EMPTY_TEMPLATE.splitlines()
    )
    for table, keys in toml_keys(uncommented).items():
        assert keys <= set(fields.keys(fields.TABLES[table])), table
    load.build_dataset([("t", EMPTY_TEMPLATE, tomllib.loads(EMPTY_TEMPLATE))])


def test_the_schema_follows_the_declaration() -> None:
    definitions = SCHEMA["definitions"]
    objects = {"program": SCHEMA["properties"]["program"], **definitions}
    for table, declared in fields.TABLES.items():
        schema = objects[table]
        assert list(schema["properties"]) == list(fields.keys(declared))
        assert schema.get("required", []) == list(fields.required(declared))


READING_VALUES = st.one_of(
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.booleans(),
    st.dates(date(2000, 1, 1), date(2030, 1, 1)),
)


@st.composite
def reading_tables(draw: st.DrawFn) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, strategy in (
        ("bus", st.sampled_from(["alpha", "beta", "alpah", ""])),
        ("indicator", st.sampled_from(["x", "y", "z", " "])),
        ("date", st.one_of(st.dates(date(2000, 1, 1), date(2030, 1, 1)), READING_VALUES)),
        ("value", READING_VALUES),
        ("source", st.one_of(st.text(max_size=3), READING_VALUES)),
        ("note", st.text(max_size=3)),
        ("extra", st.just(1)),
    ):
        required = key in ("bus", "indicator", "date", "value")
        if draw(st.booleans()) or (required and draw(st.booleans())):
            table[key] = draw(strategy)
    return table


BUSES = """\
[[buses]]
id = "alpha"
name = "甲"
batch = 1
launched = 2022-01-01
field = "交通"
[[buses.indicators]]
id = "x"
name = "X"
[[buses.indicators]]
id = "y"
name = "Y"
"""


def outcome(text: str) -> object:
    try:
        return load.build_dataset([("f.toml", text, tomllib.loads(text))])
    except GongfuError as error:
        return [str(p) for p in error.problems]


@settings(max_examples=300, deadline=None)
@given(st.lists(reading_tables(), max_size=6))
def test_the_fast_path_and_the_full_checks_agree(readings: list[dict[str, Any]]) -> None:
    text = BUSES + tomli_w.dumps({"readings": readings})
    fast = outcome(text)
    with mock.patch.object(load_readings, "_plain_reading", lambda table, known: False):
        full = outcome(text)  # every reading through the thorough checks
    assert fast == full
