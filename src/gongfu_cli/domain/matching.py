"""What the user typed, matched to a bus, an indicator, a lead agency or a field: one rule
(`matching`) for the command line, `import` and shell completion."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
Thing = TypeVar("Thing")


def matching(
    items: Sequence[Thing], query: str, keys: Callable[[Thing], tuple[str, ...]]
) -> list[Thing]:
    """The items `query` names, by the one rule for buses, indicators, lead agencies and
    fields: the item whose first key (an id) is the query, ignoring case; else the one item
    whose key is exactly the query; else every item one of whose keys contains the query,
    ignoring case. One item is a match, several are ambiguous, none is unknown."""
    wanted = query.strip()
    if not wanted:
        return []
    folded = wanted.casefold()
    for item in items:  # an exact id wins over everything: ids are unique, names may not be
        if keys(item)[0].casefold() == folded:
            return [item]
    exact = [item for item in items if wanted in keys(item)]
    if len(exact) == 1:
        return exact
    return [item for item in items if any(folded in key.casefold() for key in keys(item))]


def id_and_name(item: Named) -> tuple[str, str]:
    return item.id, item.name


# What is said when a query names several things, or nothing: one whole sentence per kind of
# thing, so that a translation can word it as its language does.
_SEVERAL: dict[str, Callable[..., str]] = {
    "bus": lambda **said: T("{query} matches several buses; say which:\n{listing}", **said),
    "indicator": lambda **said: T(
        "{query} matches several indicators; say which:\n{listing}", **said
    ),
}
_NONE: dict[str, Callable[..., str]] = {
    "bus": lambda **said: T("no bus matches {query}; the buses are:\n{listing}", **said),
    "indicator": lambda **said: T(
        "no indicator matches {query}; the indicators are:\n{listing}", **said
    ),
}


def resolve(items: Sequence[Item], query: str, kind: str = "bus") -> Item:
    """The bus or indicator `query` names (`matching`), or an error listing the candidates."""
    found = matching(items, query, id_and_name)
    if len(found) == 1:
        return found[0]
    sentence = (_SEVERAL if found else _NONE)[kind]
    raise GongfuError(sentence(query=quote(query), listing=_listing(found or items)))


def resolve_field(fields: Iterable[str], query: str, kind: str = "field") -> str:
    """The lead agency or field `query` names (`matching`), or an error listing them."""
    known = list(dict.fromkeys(fields))
    found = matching(known, query, lambda name: (name,))
    if len(found) == 1:
        return found[0]
    if found:
        several = {"query": quote(query), "names": "、".join(found)}
        if kind == "lead":
            raise GongfuError(T("{query} matches several lead agencies ({names}); say which",
                                **several))  # fmt: skip
        raise GongfuError(T("{query} matches several fields ({names}); say which", **several))
    listed = {"query": quote(query), "names": "、".join(known)}
    if kind == "lead":
        raise GongfuError(T("no lead matches {query}; the lead agencies are: {names}", **listed))
    raise GongfuError(T("no field matches {query}; the fields are: {names}", **listed))


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


def _listing(items: Sequence[Named]) -> str:
    return "\n".join(f"  {item.id}  {quote(item.name)[1:-1]}" for item in items)
