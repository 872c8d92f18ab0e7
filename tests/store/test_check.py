"""`gongfu check`: every problem, located; warnings fail only with --strict."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from tests.builders import BUS
from tests.conftest import SAMPLE

runner = CliRunner()

READING = '\n[[readings]]\nbus = "alpha"\nindicator = "coverage"\ndate = {}\nvalue = {}\n'


def check(path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "-d", str(path), *extra])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def test_clean_file_prints_one_summary_line() -> None:
    code, out = check(SAMPLE, "--as-of", "2022-12-31", "--strict")
    assert code == 0
    assert out == f"{SAMPLE}: 4 buses, 10 indicators, 11 readings; no problems\n"


def test_every_error_is_listed_with_its_line(write_toml) -> None:
    text = BUS.replace("batch = 1", 'batch = "1"').replace("target = 100", "target = nan")
    text += READING.format("2023-01-01", "1") + READING.format("2023-01-01", "2")
    path = write_toml(text)
    code, out = check(path)
    assert code == 1
    lines = out.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:4", f"{path}:13", f"{path}:24"]


def test_warnings_are_located_and_fail_only_when_strict(write_toml) -> None:
    text = BUS + READING.format("2021-06-01", "10")  # before the start (2022-01-01)
    text += READING.format("2022-06-01", "50") + READING.format("2022-12-01", "45")  # away
    text += READING.format("2999-01-01", "60")  # in the future
    path = write_toml(text)
    code, out = check(path, "--as-of", "2024-06-30")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        f'{path}:9: warning: bus "alpha", indicator "coverage": no reading for 2023 (it '
        "reports yearly; due 2024-01-10) up to 2024-06-30 (the latest is of 2022-12-01)"
    )
    assert lines[1] == (
        f'{path}:18: warning: bus "alpha", indicator "coverage": reading of '
        "2021-06-01 is dated before the indicator starts (2022-01-01)"
    )
    assert lines[2] == (
        f'{path}:31: warning: bus "alpha", indicator "coverage": value 45 on '
        "2022-12-01 moved away from the target 100 (it was 50 on 2022-06-01)"
    )
    assert lines[3].startswith(
        f'{path}:36: warning: bus "alpha", indicator "coverage": '
        "reading of 2999-01-01 is in the future"
    )
    assert lines[4] == f"{path}: 1 buses, 1 indicators, 4 readings; 4 warning(s)"
    assert check(path, "--as-of", "2024-06-30", "--strict")[0] == 1


def test_falling_target_warns_when_the_value_rises(write_toml) -> None:
    text = BUS.replace("target = 100", "target = 1.55\n  baseline = 1.66")
    text += READING.format("2022-06-01", "1.60") + READING.format("2022-12-01", "1.62")
    code, out = check(write_toml(text), "--as-of", "2023-01-01")
    assert code == 0
    assert "value 1.62 on 2022-12-01 moved away from the target 1.55" in out


def test_json_format_for_editors_and_ci(write_toml) -> None:
    path = write_toml(BUS.replace('unit = "%"', 'unit = "%"\n  wieght = 2'))
    code, out = check(path, "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "file": str(path),
            "line": 13,
            "severity": "error",
            "message": 'bus "alpha", indicator "coverage": unknown key "wieght" (did you mean '
            '"weight"?); allowed keys: id, name, unit, target, baseline, start, due, '
            "weight, milestones, cadence",
        }
    ]


def test_syntax_error_is_reported_by_check(write_toml) -> None:
    path = write_toml("[[buses]\n")
    code, out = check(path)
    assert code == 1
    assert out.startswith(f"{path}:1:")


def test_bundled_dataset_has_no_errors() -> None:
    result = runner.invoke(app, ["check", "--as-of", "2026-11-29"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # every indicator, monitored or not, owes its figures for 2025
    assert lines[-1].endswith("11 buses, 57 indicators, 37 readings; 57 warning(s)")
    assert all("no reading for 2025 (it reports yearly; due 2026-01-10) up to 2026-11-29" in line
               for line in lines[:-1])  # fmt: skip


def test_stale_waits_for_the_due_day(write_toml) -> None:
    """On 2 December nobody owes November: a monthly indicator that sent October is not stale
    until 10 December (report_days 10), nor with report_days 0 before 30 November's end."""
    monthly = BUS.replace('unit = "%"', 'unit = "%"\n  cadence = "monthly"')
    text = monthly + READING.format("2024-10-31", "50")
    path = write_toml(text)
    assert "no reading for" not in check(path, "--as-of", "2024-12-09")[1]
    assert (
        "no reading for 2024-11 (it reports monthly; due 2024-12-10)"
        in check(path, "--as-of", "2024-12-10")[1]
    )
    zero = write_toml("[program]\nreport_days = 0\n" + text)
    assert (
        "no reading for 2024-11 (it reports monthly; due 2024-11-30)"
        in check(zero, "--as-of", "2024-11-30")[1]
    )


def test_follow_up_settings_are_checked_where_they_stand(write_toml) -> None:
    program = """\
[program]
report_days = -1
reply_days = "7"
meeting = "weekly"

[[program.escalation]]
light = "blue"
streak = 1
action = "提醒"

[[program.escalation]]
light = "red"
streak = 0
action = "督办"

[[program.escalation]]
light = "red"
streak = 2

[[program.escalation]]
light = "yellow"
streak = 1
action = "提醒"

[[program.escalation]]
light = "yellow"
streak = 1
action = "再提醒"

"""
    path = write_toml(program + BUS)
    code, out = check(path)
    assert code == 1
    assert sorted(out.splitlines()) == sorted(
        [
            f"{path}:2: [program]: report_days must lie between 0 and 366 days, got -1",
            f'{path}:3: [program]: key "reply_days": expected a whole number, got a string '
            '("7"); write numbers without quotes',
            f'{path}:4: [program]: key "meeting": "weekly" is not a cadence; use monthly, '
            "quarterly, half-yearly, yearly",
            f'{path}:7: [[program.escalation]] #1: key "light": "blue" is not a light; use red, '
            "yellow, missing",
            f"{path}:13: [[program.escalation]] #2: streak must be 1 or more, got 0",
            f'{path}:16: [[program.escalation]] #3: missing key "action"',
            f'{path}:27: [[program.escalation]] #5: a second rule for light "yellow" and streak 1 '
            "(the first is #4); keep one of them",
        ]
    )


def test_follow_up_settings_load_and_default(tmp_path: Path) -> None:
    from gongfu_cli.domain.model import Rule
    from gongfu_cli.store.load import load_dataset

    program = load_dataset(SAMPLE).program  # gives none of them: the loader's defaults
    assert (program.name, program.region) == ("测试计划", "测试市")
    assert (program.report_days, program.meeting, program.reply_days) == (10, "monthly", 7)
    assert program.escalation == (Rule("yellow", 1, "提醒"), Rule("red", 1, "督办"),
                                  Rule("red", 2, "约谈"), Rule("missing", 1, "催报"))  # fmt: skip
    given = tmp_path / "given.toml"
    given.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            'region = "测试市"\n',
            'region = "测试市"\nreport_days = 0\nmeeting = "quarterly"\nreply_days = 3\n'
            '[[program.escalation]]\nlight = "red"\nstreak = 3\naction = "通报"\n',
            1,
        ),
        encoding="utf-8",
    )
    program = load_dataset(given).program
    assert (program.report_days, program.meeting, program.reply_days) == (0, "quarterly", 3)
    assert program.escalation == (Rule("red", 3, "通报"),)  # rules given replace the default ladder
