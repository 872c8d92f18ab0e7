"""Who reported each figure: readings' `by` (填报人) and `received`, set by `record --by` and by
`import` (from the sheet's 填报人 line, a 填报人 column, or --by), shown by `history`, exported
as the last columns of `export --level readings`, known to the JSON Schema and to `check`."""

from __future__ import annotations

import csv
import io
import marshal
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gongfu_cli.cli.app import app
from gongfu_cli.store.cache import pack, unpack
from gongfu_cli.store.load import load_dataset
from gongfu_cli.store.schema import SCHEMA
from tests.builders import IMPORT_DATA as DATA
from tests.builders import fill

runner = CliRunner()
TODAY = date.today().isoformat()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def reporters(path: Path) -> dict[tuple[str, str, str], tuple[str | None, date | None]]:
    return {
        (b.id, i.id, str(r.date)): (r.by, r.received)
        for b in load_dataset(path).buses
        for i in b.indicators
        for r in i.readings
    }


def test_record_by_names_the_reporter_and_the_day_it_came_in(data: Path) -> None:
    code, _, err = run("record", "送气下乡", "通气", "45", "--date", "2024-06-30", "--by",
                       "张三", "-d", str(data))  # fmt: skip
    assert code == 0, err
    assert data.read_text(encoding="utf-8").endswith(
        f'value = 45\nby = "张三"\nreceived = {TODAY}\n'
    )
    assert reporters(data)[("gas", "coverage", "2024-06-30")] == ("张三", date.today())
    code, out, _ = run("history", "送气下乡", "通气", "-d", str(data), "--as-of", "2024-06-30")
    assert code == 0
    header = next(line for line in out.splitlines() if "日期" in line).split()
    assert header[-2:] == ["填报人", "收到日期"]
    last = next(line for line in out.splitlines() if line.strip().startswith("2024-06-30"))
    assert last.split()[-2:] == ["张三", TODAY]
    code, out, _ = run("export", "--level", "readings", "-d", str(data), "--as-of", "2024-06-30")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[-2:] == ["by", "received"]
    assert (rows[-1]["by"], rows[-1]["received"]) == ("张三", TODAY)
    assert rows[0]["by"] == rows[0]["received"] == ""
    code, out, _ = run("history", "送气下乡", "通气", "-f", "csv", "-d", str(data))
    assert out.splitlines()[0].endswith(",source,by,received")


def test_a_history_without_reporters_keeps_its_columns(data: Path) -> None:
    code, out, _ = run("history", "送气下乡", "通气", "-d", str(data), "--as-of", "2024-06-30")
    assert code == 0 and "填报人" not in out


def test_a_correction_by_someone_says_who(data: Path) -> None:
    code, _, err = run("record", "送气下乡", "通气", "41", "--date", "2023-12-31", "--replace",
                       "--by", "李四", "-d", str(data))  # fmt: skip
    assert code == 0, err
    assert reporters(data)[("gas", "coverage", "2023-12-31")] == ("李四", date.today())


def test_import_reads_the_templates_reporter_line(data: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "报送表.xlsx"
    code, _, err = run("template", "--lead", "建设", "--date", "2024-06-30", "-o", str(sheet),
                       "-d", str(data), "--as-of", "2024-07-01")  # fmt: skip
    assert code == 0, err
    book = load_workbook(sheet)
    ws = book.active
    assert (ws["J1"].value, ws["L1"].value) == ("填报人", "联系电话")
    assert not ws["K1"].protection.locked and not ws["M1"].protection.locked
    assert ws["A2"].value == "bus_id"  # the header and the rows stay where they were
    ws["K1"], ws["M1"] = "王五", "0572-2222222"
    fill(ws, "coverage", 本期数值=55)
    book.save(sheet)
    code, _, err = run("import", str(sheet), "--by", "不用", "-d", str(data))
    assert code == 0, err
    assert reporters(data)[("gas", "coverage", "2024-06-30")] == (
        "王五（0572-2222222）",
        date.today(),
    )


def test_import_by_names_whoever_a_sheet_does_not(data: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "回传.csv"
    sheet.write_text(
        "班车,指标,日期,本期数值,填报人\n"
        "送气下乡,通气,2024-06-30,50,\n"
        "送气下乡,天然气,2024-06-30,5,赵六\n",
        encoding="utf-8",
    )
    code, _, err = run("import", str(sheet), "--by", "孙七", "-d", str(data))
    assert code == 0, err
    found = reporters(data)
    assert found[("gas", "coverage", "2024-06-30")] == ("孙七", date.today())
    assert found[("gas", "households", "2024-06-30")] == ("赵六", date.today())


def test_a_reporter_that_is_not_one_line_is_refused_at_its_cell(data: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text(
        '填报人,"张\n三"\n班车,指标,日期,本期数值\n送气下乡,通气,2024-06-30,50\n',
        encoding="utf-8",
    )
    before = data.read_bytes()
    code, _, err = run("import", str(sheet), "-d", str(data))
    assert code == 1
    assert "r.csv:1" in err and "line break" in err
    assert data.read_bytes() == before


def test_check_and_the_schema_know_by_and_received(data: Path) -> None:
    good = '\n[[readings]]\nbus = "gas"\nindicator = "coverage"\ndate = 2024-06-30\nvalue = 50\n'
    good += 'by = "张三"\nreceived = 2024-07-02\n'
    data.write_text(DATA + good, encoding="utf-8")
    code, out, err = run("check", "-d", str(data), "--as-of", "2024-07-02")
    assert code == 0, out + err
    reading = {"bus": "gas", "indicator": "coverage", "date": "2024-06-30", "value": 50,
               "by": "张三", "received": "2024-07-02"}  # fmt: skip
    jsonschema.validate({"readings": [reading]}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"readings": [{**reading, "by": ""}]}, SCHEMA)
    data.write_text(DATA + good.replace("2024-07-02\n", '"昨天"\n'), encoding="utf-8")
    code, out, _ = run("check", "-d", str(data))
    assert code == 1 and 'key "received"' in out
    data.write_text(DATA + good.replace('"张三"', '""'), encoding="utf-8")
    code, out, _ = run("check", "-d", str(data))
    assert code == 1 and 'key "by"' in out


def test_the_cache_keeps_who_reported(data: Path) -> None:
    run("record", "送气下乡", "通气", "45", "--date", "2024-06-30", "--by", "张三", "-d",
        str(data))  # fmt: skip
    dataset = load_dataset(data)
    again = unpack(marshal.loads(marshal.dumps(pack(dataset))))  # as the cache stores it
    reading = again.buses[0].indicators[0].readings[-1]
    assert (reading.by, reading.received) == ("张三", date.today())
