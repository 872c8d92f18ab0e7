"""What agencies send, read without dropping, garbling or crashing: stray quotes, mixed
encodings, formulas without values, hidden sheets and rows, ids and names that disagree, and
broken or hostile workbooks, each a real file; a refused import leaves the data as it was."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.builders import IMPORT_DATA as DATA
from tests.builders import readings
from tests.builders import run_on as run
from tests.conftest import gongfu


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "buses.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def refused(data: Path, *args: str) -> str:
    """Run an import that must fail cleanly and leave the data byte for byte as it was."""
    before = data.read_bytes()
    code, out, err = run("import", *args, data=data)
    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert data.read_bytes() == before
    return err


HEADER = "班车,指标,日期,数值,来源\n"
GAS = "送气下乡,通气行政村覆盖率"


# ---------------------------------------------------------------------------------------------
# CSV: stray quotes and line breaks


def test_a_stray_quote_in_a_cell_gongfu_reads_is_a_located_problem(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        HEADER
        + f'{GAS},2024-03-31,41,"月报\n'
        + f"{GAS},2024-06-30,45,月报\n"
        + "乡村畅行,服务乘客,2024-06-30,3000,月报\n",
        encoding="utf-8",
    )
    err = refused(data, str(path))
    assert err.startswith(f'{path}:2: a quote (") opens the cell in column E and does not close')
    assert "lines 2–4 read as one cell" in err


def test_a_stray_quote_that_swallows_the_rest_of_a_long_file_is_named(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    rows = "".join(f"{GAS},2024-{1 + k // 28:02}-{1 + k % 28:02},{k},月报\n" for k in range(300))
    path.write_text(HEADER + f'{GAS},2023-12-31,40,"月报\n' + rows * 20, encoding="utf-8")
    err = refused(data, str(path))
    assert err.startswith(f"{path}:2: a cell runs on past 131,072 characters from this line")


def test_a_stray_quote_swallowing_rows_into_an_unread_column_is_a_problem(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "班车,说明,指标,日期,数值\n"
        + '送气下乡,"见附件,通气行政村覆盖率,2024-03-31,41\n'
        + "送气下乡,无,通气行政村覆盖率,2024-06-30,45\n",
        encoding="utf-8",
    )
    err = refused(data, str(path))
    assert f'{path}:2: a quote (") opens the cell in column B' in err


def test_a_cell_of_several_lines_in_an_unread_column_is_fine_and_lines_stay_right(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "班车,指标,日期,数值,说明\n"
        + f'{GAS},2024-03-31,41,"第一行\n第二行\n第三行"\n'
        + "乡村畅行,服务乘客,2024-06-30,三千,\n",
        encoding="utf-8",
    )
    err = refused(data, str(path))
    assert err.startswith(f'{path}:5:D: "三千" is not a number')  # line 5, not row 3
    path.write_text(
        "班车,指标,日期,数值,说明\n" + f'{GAS},2024-03-31,41,"第一行\n第二行"\n', encoding="utf-8"
    )
    code, _, err = run("import", str(path), data=data)
    assert code == 0, err
    assert readings(data)[("gas", "coverage", "2024-03-31")] == 41


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("月报\n附件一", "a line break (U+000A)"),
        ("月报\u009b31m附件", "a control character (U+009B)"),
    ],
)
def test_a_line_break_or_control_character_in_a_source_or_note_is_refused_with_its_cell(
    data: Path, tmp_path: Path, text: str, kind: str
) -> None:
    path = tmp_path / "in.xlsx"
    book = Workbook()
    ws = book.active
    ws.title = "市建设局"
    ws.append(["班车", "指标", "日期", "本期数值", "来源", "备注"])
    ws.append(["送气下乡", "通气行政村覆盖率", "2024-03-31", 41, text, None])
    ws.append(["送气下乡", "通气行政村覆盖率", "2024-06-30", 45, "月报", text])
    book.save(path)
    err = refused(data, str(path))
    assert f"{path}:市建设局!E2: the source holds {kind}" in err
    assert f"{path}:市建设局!F3: the note holds {kind}" in err


# ---------------------------------------------------------------------------------------------
# Encodings


def test_a_file_that_mixes_encodings_is_refused_at_its_first_foreign_line(
    data: Path, tmp_path: Path
) -> None:
    lines = [
        HEADER,
        f"{GAS},2024-03-31,41,市建设局\n",
        "乡村畅行,服务乘客,2024-06-30,3000,市交通局\n",
        f"{GAS},2024-06-30,45,市建设局\n",
    ]
    raw = [line.encode("utf-8") for line in lines]
    raw[2] = lines[2].encode("gbk")
    path = tmp_path / "mixed.csv"
    for bom in (b"", b"\xef\xbb\xbf"):
        path.write_bytes(bom + b"".join(raw))
        err = refused(data, str(path))
        assert (
            err == f"{path}:3: this line is GBK, the rest UTF-8; save the whole file as CSV UTF-8\n"
        )
    # mostly GBK with one UTF-8 line: that line is the foreign one
    raw = [line.encode("gbk") for line in lines]
    raw[3] = lines[3].encode("utf-8")
    path.write_bytes(b"".join(raw))
    err = refused(data, str(path))
    assert err == f"{path}:4: this line is UTF-8, the rest GBK; save the whole file as CSV UTF-8\n"


def test_bad_bytes_after_a_byte_order_mark_are_a_located_problem(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + HEADER.encode() + f"{GAS},2024-03-31,41,".encode() + b"\x80\n"
    )
    err = refused(data, str(path))
    assert err.startswith(f"{path}:2: not UTF-8 text after the byte-order mark")


# ---------------------------------------------------------------------------------------------
# Workbooks: formulas, hidden sheets and rows, ids beside names


def test_a_formula_without_a_computed_value_is_a_located_problem(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "script.xlsx"
    book = Workbook()  # openpyxl, like most scripts, saves formulas without their values
    ws = book.active
    ws.title = "汇总"
    ws.append(["班车", "指标", "日期", "本期数值"])
    ws.append(["送气下乡", "通气行政村覆盖率", "2024-06-30", "=40+5"])
    ws.append(["乡村畅行", "服务乘客", "2024-06-30", 3000])
    book.save(path)
    err = refused(data, str(path))
    assert err.startswith(
        f'{path}:汇总!D2: a formula ("=40+5") saved without its value; open and save it in '
        "Excel or WPS"
    )


def test_hidden_sheets_and_rows_are_skipped_with_a_note_unless_asked_for(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "hidden.xlsx"
    book = Workbook()
    names = {"市建设局": "visible", "草稿": "hidden", "底稿": "veryHidden"}
    days = {"市建设局": "2024-03-31", "草稿": "2024-04-30", "底稿": "2024-05-31"}
    book.remove(book.active)
    for title, state in names.items():
        ws = book.create_sheet(title)
        ws.sheet_state = state
        ws.append(["班车", "指标", "日期", "本期数值"])
        ws.append(["送气下乡", "通气行政村覆盖率", days[title], 41])
    visible = book["市建设局"]
    visible.append(["送气下乡", "通气行政村覆盖率", "2024-06-30", 45])
    visible.append(["乡村畅行", "服务乘客", "2024-06-30", 3000])
    visible.row_dimensions[3].hidden = True
    book.save(path)
    before = data.read_bytes()
    code, out, err = run("import", str(path), "--dry-run", data=data)
    assert code == 0, err
    assert f"note: {path}: the hidden sheet 草稿 was skipped; import with --include-hidden" in out
    assert f"note: {path}: the very hidden sheet 底稿 was skipped" in out
    assert f"note: {path}:市建设局: hidden row 3 skipped; import with --include-hidden" in out
    assert "2 to add" in out
    assert data.read_bytes() == before
    code, out, err = run("import", str(path), "--include-hidden", data=data)
    assert code == 0, err
    assert "note:" not in out
    got = readings(data)
    for day in ("2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"):
        assert ("gas", "coverage", day) in got


def test_an_id_and_a_name_that_disagree_are_a_problem_naming_both(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "t.xlsx"
    code, _, err = run("template", "--lead", "建设", "--date", "2024-06-30", "-o", str(path),
                       data=data)  # fmt: skip
    assert code == 0, err
    book = load_workbook(path)
    ws = book["市建设局"]
    assert [ws["C3"].value, ws["D3"].value] == ["coverage", "通气行政村覆盖率"]
    ws["D3"] = "使用天然气的农村居民"  # the name of the other indicator, beside coverage's id
    ws["J3"] = 45
    ws["J4"] = 2.5  # households: the id and the name agree
    book.save(path)
    err = refused(data, str(path))
    assert err.startswith(
        f'{path}:市建设局!D3: the indicator "使用天然气的农村居民" (that is "households") '
        f'disagrees with the indicator_id "coverage" ("通气行政村覆盖率") at {path}:市建设局!C3'
    )
    assert "D4" not in err
    ws["D3"] = "通气行政村覆盖率"
    ws["B4"] = "乡村畅行"
    book.save(path)
    err = refused(data, str(path))
    assert err.startswith(
        f'{path}:市建设局!B4: the bus "乡村畅行" (that is "roads") disagrees with the bus_id '
        f'"gas" ("送气下乡") at {path}:市建设局!A4'
    )


# ---------------------------------------------------------------------------------------------
# Broken and hostile workbooks: each a real file, made by a spreadsheet library and corrupted


def _template(path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("市建设局")
    ws.write_row(0, 0, ["班车", "指标", "日期", "数值"])
    ws.write_row(1, 0, ["送气下乡", "通气行政村覆盖率", "2024-06-30", 45])
    book.close()


SHEET = "xl/worksheets/sheet1.xml"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet ['
    '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
)


def _sub(old: str, new: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        assert old in text, old
        return text.replace(old, new, 1).encode("utf-8")

    return edit


HOSTILE: dict[str, tuple[dict[str, Callable[[bytes], bytes] | None], str]] = {
    "billion laughs": (
        {
            SHEET: lambda x: (
                LAUGHS.encode() + x.split(b"?>", 1)[1].replace(b"<v>45</v>", b"<v>&i;</v>")
            )
        },
        "sheet 市建设局",
    ),
    "external entity": (
        {
            SHEET: lambda x: (
                b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM '
                b'"file:///etc/passwd">]>'
                + x.split(b"?>", 1)[1].replace(
                    b'<c r="D2"><v>45</v>', b'<c r="D2" t="inlineStr"><is><t>&x;</t></is>'
                )
            )
        },
        "sheet 市建设局",
    ),
    "bad XML": ({SHEET: lambda x: x[: len(x) // 2]}, "sheet 市建设局"),
    "NaN in a value": ({SHEET: _sub("<v>45</v>", "<v>NaN</v>")}, "sheet 市建设局"),
    "bad cell reference": ({SHEET: _sub('r="D2"', 'r="2D"')}, "sheet 市建设局"),
    "cell past column XFD": ({SHEET: _sub('r="D2"', 'r="XFE2"')}, "past column XFD"),
    "bad style index": ({SHEET: _sub('<c r="D2">', '<c r="D2" s="999">')}, "no style 999"),
    "bad shared string": (
        {SHEET: _sub('<c r="A2" t="s"><v>4</v>', '<c r="A2" t="s"><v>99</v>')},
        "sheet 市建设局",
    ),
    "bad row number": ({SHEET: _sub('<row r="2"', '<row r="two"')}, "sheet 市建设局"),
    "bad date cell": (
        {SHEET: _sub('<c r="D2"><v>45</v>', '<c r="D2" t="d"><v>soon</v>')},
        "sheet 市建设局",
    ),
    "encrypted part": ({}, "is encrypted"),
    "missing shared strings": ({"xl/sharedStrings.xml": None}, "xl/sharedStrings.xml"),
    "missing sheet part": (
        {SHEET: None},
        "sheet 市建设局: its part xl/worksheets/sheet1.xml is missing",
    ),
    "bad workbook part": ({"xl/workbook.xml": lambda x: b"<workbook"}, "not a readable"),
}


def _corrupted(tmp_path: Path, case: str) -> Path:
    source = tmp_path / "template.xlsx"
    _template(source)
    edits = HOSTILE[case][0]
    out = tmp_path / "报送表.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename in edits:
                edit = edits[info.filename]
                if edit is None:
                    continue
                content = edit(content)
            new.writestr(info, content)
    if case == "encrypted part":
        _mark_encrypted(out, SHEET)
    return out


def _mark_encrypted(path: Path, name: str) -> None:
    """Set the 'encrypted' flag of one part in its local and central headers, as a
    password-protected part has it (zipfile clears it when writing)."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    raw[local + 6] |= 0x1
    at = raw.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + length] == name.encode():
            raw[at + 8] |= 0x1
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_broken_or_hostile_workbook_is_one_message_and_no_traceback(
    data: Path, tmp_path: Path, case: str
) -> None:
    path = _corrupted(tmp_path, case)
    err = refused(data, str(path))
    lines = err.strip().split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{path}: not a readable .xlsx workbook ("), err
    assert HOSTILE[case][1] in lines[0]
    assert "root:" not in err  # no file of this machine read through an entity


def test_openpyxl_warnings_are_notes_naming_the_file(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    _template(path)
    with zipfile.ZipFile(path) as old:
        parts = {i.filename: old.read(i) for i in old.infolist()}
    # a cell beside the figures, marked as a date with a serial no calendar holds: openpyxl warns
    styles = parts["xl/styles.xml"].decode()
    styles = re.sub(
        r'<cellXfs count="1">(.*?)</cellXfs>',
        r'<cellXfs count="2">\1<xf numFmtId="14" fontId="0" fillId="0" borderId="0" '
        r'xfId="0" applyNumberFormat="1"/></cellXfs>',
        styles,
    )
    parts["xl/styles.xml"] = styles.encode()
    parts[SHEET] = _sub("<v>45</v></c>", '<v>45</v></c><c r="E2" s="1"><v>1e20</v></c>')(
        parts[SHEET]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, content in parts.items():
            new.writestr(name, content)
    code, out, err = run("import", str(path), data=data)
    assert code == 0, err
    assert err == ""  # no raw Python warning
    assert (
        f"note: {path}:市建设局: Cell E2 is marked as a date but the serial value 1e+20 is "
        "outside the limits for dates. The cell will be treated as an error. (openpyxl)"
    ) in out
    assert readings(data)[("gas", "coverage", "2024-06-30")] == 45


# ---------------------------------------------------------------------------------------------
# Bounded work


def zip_bomb(path: Path, unpacked: int = 110 * 1024 * 1024) -> None:
    """A real workbook whose one sheet is a few hundred KB packed and `unpacked` bytes of rows."""
    source = path.with_suffix(".template.xlsx")
    _template(source)
    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    row += b" " * (1024 * 1024 - len(row))  # blanks between rows: XML allows them, zip packs them
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for info in old.infolist():
            if info.filename != SHEET:
                new.writestr(info, old.read(info))
                continue
            head, tail = old.read(info).split(b"</sheetData>")
            part = zipfile.ZipInfo(SHEET)
            part.compress_type = zipfile.ZIP_DEFLATED
            with new.open(part, "w") as out:
                out.write(head)
                for _ in range(unpacked // len(row)):
                    out.write(row)
                out.write(b"</sheetData>" + tail)
    source.unlink()


def test_a_zip_bomb_is_refused_before_it_is_parsed(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    zip_bomb(path)
    assert path.stat().st_size < 124 * 1024
    started = time.monotonic()
    err = refused(data, str(path))
    assert time.monotonic() - started < 2 + 1.5  # a process start on a busy machine
    assert f"{path}: refused: its part xl/worksheets/sheet1.xml unpacks to more than 100 MB" in err


def test_an_import_stops_past_the_row_and_cell_limits(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("班车,指标,日期,数值\n")
        out.write(f"{GAS},2024-06-30,\n" * 200_000)
    err = refused(data, str(path))
    assert err == (
        f"{path}:200001: more than 200,000 rows in this import; import the sheets a few at a time\n"
    )
    with open(path, "w", encoding="utf-8") as out:
        out.write("班车,指标,日期,数值" + ",x" * 26 + "\n")
        out.write(f"{GAS},2024-06-30," + "," * 26 + "\n" * 0 + "\n")
        out.write((f"{GAS},2024-06-30," + "," * 26 + "\n") * 150_000)
    err = refused(data, str(path))
    assert re.fullmatch(
        rf"{re.escape(str(path))}:\d+: more than 4,000,000 cells in this import; .*\n", err
    )


def test_problems_are_listed_up_to_fifty(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "班车,指标,日期,数值\n"
        + "".join(f"{GAS},2024-{1 + k // 28:02}-{1 + k % 28:02},x{k}\n" for k in range(70)),
        encoding="utf-8",
    )
    lines = refused(data, str(path)).strip().split("\n")
    assert len(lines) == 52
    assert lines[49].startswith(f'{path}:51:D: "x49" is not a number')
    assert lines[50] == "… and 20 more"
    assert lines[51] == "70 problems in the input; nothing was imported"


def test_reading_a_csv_takes_a_few_times_its_size_in_memory(tmp_path: Path) -> None:
    import tracemalloc

    from gongfu_cli.editing.importing import read_entries
    from gongfu_cli.spreadsheets.read import read_sheets

    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("班车,指标,日期,数值,来源\n")
        for k in range(20_000):
            out.write(f"{GAS},2024-06-30,{k},半年报\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        sheets, _ = read_sheets(path)
        intake = read_entries(sheets, None, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(intake.entries) == 20_000
    assert peak < 10 * size, peak / size  # each figure held once, the text read line by line


# ---------------------------------------------------------------------------------------------
# Spreadsheets out: names and cells within Excel's limits


def test_a_template_sheet_name_is_cut_then_trimmed(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    path = tmp_path / "d.toml"
    leads = ("市" * 30 + "'s 联合办公室", "局" * 30 + " 联合办公室")
    path.write_text(
        DATA.replace("市建设局", leads[0]).replace("市交通运输局", leads[1]), encoding="utf-8"
    )
    out = tmp_path / "t.xlsx"
    done = gongfu("template", "-o", str(out), "-d", str(path))
    assert done.returncode == 0, done.stderr
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["市" * 30, "局" * 30]


def test_an_xlsx_export_names_each_cell_cut_at_excels_limit(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    long = "长" * 40_000
    path.write_text(DATA + f'note = "{long}"\nsource = "月报"\n', encoding="utf-8")
    out = tmp_path / "readings.xlsx"
    done = gongfu("export", "--level", "readings", "-o", str(out), "-d", str(path))
    assert done.returncode == 0, done.stderr
    err = done.stderr.decode()
    assert f"note: {out}:readings!I2: cut at 32,767 characters, Excel's limit for a cell" in err
    sheet = load_workbook(out)["readings"]
    assert sheet["I2"].value == "长" * 32_767 and sheet["H2"].value == "月报"


def test_running_out_of_memory_is_a_message(data: Path, tmp_path: Path) -> None:
    import resource
    import subprocess
    import sys

    path = tmp_path / "huge.csv"
    line = f"{GAS},2024-06-30,\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write("班车,指标,日期,数值\n" + line * (60_000_000 // len(line.encode())))
    limit = 150 * 1024 * 1024  # address space: enough to start, not to hold the file decoded

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    before = data.read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "gongfu_cli", "import", str(path), "-d", str(data)],
        capture_output=True,
        preexec_fn=cap,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "the sheets are too large to read in the memory there is; import them a few at a time\n"
    )
    assert data.read_bytes() == before
