"""What every command shares: the app, the date of the run, loading with outputs kept off
the data, the past as published, and located errors turned into exit status 1."""

import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
import typer.core

from gongfu_cli import i18n
from gongfu_cli.domain.model import Dataset
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import _
from gongfu_cli.rendering.emit import say
from gongfu_cli.store.cache import load_data

if TYPE_CHECKING:
    from gongfu_cli.presentation.queries import Past

APP_SETTINGS: dict[str, Any] = {
    "name": "gongfu",
    "help": _("Track the targets and progress of Huzhou's common-prosperity bus lines (共富班车)."),
    "no_args_is_help": True,
    "rich_markup_mode": None,
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


app = typer.Typer(add_completion=True, **APP_SETTINGS)


i18n.teach_click()


F = TypeVar("F", bound=Callable[..., Any])


def as_of_day(value: date | None) -> date:
    return value or date.today()


def not_later(when: date | None, as_of: date | None, option: str) -> None:
    """A date to compare with must not be later than --as-of: the changes would be computed
    backwards. A usage error (exit 2) naming both dates."""
    day = as_of_day(as_of)
    if when is not None and when > day:
        given = (
            f"--as-of {day.isoformat()}"
            if as_of
            else _("today ({date})").format(date=day.isoformat())
        )
        raise typer.BadParameter(
            _("{date} is later than {given}; compare with an earlier date").format(
                date=when.isoformat(), given=given
            ),
            param_hint=f"'{option}'",
        )


def load_dataset(data: Path | None, no_cache: bool, *outputs: Path | None) -> Dataset:
    """The dataset, once no output named is one of its files: checked before reading, so that
    a dataset that does not load is as safe from `-o` as one that does."""
    refuse_inputs(data, *outputs)
    return load_data(data, not no_cache)


def refuse_inputs(data: Path | None, *outputs: Path | None) -> None:
    """Refuse (exit 1) an output that is a file of the data path, or a new .toml in it."""
    named = [o for o in outputs if o is not None]
    if named:
        from gongfu_cli.store.files import refuse_input
        from gongfu_cli.store.paths import bundled_data, input_paths

        inputs = input_paths(data if data is not None else bundled_data())
        for output in named:
            refuse_input(output, inputs)


def published_or_computed(data: Path | None, when: date, results: list[Any]) -> list[Any]:
    """`results` (assessed at `when`) as they were published, when `published/WHEN.json`
    exists beside the data; one line on stderr says so. Else today's data, as computed."""
    from gongfu_cli.presentation.published import as_published, find
    from gongfu_cli.store.paths import bundled_data

    period = find(data if data is not None else bundled_data(), when)
    if period is None:
        return results
    say(
        _("{date}: as published in {path} (corrections since: gongfu changes --corrections "
          "{date})").format(date=when.isoformat(), path=shown_path(period.path)),
        err=True,
    )  # fmt: skip
    return as_published(results, period)


def reports_errors(command: F) -> F:
    """Turn the core's user errors into located messages on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except GongfuError as error:
            for line in error.lines():
                say(line, err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def data_path(data: Path | None) -> Path:
    """The data path the command works on: --data, else the bundled dataset."""
    from gongfu_cli.store.paths import bundled_data

    return data if data is not None else bundled_data()


def past(dataset: Dataset, data: Path | None) -> "Past":
    """The programme at an earlier date: as published for it where it was (`gongfu publish`;
    one line on stderr says so), else computed from today's data."""
    from gongfu_cli.domain.metrics import assess

    def at(when: date) -> list[Any]:
        return published_or_computed(data, when, assess(dataset, when))

    return at
