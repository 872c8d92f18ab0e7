"""Published periods: `gongfu publish` freezes what a meeting saw; comparisons with that date
use it, whatever is corrected afterwards; `changes --corrections` lists what was corrected."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app

runner = CliRunner()
DAY = "2024-06-30"

DATA = """\
[program]
name = "赛马测试"
lag_tolerance = 0.25

[[buses]]
id = "alpha"
name = "甲线"
batch = 1
launched = 2022-01-01
due = 2025-12-31
lead = "市建设局"
field = "燃气"

  [[buses.indicators]]
  id = "cover"
  name = "覆盖率"
  unit = "%"
  target = 100

[[buses]]
id = "beta"
name = "乙线"
batch = 1
launched = 2022-01-01
due = 2025-12-31
lead = "市交通运输局"
field = "交通"

  [[buses.indicators]]
  id = "riders"
  name = "乘客"
  unit = "万人"
  target = 10

[[readings]]
bus = "alpha"
indicator = "cover"
date = 2024-03-31
value = 60

[[readings]]
bus = "beta"
indicator = "riders"
date = 2024-03-31
value = 5
"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def publish(data: Path, *more: str) -> tuple[int, str, str]:
    return run("publish", "-d", str(data), "--as-of", DAY, *more)


def correct(data: Path, bus: str, indicator: str, value: str, day: str = "2024-03-31") -> None:
    code, _, err = run("record", bus, indicator, value, "--date", day, "--replace", "-d",
                       str(data), "--as-of", DAY)  # fmt: skip
    assert code == 0, err


