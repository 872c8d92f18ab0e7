"""Workbooks through LibreOffice, the spreadsheet many offices use beside Excel and WPS: it opens
the template, saves a filled-in copy that gongfu imports, and reads gongfu's export.

Runs where LibreOffice (`soffice`) is installed; skipped elsewhere (it is large, so CI does not
install it: the two spreadsheet libraries of tests/editing/test_import.py cover the format there).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.builders import IMPORT_DATA as DATA
from tests.builders import fill, readings
from tests.conftest import gongfu

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def convert(path: Path, to: str, out: Path) -> None:
    assert SOFFICE is not None
    out.mkdir(exist_ok=True)
    profile = out / "profile"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")


def test_a_sheet_saved_by_libreoffice_imports(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    data.write_text(DATA, encoding="utf-8")
    sheet = tmp_path / "报送表.xlsx"
    run = gongfu("template", "--lead", "建设", "--date", "2024-06-30", "-o", str(sheet),
                 "-d", str(data))  # fmt: skip
    assert run.returncode == 0, run.stderr
    book = load_workbook(sheet)
    ws = book.active
    fill(ws, "coverage", 本期数值=(0.55, "0%"), 来源="半年报")
    fill(ws, "households", 本期数值=5.1, 日期=datetime(2024, 5, 31))
    book.save(sheet)
    convert(sheet, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved")
    resaved = tmp_path / "saved" / "报送表.xlsx"
    assert resaved.read_bytes() != sheet.read_bytes()  # LibreOffice wrote it anew
    run = gongfu("import", str(resaved), "-d", str(data))
    assert run.returncode == 0, run.stderr
    got = readings(data)
    assert got[("gas", "coverage", "2024-06-30")] == 55
    assert got[("gas", "households", "2024-05-31")] == 5.1


def test_libreoffice_reads_the_export_and_the_template(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    data.write_text(DATA, encoding="utf-8")
    export = tmp_path / "readings.xlsx"
    run = gongfu("export", "--level", "readings", "-o", str(export), "-d", str(data))
    assert run.returncode == 0, run.stderr
    convert(export, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    with open(tmp_path / "csv" / "readings.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "班车编号",
        "班车",
        "指标编号",
        "指标",
        "单位",
        "日期",
        "数值",
        "来源",
        "备注",
    ]
    assert rows[1][:7] == [
        "gas",
        "送气下乡",
        "coverage",
        "通气行政村覆盖率",
        "%",
        "2023-12-31",
        "40",
    ]
    template = tmp_path / "t.xlsx"
    assert gongfu("template", "-o", str(template), "-d", str(data)).returncode == 0
    convert(template, "pdf", tmp_path / "pdf")
    assert (tmp_path / "pdf" / "t.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args",
    [[], ["--lead", "市市"], ["--date", "2024-06-30"], ["--bus", "乡村畅行"]],
    ids=["all", "one agency", "dated", "one bus"],
)
def test_libreoffice_opens_every_template(tmp_path: Path, args: list[str]) -> None:
    """Lead names that cut to 31 characters end in an apostrophe or a blank before they are
    trimmed: LibreOffice refuses such a sheet name, so each template must open."""
    data = tmp_path / "d.toml"
    leads = ("市" * 30 + "'s 联合办公室", "局" * 30 + " 联合办公室")
    data.write_text(
        DATA.replace("市建设局", leads[0]).replace("市交通运输局", leads[1]), encoding="utf-8"
    )
    template = tmp_path / "t.xlsx"
    run = gongfu("template", *args, "-o", str(template), "-d", str(data))
    assert run.returncode == 0, run.stderr
    convert(template, "pdf", tmp_path / "pdf")
    assert (tmp_path / "pdf" / "t.pdf").read_bytes().startswith(b"%PDF")
