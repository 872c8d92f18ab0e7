"""Which buses a command looks at: by batch, by field (a unique part, like BUS) and by status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gongfu_cli.errors import GongfuError
from gongfu_cli.metrics import BusResult, Status
from gongfu_cli.validate import quote


def resolve_field(fields: Iterable[str], query: str) -> str:
    """The field named exactly, else the one field containing what was typed."""
    known = list(dict.fromkeys(fields))
    wanted = query.strip()
    if wanted in known:
        return wanted
    matches = [f for f in known if wanted.casefold() in f.casefold()] if wanted else []
    if len(matches) == 1:
        return matches[0]
    listing = "、".join(known)
    if matches:
        raise GongfuError(
            f"{quote(query)} matches several fields ({'、'.join(matches)}); say which"
        )
    raise GongfuError(f"no field matches {quote(query)}; the fields are: {listing}")


def select(
    results: Sequence[BusResult],
    batch: int | None = None,
    field: str | None = None,
    statuses: Iterable[Status] = (),
) -> list[BusResult]:
    """The results of the buses that pass every filter given."""
    if field is not None:
        field = resolve_field((r.bus.field for r in results), field)
    wanted = set(statuses)
    return [
        r
        for r in results
        if (batch is None or r.bus.batch == batch)
        and (field is None or r.bus.field == field)
        and (not wanted or r.status in wanted)
    ]
