"""The one error type of gongfu: a user mistake that carries its place.

The core raises it; only the CLI edge turns it into lines on stderr and an exit status, so no
user mistake ever ends in a traceback.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from gongfu_cli.escapes import shown_path

Severity = Literal["error", "warning"]


class Place(NamedTuple):
    """Where in a data file a problem sits, in the file's own terms.

    `table` is "program", "bus", "indicator" or "reading"; `indices` count tables of that kind
    from 0 (for an indicator, the bus index and the indicator index within it). Line numbers are
    resolved from this only when a problem is reported, so valid files never pay for it.
    """

    table: str | None = None
    indices: tuple[int, ...] = ()
    key: str | None = None
    line: int | None = None
    column: int | None = None


class Problem(NamedTuple):
    file: str
    message: str
    place: Place = Place()
    severity: Severity = "error"

    @property
    def line(self) -> int | None:
        return self.place.line

    def __str__(self) -> str:
        where = shown_path(self.file)
        if self.place.line is not None:
            where += f":{self.place.line}"
            if self.place.column is not None:
                where += f":{self.place.column}"
        from gongfu_cli.i18n import _, said

        prefix = _("warning: ") if self.severity == "warning" else ""
        return f"{where}: {prefix}{said(self.message)}"


class GongfuError(Exception):
    """A mistake in the user's input: a bad file, an unknown bus, a refused write."""

    def __init__(self, message: str, problems: tuple[Problem, ...] | list[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        """The lines to show the user, in their language: one per problem, or the message."""
        from gongfu_cli.i18n import said

        if self.problems:
            return [str(p) for p in self.problems]
        return [said(self.message)]
