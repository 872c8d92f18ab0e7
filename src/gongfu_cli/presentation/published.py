"""Published periods: what a meeting saw, frozen, so that later corrections do not rewrite it.

A 通报 is sent and cannot be taken back. Figures are corrected afterwards, and a comparison
recomputed from today's data could contradict what was read out. `gongfu publish --as-of DATE`
writes `published/DATE.json` beside the data (inside a data folder): the programme's settings,
every bus's, indicator's and reading's row as of DATE (the export's columns, as `export -f json`
writes them), the ranks, and a SHA-256 of each data file as it was read. Comparisons with DATE
(`rank --compare`, `changes --since`, `report`) then start from that record; `changes
--corrections DATE` lists what changed in the figures since.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from gongfu_cli.domain.metrics import BusResult, IndicatorResult, Status
from gongfu_cli.domain.model import Dataset, Reading
from gongfu_cli.errors import GongfuError
from gongfu_cli.escapes import shown_path
from gongfu_cli.i18n import T, os_reason
from gongfu_cli.presentation.rows import READING_IDENTITY, Row, reading_identity

FOLDER = "published"
FORMAT = "gongfu-published/1"
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


class Published(NamedTuple):
    """One published period, read back."""

    path: Path
    as_of: date
    published_at: str
    buses: dict[str, Row]  # by bus id
    indicators: dict[tuple[str, str], Row]  # by bus id and indicator id
    readings: dict[tuple[str, str, date], Row]  # by bus id, indicator id and date
    files: list[dict[str, Any]]


def folder(data: Path) -> Path:
    """Where a dataset's published periods live: beside a data file, inside a data folder."""
    return data / FOLDER if data.is_dir() else data.parent / FOLDER


def path_for(data: Path, day: date) -> Path:
    return folder(data) / f"{day.isoformat()}.json"


