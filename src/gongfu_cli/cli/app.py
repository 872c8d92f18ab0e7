"""The command line's entry point: the global options (--version, --lang), the commands of
every family registered in the order `--help` lists them, and the one-command fast path."""

import os
import sys
from enum import StrEnum
from typing import Annotated

import typer
import typer.core

from gongfu_cli import __version__, i18n
from gongfu_cli.cli.common import (
    APP_SETTINGS,
    app,
)
from gongfu_cli.i18n import _
from gongfu_cli.rendering.emit import say

# The families register their commands on import, in the order `gongfu --help` lists them:
# what is shown, then documents, then edits.
# isort: split
from gongfu_cli.cli import shown  # noqa: F401

# isort: split
from gongfu_cli.cli import documents  # noqa: F401

# isort: split
from gongfu_cli.cli import edits  # noqa: F401


def _version(value: bool) -> None:
    if value:
        say(f"gongfu {__version__}")
        raise typer.Exit()


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _lang(value: Lang | None) -> None:
    if value is not None:
        i18n.use(value.value)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=_("Show the version and exit.")
        ),
    ] = False,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            callback=_lang,
            is_eager=True,
            help=_(
                "The language of messages, help and pictures: zh (中文) or en. Default: "
                "GONGFU_LANG, else the system's locale (Chinese when it is zh*)."
            ),
        ),
    ] = None,
) -> None:
    """Track the targets and progress of Huzhou's common-prosperity bus lines (共富班车)."""


def main() -> None:
    """The console entry point. (click already ends quietly when a reader closes the pipe.)"""
    from gongfu_cli.presentation.values import fall_back_on_narrow_encodings

    fall_back_on_narrow_encodings()
    argv = sys.argv[1:]
    # `gongfu --lang zh` alone is `gongfu` in that language (already chosen): the help
    only_lang = argv in (["--lang", "zh"], ["--lang", "en"], ["--lang=zh"], ["--lang=en"])
    _app_for(argv)(args=[] if only_lang else None, prog_name="gongfu")


def _after_lang(argv: list[str]) -> list[str]:
    """The command line after a leading `--lang X` (or `--lang=X`)."""
    if argv[:1] == ["--lang"]:
        return argv[2:]
    if argv[:1] and argv[0].startswith("--lang="):
        return argv[1:]
    return argv


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run: for `gongfu COMMAND …`, one holding only that command.

    Typer builds every command's click command on each call (about 3 ms each); a CLI called in
    shell loops needs only the one it runs. Shell completion and `gongfu --help` get the whole
    app; the one-command app is a group too, so usage and help read `gongfu COMMAND`.
    """
    argv = _after_lang(argv)
    if not argv or any(name.startswith("_GONGFU_COMPLETE") for name in os.environ):
        return app
    for info in app.registered_commands:
        name = info.name or (info.callback.__name__ if info.callback else "")
        if name == argv[0]:
            single = typer.Typer(add_completion=False, **APP_SETTINGS)
            single.registered_commands.append(info)
            single.callback()(_main)
            return single
    return app
