"""The 通报 as a Word document: written by the real command, read back by python-docx and, as
a second reader, by parsing the document's XML itself; converted by LibreOffice where it is
installed."""

from __future__ import annotations

import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from PIL import Image

from tests.conftest import gongfu

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
BLOCK_TWIPS = round(156 / 25.4 * 1440)  # the text block's width, 156 mm

DATA = """\
[program]
name = "湖州市共富班车"

[[buses]]
id = "gas"
name = "送气下乡"
batch = 2
launched = 2022-01-01
due = 2025-12-31
lead = "市建设局"
field = "燃气"

  [[buses.indicators]]
  id = "villages"
  name = "通气行政村覆盖率"
  unit = "%"
  target = 100

  [[buses.indicators]]
  id = "households"
  name = "使用天然气的农村居民"
  unit = "万户"
  target = 10

[[buses]]
id = "roads"
name = "乡村畅行<b>&amp;"
batch = 2
launched = 2022-01-01
due = 2025-12-31
lead = "市交通运输局"
field = "交通"

  [[buses.indicators]]
  id = "riders"
  name = "服务乘客"
  target = 100

  [[buses.indicators]]
  id = "runs"
  name = "开通班次"
  target = 100

[[buses]]
id = "idle"
name = "尚未报数"
batch = 2
launched = 2022-01-01
due = 2025-12-31
field = "其他"

  [[buses.indicators]]
  id = "x"
  name = "某指标"
  target = 1

  [[buses.indicators]]
  id = "watch"
  name = "只看不考"

[[readings]]
bus = "gas"
indicator = "villages"
date = 2024-06-30
value = 100

[[readings]]
bus = "gas"
indicator = "households"
date = 2024-06-30
value = 9

[[readings]]
bus = "roads"
indicator = "riders"
date = 2023-12-31
value = 40

[[readings]]
bus = "roads"
indicator = "riders"
date = 2024-06-30
value = 50

[[readings]]
bus = "roads"
indicator = "runs"
date = 2024-06-30
value = 10
"""
BUSES = ("送气下乡", "乡村畅行<b>&amp;", "尚未报数")
# by hand: 通气 100/100 achieved; 天然气 90% against a schedule of 911/1460 = 62.4%, on track;
# 乘客 50% is 12.4 points behind (lagging), 班次 10% is 52.4 behind (off track)
HEADLINE = (
    "截至2024年6月30日，3 趟班车共 6 项指标，1 项已完成，1 项超序时进度，2 项滞后（其中 1 项严重"
    "滞后），1 项尚未报数，1 项只监测。"
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bulletin")
    data = folder / "data.toml"
    data.write_text(DATA, encoding="utf-8")
    out = folder / "通报.docx"
    done = gongfu(
        "report", "-d", str(data), "--as-of", "2024-06-30", "--compare", "2024-01-01",
        "--since", "2024-01-01", "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return out


def _mm(length: int | None) -> float:
    assert length is not None
    return length / Mm(1)


def test_the_page_is_a4_with_the_official_text_block(written: Path) -> None:
    section = docx.Document(str(written)).sections[0]
    assert _mm(section.page_width) == pytest.approx(210, abs=0.1)
    assert _mm(section.page_height) == pytest.approx(297, abs=0.1)
    assert _mm(section.top_margin) == pytest.approx(37, abs=0.1)
    assert _mm(section.left_margin) == pytest.approx(28, abs=0.1)
    block_width = _mm(section.page_width) - _mm(section.left_margin) - _mm(section.right_margin)
    block_height = _mm(section.page_height) - _mm(section.top_margin) - _mm(section.bottom_margin)
    assert block_width == pytest.approx(156, abs=0.1)
    assert block_height == pytest.approx(225, abs=0.1)


def _east_asian(style: docx.styles.style.BaseStyle) -> str | None:
    fonts = style.element.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def test_title_body_and_headings_in_their_fonts_and_sizes(written: Path) -> None:
    document = docx.Document(str(written))
    paragraphs = [p for p in document.paragraphs if p.text]
    title, headings = paragraphs[0], [p for p in paragraphs if p.text.startswith("一、")]
    assert title.text == "湖州市共富班车进度通报"
    assert _east_asian(title.style) == "方正小标宋简体" and title.style.font.size.pt == 22
    assert headings and headings[0].text == "一、总体情况"
    heading = headings[0].style
    assert _east_asian(heading) == "黑体" and heading.font.size.pt == 16
    body = next(p for p in paragraphs if p.text == HEADLINE)
    assert body.style.name == "Normal"
    assert _east_asian(body.style) == "仿宋_GB2312" and body.style.font.size.pt == 16
    # 22 lines in the 225 mm block
    assert body.style.paragraph_format.line_spacing.pt == pytest.approx(225 / 25.4 * 72 / 22, 0.01)
    numbered = [p.text for p in paragraphs if p.style.name == heading.name]
    assert numbered[:5] == ["一、总体情况", "二、赛马情况", "三、2024-01-01 以来的变化",
                            "四、督办事项", "五、按牵头单位"]  # fmt: skip


def test_every_bus_is_named_and_user_text_stays_text(written: Path) -> None:
    document = docx.Document(str(written))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    race = document.tables[0]
    assert [c.text for c in race.rows[0].cells][-1] == "进退"
    named = {row.cells[1].text for row in race.rows[1:]}
    assert named == set(BUSES)  # the name with <b>&amp; is shown as it is written
    for bus in BUSES:
        assert bus in cells


def test_the_followup_items_stand_by_agency(written: Path) -> None:
    """The 督办 section: each agency's heading, then its red, yellow and owed items."""
    document = docx.Document(str(written))
    texts = [p.text for p in document.paragraphs]
    assert "四、督办事项" in texts
    assert any(t.startswith("市交通运输局 · 红灯 1 · 黄灯 1") for t in texts)
    items = {
        (row.cells[1].text, row.cells[2].text)
        for table in document.tables
        if [c.text for c in table.rows[0].cells][:3] == ["班车", "指标", "事项"]
        for row in table.rows[1:]
    }
    assert {("开通班次", "红灯"), ("服务乘客", "黄灯")} <= items


def test_a_second_reader_of_the_xml(written: Path) -> None:
    """Parsed without python-docx: tables no wider than the block, header rows repeated, East
    Asian fonts named, stand-ins in the font table, page numbers, pictures that are PNGs."""
    with zipfile.ZipFile(written) as archive:
        body = ET.fromstring(archive.read("word/document.xml"))
        fonts = ET.fromstring(archive.read("word/fontTable.xml"))
        footers = [ET.fromstring(archive.read(n)) for n in archive.namelist()
                   if n.startswith("word/footer")]  # fmt: skip
        pictures = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) >= 4
    for table in tables:
        width = table.find(f"{W}tblPr/{W}tblW")
        assert width is not None and width.get(f"{W}type") == "dxa"
        assert int(width.get(f"{W}w", "0")) <= BLOCK_TWIPS
        grid = [int(c.get(f"{W}w", "0")) for c in table.iter(f"{W}gridCol")]
        assert sum(grid) <= BLOCK_TWIPS
        first = table.find(f"{W}tr")
        assert first is not None and first.find(f"{W}trPr/{W}tblHeader") is not None
    alternatives = {
        f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")  # type: ignore[union-attr]
        for f in fonts.iter(f"{W}font")
        if f.find(f"{W}altName") is not None
    }
    assert alternatives["方正小标宋简体"] == "黑体"
    assert alternatives["仿宋_GB2312"] == "仿宋"
    instructions = ["".join(f.itertext()) for f in footers]
    assert len(footers) == 2 and all("PAGE" in text and "—" in text for text in instructions)
    extents = [int(e.get("cx", "0")) for e in body.iter(f"{WP}extent")]
    assert extents and max(extents) <= Mm(156) + 1
    assert len(pictures) == len(extents)
    for picture in pictures:
        image = Image.open(io.BytesIO(picture))
        assert image.format == "PNG" and image.width > 100


def test_the_headline_sentence_counts_indicators(written: Path) -> None:
    texts = [p.text for p in docx.Document(str(written)).paragraphs]
    assert HEADLINE in texts


def test_the_overall_attainment_reads_as_in_the_report(written: Path) -> None:
    """The 通报 states the programme's overall attainment in the words of the report page."""
    data = written.parent / "data.toml"
    page = gongfu("report", "-d", str(data), "--as-of", "2024-06-30")
    assert page.returncode == 0, page.stderr.decode()
    (line,) = [x for x in page.stdout.decode().splitlines() if "总体完成率：" in x]
    said = line.split("总体完成率：", 1)[1]
    texts = [p.text for p in docx.Document(str(written)).paragraphs]
    assert any(f"总体完成率 {said}" in text for text in texts), (said, texts[:8])


def test_a_docx_report_needs_a_file(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    data.write_text(DATA, encoding="utf-8")
    done = gongfu("report", "-d", str(data), "-f", "docx")
    assert done.returncode == 2
    assert "-o FILE.docx" in done.stderr.decode()
    assert not list(tmp_path.glob("*.docx"))


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_it_to_a4_pdf(written: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    assert SOFFICE is not None
    profile = tmp_path / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(written)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reader = PdfReader(str(tmp_path / "通报.pdf"))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=1)
    assert float(box.height) == pytest.approx(841.9, abs=1)
    text = "".join(page.extract_text() for page in reader.pages)
    for bus in ("送气下乡", "尚未报数"):
        assert bus in text


def test_followup_writes_each_agencys_duban_as_docx(tmp_path: Path) -> None:
    data = tmp_path / "data.toml"
    data.write_text(DATA, encoding="utf-8")
    folder = tmp_path / "督办单"
    done = gongfu("followup", "-d", str(data), "--as-of", "2024-06-30", "-o", f"{folder}/",
                  "--format", "docx")  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["市交通运输局.docx", "未指定牵头单位.docx"]  # 市建设局 owes nothing
    sheet = docx.Document(str(folder / "市交通运输局.docx"))
    section = sheet.sections[0]
    assert _mm(section.page_width) == pytest.approx(210, abs=0.1)
    assert _mm(section.top_margin) == pytest.approx(37, abs=0.1)
    texts = [p.text for p in sheet.paragraphs if p.text]
    assert texts[:3] == ["督办单", "（截至2024年6月30日）", "市交通运输局："]
    assert _east_asian(sheet.paragraphs[0].style) == "方正小标宋简体"
    assert "红灯 1 项，黄灯 1 项" in texts[3] and "前书面回复" in texts[3]
    rows = [[c.text for c in row.cells] for row in sheet.tables[0].rows]
    assert rows[0][:3] == ["班车", "指标", "事项"]
    assert {(r[1], r[2]) for r in rows[1:]} == {("开通班次", "红灯"), ("服务乘客", "黄灯")}
    unassigned = docx.Document(str(folder / "未指定牵头单位.docx"))
    assert "各有关单位：" in [p.text for p in unassigned.paragraphs]
    refused = gongfu("followup", "-d", str(data), "-f", "docx")
    assert refused.returncode == 2 and "-o DIR/" in refused.stderr.decode()


def test_control_characters_in_a_name_are_shown_not_written(tmp_path: Path) -> None:
    """A name holding an escape sequence or a bell: shown as text (no XML can hold them)."""
    data = tmp_path / "data.toml"
    data.write_text(DATA.replace('name = "尚未报数"', 'name = "尚未\\u001b[31m报数\\u0007"'),
                    encoding="utf-8")  # fmt: skip
    out = tmp_path / "通报.docx"
    done = gongfu("report", "-d", str(data), "--as-of", "2024-06-30", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    cells = {c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells}
    assert "尚未\\x1b[31m报数\\x07" in cells
