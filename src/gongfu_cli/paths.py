"""Where the bundled dataset lives. Kept tiny: every command imports it at start-up."""

from __future__ import annotations

from pathlib import Path


def bundled_data() -> Path:
    """The dataset shipped with gongfu: inside the installed package, or in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "buses.toml"
    if packaged.is_file():
        return packaged
    return here.parents[1] / "data" / "buses.toml"


def is_bundled(path: Path) -> bool:
    try:
        return path.resolve() == bundled_data().resolve()
    except OSError:
        return False
