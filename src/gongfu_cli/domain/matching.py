"""Find a bus or indicator from what a user typed: an id, a name, or a unique part of either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import quote
from gongfu_cli.i18n import T


class Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


Item = TypeVar("Item", bound=Named)


def resolve(items: Sequence[Item], query: str, kind: str = "bus") -> Item:
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
        listing = _listing(matches)
        if kind == "bus":
            raise GongfuError(T("{query} matches several buses; say which:\n{listing}",
                                   query=quote(query), listing=listing))  # fmt: skip
        raise GongfuError(T("{query} matches several indicators; say which:\n{listing}",
                               query=quote(query), listing=listing))  # fmt: skip
    listing = _listing(items)
    if kind == "bus":
        raise GongfuError(T("no bus matches {query}; the buses are:\n{listing}",
                               query=quote(query), listing=listing))  # fmt: skip
    raise GongfuError(T("no indicator matches {query}; the indicators are:\n{listing}",
                           query=quote(query), listing=listing))  # fmt: skip


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
