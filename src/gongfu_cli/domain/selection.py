"""Which buses a command looks at: by batch, by field and lead agency (a unique part, like BUS)
and by status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gongfu_cli.domain.matching import resolve_field
from gongfu_cli.domain.metrics import BusResult, Status
from gongfu_cli.errors import GongfuError
from gongfu_cli.i18n import T


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
