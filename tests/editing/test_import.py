"""The reporting round trip: `template` → a sheet filled in as a person would → `import`, with
real workbooks written and read by two independent libraries (openpyxl for gongfu, XlsxWriter
and calamine for the other side)."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from gongfu_cli.store.load import load_dataset
from tests.builders import IMPORT_DATA as DATA
from tests.builders import fill, readings, rows_of
from tests.builders import run_on as run
from tests.conftest import as_nobody, gongfu


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# The whole cycle


def test_the_round_trip_from_template_to_correction(data: Path, tmp_path: Path) -> None:
    sheets = {}
    for lead in ("市建设局", "市交通运输局"):
        out = tmp_path / f"报送表-{lead}.xlsx"
        code, _, err = run("template", "--lead", lead[1:3], "--date", "2024-06-30",
                           "--as-of", "2024-07-01", "-o", str(out), data=data)  # fmt: skip
        assert code == 0, err
        sheets[lead] = out
    book = load_workbook(sheets["市建设局"])
    assert book.sheetnames == ["市建设局"]
    ws = book["市建设局"]
    assert rows_of(ws)[2][:10] == [
        "gas", "送气下乡", "coverage", "通气行政村覆盖率", "%", 70,
        datetime(2025, 12, 31), 40, datetime(2023, 12, 31), None,
    ]  # fmt: skip
    fill(ws, "coverage", 本期数值=(0.55, "0%"), 来源="半年报")  # a percentage typed as 55%
    fill(ws, "households", 本期数值="1,050", 日期=datetime(2024, 5, 31))  # text with a comma
    book.save(sheets["市建设局"])
    book = load_workbook(sheets["市交通运输局"])
    ws = book["市交通运输局"]
    fill(ws, "riders", 本期数值=3200)  # a number; the date pre-filled by --date
    book.save(sheets["市交通运输局"])
    files = [str(p) for p in sheets.values()]

    before = data.read_bytes()
    code, out, err = run("import", *files, "--dry-run", data=data)
    assert code == 0, err
    assert data.read_bytes() == before
    assert "would add     送气下乡 · 通气行政村覆盖率 · 2024-06-30 · 55%" in out
    assert "would add     送气下乡 · 使用天然气的农村居民 · 2024-05-31 · 1,050 万户" in out
    assert "dry run: 3 to add, 0 already present, 0 to replace; nothing written" in out

    code, out, err = run("import", *files, data=data)
    assert code == 0, err
    assert "imported: 3 added, 0 already present, 0 replaced" in out
    assert data.read_bytes().startswith(before)
    assert readings(data) == {
        ("gas", "coverage", "2023-12-31"): 40,
        ("gas", "coverage", "2024-06-30"): 55,
        ("gas", "households", "2024-05-31"): 1050,
        ("roads", "riders", "2024-06-30"): 3200,
    }
    sources = {str(r.date): r.source for r in load_dataset(data).buses[0].indicators[1].readings}
    assert sources == {"2024-05-31": "报送表-市建设局.xlsx!市建设局"}

    code, out, _ = run("progress", "送气下乡", "--as-of", "2024-07-01", data=data)
    assert code == 0 and "55%" in out and "1,050" in out
    code, out, _ = run("export", "--level", "readings", data=data)
    assert "roads,乡村畅行,riders,服务乘客,人次,2024-06-30,3200," in out

    after_first = data.read_bytes()
    code, out, err = run("import", *files, data=data)
    assert code == 0, err
    assert "nothing to write: 0 added, 3 already present, 0 replaced" in out
    assert data.read_bytes() == after_first

    book = load_workbook(sheets["市交通运输局"])
    fill(book["市交通运输局"], "riders", 本期数值=3300, 备注="更正")
    book.save(sheets["市交通运输局"])
    code, _, err = run("import", files[1], data=data)
    assert code == 1
    assert "3300 differs from the reading already there (3200, at " in err
    assert data.read_bytes() == after_first
    code, out, err = run("import", files[1], "--replace", "--dry-run", data=data)
    assert code == 0, err
    assert "would replace 乡村畅行 · 服务乘客 · 2024-06-30 · 3,200 人次 → 3,300 人次" in out
    assert data.read_bytes() == after_first
    code, out, err = run("import", files[1], "--replace", "-f", "json", data=data)
    assert code == 0, err
    report = json.loads(out)
    assert report["totals"] == {"added": 0, "present": 0, "replaced": 1}
    assert report["changes"][0]["old"] == 3200 and report["changes"][0]["value"] == 3300
    assert report["changes"][0]["origin"].endswith("报送表-市交通运输局.xlsx:市交通运输局!J3")
    old, new = after_first.decode().split("\n"), data.read_text(encoding="utf-8").split("\n")
    changed = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
    assert changed[0] == ("value = 3200", "value = 3300")
    assert readings(data)[("roads", "riders", "2024-06-30")] == 3300


# ---------------------------------------------------------------------------------------------
# The template


def test_the_template_workbook_is_protected_validated_and_split_by_agency(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "all.xlsx"
    code, _, err = run("template", "--date", "2024-06-30", "-o", str(out), data=data)
    assert code == 0, err
    assert "4 indicators of 2 buses in 2 sheets" in err
    book = load_workbook(out)
    assert book.sheetnames == ["市建设局", "市交通运输局"]
    ws = book["市建设局"]
    assert "本期数值" in ws["A1"].value and ws.merged_cells.ranges
    assert rows_of(ws)[1] == [
        "bus_id", "班车", "indicator_id", "指标", "单位", "目标", "截止",
        "上期数值", "上期日期", "本期数值", "日期", "来源", "备注", "待报",
    ]  # fmt: skip
    assert ws.freeze_panes == "A3"
    assert ws.protection.sheet
    assert ws["A3"].protection.locked and ws["H3"].protection.locked
    assert not any(ws[f"{c}3"].protection.locked for c in "JKLM")
    assert ws["A3"].fill.fgColor.rgb != ws["J3"].fill.fgColor.rgb
    assert ws["K3"].value == datetime(2024, 6, 30) and ws["K3"].is_date
    kinds = {v.type: str(v.sqref) for v in ws.data_validations.dataValidation}
    assert kinds == {"decimal": "J3:J4", "date": "K3:K4"}
    assert ws.column_dimensions["D"].width >= 2 * len("通气行政村覆盖率")


def test_sheet_names_follow_excels_rules(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    long_lead = "市发展和改革委员会/市数据局[联合]:第一办公室与第二办公室共同牵头"
    path.write_text(DATA.replace("市交通运输局", long_lead), encoding="utf-8")
    out = tmp_path / "t.xlsx"
    assert gongfu("template", "-o", str(out), "-d", str(path)).returncode == 0
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names[1].startswith("市发展和改革委员会_市数据局_联合__第一办公室")
    assert len(names[1]) == 31


def test_the_csv_template_is_utf8_with_a_byte_order_mark(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    code, _, err = run("template", "--bus", "乡村", "-o", str(out), data=data)
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][9:11] == ["本期数值", "日期"]
    assert [r[2] for r in rows[1:]] == ["riders", "scenic"]


def test_the_template_refuses_other_suffixes_and_an_empty_selection(
    data: Path, tmp_path: Path
) -> None:
    code, _, err = run("template", "-o", str(tmp_path / "t.json"), data=data)
    assert code == 2 and "written as .xlsx or .csv" in err
    code, _, err = run("template", "--batch", "9", "-o", str(tmp_path / "t.csv"), data=data)
    assert code == 1 and "no batch matches 9" in err  # refused like an unknown field
    assert not (tmp_path / "t.csv").exists()


# ---------------------------------------------------------------------------------------------
# Sheets from elsewhere


def test_a_wide_sheet_written_by_xlsxwriter_imports(data: Path, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("汇总")
    ws.write_row(0, 0, ["班车", "指标", "2024年6月", "2024Q3", "2024年"])
    ws.write_row(1, 0, ["送气下乡", "通气行政村覆盖率", 50, "52.5", None])
    ws.write_row(2, 0, ["乡村畅行", "服务乘客", "１，２００", None, 1500])
    ws.write(3, 0, "乡村畅行")
    ws.write(3, 1, "景点")
    ws.write_datetime(0, 6, datetime(2024, 9, 30), book.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write(3, 6, 0.8, book.add_format({"num_format": "0%"}))
    book.close()
    code, out, err = run("import", str(path), data=data)
    assert code == 0, err
    assert "4 added" not in out and "5 added" in out
    got = readings(data)
    assert got[("gas", "coverage", "2024-06-30")] == 50
    assert got[("gas", "coverage", "2024-09-30")] == 52.5
    assert got[("roads", "riders", "2024-06-30")] == 1200
    assert got[("roads", "riders", "2024-12-31")] == 1500
    assert got[("roads", "scenic", "2024-09-30")] == 80


def test_exported_readings_import_as_they_are(data: Path, tmp_path: Path) -> None:
    for suffix in ("csv", "tsv", "xlsx"):
        out = tmp_path / f"readings.{suffix}"
        assert (
            gongfu("export", "--level", "readings", "-o", str(out), "-d", str(data)).returncode == 0
        )
        code, stdout, err = run("import", str(out), data=data)
        assert code == 0, (suffix, err)
        assert "nothing to write: 0 added, 1 already present" in stdout
    code, out, _ = run("import", str(tmp_path / "readings.csv"), data=data)
    assert "ignored columns: unit" in out


@pytest.mark.parametrize(
    ("encoding", "note"),
    [("utf-8", None), ("utf-8-sig", None), ("gbk", "GBK"), ("utf-16", "UTF-16")],
)
def test_csv_in_each_encoding_excel_and_wps_save(
    data: Path, tmp_path: Path, encoding: str, note: str | None
) -> None:
    delimiter = "\t" if encoding == "utf-16" else ","
    text = delimiter.join(["班车", "指标", "日期", "数值"]) + "\r\n"
    text += delimiter.join(["送气下乡", "通气行政村覆盖率", "2024/6/30", "61"]) + "\r\n"
    path = tmp_path / ("in.txt" if encoding == "utf-16" else "in.csv")
    path.write_bytes(text.encode(encoding))
    code, out, err = run("import", str(path), data=data)
    assert code == 0, err
    assert readings(data)[("gas", "coverage", "2024-06-30")] == 61
    assert (note is not None and note in out) or (note is None and "note:" not in out)


# ---------------------------------------------------------------------------------------------
# Every mistake, each naming its cell, and nothing written


def bad_sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    path = tmp_path / "bad.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("市建设局")
    percent = book.add_format({"num_format": "0%"})
    ws.write_row(0, 0, ["班车", "指标", "日期", "本期数值"])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, book.add_format({"num_format": "yyyy-mm-dd"}))
            elif isinstance(value, tuple):
                ws.write_number(r, c, value[0], percent)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


def test_every_bad_cell_is_named_and_nothing_is_written(data: Path, tmp_path: Path) -> None:
    path = bad_sheet(
        tmp_path,
        [
            ["送气下乡", "通气行政村覆盖率", "2024-06-30", "约85"],  # row 2
            ["送气下乡", "使用天然气的农村居民", "2024-06-30", "1.2万"],
            ["送气下乡", "使用天然气的农村居民", "2024-07-31", "—"],
            ["送气下乡", "使用天然气的农村居民", "2024-08-31", (0.5,)],
            ["送气下乡", "通气行政村覆盖率", "2099-06-30", 50],  # row 6
            ["乡村畅行", "景点公交通达率", "2022-06-30", 50],
            ["送汽下乡", "通气行政村覆盖率", "2024-06-30", 50],
            ["送气下乡", "通气", "2024-09-30", 50],
            ["送气下乡", "通气", "2024/9/30", 51],  # row 10
            ["送气下乡", "通气", "2023-12-31", 41],
            ["送气下乡", "通气", "明年", 41],
            ["送气下乡", "通气", datetime(2024, 10, 31), True],
            ["送气下乡", "通气", "2024-11-30", "1e16"],
            ["乡村畅行", "率", "2024-11-30", 1],  # row 15: matches nothing (率 is in both?)
            [None, "通气", "2024-11-30", 1],
        ],
    )
    before = data.read_bytes()
    code, _, err = run("import", str(path), data=data)
    assert code == 1
    assert data.read_bytes() == before
    lines = err.strip().split("\n")
    where = f"{path}:市建设局!"
    expected = [
        (f"{where}D2: ", '"约85" is not a number'),
        (f"{where}D3: ", '"1.2万" is not a number'),
        (f"{where}D4: ", '"—" is not a number'),
        (f"{where}D5: ", 'shown as a percentage, but the indicator\'s unit is "万户"'),
        (f"{where}C6: ", "the date is in the future"),  # the date's cell
        (f"{where}C7: ", "the date is before the indicator starts (2023-01-01)"),
        (f"{where}A8: ", 'no bus matches "送汽下乡" (did you mean "送气下乡"?)'),
        (f"{where}D10: ", f"given twice in the input (also at {where}D9)"),
        (f"{where}D11: ", "41 differs from the reading already there (40, at "),
        (f"{where}C12: ", '"明年" is not a date'),
        (f"{where}D13: ", '"TRUE" is not a number'),
        (f"{where}D14: ", "must lie between -1e15 and 1e15"),
        (f"{where}A16: ", "no bus given"),
    ]
    for prefix, message in expected:
        assert any(line.startswith(prefix) and message in line for line in lines), (prefix, err)
    assert lines[-1].endswith("problems in the input; nothing was imported")


def _filled_template(data: Path, tmp_path: Path, rows: dict[str, dict[str, object]]) -> Path:
    """`gongfu template -o all.xlsx`, every sheet, with `rows` typed into each indicator's row."""
    path = tmp_path / "all.xlsx"
    code, _, err = run("template", "-o", str(path), data=data)
    assert code == 0, err
    book = load_workbook(path)
    for indicator, cells in rows.items():
        ws = next(ws for ws in book if indicator in [row[2] for row in rows_of(ws)])
        fill(ws, indicator, **cells)
    book.save(path)
    return path


