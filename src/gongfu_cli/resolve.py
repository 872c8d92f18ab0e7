"""Find a bus or indicator from what a user typed: an id, a name, or a unique part of either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from gongfu_cli.errors import GongfuError
from gongfu_cli.validate import quote


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


def resolve(items: Sequence[T], query: str, kind: str = "bus") -> T:
    """Exact id, then exact name, then a unique case-insensitive part of an id or name."""
    wanted = query.strip()
    folded = wanted.casefold()
    for item in items:  # an exact id wins over everything: ids are unique, names may not be
        if item.id.casefold() == folded:
            return item
    named = [i for i in items if i.name == wanted]
    if len(named) == 1:
        return named[0]
    matches = [i for i in items if folded in i.id.casefold() or folded in i.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise GongfuError(
            f"{quote(query)} matches several {_plural(kind)}; say which:\n" + _listing(matches)
        )
    raise GongfuError(
        f"no {kind} matches {quote(query)}; the {_plural(kind)} are:\n" + _listing(items)
    )


def candidates(items: Sequence[Named], incomplete: str) -> list[tuple[str, str]]:
    """Shell-completion choices: ids and names that contain what was typed so far."""
    folded = incomplete.casefold()
    out = []
    for item in items:
        if item.id.casefold().startswith(folded):
            out.append((item.id, item.name))
        if item.name.casefold().startswith(folded):
            out.append((item.name, item.id))
    if not out:
        out = [
            (i.id, i.name)
            for i in items
            if folded in i.id.casefold() or folded in i.name.casefold()
        ]
    return out


def _plural(kind: str) -> str:
    return "buses" if kind == "bus" else kind + "s"


def _listing(items: Sequence[Named]) -> str:
    return "\n".join(f"  {item.id}  {quote(item.name)[1:-1]}" for item in items)
