"""Which buses a command looks at: by batch, by field and lead agency (a unique part, like BUS)
and by status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gongfu_cli.domain.metrics import BusResult, Status
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import quote
from gongfu_cli.i18n import T


def resolve_field(fields: Iterable[str], query: str, kind: str = "field") -> str:
    """The name given exactly, else the one name containing what was typed."""
    known = list(dict.fromkeys(fields))
    wanted = query.strip()
    if wanted in known:
        return wanted
    matches = [f for f in known if wanted.casefold() in f.casefold()] if wanted else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        found = {"query": quote(query), "names": "、".join(matches)}
        if kind == "lead":
            raise GongfuError(T("{query} matches several lead agencies ({names}); say which",
                                **found))  # fmt: skip
        raise GongfuError(T("{query} matches several fields ({names}); say which", **found))
    listed = {"query": quote(query), "names": "、".join(known)}
    if kind == "lead":
        raise GongfuError(T("no lead matches {query}; the lead agencies are: {names}", **listed))
    raise GongfuError(T("no field matches {query}; the fields are: {names}", **listed))


def select(
    results: Sequence[BusResult],
    batch: int | None = None,
    field: str | None = None,
    statuses: Iterable[Status] = (),
    lead: str | None = None,
) -> list[BusResult]:
    """The results of the buses that pass every filter given. A bus with joint leads passes
    `lead` when any of its leads is the one named. An unknown batch is refused like an
    unknown field, naming the batches there are, rather than showing nothing."""
    if batch is not None:
        batches = sorted({r.bus.batch for r in results})
        if batch not in batches:
            known = "、".join(map(str, batches))
            raise GongfuError(
                T("no batch matches {batch}; the batches are: {known}", batch=batch, known=known)
            )
    if field is not None:
        field = resolve_field((r.bus.field for r in results), field)
    if lead is not None:
        lead = resolve_field((name for r in results for name in r.bus.leads), lead, "lead")
    wanted = set(statuses)
    return [
        r
        for r in results
        if (batch is None or r.bus.batch == batch)
        and (field is None or r.bus.field == field)
        and (lead is None or lead in r.bus.leads)
        and (not wanted or r.status in wanted)
    ]