def test_a_date_problem_names_the_date_cell(data: Path, tmp_path: Path) -> None:
    path = _filled_template(data, tmp_path, {
        "coverage": {"本期数值": 50, "日期": datetime(2021, 1, 1)},  # before the start
        "households": {"本期数值": 5, "日期": "2099-06-30"},  # in the future
        "scenic": {"本期数值": 90, "日期": datetime(2022, 6, 30)},  # before 2023-01-01
    })  # fmt: skip
    before = data.read_bytes()
    code, _, err = run("import", str(path), data=data)
    assert code == 1 and data.read_bytes() == before
    assert err.split("\n")[:3] == [
        f'{path}:市建设局!K3: "gas" · "coverage" on 2021-01-01: the date is before the '
        "indicator starts (2022-01-04)",
        f'{path}:市建设局!K4: "gas" · "households" on 2099-06-30: the date is in the future '
        f"(today is {date.today()})",
        f'{path}:市交通运输局!K4: "roads" · "scenic" on 2022-06-30: the date is before the '
        "indicator starts (2023-01-01)",
    ]
    assert "!J" not in err

    csv_path = tmp_path / "回传.csv"
    csv_path.write_text(
        "班车,指标,数值,日期\n送气下乡,通气,50,2021-01-01\n送气下乡,天然气,5,2099-06-30\n",
        encoding="utf-8",
    )
    code, _, err = run("import", str(csv_path), data=data)
    assert code == 1 and data.read_bytes() == before
    lines = err.split("\n")
    assert lines[0].startswith(f"{csv_path}:2:D: ") and "before the indicator starts" in lines[0]
    assert lines[1].startswith(f"{csv_path}:3:D: ") and "in the future" in lines[1]


