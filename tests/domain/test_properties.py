"""Property tests: whatever valid data goes in comes back out unchanged, records never damage a
file, and no input, however broken, gets anything but the tool's own located error."""

from __future__ import annotations

import csv
import io
import json
import random
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongfu_cli.domain.metrics import assess, attainment, schedule
from gongfu_cli.editing.record import record
from gongfu_cli.errors import GongfuError
from gongfu_cli.presentation.rows import (
    INDICATOR_COLUMNS,
    READING_COLUMNS,
    indicator_rows,
    reading_rows,
)
from gongfu_cli.rendering.serializers import as_json, delimited
from gongfu_cli.store.load import load_dataset
from tests.builders import datasets, days, numbers, texts
from tests.conftest import SAMPLE, load_text

FAR_FUTURE = date(2200, 1, 1)


def _same_number(text: str, value: float | int) -> bool:
    return (int(text) if isinstance(value, int) else float(text)) == value


@settings(max_examples=60, deadline=None)
@given(datasets())
def test_export_parses_back_to_the_same_values(data: dict[str, Any]) -> None:
    dataset = load_text(tomli_w.dumps(data))
    rows = reading_rows(dataset, FAR_FUTURE)
    parsed = list(csv.DictReader(io.StringIO(delimited(rows, READING_COLUMNS), newline="")))
    assert len(parsed) == len(data["readings"])
    expected = {(r["bus"], r["indicator"], r["date"].isoformat()): r for r in data["readings"]}
    for row in parsed:
        original = expected[(row["bus_id"], row["indicator_id"], row["date"])]
        assert _same_number(row["value"], original["value"])
        assert row["source"] == original.get("source", "")
        assert row["note"] == original.get("note", "")
    objects = json.loads(as_json(indicator_rows(assess(dataset, FAR_FUTURE)), INDICATOR_COLUMNS))
    by_key = {(b["id"], i["id"]): (b, i) for b in data["buses"] for i in b["indicators"]}
    for obj in objects:
        bus, ind = by_key[(obj["bus_id"], obj["indicator_id"])]
        assert (obj["bus"], obj["indicator"], obj["unit"]) == (
            bus["name"],
            ind["name"],
            ind["unit"],
        )
        assert obj["baseline"] == ind["baseline"] and obj["target"] == ind.get("target")
        lead = bus["lead"] if isinstance(bus["lead"], str) else "、".join(bus["lead"])
        assert obj["lead"] == lead


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A generated file with hand-made touches: comments, blank lines, maybe no final newline."""
    data = draw(datasets())
    head = tomli_w.dumps({k: v for k, v in data.items() if k != "readings"})
    tail = "".join("\n[[readings]]\n" + tomli_w.dumps(r) for r in data["readings"])
    comments = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
    out = []
    for line in (head + tail).split("\n"):
        out.append(line)
        if draw(st.integers(0, 5)) == 0:
            out.append("# " + draw(comments))
        if draw(st.integers(0, 5)) == 0:
            out.append("")
    text = "\n".join(out)
    return (text if draw(st.booleans()) else text + "\n"), data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decorated(), st.data())
def test_records_keep_the_file_as_prefix_and_every_reading(
    file: tuple[str, dict[str, Any]], data: st.DataObject
) -> None:
    text, content = file
    targets = [(b["id"], i["id"]) for b in content["buses"] for i in b["indicators"]]
    starts = {(b["id"], i["id"]): i.get("start", b["launched"])
              for b in content["buses"] for i in b["indicators"]}  # fmt: skip
    taken = {(r["bus"], r["indicator"], r["date"]) for r in content["readings"]}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.toml"
        path.write_bytes(text.encode("utf-8"))
        original = path.read_bytes()
        added = 0
        for _ in range(data.draw(st.integers(1, 4))):
            bus, ind = data.draw(st.sampled_from(targets))
            day = data.draw(days)
            if (bus, ind, day) in taken or day < starts[(bus, ind)]:
                continue  # a second reading on a date, or one before the start, is refused
            taken.add((bus, ind, day))
            record(
                path,
                bus,
                ind,
                data.draw(numbers),
                day,
                source=data.draw(st.one_of(st.none(), texts)),
                note=data.draw(st.one_of(st.none(), texts)),
                today=FAR_FUTURE,
                as_typed=True,  # any number drawn is meant as drawn
            )
            added += 1
            assert path.read_bytes().startswith(original)
        assert load_dataset(path).reading_count() == len(content["readings"]) + added


def _mutations(raw: bytes, rnd: random.Random) -> bytes:
    kind = rnd.randrange(5)
    if kind == 0:  # truncate
        return raw[: rnd.randrange(len(raw))]
    if kind == 1:  # random bytes somewhere
        at = rnd.randrange(len(raw))
        return raw[:at] + rnd.randbytes(rnd.randrange(1, 8)) + raw[at:]
    if kind == 2:  # delete a span
        at = rnd.randrange(len(raw))
        return raw[:at] + raw[at + rnd.randrange(1, 40) :]
    if kind == 3:  # swap the type of one value
        lines = raw.split(b"\n")
        candidates = [i for i, line in enumerate(lines) if b" = " in line]
        if not candidates:
            return raw[:-1]
        i = rnd.choice(candidates)
        key = lines[i].split(b" = ")[0]
        other = rnd.choice(
            [
                b'"text"',
                b"1",
                b"1.5",
                b"true",
                b"2020-01-01",
                b"[1, 2]",
                b"{ a = 1 }",
                b"2020-01-01T00:00:00",
                b"nan",
                b"-inf",
                b'""',
                b"0",
            ]
        )
        lines[i] = key + b" = " + other
        return b"\n".join(lines)
    lines = raw.split(b"\n")  # duplicate or drop a line
    i = rnd.randrange(len(lines))
    if rnd.random() < 0.5:
        lines.insert(i, lines[i])
    else:
        del lines[i]
    return b"\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(1, 4))
def test_mutated_files_load_or_fail_with_a_located_error(rnd: random.Random, rounds: int) -> None:
    raw = SAMPLE.read_bytes()
    for _ in range(rounds):
        raw = _mutations(raw, rnd) or b" "
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        path.write_bytes(raw)
        try:
            load_dataset(path)
        except GongfuError as error:
            assert error.problems, error.message
            for problem in error.problems:
                assert problem.file == str(path)
                assert problem.message
                assert problem.line is not None or "nesting" in problem.message, problem


@given(numbers, numbers, numbers)
def test_attainment_is_zero_at_baseline_and_one_at_target(
    value: float, base: float, target: float
) -> None:
    if target == base:
        assert attainment(value, base, target) is None
        return
    assert attainment(base, base, target) == 0
    assert abs(attainment(target, base, target) - 1) < 1e-9 or abs(target - base) < 1e-300


@given(days, days, st.one_of(st.none(), days))
def test_schedule_stays_within_zero_and_one(as_of: date, start: date, due: date | None) -> None:
    elapsed = schedule(as_of, start, due)
    assert elapsed is None if due is None else 0.0 <= elapsed <= 1.0
