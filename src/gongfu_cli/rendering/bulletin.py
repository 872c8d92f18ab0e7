"""The 通报 as a Word document, in the layout of Chinese official documents (GB/T 9704-2012).

What leaves the office after a meeting is a .docx that every office opens in Word or WPS: A4,
a text block of 156 x 225 mm (top margin 37 mm, left 28 mm), the title in 2号 小标宋, the body
in 3号 仿宋_GB2312 on a grid of 22 lines, headings in 3号 黑体, page numbers as "— 1 —" on the
outer side. Drawn from the same presentation model as the Markdown and HTML reports
(`views.ReportView`) and the same column specifications, so the figures cannot differ.

python-docx is imported here only, and this module only by the commands that write a .docx.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from gongfu_cli.domain.metrics import Status, status_counts
from gongfu_cli.escapes import visible_line
from gongfu_cli.presentation.columns import Column, cell_text
from gongfu_cli.presentation.followup_view import FOLLOWUP_TABLE, AgencyItems
from gongfu_cli.presentation.rows import Row
from gongfu_cli.presentation.views import CHANGES_TABLE, STALE_TABLE, SUMMARY_TABLE, ReportView
from gongfu_cli.presentation.vocabulary import ITEM_LABELS, UNASSIGNED_LEAD, status_label
from gongfu_cli.rendering.report import (
    _change_groups,
    _change_lines,
    _followup_note,
    _method,
    overall_text,
)

# GB/T 9704-2012, 5.2.1 and 7.1: the page and the text block, in millimetres
PAGE = (210.0, 297.0)
TOP, LEFT = 37.0, 28.0
BLOCK = (156.0, 225.0)
RIGHT = PAGE[0] - LEFT - BLOCK[0]  # 26 mm
BOTTOM = PAGE[1] - TOP - BLOCK[1]  # 35 mm
LINES, CHARS = 22, 28  # lines per page, characters per line

# Chinese type sizes (号) in points
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = 22.0, 16.0, 14.0, 10.5

# Fonts, with what Word and WPS use where one is not installed (the font table's altName):
# 小标宋 is rarely there outside government offices; 仿宋_GB2312 is 仿宋 on Windows 10 and later.
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
SECOND_FONT, NUMBER_FONT = "楷体_GB2312", "宋体"
FALLBACKS = {
    TITLE_FONT: "黑体",
    BODY_FONT: "仿宋",
    HEADING_FONT: "SimHei",
    SECOND_FONT: "楷体",
    NUMBER_FONT: "SimSun",
}

NUMERALS = "一二三四五六七八九十"


def headline(report: ReportView) -> str:
    """The sentence of counts an office reads out first: "N 项已完成，M 项超序时进度，K 项滞后"."""
    counts = dict(status_counts(row["status"] for bus in report.buses for row in bus.indicators))
    total = sum(counts.values())
    lagging = counts.get(Status.LAGGING, 0) + counts.get(Status.OFF_TRACK, 0)
    parts = [
        f"{counts.get(Status.ACHIEVED, 0)} 项已完成",
        f"{counts.get(Status.ON_TRACK, 0)} 项超序时进度",
        f"{lagging} 项滞后"
        + (
            f"（其中 {counts[Status.OFF_TRACK]} 项严重滞后）"
            if counts.get(Status.OFF_TRACK)
            else ""
        ),
    ]
    extra = (
        (Status.OVERDUE, "项逾期未完成"),
        (Status.IN_PROGRESS, "项推进中"),
        (Status.NO_DATA, "项尚未报数"),
        (Status.MONITORED, "项只监测"),
    )
    parts += [f"{counts[s]} {words}" for s, words in extra if counts.get(s)]
    buses = sum(n for _, n in report.batches)
    return f"截至{_day(report)}，{buses} 趟班车共 {total} 项指标，" + "，".join(parts) + "。"


def _day(report: ReportView) -> str:
    day = report.as_of
    return f"{day.year}年{day.month}月{day.day}日"


def _overall(report: ReportView) -> str:
    statuses = "，".join(f"{status_label(s)} {n} 趟" for s, n in report.counts)
    return f"按班车看：{statuses}；总体完成率 {overall_text(report)}。"


def _document() -> Any:
    """A new Word document in the official layout: page, styles, fonts and page numbers."""
    from docx import Document

    doc = Document()
    _page(doc)
    _styles(doc)
    _fonts(doc)
    _page_numbers(doc)
    return doc


def _saved(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_report(report: ReportView, charts: Mapping[str, str] | None = None) -> bytes:
    """The 通报 as .docx bytes; `charts` (SVG by bus id, and `race`) are set as PNG pictures."""
    doc = _document()
    charts = charts or {}

    _paragraph(doc, f"{report.title.removesuffix('进度报告').strip()}进度通报", "通报标题")
    _paragraph(doc, f"（截至{_day(report)}）", "通报日期")
    headings = iter(NUMERALS)

    def heading(text: str) -> None:
        _paragraph(doc, f"{next(headings)}、{text}", "通报标题一")

    heading("总体情况")
    _paragraph(doc, headline(report))
    _paragraph(doc, _overall(report))

    heading("赛马情况")
    if "race" in charts:
        _picture(doc, charts["race"])
    _table(doc, report.race.columns, report.race.rows)
    if report.race.compared is not None:
        _paragraph(doc, report.race.caption)

    if report.changes is not None:
        heading(f"{report.changes.title}")
        groups = _change_groups(report.changes)
        for name, rows in groups:
            _paragraph(doc, name, "通报标题二")
            _table(doc, CHANGES_TABLE, rows)
        for line in _change_lines(report.changes):
            _paragraph(doc, line)
        if not groups and not _change_lines(report.changes):
            _paragraph(doc, "无变化。")

    if report.followup is not None:  # 督办: the red, yellow and owed items by agency
        heading("督办事项")
        for line in _followup_note(report):
            _paragraph(doc, line)
        for agency in report.followup.agencies:
            _paragraph(doc, agency.heading, "通报标题二")
            _table(doc, FOLLOWUP_TABLE, agency.rows)

    if report.summary is not None:
        heading("按牵头单位")
        _table(doc, SUMMARY_TABLE, report.summary.rows)

    heading("逾期未报的指标")
    if report.stale:
        _table(doc, STALE_TABLE, report.stale)
    else:
        _paragraph(doc, "无。")

    pictured = [b for b in report.buses if str(b.facts["bus_id"]) in charts]
    if pictured:
        heading("各班车进度图")
        for bus in pictured:
            _paragraph(doc, visible_line(str(bus.facts["bus"])), "通报标题二")
            _picture(doc, charts[str(bus.facts["bus_id"])])

    heading("方法说明")
    for line in _method(report):
        _paragraph(doc, line)
    return _saved(doc)


def docx_followup(agency: AgencyItems, as_of: date, programme: str | None) -> bytes:
    """The 督办单 of one agency, in the same layout as the 通报: its items with their period,
    action and reply deadline."""
    doc = _document()
    _paragraph(doc, "督办单", "通报标题")
    _paragraph(doc, f"（截至{as_of.year}年{as_of.month}月{as_of.day}日）", "通报日期")
    counts = "，".join(f"{ITEM_LABELS[item]} {n} 项" for item, n in agency.counts)
    within = f"在{programme}中，" if programme else ""
    if agency.agency == UNASSIGNED_LEAD:  # buses without a lead: whoever answers for them
        _paragraph(doc, "各有关单位：", "通报称呼")
        text = f"{within}以下未明确牵头单位的指标有事项需要督办：{counts}。"
    else:
        _paragraph(doc, f"{agency.agency}：", "通报称呼")
        text = f"{within}贵单位牵头的指标有以下事项需要督办：{counts}。"
    if agency.reply_by is not None:
        reply = agency.reply_by
        text += f"请于{reply.year}年{reply.month}月{reply.day}日前书面回复整改情况。"
    _paragraph(doc, text)
    _table(doc, FOLLOWUP_TABLE, agency.rows)
    _paragraph(doc, "事项：红灯为严重滞后或逾期，黄灯为滞后，待报为逾期未报数，销号为已解除；"
               "连续为连续几次会商（待报为连续几期）。")  # fmt: skip
    return _saved(doc)


# ---------------------------------------------------------------------------------------------
# Layout


def _page(doc: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE[0]), Mm(PAGE[1])
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(BOTTOM - 7 - 6)  # the number's line 7 mm below the block
    # the document grid: 22 lines of 28 characters of 3号 in the 156 x 225 mm block
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(_pitch() * 20)))
    char_pitch = Mm(BLOCK[0]).pt / CHARS
    grid.set(qn("w:charSpace"), str(round((char_pitch - SIZE_3) * 4096)))
    sect.append(grid)


def _pitch() -> float:
    """The line pitch in points that sets 22 lines in the 225 mm block (28.95 pt)."""
    from docx.shared import Mm

    return round(Mm(BLOCK[1]).pt / LINES, 2)


def _east_asian(style_or_run: Any, font: str) -> None:
    """Set a font for Chinese and Latin text alike: Word picks Chinese glyphs by w:eastAsia."""
    from docx.oxml.ns import qn

    style_or_run.font.name = font
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), font)


def _styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles
    # what Word uses where a font is not set: 宋体, the font every Chinese system has
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None:
            for key in list(fonts.attrib):
                del fonts.attrib[key]
            fonts.set(qn("w:eastAsia"), NUMBER_FONT)
            fonts.set(qn("w:ascii"), "Times New Roman")
            fonts.set(qn("w:hAnsi"), "Times New Roman")

    normal = styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(SIZE_3)
    body = normal.paragraph_format
    body.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.line_spacing = Pt(_pitch())
    body.first_line_indent = Pt(SIZE_3 * 2)  # two characters
    body.space_before = body.space_after = Pt(0)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def style(name: str, font: str, size: float, centred: bool = False) -> Any:
        made = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        made.base_style = normal
        _east_asian(made, font)
        made.font.size = Pt(size)
        made.font.bold = False
        made.paragraph_format.keep_with_next = True
        if centred:
            made.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            made.paragraph_format.first_line_indent = Pt(0)
        return made

    title = style("通报标题", TITLE_FONT, SIZE_2, centred=True)
    title.paragraph_format.line_spacing = Pt(_pitch() * 1.2)  # 2号 needs more than one line
    style("通报日期", BODY_FONT, SIZE_3, centred=True)
    addressee = style("通报称呼", BODY_FONT, SIZE_3)  # 主送: flush left, no indent
    addressee.paragraph_format.first_line_indent = Pt(0)
    style("通报标题一", HEADING_FONT, SIZE_3)
    style("通报标题二", SECOND_FONT, SIZE_3)  # the second level is 楷体 by custom
    table = styles.add_style("通报表格", WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = normal
    _east_asian(table, BODY_FONT)
    table.font.size = Pt(SIZE_5)
    cells = table.paragraph_format
    cells.first_line_indent = Pt(0)
    cells.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cells.alignment = WD_ALIGN_PARAGRAPH.LEFT
    caption = styles.add_style("通报图", WD_STYLE_TYPE.PARAGRAPH)
    caption.base_style = normal
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _fonts(doc: Any) -> None:
    """Name in the font table what stands in for each font where it is not installed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alternative in FALLBACKS.items():
        for old in root.findall(f"{{{w}}}font[@{{{w}}}name='{name}']"):
            root.remove(old)
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        etree.SubElement(font, f"{{{w}}}altName").set(f"{{{w}}}val", alternative)
        etree.SubElement(font, f"{{{w}}}charset").set(f"{{{w}}}val", "86")  # GB2312
        etree.SubElement(font, f"{{{w}}}family").set(f"{{{w}}}val", "auto")
        etree.SubElement(font, f"{{{w}}}pitch").set(f"{{{w}}}val", "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_numbers(doc: Any) -> None:
    """Page numbers as "— 1 —" in 4号 宋体: right on odd pages, left on even ones, indented."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        form = paragraph.paragraph_format
        form.first_line_indent = Pt(0)
        form.left_indent = form.right_indent = Pt(SIZE_4)
        form.line_spacing = 1.0
        _number_run(paragraph, "— ")
        _field(paragraph, "PAGE")
        _number_run(paragraph, " —")


def _number_run(paragraph: Any, text: str) -> Any:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    _east_asian(run, NUMBER_FONT)
    run.font.size = Pt(SIZE_4)
    return run


def _field(paragraph: Any, code: str) -> None:
    """A field Word computes when it lays out the page (PAGE: this page's number)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        run = _number_run(paragraph, "")
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text is not None and text.strip() == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif text is not None:
            run.text = text


def _paragraph(doc: Any, text: str, style: str = "Normal") -> None:
    """A paragraph of user text: plain text, control characters shown, never markup."""
    doc.add_paragraph(visible_line(text), style=style)


def _picture(doc: Any, svg: str) -> None:
    """A chart as a PNG picture drawn by resvg, no wider than the text block."""
    from docx.shared import Mm

    from gongfu_cli.rendering.raster import svg_png, svg_size

    size = svg_size(svg)
    width = BLOCK[0] if size is None else min(BLOCK[0], size[0] * 25.4 / 96)
    paragraph = doc.add_paragraph(style="通报图")
    paragraph.add_run().add_picture(io.BytesIO(svg_png(svg)), width=Mm(width))


def _text_width(text: str) -> int:
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text) * 2


def _widths(columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> list[int]:
    """Column widths in twips that fill the text block and never pass it (rounded down), each
    as wide as its longest text (up to a cap, so a long source or name wraps rather than
    squeezing the numbers)."""
    natural = [
        min(24, max([_text_width(c.header)] + [_text_width(row[i]) for row in cells]) + 1)
        for i, c in enumerate(columns)
    ]
    total = sum(natural) or 1
    block = int(BLOCK[0] / 25.4 * 1440)
    return [block * n // total for n in natural]


def _table(doc: Any, columns: Sequence[Column], rows: Sequence[Row]) -> None:
    """A table as wide as the text block, its header row repeated on every page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    cells = [[visible_line(cell_text(c, row) or c.empty) for c in columns] for row in rows]
    widths = _widths(columns, cells)
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    props = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    props.append(layout)
    width = props.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        props.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(widths)))
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(w))
    header = table.rows[0]
    header_props = header._tr.get_or_add_trPr()
    header_props.append(OxmlElement("w:tblHeader"))
    for i, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        texts = [c.header for c in columns] if i == 0 else cells[i - 1]
        for j, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = Twips(widths[j])
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles["通报表格"]
            run = paragraph.add_run(text)
            if i == 0:
                run.bold = True
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif columns[j].right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(style="通报图")  # a breath after the table
