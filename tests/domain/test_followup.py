"""The follow-up ladder (督办), checked against tests/data/followup.toml worked out by hand.

As of 2025-06-30, last meeting 2025-05-31, monthly meetings, report_days 10, reply_days 7:

- alpha (leads 甲局、乙局: 甲局 answers), monthly:
  - red-streak (due 2024-12-31, so overdue below 100%): 50 on 01-15, 100 on 03-15, 60 on 04-15
    and 06-05. Red at 06-30, 05-31 and 04-30; green (achieved) at 03-31: streak 3 → 约谈.
  - yellow (2024-01-01 → 2026-01-01, 731 days): 48 on 05-20, 50 on 06-01. 06-30: 50% against
    546/731 = 74.7%, lagging; 05-31: 48% against 516/731 = 70.6%, lagging; 04-30: no reading
    yet, no light. Streak 2 → 提醒.
  - silent (starts 2025-03-15, no reading): owes 2025-05 (due 06-10); May, April and March have
    nothing: streak 3 → 催报.
- beta (丙局), quarterly, due period 2025-Q1:
  - fixed: 30 on 04-10 (31-05: 30% against 70.6%, off track, red); 80 on 06-20 (80% ≥ 74.7%,
    on track): struck off.
  - caught-up (monitored): 5 on 2024-12-20 owed 2025-Q1 at 05-31; 7 on 06-15 reports it: struck
    off.
- gamma (no lead: —), yearly: late: 10 on 06-01, off track now (red, streak 1 → 督办: at 05-31 it
  had no reading, no light); at 05-31 it owed 2024 (due 2025-01-10), now reported: struck off
  as a missing item while red.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.domain.followup import (
    Ladder,
    action,
    follow_up,
    light,
    light_streak,
    meeting_points,
)
from gongfu_cli.domain.metrics import Status, assess, status_at
from gongfu_cli.domain.model import Rule
from gongfu_cli.store.load import load_dataset
from tests.conftest import DATA, SAMPLE

runner = CliRunner()
FOLLOWUP = DATA / "followup.toml"
AS_OF, SINCE = date(2025, 6, 30), date(2025, 5, 31)
HEADER = (
    "lead,bus_id,bus,indicator_id,indicator,item,streak,action,status,attainment,schedule,"
    "period,value,value_date,reply_by"
)
EXPECTED = [
    "甲局、乙局,alpha,阿尔法,red-streak,红灯指标,red,3,约谈,overdue,0.6,1,2025-05,60,2025-06-05,"
    "2025-07-07",
    "甲局、乙局,alpha,阿尔法,silent,未报指标,missing,3,催报,no_data,,0.3664,2025-05,,,2025-07-07",
    "甲局、乙局,alpha,阿尔法,yellow,黄灯指标,yellow,2,提醒,lagging,0.5,0.7469,2025-05,50,"
    "2025-06-01,2025-07-07",
    "丙局,beta,贝塔,fixed,转绿指标,cleared,,销号,on_track,0.8,0.7469,2025-Q1,80,2025-06-20,",
    "丙局,beta,贝塔,caught-up,补报指标,cleared,,销号,monitored,,,2025-Q1,7,2025-06-15,",
    "—,gamma,伽马,late,新红指标,red,1,督办,off_track,0.1,0.7469,2024,10,2025-06-01,2025-07-07",
    "—,gamma,伽马,late,新红指标,cleared,,销号,off_track,0.1,0.7469,2024,10,2025-06-01,",
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["followup", "-d", str(FOLLOWUP), *args], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output if result.exit_code else result.stdout


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    code, out = run(*args, env=env)
    assert code == 0, out
    return out


# the domain -----------------------------------------------------------------------------------


def test_lights() -> None:
    assert [light(s) for s in Status] == [
        None,  # monitored
        None,  # no_data
        "green",  # achieved
        "red",  # overdue
        None,  # in_progress
        "green",  # on_track
        "yellow",  # lagging
        "red",  # off_track
    ]


def test_status_at_is_the_assessed_status() -> None:
    dataset = load_dataset(FOLLOWUP)
    for day in (date(2025, 1, 1), SINCE, AS_OF, date(2027, 1, 1)):
        for bus in assess(dataset, day):
            for r in bus.indicators:
                assert status_at(r.indicator, day, dataset.program.lag_tolerance) is r.status


def test_meeting_points_go_back_from_as_of_by_meeting_period() -> None:
    points = meeting_points(date(2025, 12, 10), "monthly")
    assert points[:4] == [date(2025, 12, 10), date(2025, 11, 30), date(2025, 10, 31),
                          date(2025, 9, 30)]  # fmt: skip
    assert len(points) == 24 and points[-1] == date(2024, 1, 31)
    assert meeting_points(date(2025, 3, 31), "quarterly")[:3] == [
        date(2025, 3, 31),
        date(2024, 12, 31),
        date(2024, 9, 30),
    ]


def test_one_green_point_breaks_a_streak() -> None:
    dataset = load_dataset(FOLLOWUP)
    streaky = dataset.buses[0].indicators[0]
    points = meeting_points(AS_OF, "monthly")
    assert light_streak(streaky, points, 0.3) == 3  # green on 03-31
    # without the reading of 100 on 03-15 it is red at every point back to 01-31
    unbroken = streaky._replace(readings=tuple(r for r in streaky.readings if r.value != 100))
    assert light_streak(unbroken, points, 0.3) == 6


def test_the_rule_with_the_largest_streak_not_above_the_item_wins() -> None:
    rules = (Rule("red", 1, "督办"), Rule("red", 3, "约谈"), Rule("red", 2, "函询"),
             Rule("missing", 2, "通报"))  # fmt: skip
    assert action(rules, "red", 1) == "督办"
    assert action(rules, "red", 2) == "函询"
    assert action(rules, "red", 3) == action(rules, "red", 9) == "约谈"
    assert action(rules, "missing", 1) is None  # no rule reaches down to 1
    assert action(rules, "yellow", 5) is None  # no rule for yellow


def test_items_their_order_and_both_kinds_of_cleared() -> None:
    dataset = load_dataset(FOLLOWUP)
    items = follow_up(assess(dataset, AS_OF), AS_OF, Ladder.of(dataset.program), SINCE)
    got = [(i.answering, i.result.indicator.id, i.item, i.streak, i.action, i.reply_by)
           for i in items]  # fmt: skip
    reply = date(2025, 7, 7)
    assert got == [
        ("甲局", "red-streak", "red", 3, "约谈", reply),
        ("甲局", "silent", "missing", 3, "催报", reply),
        ("甲局", "yellow", "yellow", 2, "提醒", reply),
        ("丙局", "fixed", "cleared", None, "销号", None),
        ("丙局", "caught-up", "cleared", None, "销号", None),
        (None, "late", "red", 1, "督办", reply),
        (None, "late", "cleared", None, "销号", None),
    ]
    without = follow_up(assess(dataset, AS_OF), AS_OF, Ladder.of(dataset.program), None)
    assert [i.item for i in without] == ["red", "missing", "yellow", "red"]


def test_a_struck_off_row_says_what_was_struck_off() -> None:
    """gamma's late is red now and reported what it owed: its 销号 row says 待报, not a light;
    the machine columns keep `cleared` and `销号`."""
    dataset = load_dataset(FOLLOWUP)
    items = follow_up(assess(dataset, AS_OF), AS_OF, Ladder.of(dataset.program), SINCE)
    struck = [(i.result.indicator.id, i.struck) for i in items if i.item == "cleared"]
    assert struck == [("fixed", ("red",)), ("caught-up", ("missing",)), ("late", ("missing",))]
    out = ok("--as-of", "2025-06-30", "--since", "2025-05-31", env={"COLUMNS": "150"})
    cells = {tuple(line.split()[1:3]) for line in out.splitlines() if "销号" in line}
    assert cells >= {
        ("转绿指标", "销号：红灯"),
        ("补报指标", "销号：待报"),
        ("新红指标", "销号：待报"),
    }
    assert ("新红指标", "红灯") in {tuple(line.split()[1:3]) for line in out.splitlines()}


def test_since_later_than_as_of_is_a_usage_error() -> None:
    code, out = run("--as-of", "2024-06-30", "--since", "2025-01-01")
    assert code == 2 and "2025-01-01 is later than --as-of 2024-06-30" in out


def test_an_indicator_can_be_red_and_owe_its_figures() -> None:
    dataset = load_dataset(FOLLOWUP)
    day = date(2025, 8, 10)  # July is due; red-streak last reported on 06-05
    items = follow_up(assess(dataset, day), day, Ladder.of(dataset.program), None)
    got = [(i.item, i.streak, i.action) for i in items if i.result.indicator.id == "red-streak"]
    # red at 08-10, 07-31, 06-30, 05-31, 04-30, green at 03-31; July alone has no reading
    assert got == [("red", 5, "约谈"), ("missing", 1, "催报")]


def test_a_single_file_holds_every_agency(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "督办.xlsx"
    assert run("--as-of", "2025-06-30", "-o", str(book))[0] == 0
    ws = load_workbook(book).worksheets[0]
    assert [row[0].value for row in ws.iter_rows(min_row=2)] == ["甲局、乙局"] * 3 + ["—"]


def test_the_programme_settings_drive_the_ladder(write_toml) -> None:
    text = FOLLOWUP.read_text(encoding="utf-8").replace(
        '[program]\nname = "督办测试"',
        '[program]\nname = "督办测试"\nreply_days = 3\nreport_days = 0\nmeeting = "quarterly"\n'
        '[[program.escalation]]\nlight = "red"\nstreak = 2\naction = "约谈"\n'
        '[[program.escalation]]\nlight = "missing"\nstreak = 4\naction = "通报"',
    )
    dataset = load_dataset(write_toml(text))
    items = follow_up(assess(dataset, AS_OF), AS_OF, Ladder.of(dataset.program), None)
    got = [(i.result.indicator.id, i.item, i.streak, i.action, i.reply_by) for i in items]
    # quarterly points 06-30, 03-31 (green): red-streak 1, no rule for red 1; report_days 0:
    # June is due on 06-30, and silent misses June to March (4 periods): 通报.
    # yellow now owes June (its last reading 06-01 is in June: reported).
    reply = date(2025, 7, 3)
    assert got == [
        ("red-streak", "red", 1, None, reply),
        ("silent", "missing", 4, "通报", reply),
        ("yellow", "yellow", 1, None, reply),
        ("late", "red", 1, None, reply),
    ]


# the command ----------------------------------------------------------------------------------


def test_csv_is_the_hand_worked_list() -> None:
    out = ok("--as-of", "2025-06-30", "--since", "2025-05-31", "-f", "csv")
    assert out.splitlines() == [HEADER, *EXPECTED]


def test_without_since_nothing_is_struck_off_and_json_keeps_the_columns() -> None:
    rows = json.loads(ok("--as-of", "2025-06-30", "-f", "json"))
    assert [r["item"] for r in rows] == ["red", "missing", "yellow", "red"]
    assert list(rows[0]) == HEADER.split(",")
    assert rows[0]["streak"] == 3 and rows[0]["reply_by"] == "2025-07-07"


def test_filters_keep_their_agencies() -> None:
    out = ok("--as-of", "2025-06-30", "--since", "2025-05-31", "--lead", "丙局", "-f", "csv")
    assert out.splitlines() == [HEADER, EXPECTED[3], EXPECTED[4]]
    # a joint lead finds the bus too; 甲局 answers for it
    out = ok("--as-of", "2025-06-30", "--lead", "乙局", "-f", "csv")
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["甲局、乙局"] * 3
    out = ok("--as-of", "2025-06-30", "--batch", "2", "--field", "交通", "-f", "csv")
    assert out.splitlines() == [HEADER, EXPECTED[5]]


def test_the_table_groups_by_agency_with_counts_and_the_reply_deadline() -> None:
    out = ok("--as-of", "2025-06-30", "--since", "2025-05-31", env={"COLUMNS": "150"})
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "督办测试 · 督办 · 截至 2025-06-30 · 回头看 2025-05-31"
    headers = [line for line in lines if " · " in line and not line.startswith("督办测试")]
    assert headers == [
        "甲局 · 红灯 1 · 待报 1 · 黄灯 1 · 请于 2025-07-07 前回复",
        "丙局 · 销号 2",
        "未指定牵头单位 · 红灯 1 · 销号 1 · 请于 2025-07-07 前回复",
    ]
    assert out.index("红灯指标") < out.index("未报指标") < out.index("黄灯指标") < out.index("丙局")
    assert "约谈" in out and "催报" in out and "提醒" in out and "严重滞后" in out
    narrow = ok("--as-of", "2025-06-30", env={"COLUMNS": "40"})  # stacked, nothing cut
    assert "红灯指标" in narrow and "措施 约谈" in narrow


def test_one_sheet_per_agency_in_a_folder(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "督办单"
    result = runner.invoke(app, ["followup", "-d", str(FOLLOWUP), "--as-of", "2025-06-30",
                                 "--since", "2025-05-31", "-o", f"{folder}/"])  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["丙局.xlsx", "未指定牵头单位.xlsx", "甲局.xlsx"]
    sheet = load_workbook(folder / "未指定牵头单位.xlsx").worksheets[0]
    assert sheet.title == "未指定牵头单位"
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["—", "—"]
    sheet = load_workbook(folder / "甲局.xlsx").worksheets[0]
    assert sheet.title == "甲局"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:8] == [
        "牵头单位",
        "班车编号",
        "班车",
        "指标编号",
        "指标",
        "事项",
        "连续",
        "措施",
    ]
    assert [row[5] for row in values[1:]] == ["红灯", "待报", "黄灯"]
    assert [row[7] for row in values[1:]] == ["约谈", "催报", "提醒"]
    assert values[1][11] == "2025-05" and values[1][14].date() == date(2025, 7, 7)  # a date cell


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_agency_sheets_as_csv_or_markdown(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()  # an existing folder needs no slash
    code, _ = run("--as-of", "2025-06-30", "-o", str(folder), "-f", fmt)
    assert code == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([f"甲局.{fmt}", f"未指定牵头单位.{fmt}"])  # 丙局: nothing owed
    content = (folder / f"甲局.{fmt}").read_text(encoding="utf-8-sig")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content)))
        assert [r["indicator_id"] for r in rows] == ["red-streak", "silent", "yellow"]
        assert {r["reply_by"] for r in rows} == {"2025-07-07"}
    else:
        heading = "# 督办单 · 甲局 · 红灯 1 · 待报 1 · 黄灯 1 · 请于 2025-07-07 前回复\n"
        assert content.startswith(heading)
        table = [line.split("|") for line in content.splitlines() if line.startswith("|")]
        assert [c.strip() for c in table[0][1:-1]] == [
            "班车", "指标", "事项", "连续", "措施", "状态", "完成率", "应报期", "数值", "数值日期",
        ]  # fmt: skip
        assert [cells[3].strip() for cells in table[2:]] == ["红灯", "待报", "黄灯"]
        assert [cells[5].strip() for cells in table[2:]] == ["约谈", "催报", "提醒"]
        assert [cells[6].strip() for cells in table[2:]] == ["逾期", "无数据", "滞后"]


def test_agency_sheets_speak_chinese(tmp_path: Path) -> None:
    """A 督办单 is read by people: items and statuses as the tables name them, numbers and
    dates typed."""
    from python_calamine import CalamineWorkbook

    folder = tmp_path / "督办单"
    code, _ = run("--as-of", "2025-06-30", "-o", f"{folder}/")
    assert code == 0
    rows = CalamineWorkbook.from_path(str(folder / "甲局.xlsx")).get_sheet_by_index(0).to_python()
    header = rows[0]
    items = [row[header.index("事项")] for row in rows[1:]]
    statuses = [row[header.index("状态")] for row in rows[1:]]
    assert items == ["红灯", "待报", "黄灯"]
    assert statuses == ["逾期", "无数据", "滞后"]
    assert [row[header.index("连续")] for row in rows[1:]] == [3, 3, 2]
    assert rows[1][header.index("回复期限")] == date(2025, 7, 7)


def test_a_folder_takes_only_sheet_formats(tmp_path: Path) -> None:
    code, out = run("--as-of", "2025-06-30", "-o", f"{tmp_path}/", "-f", "json")
    assert code == 2 and "xlsx, csv, md or docx" in out


def test_the_bundled_data_and_the_sample_run() -> None:
    result = runner.invoke(app, ["followup", "--as-of", "2024-06-30", "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["item"] for r in rows} <= {"red", "yellow", "missing"}
    result = runner.invoke(app, ["followup", "-d", str(SAMPLE), "--as-of", "2023-01-01"])
    assert result.exit_code == 0, result.output


# 催报 in the round trip -------------------------------------------------------------------------


def test_the_template_marks_what_each_agency_owes(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = tmp_path / "报送表.csv"
    code, _ = run_command("template", "--as-of", "2025-06-30", "-o", str(sheet))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    owed = {r["indicator_id"]: r["待报"] for r in rows}
    # silent owes 2025-05; gamma's late reported 2024 on 06-01; the others reported
    assert owed == {"red-streak": "", "yellow": "", "silent": "2025-05", "fixed": "",
                    "caught-up": "", "late": ""}  # fmt: skip
    book = tmp_path / "报送表.xlsx"
    assert run_command("template", "--as-of", "2025-05-31", "-o", str(book))[0] == 0
    ws = load_workbook(book)["丙局"]
    header = [c.value for c in ws[2]]
    assert header[-1] == "待报"
    cells = {ws.cell(row=r, column=3).value: ws.cell(row=r, column=len(header))
             for r in range(3, ws.max_row + 1)}  # fmt: skip
    assert cells["caught-up"].value == "2025-Q1"  # its last reading is of 2024-12-20
    assert cells["fixed"].value is None
    assert cells["caught-up"].fill.fgColor.rgb != cells["fixed"].fill.fgColor.rgb
    assert cells["caught-up"].protection.locked


def test_a_filled_in_template_imports_and_clears_what_it_owed(tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    data.write_bytes(FOLLOWUP.read_bytes())
    sheet = tmp_path / "报送表.csv"
    assert run_command("template", "--as-of", "2025-06-30", "-o", str(sheet), data=data)[0] == 0
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    filled = [lines[0]] + [
        line.replace(",,,,,2025-05", ",40,2025-06-30,补报,,2025-05")
        for line in lines[1:]
        if ",silent," in line
    ]
    sheet.write_text("\ufeff" + "\n".join(filled) + "\n", encoding="utf-8")
    code, out = run_command("import", str(sheet), data=data)
    assert code == 0, out
    after = json.loads(run_command("followup", "--as-of", "2025-06-30", "--since",
                                   "2025-06-29", "-f", "json", data=data)[1])  # fmt: skip
    # 40% against 107/292 = 36.6% planned since its start on 03-15: on track, and struck off
    silent = [(r["item"], r["action"], r["status"]) for r in after if r["indicator_id"] == "silent"]
    assert silent == [("cleared", "销号", "on_track")]


def run_command(*args: str, data: Path = FOLLOWUP) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "-d", str(data)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_report_has_the_follow_up_by_agency(tmp_path: Path) -> None:
    code, out = run_command("report", "--as-of", "2025-06-30", "--since", "2025-05-31")
    assert code == 0, out
    section = out.split("## 督办\n")[1].split("\n## ")[0]
    headings = [line for line in section.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 甲局 · 红灯 1 · 待报 1 · 黄灯 1 · 请于 2025-07-07 前回复",
        "### 丙局 · 销号 2",
        "### 未指定牵头单位 · 红灯 1 · 销号 1 · 请于 2025-07-07 前回复",
    ]
    assert "销号：2025-05-31 会商时列入督办、现已解除的事项。" in section
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
    items = [(cells[1].strip(), cells[2].strip(), cells[4].strip()) for cells in rows
             if cells[0].strip() != "班车"]  # fmt: skip
    assert items == [
        ("红灯指标", "红灯", "约谈"),
        ("未报指标", "待报", "催报"),
        ("黄灯指标", "黄灯", "提醒"),
        ("转绿指标", "销号：红灯", "销号"),
        ("补报指标", "销号：待报", "销号"),
        ("新红指标", "红灯", "督办"),
        ("新红指标", "销号：待报", "销号"),
    ]
    page = tmp_path / "report.html"
    code, _ = run_command("report", "--as-of", "2025-06-30", "-o", str(page))
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert (
        "<h2>督办</h2>" in html
        and "<h3>甲局 · 红灯 1 · 待报 1 · 黄灯 1 · 请于 2025-07-07 前回复</h3>" in html
    )
    assert "销号" not in html.split("<h2>督办</h2>")[1].split("<h2>")[0]  # no --since


def test_the_group_without_a_lead_has_one_name_for_people(tmp_path: Path) -> None:
    """gamma has no lead: people read 未指定牵头单位 in summary's table, the template's sheet
    and the 督办单's file; machine rows keep `—`."""
    from openpyxl import load_workbook

    table = runner.invoke(app, ["summary", "-d", str(FOLLOWUP), "--as-of", "2025-06-30"],
                          env={"COLUMNS": "200"})  # fmt: skip
    assert table.exit_code == 0 and "未指定牵头单位" in table.stdout, table.output
    assert "—" not in table.stdout
    code, out = run_command("summary", "--as-of", "2025-06-30", "-f", "csv")
    assert code == 0 and [line.split(",")[0] for line in out.splitlines()[1:]] == [
        "甲局", "乙局", "丙局", "—"]  # fmt: skip
    book = tmp_path / "报送表.xlsx"
    code, _ = run_command("template", "--as-of", "2025-06-30", "-o", str(book))
    assert code == 0
    sheets = load_workbook(book).sheetnames
    followup = tmp_path / "督办单"
    code, _ = run_command("followup", "--as-of", "2025-06-30", "-o", f"{followup}/")
    assert code == 0
    assert "未指定牵头单位" in sheets and (followup / "未指定牵头单位.xlsx").is_file(), sheets