def test_every_problem_of_a_row_is_listed_in_one_run(data: Path, tmp_path: Path) -> None:
    path = _filled_template(data, tmp_path, {
        "coverage": {"本期数值": "约5", "日期": "2024-13-01"},
        "households": {"本期数值": "1.2万", "日期": datetime(2021, 1, 1), "来源": "一行\n两行"},
        "riders": {"本期数值": "三千", "日期": "2099-06-30"},
        "scenic": {"本期数值": 0.48, "日期": "2099-06-30"},  # a fraction, and in the future
    })  # fmt: skip
    before = data.read_bytes()
    code, _, err = run("import", str(path), data=data)
    assert code == 1 and data.read_bytes() == before
    where, roads = f"{path}:市建设局!", f"{path}:市交通运输局!"
    places = [line.split(": ", 1)[0] for line in err.strip().split("\n")[:-1]]
    assert sorted(places) == sorted([
        f"{where}J3", f"{where}K3",
        f"{where}J4", f"{where}K4", f"{where}L4",
        f"{roads}J3", f"{roads}K3",
        f"{roads}J4", f"{roads}K4",
    ]), err  # fmt: skip
    assert f'{where}J3: "约5" is not a number' in err
    assert f'{where}K3: "2024-13-01" is not a date' in err
    assert f'{where}J4: "1.2万" is not a number' in err
    assert f"{where}K4: " in err and "before the indicator starts (2022-01-04)" in err
    assert f"{where}L4: the source holds a line break" in err
    assert f'{roads}K4: "roads" · "scenic" on 2099-06-30: the date is in the future' in err
    assert f'{roads}J4: "roads" · "scenic" on 2099-06-30: 0.48: 48%?' in err
    assert err.strip().endswith("9 problems in the input; nothing was imported")

    rows = "".join(f"送气下乡,通气,约{k},2024-13-{k + 1:02}\n" for k in range(30))
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("班车,指标,数值,日期\n" + rows, encoding="utf-8")
    code, _, err = run("import", str(csv_path), data=data)
    assert code == 1 and data.read_bytes() == before
    lines = err.strip().split("\n")
    assert lines[0].startswith(f'{csv_path}:2:D: "2024-13-01" is not a date')
    assert lines[1] == f'{csv_path}:2:C: "约0" is not a number'
    assert lines[49] == f'{csv_path}:26:C: "约24" is not a number'
    assert lines[50:] == ["… and 10 more", "60 problems in the input; nothing was imported"]


