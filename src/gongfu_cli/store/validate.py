"""The checks behind loading: each value's kind, each table's keys, and how a problem is put.

`FileChecker` collects the problems of one file with their places; `load` walks the tables.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from gongfu_cli.domain.fields import Field, keys, required
from gongfu_cli.errors import Place, Problem
from gongfu_cli.escapes import quote
from gongfu_cli.i18n import T

if TYPE_CHECKING:  # the line index is only needed, and imported, when there are problems
    from gongfu_cli.store.locate import LineIndex

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # ids: lower-case ASCII words joined by hyphens


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return T("a boolean")
    if isinstance(value, int | float):
        return T("a number")
    if isinstance(value, str):
        return T("a string")
    if isinstance(value, datetime):
        return T("a date-time")
    if isinstance(value, date):
        return T("a date")
    if isinstance(value, list):
        return T("an array")
    if isinstance(value, dict):
        return T("a table")
    return type(value).__name__


class FileChecker:
    """Collects the problems of one file, each with its place."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.problems: list[Problem] = []
        self._index: LineIndex | None = None  # built on the first problem, never for clean files

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            from gongfu_cli.store.locate import index_lines

            self._index = index_lines(self.text)
        return self._index

    def error(self, message: str, place: Place) -> None:
        self.problems.append(Problem(self.file, message, place))

    def located(self) -> list[Problem]:
        """The problems with their line numbers filled in."""
        if not self.problems:
            return []
        index = self.index
        out = []
        for p in self.problems:
            line = index.line_of(p.place)
            out.append(
                Problem(
                    p.file,
                    p.message,
                    Place(p.place.table, p.place.indices, p.place.key, line, p.place.column),
                    p.severity,
                )
            )
        return out

    def keys(
        self,
        table: dict[str, Any],
        allowed: tuple[str, ...],
        required: tuple[str, ...],
        what: str,
        place: Place,
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.error(
                    T(
                        "{what}: unknown key {key}{hint}; allowed keys: {allowed}",
                        what=what,
                        key=quote(key),
                        hint=hint,
                        allowed=", ".join(allowed),
                    ),
                    Place(place.table, place.indices, key),
                )
        for key in required:
            if key not in table:
                self.error(T("{what}: missing key {key}", what=what, key=quote(key)), place)

    def take(
        self, table: dict[str, Any], declared: tuple[Field, ...], what: str, place: Place
    ) -> dict[str, Any]:
        """Check a table against its declaration (keys, required keys, each value's kind) and
        return its values by key: None for a key that is missing or wrong."""
        self.keys(table, keys(declared), required(declared), what, place)
        return {f.key: self.get(table, f.key, f.kind, what, place) for f in declared}

    def get(self, table: dict[str, Any], key: str, kind: str, what: str, place: Place) -> Any:
        """The value at `key` if it has the right kind, else None (and a problem)."""
        if key not in table:
            return None
        value = table[key]
        ok = _KIND_CHECKS[kind](value)
        if ok is True:
            if kind in _TEXT_KINDS:
                return _nfc(value)
            return value
        at = Place(place.table, place.indices, key)
        got = _type_name(value)
        shown = quote(value) if isinstance(value, str | int | float) else ""
        if isinstance(value, bool):
            shown = "true" if value else "false"  # as TOML writes it
        if isinstance(value, int) and abs(value) > NUMBER_LIMIT:
            shown = ""
        if isinstance(ok, str):
            detail = ok
        elif shown:
            detail = T(
                "expected {kind}, got {got} ({shown})", kind=_kind_name(kind), got=got, shown=shown
            )
        else:
            detail = T("expected {kind}, got {got}", kind=_kind_name(kind), got=got)
        if kind in ("number", "integer") and isinstance(value, str):
            detail = T("{detail}; write numbers without quotes", detail=detail)
        if kind == "date" and isinstance(value, str):
            detail = T("{detail}; write dates without quotes, as 2025-12-31", detail=detail)
        self.error(T("{what}: key {key}: {detail}", what=what, key=quote(key), detail=detail), at)
        return None


_TEXT_KINDS = frozenset({"text", "slug", "leads"})


def _nfc(value: Any) -> Any:
    """Text in its composed form, so that the same name typed two ways is one name."""
    if isinstance(value, str):
        return (
            value
            if unicodedata.is_normalized("NFC", value)
            else unicodedata.normalize("NFC", value)
        )
    return [_nfc(v) for v in value]


def did_you_mean(key: str, allowed: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return T(" (did you mean {name}?)", name=quote(close[0])) if close else ""


# Characters that show as nothing; a name made only of these (and spaces) is blank.
BLANKS = "\u200b\u200c\u200d\u2060\ufeff\u3164"
_BLANK_TABLE = dict.fromkeys(map(ord, BLANKS))


def _check_text(value: object) -> bool | str:
    if not isinstance(value, str):
        return False
    if not value.strip():
        return T("must not be empty")
    if not value.translate(_BLANK_TABLE).strip():
        return T("must not be blank (it holds only invisible characters)")
    return True


def _check_slug(value: object) -> bool | str:
    if not isinstance(value, str):
        return False
    if SLUG.fullmatch(value):
        return True
    return T(
        "{value} is not a valid id: use lower-case ASCII letters, digits and single hyphens, "
        'e.g. "xiangcun-changxing"',
        value=quote(value),
    )


NUMBER_LIMIT = 10**15  # every number in a data file lies within ±1e15 (floats hold it exactly)
MIN_SPAN = 1e-9  # target and baseline at least this far apart, so attainment can be divided out


def number_problem(value: int | float) -> str | None:
    """Why a number cannot be stored, or None. One rule for loading and for `record`: finite and
    within ±1e15, so sums, differences and ratios of any two stay finite and exact enough."""
    if isinstance(value, float) and not math.isfinite(value):
        return T("must be a finite number, got {value}", value=value)
    if abs(value) > NUMBER_LIMIT:
        digits = len(str(abs(int(value)))) if isinstance(value, int) else None
        shown = (
            T("a number of {digits} digits", digits=digits)
            if digits and digits > 20
            else format(value, "g")
        )
        return T("must lie between -1e15 and 1e15, got {shown}", shown=shown)
    return None


def _check_number(value: object) -> bool | str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return number_problem(value) or True


def _check_integer(value: object) -> bool | str:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return number_problem(value) or True


def _check_date(value: object) -> bool | str:
    if isinstance(value, datetime):
        return T(
            "must be a date like 2025-12-31, not a date-time ({value})", value=value.isoformat()
        )
    return isinstance(value, date)


def _check_leads(value: object) -> bool | str:
    if isinstance(value, str):
        return _check_text(value)
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _check_cadence(value: object) -> bool | str:
    from gongfu_cli.domain.model import CADENCES

    if not isinstance(value, str):
        return False
    if value in CADENCES:
        return True
    return T(
        "{value} is not a cadence; use {cadences}", value=quote(value), cadences=", ".join(CADENCES)
    )


def _check_milestones(value: object) -> bool | str:
    """An array of tables, each with exactly a date and a number."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return False
    for k, table in enumerate(value, start=1):
        unknown = sorted(set(table) - {"date", "value"})
        if unknown:
            return T(
                "milestone #{k}: unknown key {key}; a milestone has date and value",
                k=k,
                key=quote(unknown[0]),
            )
        if _check_date(table.get("date")) is not True:
            return T("milestone #{k}: needs a date (2024-12-31)", k=k)
        checked = _check_number(table.get("value"))
        if checked is not True:
            return T("milestone #{k}: value {problem}", k=k, problem=checked or T("needs a number"))
    return True


def _check_light(value: object) -> bool | str:
    from gongfu_cli.domain.fields import LIGHTS

    if not isinstance(value, str):
        return False
    if value in LIGHTS:
        return True
    return T("{value} is not a light; use {lights}", value=quote(value), lights=", ".join(LIGHTS))


def _check_tables(value: object) -> bool | str:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


_KIND_CHECKS = {
    "text": _check_text,
    "slug": _check_slug,
    "number": _check_number,
    "integer": _check_integer,
    "date": _check_date,
    "leads": _check_leads,
    "tables": _check_tables,
    "rules": _check_tables,
    "light": _check_light,
    "table": lambda v: isinstance(v, dict),
    "cadence": _check_cadence,
    "milestones": _check_milestones,
}


def _kind_name(kind: str) -> str:
    """What a value of `kind` is, as a message says it (built only when a value is wrong)."""
    names = {
        "text": T("a string"),
        "slug": T("a string"),
        "number": T("a number"),
        "integer": T("a whole number"),
        "date": T("a date (2025-12-31)"),
        "leads": T("a string or an array of strings"),
        "tables": T("an array of tables"),
        "rules": T("an array of tables ([[program.escalation]])"),
        "light": T("a string"),
        "table": T("a table"),
        "cadence": T("a string"),
        "milestones": T("an array of tables with date and value"),
    }
    return names[kind]
