"""Change the readings of a TOML data file in its text, leaving every other byte as it was.

A person's data file has comments, blank lines and an order of keys that matter to them, so a
correction edits the one line it changes (or removes the one `[[readings]]` table) instead of
writing the whole document anew. Tables are found by scanning the text (`locate`); every
replacement or removal is then proved by parsing the result and comparing it with the intended
document, so a file the scan misreads is refused, never damaged.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from gongfu_cli.domain.model import Number
from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import T
from gongfu_cli.store.locate import index_lines

BOM = "\ufeff"
READINGS_HEADER = re.compile(  # [[readings]], however quoted: [["readings"]], [[ 'readings' ]]
    r"""^[ \t]*\[\[[ \t]*(?:readings|"readings"|'readings')[ \t]*\]\]""", re.MULTILINE
)


class Replacement(NamedTuple):
    """New value of one reading; a source, note, reporter or day received of None is left as
    it is."""

    value: Number
    source: str | None = None
    note: str | None = None
    by: str | None = None
    received: date | None = None


FOLLOWING = ("source", "note", "by", "received")  # the keys a replacement may set, in order


def literal(value: object) -> str:
    """A value as TOML writes it: `85`, `85.5`, `"市建设局"` (escaped)."""
    import tomli_w

    return tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")


def reading_table(
    bus: str,
    indicator: str,
    day: date,
    value: Number,
    source: str | None,
    note: str | None,
    by: str | None = None,
    received: date | None = None,
) -> str:
    """One `[[readings]]` table: our header, tomli-w's keys and values.

    tomli-w alone may write a short array of tables inline (`readings = [{…}]`), which at the
    end of a file would land inside the previous table; the explicit header never does.
    """
    lines = [
        "[[readings]]",
        f"bus = {literal(bus)}",
        f"indicator = {literal(indicator)}",
        f"date = {day.isoformat()}",
        f"value = {literal(value)}",
    ]
    if source:
        lines.append(f"source = {literal(source)}")
    if note:
        lines.append(f"note = {literal(note)}")
    if by:
        lines.append(f"by = {literal(by)}")
    if received:
        lines.append(f"received = {received.isoformat()}")
    return "\n".join(lines) + "\n"


def appended(original: bytes, tables: Sequence[str]) -> bytes:
    """The original bytes, then each table after a blank line, in the file's own line endings."""
    if not tables:
        return original
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    body = "\n".join(tables).encode("utf-8").replace(b"\n", newline)
    if original and not original.endswith(b"\n"):
        original += newline
    separator = newline if original.strip(b"\xef\xbb\xbf \t\r\n") else b""
    return original + separator + body


def has_inline_readings(text: str, doc: Mapping[str, Any]) -> bool:
    """`readings = [...]`: no `[[readings]]` table may follow it, nor can one be edited alone."""
    return "readings" in doc and not READINGS_HEADER.search(text)


def edited(
    original: bytes,
    doc: Mapping[str, Any],
    name: str,
    replace: Mapping[int, Replacement],
    delete: Sequence[int] = (),
) -> bytes:
    """`original` with the readings at the given positions replaced or removed.

    Positions count the file's `[[readings]]` tables from 0, as `Reading.position` does.
    """
    if not replace and not delete:
        return original
    text = original.decode("utf-8")
    bom = BOM if text.startswith(BOM) else ""
    text = text[len(bom) :]
    readings = doc.get("readings") or []
    index = index_lines(text)
    tables = [index.tables.get(("reading", (k,))) for k in range(len(readings))]
    if has_inline_readings(text, doc) or None in tables or _count(index) != len(readings):
        raise _cannot(name, T("its readings are not written as one [[readings]] table each"))
    lines = text.split("\n")
    ends = {}
    for k, header in enumerate(tables):
        assert header is not None
        later = [h for h in index.headers if h > header]
        ends[k] = (later[0] if later else len(lines) + 1) - 1  # 0-based end, exclusive
    # bottom up, so that the line numbers of the tables above stay true
    for k in sorted({*replace, *delete}, key=lambda k: -(tables[k] or 0)):
        start = (tables[k] or 0) - 1
        if k in delete:
            _remove(lines, start, ends[k])
        else:
            _replace(lines, start, ends[k], replace[k], name)
    result = "\n".join(lines)
    if not result.strip():  # an empty file would not load: say what happened instead
        newline = "\r\n" if "\r\n" in text else "\n"
        result = "# every reading of this file has been deleted" + newline
    _prove(result, doc, replace, delete, name)
    return (bom + result).encode("utf-8")


