"""Shared fixtures: fixed paths, a deterministic environment for every test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample.toml"
SAMPLE_AS_OF = date(2023, 1, 1)
REPO = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the user's data path, colours, terminal width or cache."""
    for name in (
        "GONGFU_DATA",
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "GONGFU_NO_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def sample() -> Path:
    return SAMPLE


@pytest.fixture
def write_toml(tmp_path: Path):
    """Write TOML text to a fresh file and return its path."""

    def write(text: str, name: str = "data.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
