"""Editing readings in a person's TOML text: the edit lands where it should and nowhere else,
whatever the file's comments, spacing, key order and line endings (property-based)."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongfu_cli.editing.toml_text import Replacement, edited
from gongfu_cli.errors import GongfuError

# every spelling TOML allows for the same header
HEADERS = st.sampled_from(
    ["[[readings]]", '[["readings"]]', "[[ readings ]]", "[[ 'readings' ]]", '[[\t"readings" ]]']
)
COMMENTS = st.sampled_from(["", "# 说明\n", "\n", "  # indented comment\n", "\n\n"])


@st.composite
def files(draw: st.DrawFn) -> tuple[str, int]:
    """A data file's readings part, as people write it, and how many readings it has."""
    count = draw(st.integers(1, 6))
    parts = [draw(COMMENTS)]
    for k in range(count):
        keys = [
            f'bus = "b{k}"',
            'indicator = "i"',
            f"date = {date(2023, 1, 1) + timedelta(days=k)}",
            f"value = {draw(st.integers(0, 999))}" + draw(st.sampled_from(["", "  # 初报"])),
        ]
        if draw(st.booleans()):
            keys.append('source = "年报 # 不是注释"')
        keys = draw(st.permutations(keys))
        indent = draw(st.sampled_from(["", "  "]))
        parts.append(draw(HEADERS) + draw(st.sampled_from(["", "  # 第几次"])) + "\n")
        parts += [indent + key + "\n" for key in keys]
        parts.append(draw(COMMENTS))
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, count


@settings(max_examples=150, deadline=None)
@given(files(), st.data())
def test_an_edit_changes_exactly_the_reading_meant(
    file: tuple[str, int], data: st.DataObject
) -> None:
    text, count = file
    doc = tomllib.loads(text)
    k = data.draw(st.integers(0, count - 1))
    if data.draw(st.booleans()):
        new = Replacement(
            data.draw(st.one_of(st.integers(-5, 5000), st.floats(0, 1e6, allow_nan=False))),
            data.draw(st.one_of(st.none(), st.text(min_size=1, max_size=8).filter(str.strip))),
            data.draw(st.one_of(st.none(), st.just('备注 "引号"'))),
        )
        out = edited(text.encode(), doc, "f.toml", {k: new}, ()).decode()
        expected = [dict(r) for r in doc["readings"]]
        expected[k]["value"] = new.value
        for key in ("source", "note"):
            if getattr(new, key) is not None:
                expected[k][key] = getattr(new, key)
        assert tomllib.loads(out)["readings"] == expected
        assert len(out.split("\n")) - len(text.split("\n")) <= 2  # at most source and note added
    else:
        out = edited(text.encode(), doc, "f.toml", {}, [k]).decode()
        expected = [r for j, r in enumerate(doc["readings"]) if j != k]
        assert tomllib.loads(out).get("readings", []) == expected
        removed = len(text.split("\n")) - len(out.split("\n"))
        table = 1 + len(doc["readings"][k])  # its header and its keys
        assert removed in (table, table + 1) or not expected  # (an emptied file gets a note)
    comments = [line for line in text.split("\n") if line.strip().startswith("#")]
    kept = [line for line in out.split("\n") if line.strip().startswith("#")]
    assert kept[: len(comments)] == comments
    if "\r\n" in text:  # Windows line endings stay Windows line endings
        assert "\n" not in out.replace("\r\n", "")


def test_an_inline_array_is_refused() -> None:
    text = 'readings = [{bus = "b", indicator = "i", date = 2023-01-01, value = 1}]\n'
    with pytest.raises(GongfuError, match="one \\[\\[readings\\]\\] table each"):
        edited(text.encode(), tomllib.loads(text), "f.toml", {0: Replacement(2)}, ())