def test_an_ambiguous_indicator_lists_the_candidates(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("班车,指标,日期,数值\n乡村畅行,率,2024-06-30,95\n送气下乡,气,2024-06-30,1\n")
    code, _, err = run("import", str(path), data=data)
    assert code == 1
    assert f"{path}:2:" not in err  # 率 is one indicator of 乡村畅行
    assert f'{path}:3:B: bus "gas": "气" matches several indicators: "coverage", "households"' in (
        err
    )


def test_a_sheet_without_dates_needs_date(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("bus,indicator,value,source\ngas,coverage,45,月报\n", encoding="utf-8")
    code, _, err = run("import", str(path), data=data)
    assert code == 1 and f"{path}:1: no date column" in err
    code, _, err = run("import", str(path), "--date", "2024-03-31", data=data)
    assert code == 0, err
    reading = load_dataset(data).buses[0].indicators[0].readings[1]
    assert (reading.date, reading.value, reading.source) == (date(2024, 3, 31), 45, "月报")


def test_a_header_is_needed_and_two_value_columns_are_refused(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _, err = run("import", str(path), data=data)
    assert code == 1 and "no header row with a bus column" in err
    path.write_text("班车,指标,日期,数值,value\ngas,coverage,2024-01-31,1,2\n", encoding="utf-8")
    code, _, err = run("import", str(path), data=data)
    assert code == 1 and f'{path}:1:E: a second "value" column (the first is column D)' in err


def test_sheet_chooses_one_sheet_and_names_the_others(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert (
        gongfu("template", "--date", "2024-06-30", "-o", str(out), "-d", str(data)).returncode == 0
    )
    book = load_workbook(out)
    fill(book["市建设局"], "coverage", 本期数值=66)
    fill(book["市交通运输局"], "riders", 本期数值=77)
    book.save(out)
    code, _, err = run("import", str(out), "--sheet", "市交通运输局", data=data)
    assert code == 0, err
    assert set(readings(data)) == {
        ("gas", "coverage", "2023-12-31"),
        ("roads", "riders", "2024-06-30"),
    }
    code, _, err = run("import", str(out), "--sheet", "市财政局", data=data)
    assert code == 1 and "no sheet named 市财政局; it has: 市建设局, 市交通运输局" in err


def test_old_and_unknown_formats_get_advice(data: Path, tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    code, _, err = run("import", str(xls), data=data)
    assert code == 1 and "save it as .xlsx" in err
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    code, _, err = run("import", str(fake), data=data)
    assert code == 1 and "not a readable .xlsx workbook" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# Writes: one per file, all or none


def test_a_directory_dataset_is_written_whole_or_not_at_all(shared_dir: Path) -> None:
    gas, roads = DATA.split('[[buses]]\nid = "roads"')
    (shared_dir / "a.toml").write_text(gas, encoding="utf-8")
    elsewhere = shared_dir / "locked"
    elsewhere.mkdir(mode=0o755)
    (elsewhere / "b.toml").write_text('[[buses]]\nid = "roads"' + roads, encoding="utf-8")
    (elsewhere / "b.toml").chmod(0o666)
    (shared_dir / "b.toml").symlink_to(elsewhere / "b.toml")
    for f in (shared_dir / "a.toml",):
        f.chmod(0o666)
    sheet = shared_dir / "in.csv"
    sheet.write_text("班车,指标,日期,数值\ngas,coverage,2024-06-30,50\nroads,riders,2024-06-30,9\n")
    before = {p: p.read_bytes() for p in (shared_dir / "a.toml", elsewhere / "b.toml")}
    code, out, err = as_nobody("import", str(sheet), "-d", str(shared_dir))
    assert code == 1, out
    assert "cannot" in err
    assert {p: p.read_bytes() for p in before} == before
    code, out, err = as_nobody("import", str(sheet), "-d", str(shared_dir), "--dry-run")
    assert code == 0, err
    os.chmod(elsewhere, 0o777)
    code, out, err = as_nobody("import", str(sheet), "-d", str(shared_dir))
    assert code == 0, err
    assert "written to " in out
    assert (shared_dir / "b.toml").is_symlink()
    assert b"value = 9" in (elsewhere / "b.toml").read_bytes()
    assert b"value = 50" in (shared_dir / "a.toml").read_bytes()


# ---------------------------------------------------------------------------------------------
# Workbooks out, read by an independent library


def test_an_exported_workbook_has_typed_cells(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://x")\x1b[31m'
    path = tmp_path / "d.toml"
    path.write_text(DATA + f"note = {json.dumps(hostile)}\n", encoding="utf-8")
    out = tmp_path / "all.xlsx"
    code, _, err = run(
        "export", "--level", "all", "--as-of", "2024-07-01", "-o", str(out), data=path
    )
    assert code == 0, err
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["buses", "indicators", "readings"]
    rows = book.get_sheet_by_name("readings").to_python()
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header == [
        "班车编号",
        "班车",
        "指标编号",
        "指标",
        "单位",
        "日期",
        "数值",
        "来源",
        "备注",
        "填报人",
        "收到日期",
    ]
    assert first["日期"] == date(2023, 12, 31)
    assert first["数值"] == 40
    assert first["备注"] == '=HYPERLINK("http://x")\\u001b[31m'
    indicators = book.get_sheet_by_name("indicators").to_python()
    row = dict(zip(indicators[0], indicators[1], strict=True))
    assert isinstance(row["完成率"], float) and abs(row["完成率"] - 40 / 70) < 1e-3
    with zipfile.ZipFile(out) as z:
        sheet_xml = z.read("xl/worksheets/sheet3.xml").decode()
        comments = [n for n in z.namelist() if "comments" in n]
        assert "<f>" not in sheet_xml  # no cell is a formula
        assert any("bus_id" in z.read(n).decode() for n in comments)
        styles = z.read("xl/styles.xml").decode()
    assert 'formatCode="0.0%"' in styles and 'formatCode="yyyy-mm-dd"' in styles
    ws = load_workbook(out)["indicators"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")


def test_every_table_command_writes_xlsx(data: Path, tmp_path: Path) -> None:
    for command in (["list"], ["rank"], ["summary"], ["progress", "gas"]):
        out = tmp_path / f"{command[0]}.xlsx"
        code, _, err = run(*command, "-o", str(out), data=data)
        assert code == 0, (command, err)
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
        assert len(rows) >= 2, command


def test_export_level_all_needs_a_workbook(data: Path) -> None:
    code, _, err = run("export", "--level", "all", data=data)
    assert code == 2 and "one sheet per level" in err


def test_a_notes_sheet_is_skipped_with_a_note_and_source_names_the_rows(
    data: Path, tmp_path: Path
) -> None:
    import xlsxwriter

    path = tmp_path / "报送.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("说明").write(0, 0, "本表由市建设局填报，联系人：张三")
    ws = book.add_worksheet("数据")
    ws.write_row(0, 0, ["bus", "indicator", "date", "value", "source"])
    ws.write_row(1, 0, ["gas", "coverage", "2024-03-31", 44, "季报"])
    ws.write_row(2, 0, ["gas", "households", "2024-03-31", 3])
    book.close()
    code, out, err = run("import", str(path), "--source", "一季度报送", "-f", "json", data=data)
    assert code == 0, err
    report = json.loads(out)
    assert report["notes"] == [f"{path}:说明: no header row with a bus column (班车, bus_id) "
                               "and an indicator column (指标, indicator_id) in its first rows; "
                               "sheet skipped"]  # fmt: skip
    sources = {
        r.date.isoformat() + i.id: r.source
        for i in load_dataset(data).buses[0].indicators
        for r in i.readings
    }
    assert sources["2024-03-31coverage"] == "季报"  # the row's own source wins
    assert sources["2024-03-31households"] == "一季度报送"  # --source for rows without one


def test_check_writes_its_problems_as_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    reading = 'bus = "gas"\nindicator = "coverage"'
    bad.write_text(DATA.replace(reading, reading.replace("gas", "gaz")), encoding="utf-8")
    out = tmp_path / "problems.xlsx"
    run = gongfu("check", "-d", str(bad), "-o", str(out))
    assert run.returncode == 1  # the data has a problem; the workbook is still written
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("check").to_python()
    assert rows[0] == ["文件", "行", "级别", "问题"]
    assert rows[1][2] == "error" and 'unknown bus "gaz"' in rows[1][3]
    line = bad.read_text(encoding="utf-8").split("\n").index('bus = "gaz"') + 1
    assert rows[1][1] == line  # the line, as a number


def test_a_csv_without_a_header_is_an_error_among_several_files(data: Path, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("班车,指标,日期,数值\ngas,coverage,2024-06-30,50\n", encoding="utf-8")
    bad.write_text("gas,coverage,2024-06-30,50\n", encoding="utf-8")
    before = data.read_bytes()
    code, _, err = run("import", str(good), str(bad), data=data)
    assert code == 1 and f"{bad}:1: no header row" in err
    assert data.read_bytes() == before