def test_publish_freezes_the_exports_rows_the_ranks_and_the_files_digest(data: Path) -> None:
    code, out, err = publish(data)
    assert code == 0, err
    path = data.parent / "published" / f"{DAY}.json"
    assert out == f"published {DAY}: 2 buses, 2 indicators, 2 readings in {path}\n"
    frozen = json.loads(path.read_text(encoding="utf-8"))
    assert frozen["as_of"] == DAY
    assert frozen["program"] == {
        "name": "赛马测试", "region": None, "cadence": None, "lag_tolerance": 0.25,
    }  # fmt: skip
    for level, key in (("buses", "buses"), ("indicators", "indicators"), ("readings", "readings")):
        _, exported, _ = run("export", "--level", level, "-f", "json", "-d", str(data),
                             "--as-of", DAY)  # fmt: skip
        assert frozen[key] == json.loads(exported)
    _, ranked, _ = run("rank", "-f", "json", "-d", str(data), "--as-of", DAY)
    assert frozen["ranks"]["attainment"] == json.loads(ranked)
    assert [r["bus"] for r in frozen["ranks"]["attainment"]] == ["甲线", "乙线"]
    raw = data.read_bytes()
    assert frozen["files"] == [
        {"file": "buses.toml", "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    ]


def test_publish_refuses_to_overwrite_unless_asked(data: Path) -> None:
    assert publish(data)[0] == 0
    path = data.parent / "published" / f"{DAY}.json"
    before = path.read_bytes()
    correct(data, "甲线", "覆盖率", "40")
    code, out, err = publish(data)
    assert code == 1 and out == ""
    assert err == (f"{path}: {DAY} is already published; not overwritten (--replace publishes "
                   "it again)\n")  # fmt: skip
    assert path.read_bytes() == before
    code, _, err = publish(data, "--replace")
    assert code == 0, err
    frozen = json.loads(path.read_text(encoding="utf-8"))
    assert [r["value"] for r in frozen["readings"]] == [40, 5]


def test_a_data_folder_keeps_its_published_periods_inside_it(tmp_path: Path) -> None:
    folder = tmp_path / "huzhou"
    folder.mkdir()
    (folder / "all.toml").write_text(DATA, encoding="utf-8")
    code, _, err = publish(folder)
    assert code == 0, err
    assert (folder / "published" / f"{DAY}.json").is_file()
    code, out, err = run("check", "-d", str(folder), "--as-of", DAY)
    assert code == 0, err  # the folder still reads as it did: published/ is not data
    code, out, _ = run("published", "-d", str(folder), "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["as_of"], r["buses"], r["readings"]) for r in rows] == [(DAY, "2", "2")]
    assert rows[0]["file"] == str(folder / "published" / f"{DAY}.json")


def test_the_bundled_dataset_is_not_published() -> None:
    code, _, err = run("publish", "--as-of", DAY)
    assert code == 1 and "bundled dataset is never written" in err


def test_a_correction_after_publishing_is_listed(data: Path) -> None:
    assert publish(data)[0] == 0
    correct(data, "甲线", "覆盖率", "40")
    code, _, err = run("record", "乙线", "乘客", "4", "--date", "2024-01-31", "-d", str(data),
                       "--as-of", DAY)  # fmt: skip
    assert code == 0, err
    later = ("--date", "2024-07-31", "-d", str(data), "--as-of", "2024-07-31")
    assert run("record", "乙线", "乘客", "9", *later)[0] == 0  # after the period: not a correction
    code, out, err = run("changes", "--corrections", DAY, "-f", "csv", "-d", str(data),
                         "--as-of", "2024-07-31")  # fmt: skip
    assert code == 0, err
    assert out == (
        "bus_id,bus,indicator_id,indicator,unit,date,published,now,kind\n"
        "beta,乙线,riders,乘客,万人,2024-01-31,,4,added\n"
        "alpha,甲线,cover,覆盖率,%,2024-03-31,60,40,corrected\n"
    )
    code, out, _ = run("changes", "--corrections", DAY, "-d", str(data), "--as-of", "2024-07-31")
    assert code == 0
    assert "更正" in out and "补报" in out and "60%" in out and "40%" in out


def test_a_deleted_reading_is_listed_as_deleted(data: Path) -> None:
    assert publish(data)[0] == 0
    code, _, err = run("delete", "乙线", "乘客", "--date", "2024-03-31", "-d", str(data),
                       "--as-of", DAY)  # fmt: skip
    assert code == 0, err
    _, out, _ = run("changes", "--corrections", DAY, "-f", "csv", "-d", str(data))
    assert out.splitlines()[1:] == ["beta,乙线,riders,乘客,万人,2024-03-31,5,,deleted"]


def test_corrections_need_a_published_period(data: Path) -> None:
    code, _, err = run("changes", "--corrections", DAY, "-d", str(data))
    assert code == 1
    assert f"{DAY} was not published" in err and "Traceback" not in err
    code, _, err = run("changes", "-d", str(data))
    assert code == 2 and "--since DATE, or --corrections DATE" in err


def previous_ranks(data: Path) -> tuple[dict[str, tuple[str, str]], str]:
    code, out, err = run("rank", "--compare", DAY, "-f", "csv", "-d", str(data), "--as-of",
                         "2024-09-30")  # fmt: skip
    assert code == 0, err
    rows = {r["bus"]: (r["previous_rank"], r["move"]) for r in csv.DictReader(io.StringIO(out))}
    return rows, err


def test_rank_compare_keeps_the_published_ranks_after_a_correction(data: Path) -> None:
    assert publish(data)[0] == 0
    correct(data, "甲线", "覆盖率", "40")  # 甲 falls behind 乙 (50%) on the published date too
    ranks, err = previous_ranks(data)
    assert ranks == {"乙线": ("2", "1"), "甲线": ("1", "-1")}  # as the meeting heard it
    path = data.parent / "published" / f"{DAY}.json"
    assert err == (f"{DAY}: as published in {path} (corrections since: gongfu changes "
                   f"--corrections {DAY})\n")  # fmt: skip
    path.unlink()
    ranks, err = previous_ranks(data)
    assert ranks == {"乙线": ("1", "0"), "甲线": ("2", "0")}  # recomputed from today's data
    assert err == ""


def test_changes_since_a_published_date_start_from_what_was_published(data: Path) -> None:
    assert publish(data)[0] == 0
    correct(data, "甲线", "覆盖率", "40")
    code, out, err = run("changes", "--since", DAY, "-f", "csv", "-d", str(data), "--as-of",
                         "2024-09-30")  # fmt: skip
    assert code == 0, err
    assert "as published" in err
    rows = {r["bus"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["甲线"]["value_before"] == "60" and rows["甲线"]["value_after"] == "40"


def test_a_damaged_published_file_is_named(data: Path) -> None:
    assert publish(data)[0] == 0
    path = data.parent / "published" / f"{DAY}.json"
    path.write_text('{"format": "gongfu-published/1", "as_of": "2024-06-30"}', encoding="utf-8")
    code, _, err = run("rank", "--compare", DAY, "-d", str(data), "--as-of", "2024-09-30")
    assert code == 1
    assert err.startswith(f'{path}: not a published period gongfu wrote (key "buses")')
    path.write_text("{", encoding="utf-8")
    code, _, err = run("published", "-d", str(data))
    assert code == 1 and err.startswith(f"{path}:1: not valid JSON")


def test_the_report_compares_with_what_was_published(data: Path) -> None:
    assert publish(data)[0] == 0
    correct(data, "甲线", "覆盖率", "40")
    code, out, err = run("report", "--compare", DAY, "-d", str(data), "--as-of", "2024-09-30")
    assert code == 0, err
    assert err.count("as published in") == 1
    race = out.split("## 赛马")[1].split("##")[0]
    moves = {line.split("|")[2].strip(): line.split("|")[-2].strip() for line in
             race.splitlines() if "线" in line}  # fmt: skip
    assert moves == {"乙线": "↑1", "甲线": "↓1"}
