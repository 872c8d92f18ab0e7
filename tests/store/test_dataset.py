"""The shipped Huzhou dataset: complete, valid and faithful to its source."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from gongfu_cli.store.load import load_dataset
from gongfu_cli.store.paths import bundled_data
from tests.conftest import REPO

SOURCE = REPO.parent / "shared" / "sources" / "000_400782432d2998d2.txt"


def test_bundled_path_is_the_repository_file() -> None:
    assert bundled_data().read_bytes() == (REPO / "data" / "buses.toml").read_bytes()


def test_counts_of_the_two_batches() -> None:
    dataset = load_dataset(bundled_data())
    assert len(dataset.buses) == 11
    batches = Counter(b.batch for b in dataset.buses)
    assert batches == {1: 5, 2: 6}
    assert {b.launched for b in dataset.buses if b.batch == 1} == {date(2021, 11, 23)}
    assert {b.launched for b in dataset.buses if b.batch == 2} == {date(2022, 1, 4)}
    assert dataset.indicator_count() == 57
    assert dataset.reading_count() == 37


def test_second_batch_names_and_leads_from_the_article() -> None:
    dataset = load_dataset(bundled_data())
    leads = {b.name: b.leads for b in dataset.buses if b.batch == 2}
    assert leads == {
        "乡村畅行": ("市交通运输局",),
        "才聚基层": ("市委组织部", "市委编办"),
        "清亲好水": ("市城市集团",),
        "村游富农": ("市文化广电旅游局",),
        "送气下乡": ("市建设局",),
        "千兆进村": ("市经信局",),
    }
    # The article names no lead for the first batch.
    assert all(b.leads == () for b in dataset.buses if b.batch == 1)


def _figure_in(text: str, figure: float) -> bool:
    digits = f"{figure:g}"
    return re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d.])", text) is not None


def test_every_figure_appears_in_the_source_article() -> None:
    if not SOURCE.exists():  # the article sits beside the repository, not inside it
        import pytest

        pytest.skip(f"source article not found at {SOURCE}")
    text = SOURCE.read_text(encoding="utf-8")
    dataset = load_dataset(bundled_data())
    missing = []
    for bus in dataset.buses:
        for ind in bus.indicators:
            figures = [r.value for r in ind.readings]
            if ind.target is not None:
                figures.append(ind.target)
            missing += [(bus.id, ind.id, f) for f in figures if not _figure_in(text, f)]
    assert missing == []


def test_targets_due_2025_only_where_the_article_says_so() -> None:
    dataset = load_dataset(bundled_data())
    due = {b.name for b in dataset.buses if b.due == date(2025, 12, 31)}
    assert due == {"村游富农", "送气下乡"}


def test_bundled_file_is_utf8_without_bom() -> None:
    raw = Path(bundled_data()).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
