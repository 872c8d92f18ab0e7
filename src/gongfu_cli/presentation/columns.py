"""A table's columns for people: each a machine key, the kind of what it holds (which says how
a cell is formatted and aligned) and its header from the one vocabulary; and a cell as people
read it, by that kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from gongfu_cli.presentation.rows import (
    Row,
)
from gongfu_cli.presentation.vocabulary import (
    CHANGE_LABELS,
    ITEM_LABELS,
    STATUS_KEYS,
    label,
)

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------------------------------------
# Columns


# Kinds: text (user text: wraps, escaped), number (a value in the row's unit), change (a signed
# number), ratio (a percentage), points (percentage points, signed, never "%"), date, status
# (its Chinese label), count (a small whole number).
RIGHT_KINDS = frozenset({"number", "change", "ratio", "points", "count", "move"})


class Column(NamedTuple):
    """A column of a table for people: its machine key, the kind of what it holds (which
    says how a cell is formatted and aligned), and its header from the one vocabulary."""

    key: str
    kind: str
    bar: bool = False  # a ratio drawn as a bar where the medium can
    empty: str = ""  # what an empty cell says

    @property
    def header(self) -> str:
        return label(self.key)

    @property
    def right(self) -> bool:
        return self.kind in RIGHT_KINDS and not self.bar


def sheet_value(key: str, value: Any) -> Any:
    """A flat row's value as a sheet for people shows it: a status, a follow-up item or a kind
    of change as the Chinese label the tables show; numbers, dates and text as they are (typed).
    Machine formats (CSV, TSV, JSON) keep the keys and never come here."""
    from gongfu_cli.presentation.vocabulary import status_label

    if value is None:
        return None
    if key in STATUS_KEYS:
        return status_label(value)
    if key == "item":
        return ITEM_LABELS.get(value, value)
    if key == "change" and isinstance(value, str):  # history's `change` is a number
        return CHANGE_LABELS.get(value, value)
    return value


def cell_text(column: Column, row: Row) -> str:
    """A cell as people read it, by the column's kind (no bar, no markup)."""
    from gongfu_cli.presentation.values import shown

    value = row.get(column.key)
    if column.kind == "move" and value is None:  # ranked now, not then: new in the race
        return "新" if row.get("rank") is not None and row.get("previous_rank") is None else ""
    return shown(column.kind, value, row.get("unit") or "")