def _count(index: Any) -> int:
    return sum(1 for table, _ in index.tables if table == "reading")


_KEY_LINE = r"^(?P<head>[ \t]*(?:{key}|\"{key}\"|'{key}')[ \t]*=[ \t]*)(?P<value>.*?)(?P<cr>\r?)$"


def _key_line(lines: list[str], start: int, end: int, key: str) -> tuple[int, re.Match[str]] | None:
    pattern = re.compile(_KEY_LINE.format(key=key))
    for i in range(start + 1, end):
        match = pattern.match(lines[i])
        if match:
            return i, match
    return None


def _replace(lines: list[str], start: int, end: int, new: Replacement, name: str) -> None:
    found = _key_line(lines, start, end, "value")
    if found is None:
        raise _cannot(
            name, T("no `value = …` line in the [[readings]] table at line {line}", line=start + 1)
        )
    i, match = found
    number = re.match(r"[^\s#]+", match["value"])
    rest = match["value"][number.end() :] if number else ""
    lines[i] = match["head"] + literal(new.value) + rest + match["cr"]
    indent = re.match(r"[ \t]*", lines[i])
    after = i
    for key in FOLLOWING:
        text = getattr(new, key)
        if text is None:
            continue
        found = _key_line(lines, start, end, key)
        if found is None:
            after += 1
            margin = indent[0] if indent else ""
            lines.insert(after, f"{margin}{key} = {literal(text)}{match['cr']}")
            end += 1
            continue
        j, old = found
        if old["value"].startswith(('"""', "'''")):
            raise _cannot(
                name, T("the {key} at line {line} spans several lines", key=key, line=j + 1)
            )
        lines[j] = old["head"] + literal(text) + old["cr"]
        after = max(after, j)


def _remove(lines: list[str], start: int, end: int) -> None:
    """The table's header through its last key; comments and blank lines after it belong to
    what follows. A blank line before the header goes with it, so blanks do not pile up."""
    last = start
    for i in range(start + 1, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            last = i
    if start > 0 and not lines[start - 1].strip():
        start -= 1
    del lines[start : last + 1]


def _prove(
    text: str,
    doc: Mapping[str, Any],
    replace: Mapping[int, Replacement],
    delete: Sequence[int],
    name: str,
) -> None:
    """Parse the edited text and compare it with the document the edit means to produce."""
    expected = dict(doc)
    readings = list(expected.get("readings") or [])
    for k, new in replace.items():
        readings[k] = {**readings[k], "value": new.value}
        for key in FOLLOWING:
            if getattr(new, key) is not None:
                readings[k][key] = getattr(new, key)
    expected["readings"] = [r for k, r in enumerate(readings) if k not in set(delete)]
    if not expected["readings"] and "readings" not in doc:
        del expected["readings"]
    try:
        actual = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        actual = None
    if actual is not None and not actual.get("readings") and not expected.get("readings"):
        actual.pop("readings", None)
        expected.pop("readings", None)
    if actual != expected:
        raise _cannot(name, T("the change could not be made in its text without touching more"))


def _cannot(name: str, why: str) -> GongfuError:
    return GongfuError(
        T(
            "{name}: cannot change the reading in place: {why}; nothing was written. Edit the "
            "[[readings]] table by hand (then run `gongfu check`)",
            name=name,
            why=why,
        )
    )