def read_hashed(data: Path) -> tuple[Dataset, list[dict[str, Any]]]:
    """The dataset, with the size and SHA-256 of each file's bytes exactly as they were parsed
    (read once: a file saved meanwhile cannot give a digest of other bytes than the figures)."""
    from gongfu_cli.store.documents import data_files, decode_text, parse, read_bytes
    from gongfu_cli.store.load import build_dataset

    docs = []
    digests = []
    base = data if data.is_dir() else data.parent
    for file in data_files(data):
        raw = read_bytes(file)
        text = decode_text(raw, str(file))
        docs.append((str(file), text, parse(text, str(file))))
        digests.append(
            {
                "file": file.name if file.parent == base else str(file),
                "size": len(raw),
                "sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
    return build_dataset(docs), digests


def record(
    dataset: Dataset, day: date, digests: list[dict[str, Any]], now: datetime | None = None
) -> dict[str, Any]:
    """The published period as JSON data: every row as the export writes it as JSON."""
    from gongfu_cli import __version__
    from gongfu_cli.domain.metrics import assess
    from gongfu_cli.presentation.rows import (
        BUS_COLUMNS,
        INDICATOR_COLUMNS,
        RANK_COLUMNS,
        READING_COLUMNS,
        bus_rows,
        indicator_rows,
        json_objects,
        rank_rows,
        reading_rows,
    )

    results = assess(dataset, day)
    program = dataset.program
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    return {
        "format": FORMAT,
        "as_of": day.isoformat(),
        "published_at": when.isoformat(),
        "gongfu": __version__,
        "program": {
            "name": program.name,
            "region": program.region,
            "cadence": program.cadence,
            "lag_tolerance": program.lag_tolerance,
        },
        "files": digests,
        "buses": json_objects(bus_rows(results), BUS_COLUMNS),
        "indicators": json_objects(indicator_rows(results), INDICATOR_COLUMNS),
        "readings": json_objects(reading_rows(dataset, day), READING_COLUMNS),
        "ranks": {
            by: json_objects(rank_rows(results, by), RANK_COLUMNS) for by in ("attainment", "gap")
        },
    }


def encode(content: dict[str, Any]) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Reading back


def find(data: Path, day: date) -> Published | None:
    """The period published for `day`, if there is one."""
    path = path_for(data, day)
    if not path.exists():
        return None
    return read(path)


def read(path: Path) -> Published:
    """A published period, or an error naming the file and the key that is wrong."""
    name = shown_path(path)
    try:
        content = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot read: {reason}", name=name, reason=os_reason(exc))
        ) from None
    except UnicodeDecodeError:
        raise GongfuError(
            T("{name}: not UTF-8; not a published period gongfu wrote", name=name)
        ) from None
    except json.JSONDecodeError as exc:
        raise GongfuError(
            T(
                "{name}:{line}: not valid JSON ({reason})",
                name=name,
                line=exc.lineno,
                reason=exc.msg,
            )
        ) from None
    try:
        if not isinstance(content, dict) or content.get("format") != FORMAT:
            raise KeyError("format")
        buses = {str(r["bus_id"]): _typed(r) for r in content["buses"]}
        indicators = {
            (str(r["bus_id"]), str(r["indicator_id"])): _typed(r) for r in content["indicators"]
        }
        readings = {}
        for r in content["readings"]:
            row = _typed(r)
            readings[(str(row["bus_id"]), str(row["indicator_id"]), row["date"])] = row
        return Published(
            path,
            date.fromisoformat(content["as_of"]),
            str(content.get("published_at", "")),
            buses,
            indicators,
            readings,
            list(content.get("files", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        key = exc.args[0] if isinstance(exc, KeyError) and exc.args else None
        where = f'key "{key}"' if key else str(exc)
        raise GongfuError(
            T("{name}: not a published period gongfu wrote ({where}); publish it again with "
              "gongfu publish --as-of DATE --replace", name=name, where=where)
        ) from None  # fmt: skip


_DATES = ("date", "value_date", "launched", "due", "start", "eta")


def _typed(row: dict[str, Any]) -> Row:
    """A row as the JSON has it, with its dates as dates again."""
    out = dict(row)
    for key in _DATES:
        if isinstance(out.get(key), str):
            out[key] = date.fromisoformat(out[key])
    return out


def listed(data: Path) -> list[Row]:
    """Every period published for a dataset, oldest first."""
    where = folder(data)
    try:
        names = sorted(p.name for p in where.iterdir() if _NAME.match(p.name))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise GongfuError(
            T("{name}: cannot read: {reason}", name=shown_path(where), reason=os_reason(exc))
        ) from None
    rows = []
    for name in names:
        period = read(where / name)
        rows.append(
            {
                "as_of": period.as_of,
                "published_at": period.published_at,
                "buses": len(period.buses),
                "indicators": len(period.indicators),
                "readings": len(period.readings),
                "file": str(period.path),
            }
        )
    return rows


PUBLISHED_COLUMNS = ("as_of", "published_at", "buses", "indicators", "readings", "file")


# ---------------------------------------------------------------------------------------------
# The past as it was published


def as_published(results: Sequence[BusResult], period: Published) -> list[BusResult]:
    """Results assessed at the period's date, with every figure the period holds as it was
    published (a bus or indicator added since keeps what today's data says of that date)."""
    out = []
    for result in results:
        bus = period.buses.get(result.bus.id)
        if bus is None:
            out.append(result)
            continue
        indicators = tuple(
            _indicator(r, period.indicators.get((result.bus.id, r.indicator.id)))
            for r in result.indicators
        )
        out.append(
            BusResult(
                result.bus,
                indicators,
                bus["attainment"],
                bus["schedule"],
                Status(bus["status"]),
                bus["coverage"],
            )
        )
    return out


def _indicator(result: IndicatorResult, row: Row | None) -> IndicatorResult:
    if row is None:
        return result
    latest = None
    if row["value"] is not None and row["value_date"] is not None:
        latest = Reading(row["value_date"], row["value"])
    return IndicatorResult(
        result.indicator,
        latest,
        row["attainment"],
        row["schedule"],
        Status(row["status"]),
        None,
        row["expected"],
        bool(row["stale"]),
        result.counted,
    )


# ---------------------------------------------------------------------------------------------
# Corrections

CORRECTIONS_COLUMNS = (
    *READING_IDENTITY,
    "published",
    "now",
    "kind",
)


def corrections_rows(dataset: Dataset, period: Published) -> list[Row]:
    """The readings dated on or before the period's date whose value now differs from what was
    published (`corrected`), those added since (`added`) and those removed (`deleted`), in
    date order."""
    from gongfu_cli.domain.metrics import readings_until

    rows: list[Row] = []
    seen = set()
    for bus in dataset.buses:
        for ind in bus.indicators:
            for reading in readings_until(ind, period.as_of):
                key = (bus.id, ind.id, reading.date)
                seen.add(key)
                old = period.readings.get(key)
                if old is not None and old["value"] == reading.value:
                    continue
                rows.append(
                    {
                        **reading_identity(bus, ind, reading.date),
                        "published": None if old is None else old["value"],
                        "now": reading.value,
                        "kind": "added" if old is None else "corrected",
                    }
                )
    for key, old in period.readings.items():
        if key not in seen:
            rows.append(
                {
                    **{k: old.get(k) for k in ("bus_id", "bus", "indicator_id", "indicator")},
                    "unit": old.get("unit") or "",
                    "date": key[2],
                    "published": old["value"],
                    "now": None,
                    "kind": "deleted",
                }
            )
    rows.sort(key=lambda r: r["date"])
    return rows


def publish(data: Path, day: date, replace: bool) -> tuple[Path, dict[str, Any]]:
    """`gongfu publish`: freeze what the meeting saw as of `day` beside the data, never over a
    period already published unless `replace`; the file written and what it holds."""
    import os

    from gongfu_cli.store.files import create_new, make_folder, write_output
    from gongfu_cli.store.paths import is_bundled

    if is_bundled(data):
        raise GongfuError(
            T("the bundled dataset is never written: start your own with gongfu init PATH, and "
              "publish that")
        )  # fmt: skip
    target = path_for(data, day)
    if os.path.lexists(target) and not replace:
        raise GongfuError(
            T("{path}: {date} is already published; not overwritten (--replace publishes it "
              "again)", path=shown_path(target), date=day.isoformat())
        )  # fmt: skip
    dataset, digests = read_hashed(data)
    content = record(dataset, day, digests)
    make_folder(folder(data))
    if replace and os.path.lexists(target):
        write_output(target, encode(content), dataset.files)
    else:
        create_new(target, encode(content))
    return target, content
