"""Where the bundled dataset lives. Kept tiny: every command imports it at start-up."""

from __future__ import annotations

import os
from pathlib import Path


def bundled_data() -> Path:
    """The dataset shipped with gongfu: inside the installed package, or in a source checkout."""
    package = Path(__file__).resolve().parents[1]  # gongfu_cli/, above store/
    packaged = package / "data" / "buses.toml"
    if packaged.is_file():
        return packaged
    return package.parents[1] / "data" / "buses.toml"


def is_bundled(path: Path) -> bool:
    try:
        return path.resolve() == bundled_data().resolve()
    except OSError:
        return False


def input_paths(path: Path) -> tuple[str, ...]:
    """What a data path stands for before it is read (or when it cannot be): the path itself,
    and for a directory each `*.toml` entry in it. Outputs are refused on all of them, so a
    dataset that does not load is as safe from `-o` as one that does."""
    found = [str(path)]
    try:
        if os.path.isdir(path):
            found += sorted(str(p) for p in path.glob("*.toml"))
    except OSError:  # unreadable: the loader will say so; the path itself is still kept
        pass
    return tuple(found)
